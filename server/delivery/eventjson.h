#pragma once

#include "shared/model/notification.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QString>

namespace notify {

// The data of a notification:new event, {"notification":{...},"timestamp":"..."}, written
// directly: byte for byte what QJsonDocument (compact) makes of notificationToClientJson,
// keys in its sorted order and strings escaped as it does, at a fraction of the cost. It is
// built for every delivered notification (by a shard, Delivery::eventsFor).
QByteArray createdEventJson(const Notification &n, const QString &timestamp);
// The same appended to `out`; `timestampJson` is the timestamp already as a JSON string
// literal, quotes included (appendTimestampJson).
void appendCreatedEventJson(QByteArray &out, const Notification &n, QByteArrayView timestampJson);

// formatTimestamp(t) as a JSON string literal, or null when t is invalid: the same bytes as
// QJsonDocument writes for timestampOrNull(t), without a QDateTime::toString per call.
void appendTimestampJson(QByteArray &out, const QDateTime &t);
// The same for a time in milliseconds since the epoch (UTC).
void appendTimestampJson(QByteArray &out, qint64 msecsSinceEpoch);

} // namespace notify
