#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace notify {

// UTC ISO-8601 with milliseconds and a 'Z': "2026-02-17T10:00:00.000Z".
QString formatTimestamp(const QDateTime &t);
// null QDateTime → JSON null, else the formatted string.
QJsonValue timestampOrNull(const QDateTime &t);
// Accepts ISO-8601 with 'Z' or an offset, with or without milliseconds; result is UTC.
std::optional<QDateTime> parseTimestamp(const QString &text);

} // namespace notify
