#pragma once

#include "server/protocol/clientconnection.h"
#include "shared/store/store.h"

#include <QJsonValue>
#include <QString>

namespace notify {

class ConnectionHost;

// A client event on a Socket.IO connection whose dialect is not standard, after the rate
// limit admitted it. The dialect's own events are translated into the standard requests
// (colon: mark:read, mark:all:read) or answered here (colon: join); anything else is a
// standard request, so every dialect keeps get_recent, mark_read, delete and the rest.
void handleDialectEvent(ConnectionHost &shard, ClientConnection &c, const QString &name,
                        const QJsonValue &arg, const ReplyTo &to);

// After a connection of a non-standard dialect joined its rooms: the notifications it
// missed since its lastSeq (`missed`, null without one) in its dialect, then its unread
// count, sent at once.
void pushInitialEvents(ClientConnection &c, qint64 unreadCount, const Page *missed);

} // namespace notify
