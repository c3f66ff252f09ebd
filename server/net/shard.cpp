#include "net/shard.h"

#include "codec/timestamp.h"
#include "codec/wirecodec.h"
#include "delivery/roomdirectory.h"
#include "metrics/metrics.h"
#include "protocol/authenticator.h"
#include "protocol/plainconnection.h"
#include "storage/storeworker.h"
#include "util/clock.h"
#include "util/posting.h"

#include <QDateTime>
#include <QJsonArray>
#include "log/logging.h"

#include <QLoggingCategory>
#include <QTcpSocket>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>

namespace notify {

namespace {
// A connection whose unsent bytes pass this is a slow consumer: closed, never buffered on.
constexpr qint64 maxUnsentBytes = 4 * 1024 * 1024;
constexpr int recoveryLimit = 100;
const QString userEventsPath = QStringLiteral("/ws/notifications");

QByteArray bearerToken(const QByteArray &header)
{
    static const QByteArray prefix = "Bearer ";
    if (header.size() > prefix.size() && header.startsWith(prefix))
        return header.mid(prefix.size()).trimmed();
    return {};
}

QByteArray cookieValue(const QByteArray &cookieHeader, const QByteArray &name)
{
    for (const QByteArray &part : cookieHeader.split(';')) {
        const QByteArray kv = part.trimmed();
        if (kv.startsWith(name + '='))
            return kv.mid(name.size() + 1);
    }
    return {};
}

QStringList roomsOf(const Identity &identity)
{
    QStringList list{rooms::user(identity.recipient), rooms::org(identity.recipient.orgId)};
    if (!identity.role.isEmpty())
        list.append(rooms::role(identity.recipient.orgId, identity.role));
    list.append(rooms::broadcast());
    return list;
}

} // namespace

Shard::Shard(int index, ShardServices &services)
    : m_index(index)
    , m_services(services)
{
    setObjectName(QStringLiteral("shard-%1").arg(index));
}

Shard::~Shard() = default;

void Shard::init()
{
    m_wsServer = new QWebSocketServer(QStringLiteral("notifyd"), QWebSocketServer::NonSecureMode,
                                      this);
    m_wsServer->setHandshakeTimeout(10000);
    connect(m_wsServer, &QWebSocketServer::newConnection, this, &Shard::onNewWebSocket);
    m_sweepTimer = new QTimer(this);
    m_sweepTimer->setInterval(250);
    connect(m_sweepTimer, &QTimer::timeout, this, &Shard::sweep);
    m_sweepTimer->start();
}

void Shard::adoptDescriptor(qintptr descriptor)
{
    postTo(this, [this, descriptor] {
        auto *socket = new QTcpSocket;
        if (!socket->setSocketDescriptor(descriptor)) {
            qCWarning(lcNet) << "cannot adopt descriptor" << descriptor;
            delete socket;
            return;
        }
        m_wsServer->handleConnection(socket);
    });
}

void Shard::onNewWebSocket()
{
    while (QWebSocket *socket = m_wsServer->nextPendingConnection()) {
        const QString path = socket->requestUrl().path();
        if (!isOriginAllowed(m_services.config.allowedOrigins, socket->origin())) {
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                          QStringLiteral("origin not allowed"));
            connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        if (path == userEventsPath) {
            acceptPlain(socket);
        } else {
            socket->close(QWebSocketProtocol::CloseCode(4004), QStringLiteral("unknown path"));
            connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        }
    }
}

void Shard::acceptPlain(QWebSocket *socket)
{
    const ServerConfig &cfg = m_services.config;
    socket->setParent(this);
    socket->setMaxAllowedIncomingMessageSize(quint64(cfg.maxMessageBytes));
    socket->setMaxAllowedIncomingFrameSize(quint64(cfg.maxMessageBytes));

    const quint64 id = m_services.nextConnectionId.fetch_add(1, std::memory_order_relaxed);
    auto connection = std::make_unique<PlainConnection>(socket, *this, cfg.pingIntervalMs,
                                                        cfg.pongTimeoutMs);
    ConnectionInfo &info = connection->info;
    info.id = id;
    info.remoteAddress = socket->peerAddress().toString();
    info.userAgent = QString::fromUtf8(socket->request().rawHeader("User-Agent"));
    info.origin = socket->origin();
    info.connectedAt = QDateTime::currentDateTimeUtc();
    connection->bucket.configure(cfg.rateLimit.perSecond, cfg.rateLimit.burst,
                                 QDateTime::currentMSecsSinceEpoch());

    // Disconnects are handled queued so that no connection disappears while a delivery
    // loop is iterating a room.
    connect(socket, &QWebSocket::disconnected, this, [this, id, socket] {
        onDisconnected(id, int(socket->closeCode()), socket->closeReason());
    }, Qt::QueuedConnection);

    const QUrlQuery query(socket->requestUrl());
    QByteArray credential = query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toUtf8();
    if (credential.isEmpty())
        credential = bearerToken(socket->request().rawHeader("Authorization"));
    if (credential.isEmpty())
        credential = cookieValue(socket->request().rawHeader("Cookie"), "session_id");
    std::optional<qint64> lastSeq;
    if (query.hasQueryItem(QStringLiteral("lastSeq"))) {
        bool ok = false;
        const qint64 v = query.queryItemValue(QStringLiteral("lastSeq")).toLongLong(&ok);
        if (ok && v >= 0)
            lastSeq = v;
    }
    m_connections.emplace(id, std::move(connection));
    authenticate(id, credential, lastSeq);
}

void Shard::authenticate(quint64 id, const QByteArray &credential, std::optional<qint64> lastSeq)
{
    m_services.authenticator.authenticate(
        credential, this, [this, id, lastSeq](const Result<Identity, AuthFailure> &result) {
            ClientConnection *c = find(id);
            if (!c || c->closing)
                return;
            if (!result.ok()) {
                m_services.metrics.countAuthFailure(result.error());
                c->closeWith(4001, QStringLiteral("unauthorized"));
                return;
            }
            activate(id, result.value(), lastSeq);
        });
}

void Shard::activate(quint64 id, const Identity &identity, std::optional<qint64> lastSeq)
{
    ClientConnection *c = find(id);
    if (!c)
        return;
    const QStringList rooms = roomsOf(identity);
    if (!m_services.directory.tryJoin(rooms, m_services.config.maxConnectionsPerUser)) {
        c->closeWith(QWebSocketProtocol::CloseCodePolicyViolated,
                     QStringLiteral("too many connections for this user"));
        return;
    }
    c->identity = identity;
    c->authenticated = true;
    c->info.orgId = identity.recipient.orgId;
    c->info.userId = identity.recipient.userId;
    c->info.role = identity.role;
    c->info.rooms = rooms;
    for (const QString &room : rooms)
        m_rooms[room].insert(c);
    bump(c->info.protocol == ClientProtocol::Plain ? m_services.metrics.connectionsPlain
                                                   : m_services.metrics.connectionsSocketIo);
    if (ConnectionObserver *o = m_services.observer.load())
        o->connectionOpened(c->info);
    sendInitialState(id, lastSeq);
    c->activated();
}

void Shard::sendInitialState(quint64 id, std::optional<qint64> lastSeq)
{
    const Recipient r = find(id)->identity.recipient;
    m_services.readers.post([this, id, r, lastSeq](Store &store) {
        auto count = store.unreadCount(r);
        std::optional<StoreResult<Page>> recovery;
        if (lastSeq)
            recovery = store.afterSeq(r, *lastSeq, recoveryLimit);
        postTo(this, [this, id, count, recovery] {
            withConnection(id, [&](ClientConnection &c) {
                const QString now = formatTimestamp(QDateTime::currentDateTimeUtc());
                const qint64 unread = count.ok() ? count.value() : 0;
                c.push(EncodedEvent::make(QStringLiteral("notification:unread_count"),
                                          {{QStringLiteral("unreadCount"), unread},
                                           {QStringLiteral("timestamp"), now}}));
                if (recovery && recovery->ok()) {
                    c.push(EncodedEvent::make(
                        QStringLiteral("notification:recent"),
                        {{QStringLiteral("notifications"),
                          notificationsToClientJson(recovery->value().notifications)},
                         {QStringLiteral("unreadCount"), unread},
                         {QStringLiteral("hasMore"), recovery->value().hasMore},
                         {QStringLiteral("timestamp"), now}}));
                }
            });
        });
    });
}

void Shard::onDisconnected(quint64 id, int code, const QString &reason)
{
    remove(id, code, reason);
}

void Shard::remove(quint64 id, int code, const QString &reason)
{
    auto it = m_connections.find(id);
    if (it == m_connections.end())
        return;
    ClientConnection *c = it->second.get();
    if (c->authenticated) {
        for (const QString &room : c->info.rooms) {
            auto r = m_rooms.find(room);
            if (r != m_rooms.end()) {
                r->remove(c);
                if (r->isEmpty())
                    m_rooms.erase(r);
            }
        }
        m_services.directory.leave(c->info.rooms);
        (c->info.protocol == ClientProtocol::Plain ? m_services.metrics.connectionsPlain
                                                   : m_services.metrics.connectionsSocketIo)
            .fetch_sub(1, std::memory_order_relaxed);
        if (ConnectionObserver *o = m_services.observer.load())
            o->connectionClosed(id, code, reason);
    }
    m_connections.erase(it);
    if (m_connections.empty() && !m_closeWaiters.empty()) {
        auto waiters = std::move(m_closeWaiters);
        m_closeWaiters.clear();
        for (auto &w : waiters)
            w.second();
    }
}

ClientConnection *Shard::find(quint64 id) const
{
    auto it = m_connections.find(id);
    return it == m_connections.end() ? nullptr : it->second.get();
}

void Shard::withConnection(quint64 id, const std::function<void(ClientConnection &)> &fn) const
{
    if (ClientConnection *c = find(id); c && !c->closing)
        fn(*c);
}

void Shard::deliver(DeliveryList deliveries)
{
    postTo(this, [this, deliveries = std::move(deliveries)] {
        std::vector<quint64> slow;
        for (const DeliveryPtr &d : deliveries) {
            auto room = m_rooms.constFind(d->room);
            if (room == m_rooms.constEnd())
                continue;
            for (ClientConnection *c : *room)
                pushTo(*c, *d, slow);
            if (d->committedAtNs != 0)
                m_services.metrics.commitToSend.observe(double(steadyNowNs() - d->committedAtNs)
                                                        / 1e9);
        }
        for (quint64 id : slow) {
            if (ClientConnection *c = find(id)) {
                qCInfo(lcNet) << "closing slow consumer" << id;
                bump(m_services.metrics.dropped);
                c->abortConnection();
            }
        }
    });
}

void Shard::pushTo(ClientConnection &c, const Delivery &d, std::vector<quint64> &slow)
{
    if (c.closing)
        return;
    for (const EncodedEvent &e : d.events)
        c.push(e);
    m_services.metrics.sent.fetch_add(d.events.size(), std::memory_order_relaxed);
    if (c.bytesToWrite() > maxUnsentBytes) {
        c.closing = true;
        slow.push_back(c.info.id);
    }
}

void Shard::revokeSession(QByteArray sessionHash)
{
    postTo(this, [this, sessionHash] {
        for (auto &[id, c] : m_connections) {
            if (c->authenticated && !c->closing && c->identity.sessionHash == sessionHash)
                c->closeWith(4001, QStringLiteral("session expired"));
        }
    });
}

void Shard::kick(quint64 connectionId, QString reason)
{
    postTo(this, [this, connectionId, reason] {
        withConnection(connectionId, [&](ClientConnection &c) {
            c.closeWith(QWebSocketProtocol::CloseCodeNormal,
                        reason.isEmpty() ? QStringLiteral("kicked by operator") : reason);
        });
    });
}

void Shard::closeAll(int code, QString reason, int timeoutMs, std::function<void()> done)
{
    postTo(this, [this, code, reason, timeoutMs, done = std::move(done)] {
        m_sweepTimer->stop();
        if (m_connections.empty()) {
            done();
            return;
        }
        for (auto &[id, c] : m_connections)
            c->closeWith(code, reason);
        m_closeWaiters.emplace_back(0, done);
        QTimer::singleShot(timeoutMs, this, [this] {
            for (auto &[id, c] : m_connections)
                c->abortConnection();
            auto waiters = std::move(m_closeWaiters);
            m_closeWaiters.clear();
            for (auto &w : waiters)
                w.second();
        });
    });
}

void Shard::collectSnapshot(QObject *ctx, std::function<void(ShardSnapshot)> done)
{
    postTo(this, [this, ctx, done = std::move(done)] {
        ShardSnapshot snapshot;
        snapshot.connections.reserve(m_connections.size());
        for (const auto &[id, c] : m_connections) {
            if (c->authenticated && !c->closing)
                snapshot.connections.push_back(c->info);
        }
        postTo(ctx, [done, snapshot = std::move(snapshot)] { done(snapshot); });
    });
}

void Shard::sweep()
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC);
    std::vector<quint64> timedOut;
    for (auto &[id, c] : m_connections) {
        if (c->closing || !c->authenticated)
            continue;
        if (c->identity.expiresAt.isValid() && c->identity.expiresAt <= now) {
            c->closeWith(4001, QStringLiteral("session expired"));
            continue;
        }
        if (!c->heartbeat(nowMs))
            timedOut.push_back(id);
    }
    for (quint64 id : timedOut) {
        bump(m_services.metrics.heartbeatTimeouts);
        if (ClientConnection *c = find(id))
            c->abortConnection();
    }
}

bool Shard::admit(ClientConnection &c)
{
    if (c.closing)
        return false;
    if (c.bucket.take(QDateTime::currentMSecsSinceEpoch())) {
        c.refusedInARow = 0;
        return true;
    }
    bump(m_services.metrics.rateLimited);
    if (++c.refusedInARow >= qMax(1, m_services.config.rateLimit.burst)) {
        c.closeWith(4029, QStringLiteral("rate limit exceeded repeatedly"));
        return false;
    }
    c.replyError({}, QStringLiteral("rate_limited"),
                 QStringLiteral("too many messages; at most %1 per second")
                     .arg(m_services.config.rateLimit.perSecond));
    return false;
}

} // namespace notify
