#include "server/cluster/clusterbus.h"

#include "server/cluster/clusternode.h"
#include "server/delivery/deliveryhub.h"
#include "server/delivery/roomdirectory.h"
#include "server/log/logging.h"
#include "server/node/nodeservices.h"
#include "server/shard/shard.h"
#include "shared/store/noderegistry.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QSqlQuery>
#include <QUuid>

#include <libpq-fe.h>

#include <algorithm>
#include <vector>

namespace notify {

namespace {
constexpr int maxBackoffMs = 5000;
// Rows read per query when catching a user up.
constexpr int pageRows = 1000;
// How far before the last moment known good the catch-up looks: commits are stamped by
// the committing node's clock, which may run a little behind this one's.
constexpr qint64 catchUpMarginMs = 5000;
constexpr int presenceTimeoutMs = 1000;
} // namespace

ClusterBus::ClusterBus(ClusterNode &node, StoreConfig config)
    : m_node(node)
    , m_config(std::move(config))
    , m_watch(QStringLiteral("cluster bus listener"), m_config.roundTripLimitMs)
{
    m_config.busNode.clear(); // this thread only reads; its messages go out through send()
    m_heartbeat.setParent(this);
    m_reconnect.setParent(this);
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, [this] { connectListener(); });
    connect(&m_heartbeat, &QTimer::timeout, this, [this] { heartbeat(); });
    m_traceRenew.setParent(this);
    m_traceFlush.setParent(this);
    connect(&m_traceRenew, &QTimer::timeout, this, [this] { sendTraceSubscription(); });
    connect(&m_traceFlush, &QTimer::timeout, this, [this] { flushTrace(); });
    m_watchRenew.setParent(this);
    m_watchFlush.setParent(this);
    connect(&m_watchRenew, &QTimer::timeout, this, [this] { sendWatchSubscription(); });
    connect(&m_watchFlush, &QTimer::timeout, this, [this] { flushWatch(); });
}

ClusterBus::~ClusterBus()
{
    if (m_conn) {
        m_watch.clearSocket();
        PQfinish(m_conn);
    }
}

void ClusterBus::init()
{
    auto opened = Store::open(m_config, QStringLiteral("notify-cluster-reader"));
    if (opened.ok())
        m_reader = std::move(opened.value());
    else
        qCWarning(lcServer).noquote()
            << "cluster: cannot open the reader:" << opened.error().message;
    connectListener();
    heartbeat();
    m_heartbeat.start(ClusterNode::heartbeatSeconds * 1000);
}

void ClusterBus::shutdown()
{
    m_stopping = true;
    m_heartbeat.stop();
    m_reconnect.stop();
    stopTraceCollection();
    setTraceSubscribed(false);
    m_watchSubscribers.clear();
    updateClusterWatch();
    setWatchedUsers({});
    for (auto it = m_presence.begin(); it != m_presence.end(); ++it)
        it->done(QJsonObject {{QStringLiteral("connections"), it->local}});
    m_presence.clear();
    for (auto it = m_connectionQueries.begin(); it != m_connectionQueries.end(); ++it)
        it->done(QJsonObject {{QStringLiteral("nodes"), QJsonArray()},
                              {QStringLiteral("complete"), false}});
    m_connectionQueries.clear();
    if (m_reader)
        noderegistry::remove(*m_reader, m_node.self().id);
    delete m_notifier;
    m_notifier = nullptr;
    if (m_conn) {
        m_watch.clearSocket();
        PQfinish(m_conn);
        m_conn = nullptr;
    }
    m_node.setBusReady(false);
    m_reader.reset();
}

void ClusterBus::connectListener()
{
    if (m_stopping || m_conn)
        return;
    const QByteArray host = m_config.host.toUtf8(), port = QByteArray::number(m_config.port),
                     user = m_config.user.toUtf8(), password = m_config.password.toUtf8(),
                     db = m_config.database.toUtf8();
    // Named after the node, so that an operator (or a test) can tell the nodes' listening
    // connections apart in pg_stat_activity.
    const QByteArray application = "notifyd-bus-" + m_node.self().id.toUtf8();
    // The store's connection parameters (keepalives, timeouts: StoreConfig::pgParameters)
    // apply to the listener too.
    QList<QPair<QByteArray, QByteArray>> parameters {
        {"host", host}, {"port", port}, {"user", user}, {"dbname", db}};
    if (!password.isEmpty())
        parameters.append({"password", password});
    for (const auto &parameter : m_config.libpqParameters()) {
        if (parameter.first != "application_name")
            parameters.append(parameter);
    }
    parameters.append({"application_name", application});
    std::vector<const char *> keys, values;
    for (const auto &[key, value] : parameters) {
        keys.push_back(key.constData());
        values.push_back(value.constData());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    PGconn *conn = PQconnectdbParams(keys.data(), values.data(), 0);
    auto retry = [&](const QString &why) {
        qCWarning(lcServer).noquote() << "cluster: bus connection failed:" << why.trimmed()
                                      << "- retrying in" << m_backoffMs << "ms";
        m_watch.clearSocket();
        PQfinish(conn);
        m_reconnect.start(m_backoffMs);
        m_backoffMs = std::min(maxBackoffMs, m_backoffMs * 2);
    };
    if (PQstatus(conn) != CONNECTION_OK)
        return retry(QString::fromUtf8(PQerrorMessage(conn)));
    m_watch.setSocket(PQsocket(conn));
    PGresult *listen = nullptr;
    {
        const ConnectionWatch::Scope watched(&m_watch);
        listen = PQexec(conn, ("LISTEN " + bus::channel().toLatin1()).constData());
    }
    const bool listening = PQresultStatus(listen) == PGRES_COMMAND_OK;
    PQclear(listen);
    if (!listening || PQsetnonblocking(conn, 1) != 0)
        return retry(QString::fromUtf8(PQerrorMessage(conn)));

    m_conn = conn;
    m_backoffMs = 100;
    m_notifier = new QSocketNotifier(qintptr(PQsocket(conn)), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, [this] { readNotifications(); });
    const bool recovering = m_hadOutage;
    // Listening from here on: whatever commits now arrives as a message; what committed
    // while nobody listened is read from the store.
    if (recovering) {
        qCInfo(lcServer) << "cluster: bus connection back; catching up";
        catchUp(m_healthyAtMs - catchUpMarginMs);
    }
    m_healthyAtMs = QDateTime::currentMSecsSinceEpoch();
    m_node.setBusReady(true);
    // A console that traces here asked the others before the outage; they may have let the
    // subscription lapse meanwhile.
    if (m_traceSubscribed)
        sendTraceSubscription();
    readNotifications();
}

void ClusterBus::dropListener(const QString &why)
{
    if (!m_conn)
        return;
    qCWarning(lcServer).noquote() << "cluster: bus connection lost:" << why.trimmed();
    delete m_notifier;
    m_notifier = nullptr;
    m_watch.clearSocket();
    PQfinish(m_conn);
    m_conn = nullptr;
    m_hadOutage = true;
    m_node.setBusReady(false);
    m_backoffMs = 100;
    if (!m_stopping)
        m_reconnect.start(m_backoffMs);
}

void ClusterBus::readNotifications()
{
    if (!m_conn)
        return;
    if (PQconsumeInput(m_conn) == 0 || PQstatus(m_conn) != CONNECTION_OK)
        return dropListener(QString::fromUtf8(PQerrorMessage(m_conn)));
    while (PGnotify *n = PQnotifies(m_conn)) {
        QString error;
        const auto message = m_decoder.feed(QByteArray(n->extra), &error);
        PQfreemem(n);
        if (message)
            handle(*message);
        else if (!error.isEmpty())
            qCWarning(lcServer).noquote() << "cluster: ignored a bus message:" << error;
    }
    m_healthyAtMs = QDateTime::currentMSecsSinceEpoch();
}

void ClusterBus::send(const bus::Message &m)
{
    if (!m_conn)
        return; // the other nodes re-read what matters at their catch-up
    bus::Message message = m;
    message.node = m_node.self().id;
    const QByteArray channel = bus::channel().toLatin1();
    for (const QByteArray &payload : bus::encode(message)) {
        const char *params[] = {channel.constData(), payload.constData()};
        PQsetnonblocking(m_conn, 0);
        const ConnectionWatch::Scope watched(&m_watch);
        PGresult *res = PQexecParams(m_conn, "SELECT pg_notify($1, $2)", 2, nullptr, params,
                                     nullptr, nullptr, 0);
        const bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
        PQclear(res);
        if (m_conn)
            PQsetnonblocking(m_conn, 1);
        if (!ok)
            return dropListener(QString::fromUtf8(PQerrorMessage(m_conn)));
    }
    // PQexec may have read notifications along the way.
    readNotifications();
}

bool ClusterBus::hasMembers(const Recipient &r) const
{
    return m_node.services().directory.members(rooms::user(r)) > 0;
}

void ClusterBus::handle(const bus::Message &m)
{
    const bool own = m.node == m_node.self().id;
    NodeServices &services = m_node.services();
    switch (m.kind) {
    case bus::Kind::Created:
        if (!own)
            handleCreated(m);
        return;
    case bus::Kind::Read:
    case bus::Kind::Deleted:
    case bus::Kind::Seen: {
        if (own)
            return;
        if (!hasMembers(m.recipient)) {
            if (m.kind == bus::Kind::Seen)
                return; // the user watch has no seen change
            // Not delivered here, but maybe watched by a console here (the hub tells the
            // watch of what it delivers).
            if (services.hub.watching())
                services.hub.noteUserChange({m.kind == bus::Kind::Read
                                                 ? DeliveryHub::UserChange::Kind::Read
                                                 : DeliveryHub::UserChange::Kind::Deleted,
                                             m.recipient, m.ids, m.unreadCount});
            return;
        }
        ChangeOutcome change;
        change.ids = m.ids;
        change.unreadCount = m.unreadCount;
        change.unseenCount = m.unseenCount;
        change.at = QDateTime::fromMSecsSinceEpoch(m.atMs, Qt::UTC);
        if (m.kind == bus::Kind::Read)
            services.hub.publishMarkedRead(m.recipient, change);
        else if (m.kind == bus::Kind::Seen)
            services.hub.publishSeen(m.recipient, change);
        else
            services.hub.publishDeleted(m.recipient, change);
        return;
    }
    case bus::Kind::Revoked:
        if (!own)
            services.hub.revokeSession(m.sessionHash);
        return;
    case bus::Kind::Announcement:
        if (!own)
            services.hub.deliverAnnouncement(m.room, m.announcement);
        return;
    case bus::Kind::Kick:
        if (m.targetNode == m_node.self().id) {
            for (Shard *shard : services.shards)
                shard->kick(m.connectionId, m.reason);
        }
        return;
    case bus::Kind::PresenceQuery: {
        if (own)
            return;
        bus::Message reply;
        reply.kind = bus::Kind::PresenceReply;
        reply.queryId = m.queryId;
        reply.targetNode = m.node;
        reply.count = services.directory.members(rooms::user(m.recipient));
        send(reply);
        return;
    }
    case bus::Kind::ConnectionsQuery:
        if (!own)
            answerConnections(m);
        return;
    case bus::Kind::ConnectionsReply:
        if (m.targetNode == m_node.self().id)
            takeConnectionsReply(m);
        return;
    case bus::Kind::TraceSubscribe:
        if (!own)
            takeTraceSubscription(m);
        return;
    case bus::Kind::TraceRecords:
        if (m.targetNode == m_node.self().id)
            takeTraceRecords(m);
        return;
    case bus::Kind::WatchSubscribe:
        if (!own)
            takeWatchSubscription(m);
        return;
    case bus::Kind::WatchActivity:
        if (m.targetNode == m_node.self().id)
            takeWatchActivity(m);
        return;
    case bus::Kind::PresenceReply: {
        if (m.targetNode != m_node.self().id)
            return;
        auto it = m_presence.find(m.queryId);
        if (it == m_presence.end())
            return;
        it->replies.insert(m.node, m.count);
        if (it->replies.size() >= it->expected.size())
            finishPresence(m.queryId);
        return;
    }
    }
}

void ClusterBus::handleCreated(const bus::Message &m)
{
    // Read all the recipients of the signal with one statement (per pageRows rows): the
    // thread handles signals one after the other, and a round trip per recipient (three
    // with QPSQL's prepared statements) was where the cross-node latency went, queueing the
    // signals behind it (docs/benchmarks.md, "Cluster").
    std::vector<const bus::CreatedRange *> batch;
    qint64 batchRows = 0;
    for (const bus::CreatedRange &range : m.created) {
        const Recipient &r = range.recipient;
        // Nobody here to deliver to: reading the rows would be wasted. A connection that
        // arrives later reads its unread count (and replay) after this commit.
        if (!hasMembers(r)) {
            m_node.gate().forget(r);
            // A console here may watch the user all the same (docs/protocol.md, "watch_user").
            if (m_node.services().hub.watching())
                m_node.services().hub.noteUserChange(
                    {DeliveryHub::UserChange::Kind::Created, r, {}, range.unreadAfter});
            continue;
        }
        if (!m_reader)
            continue;
        const qint64 rows = range.lastSeq - range.firstSeq + 1;
        if (rows > pageRows) {
            readRange(range);
            continue;
        }
        if (batchRows + rows > pageRows) {
            readRanges(batch);
            batch.clear();
            batchRows = 0;
        }
        batch.push_back(&range);
        batchRows += rows;
    }
    readRanges(batch);
}

void ClusterBus::readRanges(const std::vector<const bus::CreatedRange *> &batch)
{
    if (batch.empty())
        return;
    std::vector<SeqRange> wanted;
    wanted.reserve(batch.size());
    for (const bus::CreatedRange *range : batch)
        wanted.push_back({range->recipient, range->firstSeq - 1, range->lastSeq, {}});
    // No more rows than the ranges hold: a user's later commits are read with their own
    // signals (a bus thread that lags behind would otherwise read them again per signal).
    auto page = m_reader->readRanges(wanted, pageRows);
    if (!page.ok()) {
        qCWarning(lcServer).noquote()
            << "cluster: cannot read new notifications:" << page.error().message;
    }
    QHash<Recipient, std::vector<Notification>> rows;
    if (page.ok()) {
        for (Notification &n : page.value().notifications)
            rows[n.recipient].push_back(std::move(n));
    }
    std::vector<Recipient> gaps;
    for (const bus::CreatedRange *range : batch) {
        const Recipient &r = range->recipient;
        std::vector<SeqGate::Item> items;
        for (Notification &n : rows[r]) {
            if (n.seq < range->firstSeq || n.seq > range->lastSeq)
                continue; // the same user twice in one signal: the other range's row
            // The count right after this notification, as its own node computed it.
            const qint64 count = std::max<qint64>(0, range->unreadAfter - (range->lastSeq - n.seq));
            const qint64 unseen
                = std::max<qint64>(0, range->unseenAfter - (range->lastSeq - n.seq));
            items.push_back({InsertOutcome {std::move(n), true, count, unseen}, 0});
        }
        // Every seq of the range is resolved: one not read was deleted since.
        bool gap = false;
        m_node.offerAndPublish(r, std::move(items), range->firstSeq, range->lastSeq, &gap);
        if (gap)
            gaps.push_back(r);
    }
    fill(gaps);
}

void ClusterBus::readRange(const bus::CreatedRange &range)
{
    const Recipient &r = range.recipient;
    std::vector<SeqGate::Item> items;
    qint64 after = range.firstSeq - 1;
    for (;;) {
        const int limit = int(std::min<qint64>(pageRows, range.lastSeq - after));
        auto page = m_reader->afterSeq(r, after, limit);
        if (!page.ok()) {
            qCWarning(lcServer).noquote()
                << "cluster: cannot read new notifications:" << page.error().message;
            break;
        }
        // Past the range: the rest of it was deleted. (Without this, a page that began
        // past the range with more rows behind it read the same page again forever.)
        bool past = false;
        for (Notification &n : page.value().notifications) {
            if (n.seq > range.lastSeq) {
                past = true;
                break;
            }
            after = n.seq;
            const qint64 count = std::max<qint64>(0, range.unreadAfter - (range.lastSeq - n.seq));
            const qint64 unseen = std::max<qint64>(0, range.unseenAfter - (range.lastSeq - n.seq));
            items.push_back({InsertOutcome {std::move(n), true, count, unseen}, 0});
        }
        if (past || !page.value().hasMore || after >= range.lastSeq)
            break;
    }
    bool gap = false;
    m_node.offerAndPublish(r, std::move(items), range.firstSeq, range.lastSeq, &gap);
    if (gap)
        fill(r);
}

void ClusterBus::fill(const Recipient &r)
{
    fill(std::vector<Recipient> {r});
}

void ClusterBus::fill(const std::vector<Recipient> &users)
{
    // Users not started yet (the usual gap: the first notification a node sees for a
    // user) are read together; a gap in a started user's sequence is rare and read alone.
    std::vector<std::pair<Recipient, qint64>> starting;
    for (const Recipient &r : users) {
        qint64 lowest = 0;
        const qint64 next = m_node.gate().nextSeq(r, &lowest);
        if (lowest == 0)
            continue;
        if (next == 0)
            starting.push_back({r, lowest});
        else
            fillFrom(r, next - 1, lowest);
    }
    startUsers(starting);
}

void ClusterBus::startUser(const Recipient &r, qint64 lowestHeld)
{
    if (!m_reader)
        return;
    // What was committed for the user just before the first notification this node saw
    // may still be on its way here; it is read now and goes first. A connection that was
    // already there when it committed and replays by lastSeq may see it twice (seq tells).
    const QDateTime since = QDateTime::currentDateTimeUtc().addMSecs(-catchUpMarginMs);
    auto page = m_reader->since(r, since, pageRows);
    auto unread = m_reader->counts(r);
    std::vector<SeqGate::Item> items;
    qint64 from = lowestHeld;
    if (page.ok() && unread.ok()) {
        for (Notification &n : page.value().notifications) {
            if (n.seq >= lowestHeld)
                continue;
            from = std::min(from, n.seq);
            items.push_back(
                {InsertOutcome {std::move(n), true, unread->unread, unread->unseen}, 0});
        }
    } else {
        qCWarning(lcServer) << "cluster: cannot read a user's recent notifications";
    }
    bool gap = false;
    m_node.offerAndPublish(r, std::move(items), from, lowestHeld - 1, &gap, true);
}

void ClusterBus::startUsers(const std::vector<std::pair<Recipient, qint64>> &users)
{
    if (!m_reader || users.empty())
        return;
    if (users.size() == 1)
        return startUser(users.front().first, users.front().second);
    // What startUser reads, for all the users a signal starts: one statement for their
    // recent rows and one for their counts instead of two per user.
    const QDateTime since = QDateTime::currentDateTimeUtc().addMSecs(-catchUpMarginMs);
    std::vector<SeqRange> wanted;
    std::vector<Recipient> recipients;
    for (const auto &[r, lowestHeld] : users) {
        wanted.push_back({r, 0, lowestHeld - 1, since});
        recipients.push_back(r);
    }
    auto page = m_reader->readRanges(wanted, pageRows);
    if (page.ok() && page.value().hasMore) {
        // More than a page in all: each user on its own (the newest page each).
        for (const auto &[r, lowestHeld] : users)
            startUser(r, lowestHeld);
        return;
    }
    auto unread = m_reader->unreadCounts(recipients);
    const bool ok = page.ok() && unread.ok();
    if (!ok)
        qCWarning(lcServer) << "cluster: cannot read the recent notifications of new users";
    QHash<Recipient, std::vector<Notification>> rows;
    if (ok) {
        for (Notification &n : page.value().notifications)
            rows[n.recipient].push_back(std::move(n));
    }
    for (const auto &[r, lowestHeld] : users) {
        std::vector<SeqGate::Item> items;
        qint64 from = lowestHeld;
        const qint64 count = ok ? unread.value().value(r) : 0;
        for (Notification &n : rows[r]) {
            from = std::min(from, n.seq);
            items.push_back({InsertOutcome {std::move(n), true, count}, 0});
        }
        bool gap = false;
        m_node.offerAndPublish(r, std::move(items), from, lowestHeld - 1, &gap, true);
    }
}

void ClusterBus::fillFrom(const Recipient &r, qint64 afterSeq, qint64 lowestHeld, bool start)
{
    if (!m_reader)
        return;
    for (;;) {
        auto page = m_reader->afterSeq(r, afterSeq, pageRows);
        auto unread = m_reader->counts(r);
        if (!page.ok() || !unread.ok()) {
            qCWarning(lcServer) << "cluster: cannot read a user's missing notifications";
            return;
        }
        std::vector<SeqGate::Item> items;
        qint64 last = afterSeq;
        for (Notification &n : page.value().notifications) {
            last = n.seq;
            items.push_back(
                {InsertOutcome {std::move(n), true, unread->unread, unread->unseen}, 0});
        }
        // Every seq below the lowest held one is committed: one not read is deleted.
        const qint64 resolvedTo
            = page.value().hasMore ? last : std::max(last, lowestHeld > 0 ? lowestHeld - 1 : last);
        bool gap = false;
        m_node.offerAndPublish(r, std::move(items), afterSeq + 1, resolvedTo, &gap, start);
        if (!page.value().hasMore)
            return;
        afterSeq = last;
    }
}

void ClusterBus::catchUp(qint64 sinceMs)
{
    if (!m_reader)
        return;
    // The reader's connection may have gone with the listener's (a database restart); the
    // raw query below does not reconnect by itself.
    m_reader->ping();
    DeliveryHub &hub = m_node.services().hub;
    QSet<Recipient> done;
    for (const Recipient &r : m_node.gate().tracked()) {
        if (!hasMembers(r)) {
            m_node.gate().forget(r);
            continue;
        }
        qint64 lowest = 0;
        const qint64 next = m_node.gate().nextSeq(r, &lowest);
        if (next == 0)
            fill(r);
        else
            fillFrom(r, next - 1, lowest);
        done.insert(r);
    }
    // Users with a connection here but nothing delivered yet: what was committed for them
    // while nobody listened.
    QSqlQuery q(m_reader->database());
    q.prepare(QStringLiteral("SELECT org_id, user_id, MIN(seq) FROM notifications"
                             " WHERE created_at >= :since GROUP BY org_id, user_id"));
    q.bindValue(QStringLiteral(":since"), qlonglong(sinceMs));
    std::vector<std::pair<Recipient, qint64>> recent;
    if (q.exec()) {
        while (q.next())
            recent.push_back(
                {{q.value(0).toString(), q.value(1).toString()}, q.value(2).toLongLong()});
    } else {
        qCWarning(lcServer) << "cluster: catch-up query failed";
    }
    for (const auto &[r, minSeq] : recent) {
        if (done.contains(r) || !hasMembers(r))
            continue;
        fillFrom(r, minSeq - 1, 0, true);
        done.insert(r);
    }
    // Reads and deletes on other nodes during the outage changed counts too.
    for (const Recipient &r : std::as_const(done)) {
        if (auto unread = m_reader->counts(r); unread.ok())
            hub.publishUnreadCount(r, unread.value());
    }
}

void ClusterBus::heartbeat()
{
    if (m_conn) {
        // A connection that died without closing its socket is only found by using it.
        PQsetnonblocking(m_conn, 0);
        PGresult *res = nullptr;
        {
            const ConnectionWatch::Scope watched(&m_watch);
            res = PQexec(m_conn, "SELECT 1");
        }
        const bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
        PQclear(res);
        PQsetnonblocking(m_conn, 1);
        if (!ok)
            dropListener(QString::fromUtf8(PQerrorMessage(m_conn)));
        else
            readNotifications();
    }
    if (!m_reader)
        return;
    // The registry's statements do not reconnect by themselves; ping() does.
    if (!m_reader->ping().ok())
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    noderegistry::NodeRow own = m_node.ownRow();
    own.heartbeatAt = now;
    noderegistry::upsert(*m_reader, own);
    noderegistry::removeStale(*m_reader, now.addMSecs(-m_node.removeAfterMs()));
    if (auto rows = noderegistry::list(*m_reader); rows.ok())
        m_node.setNodes(std::move(rows.value()));
}

void ClusterBus::presence(const Recipient &r, std::function<void(const QJsonObject &)> done)
{
    PendingPresence pending;
    pending.done = std::move(done);
    pending.local = m_node.services().directory.members(rooms::user(r));
    pending.expected = m_node.liveOtherNodes();
    const QString id = QUuid::createUuid().toString(QUuid::Id128);
    const bool ask = !pending.expected.isEmpty() && m_conn;
    m_presence.insert(id, std::move(pending));
    if (!ask)
        return finishPresence(id);
    bus::Message query;
    query.kind = bus::Kind::PresenceQuery;
    query.queryId = id;
    query.recipient = r;
    send(query);
    QTimer::singleShot(presenceTimeoutMs, this, [this, id] { finishPresence(id); });
}

void ClusterBus::finishPresence(const QString &id)
{
    auto node = m_presence.take(id);
    if (!node.done)
        return;
    QHash<QString, QString> names;
    for (const noderegistry::NodeRow &row : m_node.nodes())
        names.insert(row.id, row.name);
    qint64 total = node.local;
    QJsonArray nodes {QJsonObject {{QStringLiteral("id"), m_node.self().id},
                                   {QStringLiteral("name"), m_node.self().name},
                                   {QStringLiteral("connections"), node.local}}};
    for (auto it = node.replies.cbegin(); it != node.replies.cend(); ++it) {
        total += it.value();
        nodes.append(QJsonObject {{QStringLiteral("id"), it.key()},
                                  {QStringLiteral("name"), names.value(it.key())},
                                  {QStringLiteral("connections"), it.value()}});
    }
    node.done({{QStringLiteral("connections"), total},
               {QStringLiteral("nodes"), nodes},
               {QStringLiteral("complete"), node.replies.size() >= node.expected.size()}});
}

} // namespace notify
