#pragma once

#include "shared/bus/busmessage.h"
#include "shared/model/notification.h"
#include "shared/model/recipient.h"
#include "shared/model/result.h"
#include "shared/model/session.h"
#include "shared/store/storeconfig.h"
#include "shared/store/storeerror.h"

#include <QDateTime>
#include <QHash>
#include <QSqlDatabase>
#include <QStringList>

#include <limits>
#include <memory>
#include <optional>
#include <vector>

namespace notify {

class ConnectionWatch;

template<typename T> using StoreResult = Result<T, StoreError>;

struct InsertOutcome
{
    Notification notification;
    bool created = true; // false: an idempotent replay, notification is the original
    // The recipient's unread count right after the whole batch committed (the same value in
    // every outcome of one recipient), so that callers need not read it again.
    qint64 unreadCountAfter = 0;
    qint64 unseenCountAfter = 0; // the same for the unseen count
};

// A recipient's badges (docs/protocol.md, "Inbox states"): unread, and unseen (neither seen
// nor read).
struct InboxCounts
{
    qint64 unread = 0;
    qint64 unseen = 0;
};

struct InboxQuery
{
    int limit = 20; // 1..100 (clamped)
    std::optional<qint64> beforeSeq; // only seq < beforeSeq
    bool unreadOnly = false;
    // Soft-deleted rows too (they stay until the purge): the console's user view shows them
    // marked, every client-facing read leaves them out.
    bool includeDeleted = false;
};

struct Page
{
    std::vector<Notification> notifications;
    bool hasMore = false;
};

struct ChangeOutcome
{
    QStringList ids; // the ids that actually changed (were unread / not deleted and owned)
    qint64 unreadCount = 0; // the recipient's unread count after the change
    qint64 unseenCount = 0; // and its unseen count
    QDateTime at;
    int updated() const { return int(ids.size()); }
};

// One user's rows for Store::readRanges: afterSeq < seq <= toSeq and, when since is valid,
// createdAt > since.
struct SeqRange
{
    Recipient recipient;
    qint64 afterSeq = 0;
    qint64 toSeq = std::numeric_limits<qint64>::max();
    QDateTime since;
};

// What one node's delivery hub did with one created notification: when it handed it to
// the connections of its recipient on that node, and to how many (0: none was open there).
struct PushRecord
{
    QString notificationId;
    Recipient recipient; // whose it was (the admin channel's user watch); not stored
    qint64 atMs = 0;
    int connections = 0;
};

// One node's push of one notification as stored (Store::pushesOf).
struct NodePush
{
    QString node; // the cluster node's id; empty on a single node
    QDateTime at;
    qint64 connections = 0;
};

struct BroadcastRecord
{
    QString id;
    QString orgId; // empty: node-wide
    QString role;
    QString title;
    QString body;
    QString priority;
    QString actionUrl;
    QDateTime createdAt;
    qint64 deliveredConnections = 0;
};

// One database connection and every operation on it. A Store belongs to the thread that
// opened it (QtSql's rule); open one per thread. Every operation is scoped by recipient
// (org and user): a foreign id behaves as if it did not exist. Deleted notifications are
// invisible to every read. Failures come back as StoreError values, never as exceptions.
class Store
{
public:
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    // Opens a connection with a unique name; SQLite gets WAL, synchronous=FULL,
    // busy_timeout 5000, foreign_keys on; the parent directory is created if needed.
    static StoreResult<std::unique_ptr<Store>> open(const StoreConfig &config,
                                                    const QString &connectionName);

    // Sets SQLite up for this process (threading, the WAL-batching VFS) before anything
    // opens a connection; open() does it too. Idempotent.
    static void prepareSqlite();

    // `notifyd check` (storecheck.cpp): the engine's own check (SQLite's integrity_check;
    // PostgreSQL has none built in, see docs/operations.md) and notifyd's invariants: the
    // schema version, and each recipient's counters against its rows. Read-only.
    struct CheckReport
    {
        QString engineCheck; // what the engine's check was, e.g. "PRAGMA integrity_check"
        QStringList problems; // empty: nothing found
        QStringList notes; // what was checked, for the operator
    };
    StoreResult<CheckReport> check();

    // Brings the schema to the newest version; idempotent. Each step in one transaction.
    StoreResult<Done> migrate();
    StoreResult<int> schemaVersion();
    static int latestSchemaVersion();

    // Readiness: a trivial query; reconnects once if the connection was lost.
    StoreResult<Done> ping();
    // After a fault of the environment (a full disk, a read-only file system): one small
    // committed write, and on SQLite at least probeHeadroomBytes free beside the database,
    // so that a write that happens to fit in space the failed one left does not count as
    // recovery (docs/operations.md, "When things fail").
    StoreResult<Done> probeWrite();
    static constexpr qint64 probeHeadroomBytes = 1024 * 1024;
    // The first damage (StoreError::Cause::Damaged) an operation met since the last call,
    // whatever the operation was: a read that touched a corrupt page tells the node as a
    // failed write would (docs/operations.md, "When things fail").
    std::optional<StoreError> takeDamage();

    // One transaction for the whole batch. Per recipient, seq is gap-free and increasing in
    // batch order; recipients.unread_count grows by the number created. A draft whose
    // (recipient, idempotencyKey) already exists creates nothing and returns the original
    // with created=false (also for a key repeated inside the batch). Each outcome carries
    // its recipient's unread count after the batch.
    // pushes: recorded in the same transaction (recordPushes), so that the writer's
    // pending pushes cost no commit of their own.
    StoreResult<std::vector<InsertOutcome>> insertBatch(const std::vector<NewNotification> &batch,
                                                        const QDateTime &now,
                                                        const std::vector<PushRecord> &pushes = {});

    // Newest first (seq descending).
    StoreResult<Page> inbox(const Recipient &r, const InboxQuery &query);
    // Ascending by seq, seq > afterSeq, at most limit; hasMore when more remain.
    StoreResult<Page> afterSeq(const Recipient &r, qint64 afterSeq, int limit);
    // Newest first, createdAt > since.
    StoreResult<Page> since(const Recipient &r, const QDateTime &since, int limit);
    // Several users' rows at once (storeranges.cpp): the cluster bus reads all the recipients
    // of a signal with one statement instead of one per recipient. Ordered by range as
    // given, then by seq; at most limit rows in all (1..1000), hasMore when more remain.
    StoreResult<Page> readRanges(const std::vector<SeqRange> &ranges, int limit);
    StoreResult<std::optional<Notification>> find(const Recipient &r, const QString &id);
    // The recipient's notifications among ids (deleted ones and foreign ids left out), in no
    // particular order.
    StoreResult<std::vector<Notification>> findMany(const Recipient &r, const QStringList &ids);

    StoreResult<ChangeOutcome> markRead(const Recipient &r, const QStringList &ids,
                                        const QDateTime &at);
    StoreResult<ChangeOutcome> markAllRead(const Recipient &r, const QDateTime &at);
    // Seen (the badge) apart from read: sets seen_at where neither seen nor read; the
    // outcome's ids are those that changed. A read marks seen too.
    StoreResult<ChangeOutcome> markSeen(const Recipient &r, const QStringList &ids,
                                        const QDateTime &at);
    StoreResult<ChangeOutcome> markAllSeen(const Recipient &r, const QDateTime &at);
    StoreResult<ChangeOutcome> softDelete(const Recipient &r, const QStringList &ids,
                                          const QDateTime &at);
    StoreResult<qint64> unreadCount(const Recipient &r);
    StoreResult<InboxCounts> counts(const Recipient &r);
    // The unread counts of several recipients at once (storeranges.cpp); a recipient that
    // has never had a notification is 0.
    StoreResult<QHash<Recipient, qint64>> unreadCounts(const std::vector<Recipient> &recipients);
    // Sets delivered_at where still null; returns how many rows changed.
    StoreResult<int> markDelivered(const Recipient &r, const QStringList &ids, const QDateTime &at);

    StoreResult<Done> createSession(const SessionRecord &session);
    StoreResult<std::optional<SessionRecord>> findSession(const QByteArray &tokenSha256Hex);
    // true when an active session was revoked now.
    StoreResult<bool> revokeSession(const QByteArray &tokenSha256Hex, const QDateTime &at);
    // Deletes sessions that expired or were revoked before cutoff; returns how many.
    StoreResult<int> deleteExpiredSessions(const QDateTime &cutoff);

    StoreResult<Done> recordBroadcast(const BroadcastRecord &b);

    // Records this node's pushes (node: config().busNode, empty on a single node) in one
    // transaction; a (notification, node) already recorded keeps its first push.
    StoreResult<Done> recordPushes(const std::vector<PushRecord> &pushes);
    // Every node's recorded pushes of the given notifications (at most a page of ids), by
    // notification id; a notification nobody recorded is absent.
    StoreResult<QHash<QString, std::vector<NodePush>>> pushesOf(const QStringList &ids);

    // Sends a cluster bus message on its own (for what is not a stored change: live
    // announcements, kicks). Stored changes send theirs inside their own transaction when
    // config().busNode is set. Does nothing on SQLite or without busNode.
    StoreResult<Done> sendBusMessage(const bus::Message &message);

    // Deletes notifications created before cutoff (and soft-deleted ones older than it);
    // keeps recipients' unread counts right. Returns how many rows went.
    StoreResult<int> purgeOlderThan(const QDateTime &cutoff);

    // Recomputes unread counts from the rows (for tests and repair); returns the recount.
    StoreResult<qint64> recountUnread(const Recipient &r);

    const StoreConfig &config() const { return m_config; }
    QSqlDatabase database() const;
    // Around statements run on database() directly (noderegistry.cpp): the deadline of
    // StoreConfig::roundTripLimitMs applies to them as to the store's own.
    class WatchScope
    {
    public:
        explicit WatchScope(Store &store);
        ~WatchScope();
        WatchScope(const WatchScope &) = delete;
        WatchScope &operator=(const WatchScope &) = delete;

    private:
        ConnectionWatch *m_watch;
    };

private:
    Store(StoreConfig config, QString connectionName);
    class Private;
    std::unique_ptr<Private> d;
    StoreConfig m_config;
    QString m_connectionName;
};

} // namespace notify
