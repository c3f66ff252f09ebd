#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QStringView>

// The JSON string writer of every hand-assembled payload (Engine.IO/Socket.IO packets, the
// notification:new event data): frames are built without a QJsonDocument DOM.
namespace notify::json {

// `text` (UTF-8) as a JSON string literal, quotes included. Only '"', '\\' and control
// characters are escaped; every other byte is copied as it is.
void appendString(QByteArray &out, QByteArrayView utf8);
// Byte length appendString(out, utf8) adds, so that callers can reserve exactly once.
qsizetype stringSize(QByteArrayView utf8);

// `text` as QJsonDocument (compact) writes a string, byte for byte: ", \ and control
// characters escaped, everything else as UTF-8, an unpaired surrogate as \uXXXX.
void appendQtString(QByteArray &out, QStringView text);

// `value` as a JSON number (what QJsonDocument writes for an integer), without a temporary.
void appendInteger(QByteArray &out, qint64 value);

} // namespace notify::json
