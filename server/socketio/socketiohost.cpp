#include "server/socketio/socketiohost.h"
#include "server/protocol/credentials.h"

#include "server/metrics/metrics.h"
#include "server/node/nodeservices.h"
#include "server/protocol/connectionhost.h"
#include "server/protocol/refusals.h"
#include "server/socketio/httpconnection.h"
#include "server/util/posting.h"

#include <QRandomGenerator>
#include <QUrlQuery>

namespace notify {

namespace {
constexpr char sidAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const QByteArray jsonContentType = "application/json";

QUrlQuery queryOf(QByteArrayView target)
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? QUrlQuery() : QUrlQuery(QString::fromUtf8(target.sliced(q + 1)));
}
} // namespace

SocketIoHost::SocketIoHost(ConnectionHost &shard, NodeServices &services)
    : m_shard(shard)
    , m_services(services)
{ }

SocketIoHost::~SocketIoHost()
{
    const auto sessions = std::exchange(m_sessions, {});
    qDeleteAll(sessions);
}

bool SocketIoHost::isEnginePath(QByteArrayView path)
{
    return path == QByteArrayView("/socket.io/") || path == QByteArrayView("/socket.io");
}

int SocketIoHost::ownerOf(QStringView sid)
{
    if (sid.isEmpty())
        return -1;
    const char first = sid.front().toLatin1();
    for (int i = 0; i < 64; ++i) {
        if (sidAlphabet[i] == first)
            return i;
    }
    return -1;
}

QString SocketIoHost::sidOf(QByteArrayView target)
{
    return queryOf(target).queryItemValue(QStringLiteral("sid"));
}

QString SocketIoHost::newSid() const
{
    // 20 characters like engine.io's: the first names this shard, so that any shard can route
    // a request to the session's owner; the other 19 (114 bits) are what makes it unguessable.
    for (;;) {
        QString sid(20, Qt::Uninitialized);
        sid[0] = QLatin1Char(sidAlphabet[m_shard.index() & 63]);
        for (qsizetype i = 1; i < sid.size(); ++i)
            sid[i] = QLatin1Char(sidAlphabet[QRandomGenerator::system()->bounded(64)]);
        if (!m_sessions.contains(sid))
            return sid;
    }
}

EngineSettings SocketIoHost::settings() const
{
    EngineSettings s;
    s.pingIntervalMs = m_services.config.sioPingIntervalMs;
    s.pingTimeoutMs = m_services.config.sioPingTimeoutMs;
    s.connectTimeoutMs = m_services.config.sioConnectTimeoutMs;
    s.maxOutputBytes = m_services.config.maxOutputBytes;
    s.answersPerSecond = m_services.config.rateLimit.perSecond;
    s.answerBurst = m_services.config.rateLimit.burst;
    return s;
}

QByteArray SocketIoHost::corsHeaders(const HttpConnection *conn) const
{
    // Browsers only let a page of another origin read the response when told so; the
    // origin was checked against the allow-list before any session code ran.
    const QByteArray origin = conn->head().header("origin");
    if (origin.isEmpty()
        || !isOriginAllowed(m_services.config.allowedOrigins, QString::fromUtf8(origin)))
        return {};
    return "Access-Control-Allow-Origin: " + origin
        + "\r\nAccess-Control-Allow-Credentials: true\r\nVary: Origin\r\n";
}

void SocketIoHost::refuse(HttpConnection *conn, eio::ServerError error)
{
    conn->respond(eio::httpStatus(error), jsonContentType, eio::errorBody(error),
                  corsHeaders(conn));
}

void SocketIoHost::handleHttp(HttpConnection *conn)
{
    const http1::RequestHead &head = conn->head();
    const QByteArray origin = head.header("origin");
    if (!origin.isEmpty()
        && !isOriginAllowed(m_services.config.allowedOrigins, QString::fromUtf8(origin))) {
        m_services.refusals.record(
            refusals::ofRequest(head, conn->clientAddress().toString(), QStringLiteral("socketio"),
                                QStringLiteral("origin_not_allowed"), m_services.keyRing));
        refuse(conn, eio::ServerError::Forbidden);
        return;
    }
    if (head.method == "OPTIONS") {
        // CORS preflight: a browser asks before a cross-origin POST with a JSON-ish type.
        QByteArray headers = corsHeaders(conn);
        if (!headers.isEmpty()) {
            headers += "Access-Control-Allow-Methods: GET, POST, OPTIONS\r\n"
                       "Access-Control-Max-Age: 86400\r\n";
            const QByteArray requested = head.header("access-control-request-headers");
            if (!requested.isEmpty())
                headers += "Access-Control-Allow-Headers: " + requested + "\r\n";
        }
        conn->respond(204, {}, {}, headers);
        return;
    }
    const QUrlQuery query = queryOf(head.target);
    auto parsed
        = eio::parseHandshakeQuery(query, eio::Transport::Polling | eio::Transport::WebSocket);
    if (!parsed.ok()) {
        refuse(conn, parsed.error());
        return;
    }
    if (parsed->transport == eio::Transport::WebSocket) {
        refuse(conn, eio::ServerError::BadRequest); // websocket transport without an upgrade
        return;
    }
    if (auto error = eio::checkRequestMethod(head.method, parsed->sid.has_value())) {
        refuse(conn, *error);
        return;
    }
    if (!parsed->sid) {
        AcceptGate::Ticket ticket = m_services.sessionGate.admit(conn->clientAddress());
        if (!ticket) {
            // Too many sessions without a CONNECT, from this address or in all: the client
            // may try again later (each such session lives at most the connect timeout).
            bump(m_services.metrics.sessionsRefused);
            conn->respond(503, jsonContentType,
                          R"({"code":3,"message":"too many pending sessions; retry later"})",
                          corsHeaders(conn));
            return;
        }
        PeerInfo peer;
        peer.remoteAddress = conn->clientAddress().toString();
        peer.userAgent = QString::fromUtf8(head.header("user-agent"));
        peer.origin = QString::fromUtf8(origin);
        peer.fallbackCredential
            = plainCredential(query, head.header("authorization"), head.header("cookie"));
        auto *session
            = new EngineSession(*this, m_shard, newSid(), settings(), peer, std::move(ticket));
        m_sessions.insert(session->sid(), session);
        session->openPolling(conn);
        return;
    }
    EngineSession *session = m_sessions.value(*parsed->sid);
    if (!session || session->finalized()) {
        refuse(conn, eio::ServerError::UnknownSid);
        return;
    }
    if (session->granted())
        conn->markAuthenticated();
    if (head.method == "GET")
        session->handleGet(conn);
    else
        session->handlePost(conn);
}

bool SocketIoHost::checkUpgrade(HttpConnection *conn)
{
    auto parsed = eio::parseHandshakeQuery(queryOf(conn->head().target),
                                           eio::Transport::Polling | eio::Transport::WebSocket);
    std::optional<eio::ServerError> error;
    if (!parsed.ok())
        error = parsed.error();
    else if (parsed->transport != eio::Transport::WebSocket)
        error = eio::ServerError::BadRequest;
    else if (parsed->sid) {
        EngineSession *session = m_sessions.value(*parsed->sid);
        if (!session || session->finalized())
            error = eio::ServerError::UnknownSid;
        else if (!session->canUpgrade())
            error = eio::ServerError::BadRequest;
    }
    if (!error)
        return true;
    conn->respondAndClose(eio::httpStatus(*error), jsonContentType, eio::errorBody(*error),
                          corsHeaders(conn));
    return false;
}

void SocketIoHost::acceptWebSocket(WebSocket *ws, const http1::RequestHead &head,
                                   const QString &peerAddress, QByteArray afterHead)
{
    const QUrlQuery query = queryOf(head.target);
    auto parsed = eio::parseHandshakeQuery(query, eio::Transport::WebSocket);
    if (!parsed.ok()) {
        WebSocket::refuse(ws, ws::closecode::protocolError,
                          eio::errorMessage(parsed.error()).toUtf8());
        return;
    }
    if (!parsed->sid) {
        AcceptGate::Ticket ticket = m_services.sessionGate.admit(QHostAddress(peerAddress));
        if (!ticket) {
            bump(m_services.metrics.sessionsRefused);
            WebSocket::refuse(ws, 1013, "too many pending sessions; retry later");
            return;
        }
        PeerInfo peer;
        peer.remoteAddress = peerAddress;
        peer.userAgent = QString::fromUtf8(head.header("user-agent"));
        peer.origin = QString::fromUtf8(head.header("origin"));
        peer.fallbackCredential
            = plainCredential(query, head.header("authorization"), head.header("cookie"));
        auto *session
            = new EngineSession(*this, m_shard, newSid(), settings(), peer, std::move(ticket));
        m_sessions.insert(session->sid(), session);
        session->openWebSocket(ws);
        ws->start(std::move(afterHead));
        return;
    }
    EngineSession *session = m_sessions.value(*parsed->sid);
    if (!session || !session->canUpgrade()) {
        // The session went away between the checked request and the handshake.
        WebSocket::refuse(ws, ws::closecode::normal,
                          eio::errorMessage(eio::ServerError::UnknownSid).toUtf8());
        return;
    }
    session->attachProbe(ws);
    ws->start(std::move(afterHead));
}

void SocketIoHost::httpClosed(HttpConnection *conn)
{
    if (EngineSession *session = conn->waitingSession())
        session->httpClosed(conn);
}

void SocketIoHost::sweep(qint64 nowMs)
{
    for (EngineSession *session : std::as_const(m_sessions)) {
        if (session->expired(nowMs)) {
            bump(m_services.metrics.sessionsExpired);
            session->close(ws::closecode::policyViolation,
                           QStringLiteral("no Socket.IO CONNECT in time"));
            continue;
        }
        if (!session->tick(nowMs)) {
            bump(m_services.metrics.heartbeatTimeouts);
            session->abort(1006, QStringLiteral("ping timeout"));
        }
    }
}

void SocketIoHost::closeAll(int code, const QString &reason)
{
    for (EngineSession *session : std::as_const(m_sessions))
        session->close(code, reason);
}

void SocketIoHost::sessionClosed(EngineSession *session)
{
    // Later: the caller may be iterating the sessions or be inside one of them.
    postTo(m_shard.context(), [this, session] {
        auto it = m_sessions.find(session->sid());
        if (it != m_sessions.end() && it.value() == session)
            m_sessions.erase(it);
        delete session;
    });
}

} // namespace notify
