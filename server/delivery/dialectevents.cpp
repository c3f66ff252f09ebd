#include "server/delivery/dialectevents.h"

#include "server/delivery/eventjson.h"
#include "shared/codec/jsonstring.h"
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"
#include "shared/model/priority.h"

#include <QJsonArray>

#include <algorithm>

namespace notify {

namespace {

using Kind = DeliveryContent::Kind;

QJsonValue stringOrNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

// Dialect events are built with QJsonDocument: they are encoded once per delivery, like the
// standard ones, but only when a connection speaks the dialect.
class Events
{
public:
    // `spoken`: the endpoints the dialect exists on; `wanted`: the frames the caller needs.
    Events(int spoken, int wanted)
        : m_flavours((spoken & wanted) ? (spoken & wanted) : spoken)
    {
        m_events.reserve(2); // mostly an event and the count: one allocation, no growth
    }
    void add(const QString &name, const QJsonObject &data)
    {
        m_events.push_back(EncodedEvent::make(name, data, m_flavours));
    }
    void push(EncodedEvent e) { m_events.push_back(std::move(e)); }
    int flavours() const { return m_flavours; }
    std::vector<EncodedEvent> take() { return std::move(m_events); }

private:
    int m_flavours;
    std::vector<EncodedEvent> m_events;
};

// --- standard

// Scratch for the JSON of a standard event, kept per thread so that encoding one allocates
// only its frames.
QByteArray &scratchJson()
{
    thread_local QByteArray buffer;
    buffer.truncate(0); // keeps the capacity
    return buffer;
}

// Goes with every delivery, so it is written by hand: byte for byte what QJsonDocument
// gives (keys sorted).
EncodedEvent unreadCountEvent(qint64 count, qint64 unseen, QByteArrayView timestampJson,
                              int flavours)
{
    QByteArray &json = scratchJson();
    json += "{\"timestamp\":";
    json += timestampJson;
    json += ",\"unreadCount\":";
    json::appendInteger(json, count);
    json += ",\"unseenCount\":";
    json::appendInteger(json, unseen);
    json += '}';
    return EncodedEvent::fromJson("notification:unread_count", json, flavours);
}

std::vector<EncodedEvent> standardEvents(const DeliveryContent &c, int flavours,
                                         QByteArrayView timestampJson)
{
    QByteArray now;
    if (timestampJson.isEmpty()) {
        now = nowTimestampJson();
        timestampJson = now;
    }
    Events out(EncodedEvent::All, flavours);
    switch (c.kind) {
    case Kind::Created: {
        // Written directly (the same bytes as notificationToClientJson through
        // QJsonDocument): every delivered notification is encoded here.
        QByteArray &json = scratchJson();
        appendCreatedEventJson(json, c.notification, timestampJson);
        out.push(
            EncodedEvent::fromJson("notification:new", json, out.flavours(), c.notification.seq));
        break;
    }
    case Kind::Read:
    case Kind::ReadAll:
        out.add(QStringLiteral("notification:marked_read"),
                {{QStringLiteral("notificationIds"), QJsonArray::fromStringList(c.ids)},
                 {QStringLiteral("readAt"), formatTimestamp(c.at)}});
        break;
    case Kind::Deleted:
        out.add(QStringLiteral("notification:deleted"),
                {{QStringLiteral("notificationIds"), QJsonArray::fromStringList(c.ids)}});
        break;
    case Kind::Seen:
    case Kind::SeenAll:
        out.add(QStringLiteral("notification:seen"),
                {{QStringLiteral("notificationIds"), QJsonArray::fromStringList(c.ids)},
                 {QStringLiteral("seenAt"), formatTimestamp(c.at)}});
        break;
    case Kind::UnreadCount:
    case Kind::Other:
        break;
    }
    out.push(unreadCountEvent(c.unreadCount, c.unseenCount, timestampJson, out.flavours()));
    return out.take();
}

// --- snake (docs/protocol.md, "snake"): every change is told by the count alone

const QString snakeNotification = QStringLiteral("notification");
const QString snakeUnread = QStringLiteral("unread_count");

QJsonObject snakeCount(qint64 count)
{
    return {{QStringLiteral("count"), count}};
}

std::vector<EncodedEvent> snakeEvents(const DeliveryContent &c, int flavours)
{
    Events out(EncodedEvent::Plain, flavours);
    if (c.kind == Kind::Created)
        out.add(snakeNotification, snakeNotificationJson(c.notification));
    out.add(snakeUnread, snakeCount(c.unreadCount));
    return out.take();
}

// --- colon (docs/protocol.md, "colon")

const QString colonNew = QStringLiteral("notification:new");
const QString colonRead = QStringLiteral("notification:read");
const QString colonDeleted = QStringLiteral("notification:deleted");
const QString colonUnread = QStringLiteral("unread:count");

std::vector<EncodedEvent> colonEvents(const DeliveryContent &c, int flavours)
{
    Events out(EncodedEvent::SocketIo, flavours);
    switch (c.kind) {
    case Kind::Created:
        out.add(colonNew, colonNotificationJson(c.notification));
        break;
    case Kind::Read:
    case Kind::ReadAll: {
        const QString readAt = formatTimestamp(c.at);
        for (const QString &id : c.ids)
            out.add(colonRead, {{QStringLiteral("id"), id}, {QStringLiteral("readAt"), readAt}});
        break;
    }
    case Kind::Deleted:
        for (const QString &id : c.ids)
            out.add(colonDeleted, {{QStringLiteral("id"), id}});
        break;
    case Kind::Seen: // the seed has no seen state: the count says all
    case Kind::SeenAll:
    case Kind::UnreadCount:
    case Kind::Other:
        break;
    }
    out.add(colonUnread, {{QStringLiteral("count"), c.unreadCount}});
    return out.take();
}

// --- crud (docs/protocol.md, "crud"), plus a count event of notifyd's own

const QString crudCreated = QStringLiteral("notification:created");
const QString crudUpdated = QStringLiteral("notification:updated");
const QString crudBulkUpdated = QStringLiteral("notifications:bulk-updated");
const QString crudDeleted = QStringLiteral("notification:deleted");
const QString crudUnread = QStringLiteral("notifications:unread-count");

QJsonObject crudBulkRead(const QString &action, const QStringList &ids, const QDateTime &at)
{
    return {{QStringLiteral("action"), action},
            {QStringLiteral("ids"), QJsonArray::fromStringList(ids)},
            {QStringLiteral("count"), ids.size()},
            {QStringLiteral("changes"), QJsonObject {{QStringLiteral("isRead"), true}}},
            {QStringLiteral("updatedAt"), formatTimestamp(at)}};
}

std::vector<EncodedEvent> crudEvents(const DeliveryContent &c, int flavours)
{
    Events out(EncodedEvent::SocketIo, flavours);
    switch (c.kind) {
    case Kind::Created:
        out.add(crudCreated, crudNotificationJson(c.notification));
        break;
    case Kind::Read: {
        // The whole updated notification for each one read; an id whose row could not be
        // read back (storage failed right after the change) is told as a bulk update.
        QStringList unsent;
        for (const QString &id : c.ids) {
            const auto it = std::find_if(c.changed.cbegin(), c.changed.cend(),
                                         [&](const Notification &n) { return n.id == id; });
            if (it == c.changed.cend())
                unsent.append(id);
            else
                out.add(crudUpdated, crudNotificationJson(*it));
        }
        if (!unsent.isEmpty())
            out.add(crudBulkUpdated, crudBulkRead(QStringLiteral("markAsRead"), unsent, c.at));
        break;
    }
    case Kind::ReadAll:
        out.add(crudBulkUpdated, crudBulkRead(QStringLiteral("markAllAsRead"), c.ids, c.at));
        break;
    case Kind::Deleted:
        for (const QString &id : c.ids)
            out.add(crudDeleted, {{QStringLiteral("id"), id}});
        break;
    case Kind::Seen: // the seed has no seen state: the count says all
    case Kind::SeenAll:
    case Kind::UnreadCount:
    case Kind::Other:
        break;
    }
    out.add(crudUnread, {{QStringLiteral("count"), c.unreadCount}});
    return out.take();
}

} // namespace

QJsonObject snakeNotificationJson(const Notification &n)
{
    const NotificationContent &c = n.content;
    return {{QStringLiteral("notification_id"), n.id},
            {QStringLiteral("title"), c.title},
            {QStringLiteral("body"), c.body},
            {QStringLiteral("priority"), priorityName(c.priority).toUpper()},
            {QStringLiteral("action_url"), stringOrNull(c.actionUrl)},
            {QStringLiteral("event_type"), c.type},
            {QStringLiteral("metadata"), c.metadata},
            {QStringLiteral("created_at"), timestampOrNull(n.createdAt)}};
}

QJsonObject colonNotificationJson(const Notification &n)
{
    QJsonObject json = notificationToClientJson(n);
    json.insert(QStringLiteral("message"), json.take(QStringLiteral("body")));
    return json;
}

QJsonObject crudNotificationJson(const Notification &n)
{
    const NotificationContent &c = n.content;
    // updatedAt: the last change the client can see (its reading), else its creation.
    const QDateTime updated = n.readAt.isValid() ? n.readAt : n.createdAt;
    return {{QStringLiteral("id"), n.id},
            {QStringLiteral("seq"), n.seq},
            {QStringLiteral("type"), c.type},
            {QStringLiteral("title"), c.title},
            {QStringLiteral("message"), c.body},
            {QStringLiteral("isRead"), n.isRead()},
            {QStringLiteral("createdAt"), timestampOrNull(n.createdAt)},
            {QStringLiteral("updatedAt"), timestampOrNull(updated)},
            {QStringLiteral("relatedLeadId"),
             c.entityType == QLatin1String("lead") ? stringOrNull(c.entityId)
                                                   : QJsonValue(QJsonValue::Null)}};
}

QByteArray nowTimestampJson()
{
    thread_local qint64 formattedMs = -1;
    thread_local QByteArray text;
    const qint64 ms = QDateTime::currentMSecsSinceEpoch();
    if (ms != formattedMs) {
        formattedMs = ms;
        text.truncate(0);
        appendTimestampJson(text, ms);
    }
    return text;
}

std::vector<EncodedEvent> encodeForDialect(Dialect dialect, const DeliveryContent &content,
                                           int flavours, QByteArrayView timestampJson)
{
    switch (dialect) {
    case Dialect::Snake:
        return snakeEvents(content, flavours);
    case Dialect::Colon:
        return colonEvents(content, flavours);
    case Dialect::Crud:
        return crudEvents(content, flavours);
    case Dialect::Standard:
        break;
    }
    return standardEvents(content, flavours, timestampJson);
}

std::vector<EncodedEvent> initialEventsFor(Dialect dialect, qint64 unreadCount,
                                           const std::vector<Notification> *missed)
{
    std::vector<EncodedEvent> out;
    if (missed) {
        for (const Notification &n : *missed) {
            DeliveryContent c;
            c.kind = Kind::Created;
            c.notification = n;
            // Only the new-notification event: the count follows once, after all of them.
            std::vector<EncodedEvent> events = encodeForDialect(dialect, c);
            if (!events.empty())
                out.push_back(std::move(events.front()));
        }
    }
    DeliveryContent count;
    count.kind = Kind::UnreadCount;
    count.unreadCount = unreadCount;
    for (EncodedEvent &e : encodeForDialect(dialect, count))
        out.push_back(std::move(e));
    return out;
}

} // namespace notify
