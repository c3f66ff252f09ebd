#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QStringView>

#include "server/websocket/frame.h"

// Helpers shared by the Engine.IO and Socket.IO codecs; not part of their public API.
namespace notify::eio::detail {

// Strict UTF-8 (the WebSocket layer's check): the polling body and the namespace reach us
// as raw bytes, and QJsonDocument only checks the bytes inside JSON strings.
using ws::isValidUtf8;

// Appends `text` (UTF-8) as a JSON string literal, quotes included. Hand-written rather
// than going through QJsonDocument so that frames are assembled without building a DOM.
// Only '"', '\\' and control characters are escaped; other bytes are copied as they are.
void appendJsonString(QByteArray &out, QByteArrayView utf8);
void appendJsonString(QByteArray &out, QStringView text);

// Byte length `appendJsonString` will add, so that callers can reserve exactly once.
qsizetype jsonStringSize(QByteArrayView utf8);

} // namespace notify::eio::detail
