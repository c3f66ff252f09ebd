#pragma once

#include "server/delivery/deliverycontent.h"
#include "server/delivery/encodedevent.h"
#include "server/dialect/dialect.h"

#include <QJsonObject>

#include <vector>

namespace notify {

// The events of one delivery in one dialect (docs/protocol.md, "Dialects"), each encoded
// once for the endpoints that dialect may be spoken on. Called once per delivery and
// dialect (Delivery::eventsFor), on whichever shard needs it first.
// `flavours` narrows the frames built (EncodedEvent::Flavour) to those a caller needs.
// `timestampJson`: the standard events' "timestamp" as a JSON string literal (empty: now).
std::vector<EncodedEvent> encodeForDialect(Dialect dialect, const DeliveryContent &content,
                                           int flavours = EncodedEvent::All,
                                           QByteArrayView timestampJson = {});

// Now as the standard events' "timestamp", a JSON string literal; formatted once per
// millisecond and thread (a shard encodes a whole batch within a few), not per delivery.
QByteArray nowTimestampJson();

// What a new connection of a non-standard dialect gets after joining its rooms: the
// notifications missed since its lastSeq (ascending; null when it gave none) as that
// dialect's "new notification" events, then its unread count.
std::vector<EncodedEvent> initialEventsFor(Dialect dialect, qint64 unreadCount,
                                           const std::vector<Notification> *missed);

// The notification object of each dialect.
QJsonObject snakeNotificationJson(const Notification &n); // snake's notification payload
QJsonObject colonNotificationJson(const Notification &n); // the client object, body as message
QJsonObject crudNotificationJson(const Notification &n); // crud's notification model

} // namespace notify
