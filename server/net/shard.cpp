#include "net/shard.h"

#include "codec/timestamp.h"
#include "codec/wirecodec.h"
#include "delivery/roomdirectory.h"
#include "dialect/dialectrequests.h"
#include "metrics/metrics.h"
#include "protocol/authenticator.h"
#include "protocol/credentials.h"
#include "protocol/plainconnection.h"
#include "socketio/httpconnection.h"
#include "socketio/socketiohost.h"
#include "storage/storeworker.h"
#include "util/clock.h"
#include "util/posting.h"
#include "websocket/handshake.h"
#include "websocket/websocket.h"

#include "log/logging.h"
#include <QDateTime>
#include <QJsonArray>

#include <QLoggingCategory>
#include <QPointer>
#include <QTcpSocket>
#include <QThread>
#include <QUrlQuery>

#include <unistd.h>

namespace notify {

namespace {
constexpr int recoveryLimit = 100;
const QString userEventsPath = QStringLiteral("/ws/notifications");

QStringList roomsOf(const Identity &identity)
{
    QStringList list {rooms::user(identity.recipient), rooms::org(identity.recipient.orgId)};
    if (!identity.role.isEmpty())
        list.append(rooms::role(identity.recipient.orgId, identity.role));
    list.append(rooms::broadcast());
    return list;
}

} // namespace

Shard::Shard(int index, NodeServices &services)
    : m_index(index)
    , m_services(services)
{
    setObjectName(QStringLiteral("shard-%1").arg(index));
}

Shard::~Shard()
{
    // Sessions first: they detach their namespace connections, which are still alive here.
    m_sio.reset();
}

void Shard::init()
{
    m_sio = std::make_unique<SocketIoHost>(*this, m_services);
    m_sweepTimer = new QTimer(this);
    m_sweepTimer->setInterval(250);
    connect(m_sweepTimer, &QTimer::timeout, this, &Shard::sweep);
    m_sweepTimer->start();
}

void Shard::adoptDescriptor(qintptr descriptor, AcceptGate::Ticket ticket, qint64 acceptedAtMs)
{
    auto held = std::make_shared<AcceptGate::Ticket>(std::move(ticket));
    postTo(this, [this, descriptor, held, acceptedAtMs] {
        startHttp(int(descriptor), std::move(*held), acceptedAtMs + m_services.config.headTimeoutMs,
                  {}, 0);
    });
}

void Shard::adoptHandOver(HandOver handOver)
{
    auto held = std::make_shared<HandOver>(std::move(handOver));
    postTo(this, [this, held] {
        startHttp(held->descriptor, std::move(held->ticket), held->deadlineMs,
                  std::move(held->unread), held->served);
    });
}

void Shard::startHttp(int descriptor, AcceptGate::Ticket ticket, qint64 deadlineMs,
                      QByteArray alreadyRead, quint64 served)
{
    auto *socket = new QTcpSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcNet) << "cannot adopt descriptor" << descriptor;
        ::close(descriptor);
        delete socket;
        return;
    }
    // Every connection starts as HTTP: the head tells a WebSocket upgrade from a
    // long-polling request.
    auto *conn = new HttpConnection(socket, this, std::move(ticket), deadlineMs);
    conn->setParent(this);
    m_http.insert(conn);
    conn->start(std::move(alreadyRead), served);
}

void Shard::httpUpgrade(HttpConnection *conn)
{
    const http1::RequestHead &head = conn->head();
    const QByteArray path = head.path();
    if (SocketIoHost::isEnginePath(path)) {
        if (routeToOwner(conn) || !m_sio->checkUpgrade(conn))
            return;
    }
    auto accept = ws::checkOpeningHandshake(head);
    if (!accept.ok()) {
        conn->respondAndClose(accept.error().status, "text/plain; charset=UTF-8",
                              accept.error().message, accept.error().extraHeaders);
        return;
    }
    // Responses to earlier requests on the connection go out before its descriptor does.
    conn->afterFlush([this, conn, value = accept.value()] { upgrade(conn, value); });
}

void Shard::upgrade(HttpConnection *conn, const QByteArray &acceptValue)
{
    const http1::RequestHead &head = conn->head();
    const QByteArray path = head.path();
    const QString peerAddress = conn->socket()->peerAddress().toString();
    QByteArray afterHead;
    AcceptGate::Ticket ticket = conn->takeTicket();
    const int fd = conn->takeDescriptor(&afterHead);
    m_http.remove(conn);
    conn->deleteLater(); // its head stays readable until then
    if (fd < 0) {
        qCWarning(lcNet) << "cannot keep an upgraded connection:" << qt_error_string(errno);
        return;
    }
    const ServerConfig &cfg = m_services.config;
    auto *socket = new WebSocket(fd, cfg.maxMessageBytes, this);
    socket->setTicket(std::move(ticket));
    socket->setMaxOutputBytes(cfg.maxOutputBytes);
    socket->setControlRateLimit(cfg.rateLimit.perSecond, cfg.rateLimit.burst);
    socket->sendRaw(ws::switchingProtocolsResponse(acceptValue));

    const QString origin = QString::fromUtf8(head.header("origin"));
    if (!isOriginAllowed(m_services.config.allowedOrigins, origin)) {
        WebSocket::refuse(socket, ws::closecode::policyViolation, "origin not allowed");
    } else if (path == userEventsPath) {
        acceptPlain(socket, head, peerAddress, std::move(afterHead));
    } else if (SocketIoHost::isEnginePath(path)) {
        m_sio->acceptWebSocket(socket, head, peerAddress, std::move(afterHead));
    } else {
        WebSocket::refuse(socket, 4004, "unknown path");
    }
}

void Shard::httpRequest(HttpConnection *conn)
{
    if (!SocketIoHost::isEnginePath(conn->head().path())) {
        conn->respond(404, "text/plain; charset=UTF-8",
                      "not found: this port serves /ws/notifications (WebSocket) and /socket.io/");
        return;
    }
    if (routeToOwner(conn))
        return;
    m_sio->handleHttp(conn);
}

void Shard::httpClosed(HttpConnection *conn)
{
    m_sio->httpClosed(conn);
    m_http.remove(conn);
    conn->deleteLater();
}

bool Shard::routeToOwner(HttpConnection *conn)
{
    const int owner = SocketIoHost::ownerOf(SocketIoHost::sidOf(conn->head().target));
    if (owner < 0 || owner == m_index || size_t(owner) >= m_services.shards.size())
        return false;
    // An Engine.IO session lives on one shard; a request for it may arrive on any TCP
    // connection, accepted by any shard. What moves is data: the descriptor and the bytes
    // read from it, request included. The owner builds a connection of its own and parses
    // the request again; this one is closed here, on its own thread, and never touched by
    // another (conn is still inside its own read loop, which sees it Closed and stops).
    Shard *to = m_services.shards[size_t(owner)];
    qCDebug(lcNet) << "shard" << m_index << "hands a request to shard" << owner;
    // Responses to earlier requests on the connection go out first: closing the socket
    // would drop them.
    conn->afterFlush([this, conn, to] { handOver(conn, to); });
    return true;
}

void Shard::handOver(HttpConnection *conn, Shard *to)
{
    HandOver handOver;
    handOver.deadlineMs = conn->deadlineMs();
    handOver.served = conn->served();
    handOver.ticket = conn->takeTicket();
    handOver.descriptor = conn->takeDescriptor(&handOver.unread, true);
    m_http.remove(conn);
    conn->deleteLater();
    if (handOver.descriptor < 0) {
        qCWarning(lcNet) << "cannot hand a connection over:" << qt_error_string(errno);
        return;
    }
    to->adoptHandOver(std::move(handOver));
}

void Shard::sweepHttp(qint64 nowMs)
{
    std::vector<HttpConnection *> late;
    for (HttpConnection *conn : std::as_const(m_http)) {
        if (conn->state() == HttpConnection::State::Dispatched
            || conn->state() == HttpConnection::State::Closed)
            continue;
        if (nowMs > conn->deadlineMs())
            late.push_back(conn);
    }
    for (HttpConnection *conn : late) {
        if (!conn->idle())
            bump(m_services.metrics.requestTimeouts);
        conn->abort();
    }
}

void Shard::addConnection(std::unique_ptr<ClientConnection> connection,
                          const QByteArray &credential, std::optional<qint64> lastSeq)
{
    const ServerConfig &cfg = m_services.config;
    const quint64 id = m_services.nextConnectionId.fetch_add(1, std::memory_order_relaxed);
    connection->info.id = id;
    connection->bucket.configure(cfg.rateLimit.perSecond, cfg.rateLimit.burst,
                                 QDateTime::currentMSecsSinceEpoch());
    m_connections.emplace(id, std::move(connection));
    authenticate(id, credential, lastSeq);
}

void Shard::dropConnection(quint64 id, int code, const QString &reason)
{
    postTo(this, [this, id, code, reason] { remove(id, code, reason); });
}

void Shard::acceptPlain(WebSocket *socket, const http1::RequestHead &head,
                        const QString &peerAddress, QByteArray afterHead)
{
    const ServerConfig &cfg = m_services.config;
    auto connection = std::make_unique<PlainConnection>(socket, *this, cfg.pingIntervalMs,
                                                        cfg.pongTimeoutMs);
    connection->dialect = cfg.dialects.plain;
    ConnectionInfo &info = connection->info;
    info.remoteAddress = peerAddress;
    info.userAgent = QString::fromUtf8(head.header("user-agent"));
    info.origin = QString::fromUtf8(head.header("origin"));
    info.connectedAt = QDateTime::currentDateTimeUtc();

    const QUrlQuery query(QString::fromUtf8(head.query()));
    const QByteArray credential
        = plainCredential(query, head.header("authorization"), head.header("cookie"));
    std::optional<qint64> lastSeq;
    if (query.hasQueryItem(QStringLiteral("lastSeq"))) {
        bool ok = false;
        const qint64 v = query.queryItemValue(QStringLiteral("lastSeq")).toLongLong(&ok);
        if (ok && v >= 0)
            lastSeq = v;
    }
    addConnection(std::move(connection), credential, lastSeq);
    socket->start(std::move(afterHead));
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
                c->closeWith(4001, authCloseReason(result.error()));
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
        c->closeWith(ws::closecode::policyViolation,
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
                if (c.dialect != Dialect::Standard) {
                    pushInitialEvents(c, unread,
                                      recovery && recovery->ok() ? &recovery->value() : nullptr);
                    return;
                }
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
                c.flush();
            });
        });
    });
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
    const std::vector<EncodedEvent> &events = d.eventsFor(c.dialect);
    for (const EncodedEvent &e : events)
        c.push(e);
    c.flush();
    m_services.metrics.sent.fetch_add(events.size(), std::memory_order_relaxed);
    // The transports enforce the same bound as they queue (and close with their own code);
    // this catches what they let through, e.g. a polling session between two GETs.
    if (c.bytesToWrite() > m_services.config.maxOutputBytes) {
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
            c.closeWith(ws::closecode::normal,
                        reason.isEmpty() ? QStringLiteral("kicked by operator") : reason);
        });
    });
}

void Shard::closeAll(int code, QString reason, int timeoutMs, std::function<void()> done)
{
    postTo(this, [this, code, reason, timeoutMs, done = std::move(done)] {
        m_sweepTimer->stop();
        m_sio->closeAll(code, reason);
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
    m_sio->sweep(nowMs);
    sweepHttp(nowMs);
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
