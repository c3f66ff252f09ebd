#include "server/delivery/deliveryhub.h"

#include "server/delivery/roomdirectory.h"
#include "server/metrics/metrics.h"
#include "shared/codec/wirecodec.h"

#include <algorithm>

namespace notify {

namespace events {
const QString announcement = QStringLiteral("announcement");
} // namespace events

DeliveryHub::DeliveryHub(RoomDirectory &directory, Metrics &metrics)
    : m_directory(directory)
    , m_metrics(metrics)
{ }

void DeliveryHub::publish(DeliveryList deliveries)
{
    if (deliveries.empty() || m_sinks.empty())
        return;
    for (size_t i = 0; i + 1 < m_sinks.size(); ++i)
        m_sinks[i]->deliver(deliveries);
    m_sinks.back()->deliver(std::move(deliveries));
}

void DeliveryHub::publishCreated(const std::vector<InsertOutcome> &outcomes, qint64 committedAtNs)
{
    // This runs on the store writer right after a commit, so it only decides who may need
    // an event and hands the content over: encoding happens on the shard that first finds a
    // connection of the room (Delivery::eventsFor), once per delivery and dialect.
    std::vector<QString> userRooms;
    userRooms.reserve(outcomes.size());
    for (const InsertOutcome &o : outcomes)
        userRooms.push_back(o.created ? rooms::user(o.notification.recipient) : QString());
    // A recipient with no connection on this node gets nothing, and each shard gets only
    // the deliveries of the rooms it holds: a shard without any is not woken at all. One
    // that connects after this check reads its unread count (and replay) after the commit,
    // so it misses nothing.
    const std::vector<RoomDirectory::ShardMask> holders = m_directory.holders(userRooms);
    std::vector<DeliveryList> perShard(m_sinks.size());
    for (size_t i = 0; i < outcomes.size(); ++i) {
        if (!outcomes[i].created)
            continue;
        const Notification &n = outcomes[i].notification;
        if (tracing())
            trace(n.id, n.content.title, userRooms[i]);
        if (holders[i] == 0)
            continue;
        auto d = std::make_shared<Delivery>();
        d->room = std::move(userRooms[i]);
        d->committedAtNs = committedAtNs;
        d->content.kind = DeliveryContent::Kind::Created;
        d->content.notification = n;
        d->content.unreadCount = outcomes[i].unreadCountAfter;
        for (size_t shard = 0; shard < perShard.size(); ++shard) {
            if (holders[i] & (RoomDirectory::ShardMask(1) << shard))
                perShard[shard].push_back(d);
        }
    }
    for (size_t shard = 0; shard < perShard.size(); ++shard) {
        if (!perShard[shard].empty())
            m_sinks[shard]->deliver(std::move(perShard[shard]));
    }
}

void DeliveryHub::publishMarkedRead(const Recipient &r, const ChangeOutcome &change,
                                    ReadScope scope, Store *store)
{
    if (change.ids.isEmpty())
        return;
    bump(m_metrics.read, quint64(change.ids.size()));
    DeliveryContent content;
    content.kind
        = scope == ReadScope::All ? DeliveryContent::Kind::ReadAll : DeliveryContent::Kind::Read;
    content.ids = change.ids;
    content.at = change.at;
    content.unreadCount = change.unreadCount;
    if (scope == ReadScope::Ids && store && m_dialects.contains(Dialect::Crud)
        && m_directory.members(rooms::user(r)) > 0) {
        // At most 500 ids (a request's limit), by primary key, on the writer that just
        // changed them; when the read fails the crud encoder falls back to a bulk update.
        auto rows = store->findMany(r, change.ids);
        if (rows.ok())
            content.changed = std::move(rows.value());
    }
    publishToUser(r, std::move(content));
}

void DeliveryHub::publishDeleted(const Recipient &r, const ChangeOutcome &change)
{
    if (change.ids.isEmpty())
        return;
    DeliveryContent content;
    content.kind = DeliveryContent::Kind::Deleted;
    content.ids = change.ids;
    content.at = change.at;
    content.unreadCount = change.unreadCount;
    publishToUser(r, std::move(content));
}

void DeliveryHub::publishToUser(const Recipient &r, DeliveryContent content)
{
    // Encoded by the shards that have a connection of the user (Delivery::eventsFor).
    auto d = std::make_shared<Delivery>();
    d->room = rooms::user(r);
    d->content = std::move(content);
    publish({std::move(d)});
}

void DeliveryHub::publishUnreadCount(const Recipient &r, qint64 unreadCount)
{
    DeliveryContent content;
    content.kind = DeliveryContent::Kind::UnreadCount;
    content.unreadCount = unreadCount;
    publishToUser(r, std::move(content));
}

int DeliveryHub::publishAnnouncement(const QString &room, const QJsonObject &announcement)
{
    {
        QMutexLocker lock(&m_traceMutex);
        if (m_announcementForwarder)
            m_announcementForwarder(room, announcement);
    }
    return deliverAnnouncement(room, announcement);
}

void DeliveryHub::setAnnouncementForwarder(AnnouncementFn fn)
{
    QMutexLocker lock(&m_traceMutex);
    m_announcementForwarder = std::move(fn);
}

int DeliveryHub::deliverAnnouncement(const QString &room, const QJsonObject &announcement)
{
    auto d = std::make_shared<Delivery>();
    d->room = room;
    d->events.push_back(EncodedEvent::make(events::announcement, announcement));
    const int reached = m_directory.members(room);
    bump(m_metrics.broadcasts);
    if (tracing())
        trace(announcement.value(QStringLiteral("id")).toString(),
              announcement.value(QStringLiteral("title")).toString(), room);
    publish({std::move(d)});
    return reached;
}

void DeliveryHub::revokeSession(const QByteArray &sessionHash)
{
    for (DeliverySink *sink : m_sinks)
        sink->revokeSession(sessionHash);
}

int DeliveryHub::connectionsReached(const std::vector<InsertOutcome> &outcomes) const
{
    QStringList userRooms;
    for (const InsertOutcome &o : outcomes) {
        if (o.created)
            userRooms.append(rooms::user(o.notification.recipient));
    }
    return m_directory.membersOf(userRooms);
}

void DeliveryHub::setTrace(TraceFn fn)
{
    QMutexLocker lock(&m_traceMutex);
    m_trace = std::move(fn);
    m_tracing.store(m_trace || m_clusterTrace, std::memory_order_relaxed);
}

void DeliveryHub::setClusterTrace(TraceFn fn)
{
    QMutexLocker lock(&m_traceMutex);
    m_clusterTrace = std::move(fn);
    m_tracing.store(m_trace || m_clusterTrace, std::memory_order_relaxed);
}

void DeliveryHub::trace(const QString &notificationId, const QString &title, const QString &room)
{
    const int connections = m_directory.members(room);
    QMutexLocker lock(&m_traceMutex);
    if (m_trace)
        m_trace(notificationId, title, room, connections);
    if (m_clusterTrace)
        m_clusterTrace(notificationId, title, room, connections);
}

} // namespace notify
