#include "server/adminchannel/adminchannel.h"
#include "server/protocol/credentials.h"

#include "server/delivery/deliveryhub.h"
#include "server/delivery/roomdirectory.h"
#include "server/log/logging.h"
#include "server/metrics/metrics.h"
#include "server/shard/shard.h"
#include "server/storage/storeworker.h"
#include "server/util/posting.h"
#include "shared/adminapi/adminprotocol.h"
#include "shared/adminapi/pushes.h"
#include "shared/auth/base64url.h"
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"
#include "shared/store/operators.h"

#include "server/websocket/handshake.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QUrlQuery>
#include <QUuid>

namespace notify {

namespace {
// A console is a trusted operator tool, but its requests still have a bound.
constexpr quint64 maxConsoleMessageBytes = 1024 * 1024;
// A console that reads slower than the node produces deltas is dropped, never buffered on.
constexpr qint64 maxConsoleUnsentBytes = 32 * 1024 * 1024;

QByteArray adminCredential(const http1::RequestHead &head)
{
    // Like the client credentials: the first one found is the only one checked.
    const QByteArray header = head.header("authorization");
    if (!header.isEmpty())
        return bearerToken(header);
    return QUrlQuery(QString::fromLatin1(head.query()))
        .queryItemValue(QStringLiteral("key"), QUrl::FullyDecoded)
        .toUtf8();
}

// The client connections of the node, for the counters push.
qint64 clientConnections(const Metrics &metrics)
{
    return qint64(metrics.connectionsPlain.load(std::memory_order_relaxed)
                  + metrics.connectionsSocketIo.load(std::memory_order_relaxed)
                  + metrics.connectionsSse.load(std::memory_order_relaxed));
}
} // namespace

AdminChannel::AdminChannel(NodeServices &services, NodeInfo node, QObject *parent)
    : QObject(parent)
    , m_services(services)
    , m_node(std::move(node))
    , m_shards(services.shards)
{
    m_countersTimer.setInterval(1000);
    connect(&m_countersTimer, &QTimer::timeout, this, &AdminChannel::tick);
}

AdminChannel::~AdminChannel()
{
    m_services.observer.store(nullptr);
    if (m_tracingConsoles > 0) {
        m_services.hub.setTrace({});
        setClusterTrace(false);
    }
    stopWatching();
    // Consoles go first and without their queued disconnect handlers running on a
    // half-destroyed channel.
    for (auto &[id, console] : m_consoles) {
        console.socket->setHandler(nullptr);
        delete console.socket;
    }
    m_consoles.clear();
}

QString AdminChannel::processNodeId()
{
    static const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    return id;
}

void AdminChannel::attach(ApiListener &http)
{
    if (m_attached)
        return;
    m_attached = true;
    http.setUpgradeHandler(admin::path.toUtf8(),
                           [this](ApiListener::Upgrade upgrade) { accept(std::move(upgrade)); });
}

void AdminChannel::accept(ApiListener::Upgrade upgrade)
{
    auto *socket = new WebSocket(upgrade.descriptor, maxConsoleMessageBytes, this);
    socket->sendRaw(ws::switchingProtocolsResponse(upgrade.acceptValue));
    if (m_stopped) {
        WebSocket::refuse(socket, ws::closecode::goingAway, "server shutting down");
        return;
    }
    const QByteArray expected = m_services.config.adminKey.toUtf8();
    const QByteArray given = adminCredential(upgrade.head);
    Console console;
    console.socket = socket;
    // An empty admin key disables the bootstrap admin rather than matching an empty
    // credential; stored operators still get in.
    if (!expected.isEmpty() && !given.isEmpty() && constantTimeEquals(given, expected)) {
        console.operatorName = QStringLiteral("admin-key");
        console.role = admin::role::admin;
    } else if (const auto op = m_operators && !given.isEmpty() ? m_operators->findOperator(given)
                                                               : std::nullopt) {
        console.operatorName = op->name;
        console.role = op->role;
        console.operatorHash = op->sha256Hex;
    } else {
        qCWarning(lcAdmin).noquote() << "refused a console from" << upgrade.peerAddress
                                     << (expected.isEmpty() && !given.isEmpty()
                                             ? "(no admin key is configured, no such operator)"
                                             : "(wrong or missing admin key)");
        WebSocket::refuse(socket, admin::closeUnauthorized, "unauthorized");
        return;
    }

    const quint64 id = m_nextConsoleId++;
    const QJsonObject hello = helloData(console);
    qCInfo(lcAdmin).noquote() << "console" << id << "is operator" << console.operatorName
                              << "(" + console.role + ")";
    m_consoles.emplace(id, std::move(console));
    socket->setHandler(this);
    socket->start(std::move(upgrade.afterHead));
    qCInfo(lcAdmin).noquote() << "console" << id << "connected from" << upgrade.peerAddress;

    // Observe before collecting, so that every change after a shard's part is a delta.
    m_services.observer.store(this);
    updateTimer();
    send(id, encodeEnvelope(admin::msg::hello, hello));
    startSnapshot(id, true, QString());
}

quint64 AdminChannel::consoleIdOf(const WebSocket &ws) const
{
    for (const auto &[id, console] : m_consoles) {
        if (console.socket == &ws)
            return id;
    }
    return 0;
}

void AdminChannel::onWebSocketText(WebSocket &ws, QByteArray message)
{
    if (const quint64 id = consoleIdOf(ws))
        onText(id, QString::fromUtf8(message));
}

void AdminChannel::onWebSocketBinary(WebSocket &ws, QByteArray)
{
    if (const quint64 id = consoleIdOf(ws))
        replyError(id, QString(), admin::codes::invalidPayload,
                   QStringLiteral("binary frames are not accepted; send JSON text"));
}

void AdminChannel::onWebSocketClosed(WebSocket &ws, int, const QString &)
{
    // Queued: a close may be reported from inside a send loop over m_consoles.
    if (const quint64 id = consoleIdOf(ws))
        QMetaObject::invokeMethod(
            this, [this, id] { onDisconnected(id); }, Qt::QueuedConnection);
}

void AdminChannel::onDisconnected(quint64 consoleId)
{
    auto it = m_consoles.find(consoleId);
    if (it == m_consoles.end())
        return;
    setTracing(it->second, false);
    const bool watched = it->second.watched.has_value();
    // Audited requests still unanswered: what was asked is recorded, the outcome unknown.
    for (auto p = m_pendingAudit.lower_bound({consoleId, QString()});
         p != m_pendingAudit.end() && p->first.first == consoleId;) {
        recordAudit(it->second, p->second.action, p->second.target, QStringLiteral("unanswered"));
        p = m_pendingAudit.erase(p);
    }
    it->second.socket->deleteLater();
    m_consoles.erase(it);
    // Its user watch ends with it.
    if (watched)
        updateWatchedUsers();
    qCInfo(lcAdmin) << "console" << consoleId << "disconnected";
    if (m_consoles.empty())
        m_services.observer.store(nullptr);
    updateTimer();
}

AdminChannel::Console *AdminChannel::find(quint64 consoleId)
{
    auto it = m_consoles.find(consoleId);
    return it == m_consoles.end() ? nullptr : &it->second;
}

void AdminChannel::stop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    m_services.observer.store(nullptr);
    m_shards.clear();
    m_jobs.clear();
    m_countersTimer.stop();
    if (m_tracingConsoles > 0) {
        m_services.hub.setTrace({});
        setClusterTrace(false);
    }
    m_tracingConsoles = 0;
    stopWatching();
    // Each console finishes its closing handshake on its own (WebSocket::retire); the
    // channel forgets it now, so that nothing is sent to it any more.
    for (auto &[id, console] : m_consoles) {
        console.socket->close(ws::closecode::goingAway, "server shutting down");
        WebSocket::retire(console.socket, true);
    }
    m_consoles.clear();
}

QJsonObject AdminChannel::helloData(const Console &console) const
{
    const NodeInfo &n = m_node;
    QJsonObject data {{QStringLiteral("node"),
                       QJsonObject {{QStringLiteral("id"), n.id},
                                    {QStringLiteral("version"), n.version},
                                    {QStringLiteral("startedAt"), timestampOrNull(n.startedAt)},
                                    {QStringLiteral("listen"), n.listen},
                                    {QStringLiteral("apiListen"), n.apiListen},
                                    {QStringLiteral("storage"), n.storage}}}};
    if (const QJsonObject cluster = clusterHello(); !cluster.isEmpty())
        data.insert(QStringLiteral("cluster"), cluster);
    // The console shows who it is and disables what the role may not do.
    data.insert(QStringLiteral("operator"),
                QJsonObject {{QStringLiteral("name"), console.operatorName},
                             {QStringLiteral("role"), console.role}});
    return data;
}

void AdminChannel::startSnapshot(quint64 consoleId, bool initial, const QString &requestId)
{
    const quint64 jobId = m_nextJobId++;
    SnapshotJob &job = m_jobs[jobId];
    job.consoleId = consoleId;
    job.initial = initial;
    job.requestId = requestId;
    job.remaining = int(m_shards.size());
    if (job.remaining == 0) {
        finishSnapshot(jobId);
        return;
    }
    // Each shard answers on its own time; nothing here waits for a shard.
    for (Shard *shard : m_shards) {
        shard->collectSnapshot(this, [this, jobId](const ShardSnapshot &part) {
            auto it = m_jobs.find(jobId);
            if (it == m_jobs.end())
                return;
            for (const ConnectionInfo &c : part.connections)
                it->second.connections.insert_or_assign(c.id, c);
            if (--it->second.remaining == 0)
                finishSnapshot(jobId);
        });
    }
}

void AdminChannel::finishSnapshot(quint64 jobId)
{
    auto it = m_jobs.find(jobId);
    if (it == m_jobs.end())
        return;
    SnapshotJob job = std::move(it->second);
    m_jobs.erase(it);
    for (const Delta &d : job.deltas) {
        if (d.opened)
            job.connections.try_emplace(d.info.id, d.info); // a shard's part is newer
        else
            job.connections.erase(d.id);
    }
    Console *console = find(job.consoleId);
    if (!console)
        return;
    const QJsonObject data = snapshotData(job);
    if (job.initial) {
        send(job.consoleId, encodeEnvelope(admin::msg::snapshot, data));
        console->ready = true;
    } else {
        reply(job.consoleId, job.requestId, data);
    }
}

QJsonObject AdminChannel::snapshotData(const SnapshotJob &job) const
{
    admin::Snapshot snapshot;
    std::map<QString, QJsonArray> rooms;
    for (const auto &[id, info] : job.connections) {
        snapshot.connections.append(info);
        for (const QString &room : info.rooms)
            rooms[room].append(qint64(id));
    }
    for (const auto &[name, members] : rooms)
        snapshot.rooms.append(
            QJsonObject {{QStringLiteral("name"), name}, {QStringLiteral("members"), members}});
    snapshot.counters = m_services.metrics.snapshot();
    return snapshot.toJson();
}

void AdminChannel::connectionOpened(const ConnectionInfo &info)
{
    postTo(this, [this, info] { onOpened(info); });
}

void AdminChannel::connectionClosed(quint64 id, int code, const QString &reason)
{
    postTo(this, [this, id, code, reason] { onClosed(id, code, reason); });
}

void AdminChannel::onOpened(const ConnectionInfo &info)
{
    for (auto &[jobId, job] : m_jobs)
        job.deltas.push_back(Delta {true, info, info.id});
    broadcast(
        encodeEnvelope(admin::ConnectionOpened::type(), admin::ConnectionOpened {info}.toJson()));
}

void AdminChannel::onClosed(quint64 id, int code, const QString &reason)
{
    for (auto &[jobId, job] : m_jobs)
        job.deltas.push_back(Delta {false, {}, id});
    broadcast(encodeEnvelope(admin::ConnectionClosed::type(),
                             admin::ConnectionClosed {id, code, reason}.toJson()));
}

void AdminChannel::updateTimer()
{
    if (m_consoles.empty() || m_stopped) {
        m_countersTimer.stop();
    } else if (!m_countersTimer.isActive()) {
        m_lastTotals = m_services.metrics.snapshot();
        m_countersTimer.start();
    }
}

void AdminChannel::tick()
{
    const Counters totals = m_services.metrics.snapshot();
    const Counters perSecond = totals.since(m_lastTotals);
    m_lastTotals = totals;
    // connections and rooms are not in docs/protocol.md's counters; context for a status line.
    const admin::CountersPush push {totals, perSecond, clientConnections(m_services.metrics),
                                    qint64(m_services.directory.roomCount())};
    broadcast(encodeEnvelope(admin::CountersPush::type(), push.toJson()));
    if (++m_ticks % std::max(1, admin::statsIntervalMs / 1000) == 0)
        pushStats();
}

void AdminChannel::setTracing(Console &console, bool on)
{
    if (console.tracing == on || (on && m_stopped))
        return;
    console.tracing = on;
    m_tracingConsoles += on ? 1 : -1;
    // The hub pays for tracing (a lock and a room count per delivery) only while a console
    // is watching.
    if (on && m_tracingConsoles == 1) {
        m_services.hub.setTrace([this](const QString &notificationId, const QString &title,
                                       const QString &room, int connections) {
            const QDateTime at = QDateTime::currentDateTimeUtc();
            postTo(this, [this, notificationId, title, room, connections, at] {
                onTrace(notificationId, title, room, connections, at);
            });
        });
        setClusterTrace(true);
    } else if (!on && m_tracingConsoles == 0) {
        m_services.hub.setTrace({});
        setClusterTrace(false);
    }
}

void AdminChannel::onTrace(const QString &notificationId, const QString &title, const QString &room,
                           int connections, const QDateTime &at)
{
    if (m_tracingConsoles == 0)
        return;
    QJsonObject data {{QStringLiteral("notificationId"), notificationId},
                      {QStringLiteral("title"), title},
                      {QStringLiteral("room"), room},
                      {QStringLiteral("connections"), connections},
                      {QStringLiteral("at"), formatTimestamp(at)}};
    // In a cluster every record names its node, this one's too.
    if (const QJsonObject self = clusterHello(); !self.isEmpty()) {
        data.insert(QStringLiteral("nodeId"), self.value(QStringLiteral("nodeId")));
        data.insert(QStringLiteral("nodeName"), self.value(QStringLiteral("name")));
    }
    const QString frame = QString::fromUtf8(encodeEnvelope(admin::msg::delivery, data));
    for (auto &[id, console] : m_consoles) {
        if (console.tracing)
            sendTo(console, frame);
    }
}

void AdminChannel::send(quint64 consoleId, const QByteArray &frame)
{
    if (Console *console = find(consoleId))
        sendTo(*console, QString::fromUtf8(frame));
}

void AdminChannel::sendTo(Console &console, const QString &frame)
{
    WebSocket *socket = console.socket;
    if (!socket->isOpen())
        return;
    if (socket->bytesToWrite() > maxConsoleUnsentBytes) {
        qCWarning(lcAdmin) << "dropping a console that does not keep up";
        socket->abort();
        return;
    }
    socket->sendText(frame.toUtf8());
}

void AdminChannel::broadcast(const QByteArray &frame)
{
    const QString text = QString::fromUtf8(frame);
    for (auto &[id, console] : m_consoles) {
        if (console.ready)
            sendTo(console, text);
    }
}

void AdminChannel::reply(quint64 consoleId, const QString &requestId, const QJsonObject &data)
{
    if (auto pending = m_pendingAudit.extract({consoleId, requestId}); !pending.empty()) {
        if (const Console *console = find(consoleId))
            recordAudit(*console, pending.mapped().action, pending.mapped().target,
                        QStringLiteral("ok"));
    }
    send(consoleId, encodeReply(requestId, data));
}

void AdminChannel::replyError(quint64 consoleId, const QString &requestId, const QString &code,
                              const QString &message)
{
    if (auto pending = m_pendingAudit.extract({consoleId, requestId}); !pending.empty()) {
        if (const Console *console = find(consoleId))
            recordAudit(*console, pending.mapped().action, pending.mapped().target, code);
    }
    send(consoleId, encodeError(requestId, code, message));
}

void AdminChannel::recordAudit(const Console &console, const QString &action, const QString &target,
                               const QString &result)
{
    audit::Entry entry;
    entry.at = QDateTime::currentDateTimeUtc();
    entry.operatorName = console.operatorName;
    entry.node = m_node.id;
    entry.action = action;
    entry.target = target;
    entry.result = result;
    Metrics &metrics = m_services.metrics;
    m_services.writer.post([entry, &metrics](Store &store) {
        if (auto recorded = audit::record(store, entry); !recorded.ok()) {
            bump(metrics.failed);
            qCWarning(lcAdmin).noquote() << "an audit entry was lost:" << entry.action
                                         << entry.target << recorded.error().message;
        }
    });
}

void AdminChannel::credentialsChanged()
{
    if (!m_operators)
        return;
    for (auto &[id, console] : m_consoles) {
        if (!console.operatorHash.isEmpty() && !m_operators->operatorActive(console.operatorHash)) {
            qCInfo(lcAdmin).noquote()
                << "console" << id << "closed: operator" << console.operatorName << "was revoked";
            console.socket->close(admin::closeUnauthorized, "operator revoked");
        }
    }
}

} // namespace notify
