#include "server/delivery/deliveryhub.h"

#include "server/delivery/roomdirectory.h"
#include "server/metrics/metrics.h"
#include "shared/codec/wirecodec.h"

#include <algorithm>

namespace notify {

namespace events {
const QString announcement = QStringLiteral("announcement");
} // namespace events

namespace {

// What a change of some of a user's notifications tells their tabs.
DeliveryContent changeContent(DeliveryContent::Kind kind, const ChangeOutcome &change)
{
    DeliveryContent content;
    content.kind = kind;
    content.ids = change.ids;
    content.at = change.at;
    content.unreadCount = change.unreadCount;
    content.unseenCount = change.unseenCount;
    return content;
}

} // namespace

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

std::vector<int> DeliveryHub::publishCreated(const std::vector<InsertOutcome> &outcomes,
                                             qint64 committedAtNs)
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
    std::vector<int> members;
    const std::vector<RoomDirectory::ShardMask> holders = m_directory.holders(userRooms, &members);
    std::vector<DeliveryList> perShard(m_sinks.size());
    // What was pushed, to be recorded by the writer in a batch (docs/protocol.md, "Delivery
    // of a notification"): the connections counted above, one clock read per group.
    std::vector<PushRecord> pushes;
    if (m_pushRecorder)
        pushes.reserve(outcomes.size());
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    for (size_t i = 0; i < outcomes.size(); ++i) {
        if (!outcomes[i].created)
            continue;
        const Notification &n = outcomes[i].notification;
        if (m_pushRecorder)
            pushes.push_back(PushRecord {n.id, n.recipient, nowMs, members[i]});
        if (tracing())
            trace(n.id, n.content.title, userRooms[i]);
        if (watching())
            noteUserChange(
                {UserChange::Kind::Created, n.recipient, {n.id}, outcomes[i].unreadCountAfter});
        if (holders[i] == 0)
            continue;
        auto d = std::make_shared<Delivery>();
        d->room = std::move(userRooms[i]);
        d->committedAtNs = committedAtNs;
        d->content.kind = DeliveryContent::Kind::Created;
        d->content.notification = n;
        d->content.unreadCount = outcomes[i].unreadCountAfter;
        d->content.unseenCount = outcomes[i].unseenCountAfter;
        for (size_t shard = 0; shard < perShard.size(); ++shard) {
            if (holders[i] & (RoomDirectory::ShardMask(1) << shard))
                perShard[shard].push_back(d);
        }
    }
    for (size_t shard = 0; shard < perShard.size(); ++shard) {
        if (!perShard[shard].empty())
            m_sinks[shard]->deliver(std::move(perShard[shard]));
    }
    if (!pushes.empty())
        m_pushRecorder(std::move(pushes));
    return members;
}

void DeliveryHub::unreached(const std::vector<InsertOutcome> &outcomes)
{
    std::vector<PushRecord> pushes;
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    for (const InsertOutcome &o : outcomes) {
        if (!o.created)
            continue;
        const Notification &n = o.notification;
        if (m_pushRecorder)
            pushes.push_back(PushRecord {n.id, n.recipient, nowMs, 0});
        if (watching())
            noteUserChange({UserChange::Kind::Created, n.recipient, {n.id}, o.unreadCountAfter});
    }
    if (!pushes.empty())
        m_pushRecorder(std::move(pushes));
}

void DeliveryHub::setUserWatch(UserWatchFn fn)
{
    QMutexLocker lock(&m_watchMutex);
    m_userWatch = std::move(fn);
    updateWatching();
}

void DeliveryHub::setWatchedUsers(const QSet<Recipient> &users)
{
    QMutexLocker lock(&m_watchMutex);
    m_watched = users;
    updateWatching();
}

void DeliveryHub::setClusterWatch(UserWatchFn fn, const QSet<Recipient> &users)
{
    QMutexLocker lock(&m_watchMutex);
    m_clusterWatch = std::move(fn);
    m_clusterWatched = users;
    updateWatching();
}

void DeliveryHub::updateWatching()
{
    m_watching.store((m_userWatch && !m_watched.isEmpty())
                         || (m_clusterWatch && !m_clusterWatched.isEmpty()),
                     std::memory_order_relaxed);
}

void DeliveryHub::noteUserChange(const UserChange &change)
{
    if (!watching())
        return;
    QMutexLocker lock(&m_watchMutex);
    if (m_userWatch && m_watched.contains(change.recipient))
        m_userWatch(change);
    // The other nodes learn of creations, reads and deletions from the bus already; what
    // only this node knows is whom it pushed to and which receipts it took.
    const bool onlyHere
        = change.kind == UserChange::Kind::Pushed || change.kind == UserChange::Kind::Receipt;
    if (onlyHere && m_clusterWatch && m_clusterWatched.contains(change.recipient))
        m_clusterWatch(change);
}

void DeliveryHub::noteRemoteChange(const UserChange &change)
{
    if (!watching())
        return;
    QMutexLocker lock(&m_watchMutex);
    if (m_userWatch && m_watched.contains(change.recipient))
        m_userWatch(change);
}

void DeliveryHub::pushesRecorded(const std::vector<PushRecord> &pushes)
{
    if (!watching())
        return;
    // One change per watched recipient of the batch, with its ids.
    QHash<Recipient, QStringList> perUser;
    {
        QMutexLocker lock(&m_watchMutex);
        for (const PushRecord &p : pushes) {
            if (m_watched.contains(p.recipient) || m_clusterWatched.contains(p.recipient))
                perUser[p.recipient].append(p.notificationId);
        }
    }
    for (auto it = perUser.cbegin(); it != perUser.cend(); ++it)
        noteUserChange({UserChange::Kind::Pushed, it.key(), it.value(), -1});
}

void DeliveryHub::publishMarkedRead(const Recipient &r, const ChangeOutcome &change,
                                    ReadScope scope, Store *store)
{
    if (change.ids.isEmpty())
        return;
    bump(m_metrics.read, quint64(change.ids.size()));
    DeliveryContent content = changeContent(scope == ReadScope::All ? DeliveryContent::Kind::ReadAll
                                                                    : DeliveryContent::Kind::Read,
                                            change);
    if (watching())
        noteUserChange(
            {scope == ReadScope::All ? UserChange::Kind::ReadAll : UserChange::Kind::Read, r,
             change.ids, change.unreadCount});
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
    DeliveryContent content = changeContent(DeliveryContent::Kind::Deleted, change);
    if (watching())
        noteUserChange({UserChange::Kind::Deleted, r, change.ids, change.unreadCount});
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

void DeliveryHub::publishSeen(const Recipient &r, const ChangeOutcome &change, ReadScope scope)
{
    if (change.ids.isEmpty())
        return;
    publishToUser(r,
                  changeContent(scope == ReadScope::All ? DeliveryContent::Kind::SeenAll
                                                        : DeliveryContent::Kind::Seen,
                                change));
}

void DeliveryHub::publishUnreadCount(const Recipient &r, const InboxCounts &counts)
{
    DeliveryContent content;
    content.kind = DeliveryContent::Kind::UnreadCount;
    content.unreadCount = counts.unread;
    content.unseenCount = counts.unseen;
    if (watching())
        noteUserChange({UserChange::Kind::UnreadCount, r, {}, counts.unread});
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
