#pragma once

#include "server/delivery/encodedevent.h"
#include "server/storage/commitsink.h"
#include "shared/store/store.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QSet>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <optional>
#include <vector>

namespace notify {

class Metrics;
class RoomDirectory;

// Something that holds client connections: a shard. Both calls are made from any thread
// and must only post work to the sink's own thread.
class DeliverySink
{
public:
    virtual ~DeliverySink() = default;
    virtual void deliver(DeliveryList deliveries) = 0;
    virtual void revokeSession(QByteArray sessionHash) = 0;
};

// Turns committed changes into deliveries (what happened, to which room) and hands them to
// the shards (created notifications only to the shards that hold the room, the rest to
// every shard; each shard knows which of its connections are in the room); the first shard
// that has a connection of the room encodes each event once, and every connection gets the
// shared bytes. Thread-safe: the store writer publishes right after a commit, the API and
// shards after their changes, so the publishers do no encoding except an announcement's.
//
// On a single node the hub is the writer's CommitSink; on a cluster the ClusterNode is, and
// hands the hub each group once it is in order with the other nodes' commits.
class DeliveryHub : public CommitSink
{
public:
    // title: the notification's or the announcement's, so that a trace names what went out.
    using TraceFn = std::function<void(const QString &notificationId, const QString &title,
                                       const QString &room, int connections)>;

    DeliveryHub(RoomDirectory &directory, Metrics &metrics);

    // Registration happens before the server starts accepting; no lock needed after. The
    // sinks are the shards in index order: the room directory's shard numbers.
    void addSink(DeliverySink *sink) { m_sinks.push_back(sink); }
    // The dialects the endpoints speak (standard only, by default); set before accepting.
    void setDialects(DialectSet inUse) { m_dialects = inUse; }

    enum class ReadScope { Ids, All };

    void publish(DeliveryList deliveries);

    // notification:new + notification:unread_count for each created notification of one
    // committed group, to the shards that hold its recipient's room (each outcome's
    // unreadCountAfter: its recipient's count right after it). Counts nothing: the writer
    // counts what it created. Returns, per outcome, the connections of this node its
    // recipient's room had (0 for one not created).
    std::vector<int> publishCreated(const std::vector<InsertOutcome> &outcomes,
                                    qint64 committedAtNs);
    // CommitSink, on a single node: the group goes out as it is.
    std::vector<int> committed(const std::vector<InsertOutcome> &outcomes,
                               qint64 committedAtNs) override
    {
        return publishCreated(outcomes, committedAtNs);
    }
    // notification:marked_read / notification:deleted, then the new unread count. `store`
    // (the writer's, which made the change) reads the rows back for a dialect that sends
    // whole notifications after a read (crud), only when one is in use.
    void publishMarkedRead(const Recipient &r, const ChangeOutcome &change,
                           ReadScope scope = ReadScope::Ids, Store *store = nullptr);
    void publishDeleted(const Recipient &r, const ChangeOutcome &change);
    // notification:seen, then the counts (docs/protocol.md, "Inbox states").
    void publishSeen(const Recipient &r, const ChangeOutcome &change,
                     ReadScope scope = ReadScope::Ids);
    void publishUnreadCount(const Recipient &r, const InboxCounts &counts);
    // A live announcement to a room; returns the connections it reached.
    int publishAnnouncement(const QString &room, const QJsonObject &announcement);
    // The same without telling the forwarder (an announcement that came from another node).
    int deliverAnnouncement(const QString &room, const QJsonObject &announcement);
    // Told of every announcement published on this node (the cluster sends it on).
    using AnnouncementFn = std::function<void(const QString &room, const QJsonObject &)>;
    void setAnnouncementForwarder(AnnouncementFn fn);
    void revokeSession(const QByteArray &sessionHash);

    // Where the hub's pushes go to be recorded (StoreWorker::recordPushes): one call per
    // committed group with one record per created notification, the connections of its
    // recipient on this node (0: none open). Set once at start-up.
    using PushRecorder = std::function<void(std::vector<PushRecord>)>;
    void setPushRecorder(PushRecorder fn) { m_pushRecorder = std::move(fn); }
    // Created notifications this node does not push (a cluster node without a connection of
    // their recipients, clusternode.cpp): recorded as pushed to none, and told to the user
    // watch, as publishCreated would.
    void unreached(const std::vector<InsertOutcome> &outcomes);

    // The admin channel's user watch (docs/protocol.md, "watch_user"): every change of a
    // watched user that passes here, or that the cluster bus sees for a user without a
    // connection on this node (noteUserChange). Called on the thread of the change: the
    // function only posts. Costs one relaxed load per change while nobody watches.
    struct UserChange
    {
        enum class Kind { Created, Read, ReadAll, Deleted, UnreadCount, Pushed, Receipt };
        UserChange() = default;
        UserChange(Kind kind, Recipient recipient, QStringList ids, qint64 unreadCount,
                   QString node = {})
            : kind(kind)
            , recipient(std::move(recipient))
            , ids(std::move(ids))
            , unreadCount(unreadCount)
            , node(std::move(node))
        { }
        Kind kind = Kind::Created;
        Recipient recipient;
        QStringList ids;
        qint64 unreadCount = -1; // -1: not known with this change
        QString node; // another node's id when that node saw the change (noteRemoteChange)
    };
    using UserWatchFn = std::function<void(const UserChange &)>;
    void setUserWatch(UserWatchFn fn);
    // The users watched now (every console's); empty stops the watch.
    void setWatchedUsers(const QSet<Recipient> &users);
    // The users other nodes' consoles watch (the cluster bus, clusterwatch.cpp): this node's
    // pushes and receipts of them go to fn, the changes the bus does not carry already.
    void setClusterWatch(UserWatchFn fn, const QSet<Recipient> &users);
    bool watching() const { return m_watching.load(std::memory_order_relaxed); }
    void noteUserChange(const UserChange &change);
    // A change another node saw (WatchActivity): to this node's consoles only.
    void noteRemoteChange(const UserChange &change);
    // The writer recorded these pushes (StoreWorker::setPushesRecorded).
    void pushesRecorded(const std::vector<PushRecord> &pushes);

    // Connections in the user rooms of the created notifications (for deliveredConnections).
    int connectionsReached(const std::vector<InsertOutcome> &outcomes) const;

    // The node's consoles (the admin channel) and the other nodes' consoles (the cluster
    // bus) trace apart: each sets or clears its own function; either one set turns on
    // tracing.
    void setTrace(TraceFn fn);
    void setClusterTrace(TraceFn fn);
    bool tracing() const { return m_tracing.load(std::memory_order_relaxed); }

private:
    // One delivery to the user's room, encoded by the shards (each dialect's events).
    void publishToUser(const Recipient &r, DeliveryContent content);
    void trace(const QString &notificationId, const QString &title, const QString &room);
    static DialectSet standardOnly()
    {
        DialectSet set;
        set.insert(Dialect::Standard);
        return set;
    }

    RoomDirectory &m_directory;
    Metrics &m_metrics;
    std::vector<DeliverySink *> m_sinks;
    DialectSet m_dialects = standardOnly();
    std::atomic<bool> m_tracing {false};
    QMutex m_traceMutex;
    TraceFn m_trace;
    TraceFn m_clusterTrace;
    AnnouncementFn m_announcementForwarder;
    PushRecorder m_pushRecorder;
    std::atomic<bool> m_watching {false};
    QMutex m_watchMutex;
    UserWatchFn m_userWatch;
    QSet<Recipient> m_watched;
    UserWatchFn m_clusterWatch;
    QSet<Recipient> m_clusterWatched;
    void updateWatching(); // under m_watchMutex
};

} // namespace notify
