#include "server/protocol/dialectrequests.h"

#include "server/delivery/dialectevents.h"
#include "server/protocol/connectionhost.h"
#include "shared/codec/errorcodes.h"

#include <QJsonArray>

namespace notify {

namespace {
const QString invalidPayload = codes::invalidPayload;

// join(userId): rooms come from the credential, never from the client. The user's own id
// names the room it is already in, so the client's call is answered as done; any other id
// is refused with an `error` event, and nothing is joined.
void colonJoin(ClientConnection &c, const QJsonValue &arg, const ReplyTo &to)
{
    QString userId;
    if (arg.isString())
        userId = arg.toString();
    else if (arg.isObject())
        userId = arg.toObject().value(QStringLiteral("userId")).toString();
    if (!userId.isEmpty() && userId == c.identity.recipient.userId) {
        c.reply(to, {{QStringLiteral("ok"), true}});
        return;
    }
    const QString code = QStringLiteral("forbidden");
    const QString message
        = QStringLiteral("join: a connection is only in its own user's room, taken from its "
                         "credential");
    c.replyError({}, code, message); // the `error` event, ack or not
    if (to.ackId >= 0)
        c.replyError(to, code, message);
}
} // namespace

void handleDialectEvent(ConnectionHost &shard, ClientConnection &c, const QString &name,
                        const QJsonValue &arg, const ReplyTo &to)
{
    if (c.dialect == Dialect::Colon) {
        if (name == QLatin1String("join")) {
            colonJoin(c, arg, to);
            return;
        }
        if (name == QLatin1String("mark:read")) {
            const QJsonValue id = arg.toObject().value(QStringLiteral("notificationId"));
            if (!id.isString() || id.toString().isEmpty()) {
                c.replyError(to, invalidPayload,
                             QStringLiteral("notificationId: must be a non-empty string"));
                return;
            }
            shard.handleRequest(c, QStringLiteral("mark_read"),
                                {{QStringLiteral("notificationIds"), QJsonArray {id}}}, to);
            return;
        }
        if (name == QLatin1String("mark:all:read")) {
            shard.handleRequest(c, QStringLiteral("mark_all_read"), {}, to);
            return;
        }
    }
    if (!arg.isUndefined() && !arg.isNull() && !arg.isObject()) {
        c.replyError(to, invalidPayload, QStringLiteral("data: must be a JSON object"));
        return;
    }
    shard.handleRequest(c, name, arg.toObject(), to);
}

void pushInitialEvents(ClientConnection &c, qint64 unreadCount, const Page *missed)
{
    for (const EncodedEvent &e :
         initialEventsFor(c.dialect, unreadCount, missed ? &missed->notifications : nullptr))
        c.push(e);
    c.flush();
}

} // namespace notify
