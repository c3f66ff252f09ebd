// Shard, the client port: descriptors from the acceptor and from other shards, the HTTP
// connections before their upgrade, the WebSocket upgrade (plain or Socket.IO) and the
// hand-over of a request to the shard that owns its session.
#include "server/shard/shard.h"
#include "server/shard/webfiles.h"

#include "server/delivery/roomdirectory.h"
#include "server/metrics/metrics.h"
#include "server/protocol/authenticator.h"
#include "server/protocol/credentials.h"
#include "server/protocol/dialectrequests.h"
#include "server/protocol/plainconnection.h"
#include "server/protocol/refusals.h"
#include "server/socketio/httpconnection.h"
#include "server/socketio/socketiohost.h"
#include "server/storage/storeworker.h"
#include "server/util/clock.h"
#include "server/util/posting.h"
#include "server/websocket/handshake.h"
#include "server/websocket/websocket.h"
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"

#include "server/log/logging.h"
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <QLoggingCategory>
#include <QPointer>
#include <QTcpSocket>
#include <QThread>
#include <QUrlQuery>

#include <unistd.h>

namespace notify {

namespace {
const QString userEventsPath = QStringLiteral("/ws/notifications");
// A close reason is at most 123 bytes; /readyz has the figures.
constexpr QByteArrayView memoryCloseReason
    = "memory limit: the server is near its memory limit; retry later";
} // namespace

bool Shard::opensNewConnection(const http1::RequestHead &head)
{
    const QByteArray path = head.path();
    // An Engine.IO request with a sid belongs to a session that is already open.
    return path == userEventsPath.toLatin1() || isSsePath(path)
        || (SocketIoHost::isEnginePath(path) && SocketIoHost::sidOf(head.target).isEmpty());
}

bool Shard::refuseForMemory(HttpConnection *conn)
{
    MemoryWatch &memory = m_services.memory;
    if (!memory.refusing() || !opensNewConnection(conn->head()))
        return false;
    memory.countRefusal();
    // Listed for support as any other refusal (docs/operations.md, "Support actions").
    const QString protocol
        = isSsePath(conn->head().path()) ? QStringLiteral("sse") : QStringLiteral("socketio");
    Refusal refusal = refusals::ofRequest(conn->head(), conn->clientAddress().toString(), protocol,
                                          MemoryWatch::refusalCode(), m_services.keyRing);
    refusal.detail = memory.reason();
    m_services.refusals.record(std::move(refusal));
    const QJsonObject error {{QStringLiteral("code"), MemoryWatch::refusalCode()},
                             {QStringLiteral("message"), memory.reason()}};
    conn->respond(503, "application/json",
                  QJsonDocument(QJsonObject {{QStringLiteral("error"), error}})
                      .toJson(QJsonDocument::Compact),
                  "Retry-After: 10\r\n");
    return true;
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
    const QString peerAddress = conn->clientAddress().toString();
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
    const QString protocol = SocketIoHost::isEnginePath(path) ? QStringLiteral("socketio")
                                                              : QStringLiteral("websocket");
    if (!isOriginAllowed(m_services.config.allowedOrigins, origin)) {
        // Who the credential claims to be, so that the refusal shows in that user's view.
        m_services.refusals.record(refusals::ofRequest(
            head, peerAddress, protocol, QStringLiteral("origin_not_allowed"), m_services.keyRing));
        WebSocket::refuse(socket, ws::closecode::policyViolation, "origin not allowed");
    } else if (m_services.memory.refusing() && opensNewConnection(head)) {
        // Upgraded first, so that the client reads why (docs/operations.md, "Memory limits").
        m_services.memory.countRefusal();
        Refusal refusal = refusals::ofRequest(head, peerAddress, protocol,
                                              MemoryWatch::refusalCode(), m_services.keyRing);
        refusal.detail = m_services.memory.reason();
        m_services.refusals.record(std::move(refusal));
        WebSocket::refuse(socket, 1013, memoryCloseReason);
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
    const QByteArray path = conn->head().path();
    if (isUserRoute(path)) {
        serveUserRoute(conn);
        return;
    }
    if (refuseForMemory(conn))
        return;
    if (isSsePath(path)) {
        serveSse(conn);
        return;
    }
    if (const WebFile *file = webFile(path); file && (!file->devOnly || m_services.config.dev)) {
        serveWebFile(conn, *file);
        return;
    }
    if (!SocketIoHost::isEnginePath(path)) {
        conn->respond(404, "text/plain; charset=UTF-8",
                      "not found: this port serves /ws/notifications (WebSocket), /socket.io/, "
                      "/sse/notifications, /api/v1/me/ and /notifyd.js");
        return;
    }
    if (routeToOwner(conn))
        return;
    m_sio->handleHttp(conn);
}

void Shard::serveWebFile(HttpConnection *conn, const WebFile &file)
{
    const QByteArray &method = conn->head().method;
    if (method != "GET" && method != "HEAD") {
        conn->respond(405, "text/plain; charset=UTF-8", "use GET", "Allow: GET, HEAD\r\n");
        return;
    }
    // Revalidated on every use (no-cache) and answered 304 while the ETag matches: a page
    // never runs a client older than its server for long. The module may be imported by a
    // page of any origin; it holds no secret and is fetched without credentials.
    QByteArray headers = "ETag: " + file.etag
        + "\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\n";
    if (!file.devOnly)
        headers += "Access-Control-Allow-Origin: *\r\n";
    const QByteArray ifNoneMatch = conn->head().header("if-none-match");
    if (!ifNoneMatch.isNull()
        && (ifNoneMatch.contains(file.etag) || ifNoneMatch.trimmed() == "*")) {
        conn->respond(304, {}, {}, headers);
        return;
    }
    conn->respond(200, file.contentType, method == "HEAD" ? QByteArray() : file.body, headers);
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

void Shard::acceptPlain(WebSocket *socket, const http1::RequestHead &head,
                        const QString &peerAddress, QByteArray afterHead)
{
    const ServerConfig &cfg = m_services.config;
    auto connection
        = std::make_unique<PlainConnection>(socket, *this, cfg.pingIntervalMs, cfg.pongTimeoutMs);
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

} // namespace notify
