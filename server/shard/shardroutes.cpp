// Shard, the user's routes on the client port (docs/protocol.md, "The user's routes on the
// client port"): origin (CORS), rate and credential are checked here, on the shard, before
// the request reaches the API server's handlers, which answer both ports.
#include "server/shard/shard.h"

#include "server/metrics/metrics.h"
#include "server/protocol/authenticator.h"
#include "server/protocol/cors.h"
#include "server/protocol/credentials.h"
#include "server/protocol/refusals.h"
#include "server/protocol/sseconnection.h"
#include "server/socketio/httpconnection.h"
#include "server/util/posting.h"
#include "server/websocket/websocket.h"
#include "shared/codec/errorcodes.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QUrlQuery>

namespace notify {

namespace {
constexpr QByteArrayView jsonType = "application/json";

QByteArray errorBody(const QString &code, const QString &message)
{
    const QJsonObject error {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    return QJsonDocument(QJsonObject {{QStringLiteral("error"), error}})
        .toJson(QJsonDocument::Compact);
}
} // namespace

bool Shard::isUserRoute(QByteArrayView path)
{
    return path.startsWith("/api/v1/me/");
}

void Shard::serveUserRoute(HttpConnection *conn)
{
    const http1::RequestHead &head = conn->head();
    const QStringList &origins = m_services.config.allowedOrigins;
    const QByteArray origin = head.header("origin");
    if (cors::isPreflight(head)) {
        const cors::PreflightAnswer answer = cors::preflight(origins, head);
        conn->respond(answer.status, "text/plain; charset=UTF-8",
                      answer.status == 204 ? QByteArray() : QByteArray("preflight refused"),
                      answer.headers);
        return;
    }
    if (cors::check(origins, origin) == cors::Verdict::Refused) {
        m_services.refusals.record(
            refusals::ofRequest(head, conn->clientAddress().toString(), QStringLiteral("http"),
                                QStringLiteral("origin_not_allowed"), m_services.keyRing));
        conn->respond(403, jsonType,
                      errorBody(QStringLiteral("forbidden"), QStringLiteral("origin not allowed")),
                      cors::answerHeaders(origins, origin));
        return;
    }
    const QByteArray corsLines = cors::answerHeaders(origins, origin);
    const QByteArray credential
        = plainCredential(QUrlQuery(QString::fromUtf8(head.query())), head.header("authorization"),
                          head.header("cookie"));
    if (credential.isEmpty()) {
        m_services.metrics.countAuthFailure(AuthFailure::NoCredential);
        conn->respond(401, jsonType,
                      errorBody(codes::unauthorized,
                                QStringLiteral("a user credential is required (Authorization: "
                                               "Bearer, ?token= or the session_id cookie)")),
                      corsLines + "WWW-Authenticate: Bearer\r\n");
        return;
    }
    if (!m_services.routeRateLimit.take(credential, QDateTime::currentMSecsSinceEpoch())) {
        bump(m_services.metrics.rateLimited);
        conn->respond(429, jsonType,
                      errorBody(codes::rateLimited, QStringLiteral("too many requests")),
                      corsLines + "Retry-After: 1\r\n");
        return;
    }
    QPointer<HttpConnection> guard(conn);
    m_services.authenticator.authenticate(
        credential, this, [this, guard, corsLines](const Result<Identity, AuthFailure> &result) {
            if (!guard || guard->state() != HttpConnection::State::Dispatched)
                return;
            if (!result.ok()) {
                m_services.metrics.countAuthFailure(result.error());
                guard->respond(
                    401, jsonType,
                    errorBody(codes::unauthorized, QStringLiteral("the credential is not valid")),
                    corsLines + "WWW-Authenticate: Bearer error=\"invalid_token\"\r\n");
                return;
            }
            UserRoutes *routes = m_services.userRoutes.load();
            if (!routes) {
                guard->respond(503, jsonType,
                               errorBody(codes::unavailable, QStringLiteral("not ready")),
                               corsLines);
                return;
            }
            guard->markAuthenticated();
            QPointer<Shard> self(this);
            routes->serveUserRoute(guard->head(), guard->body(), result.value(),
                                   [self, guard, corsLines](UserRoutes::Answer answer) {
                                       // On the API server's thread: back to this shard, if both
                                       // still exist.
                                       if (!self)
                                           return;
                                       postTo(self, [guard, corsLines, answer = std::move(answer)] {
                                           if (guard)
                                               guard->respond(answer.status, answer.contentType,
                                                              answer.body,
                                                              answer.headers + corsLines);
                                       });
                                   });
        });
}

bool Shard::isSsePath(QByteArrayView path)
{
    return path == "/sse/notifications";
}

void Shard::serveSse(HttpConnection *conn)
{
    const http1::RequestHead &head = conn->head();
    const QStringList &origins = m_services.config.allowedOrigins;
    const QByteArray origin = head.header("origin");
    if (cors::isPreflight(head)) {
        const cors::PreflightAnswer answer = cors::preflight(origins, head);
        conn->respond(answer.status, "text/plain; charset=UTF-8", {}, answer.headers);
        return;
    }
    const QByteArray corsLines = cors::answerHeaders(origins, origin);
    if (head.method != "GET") {
        conn->respond(405, jsonType, errorBody(codes::methodNotAllowed, QStringLiteral("use GET")),
                      corsLines + "Allow: GET\r\n");
        return;
    }
    if (cors::check(origins, origin) == cors::Verdict::Refused) {
        m_services.refusals.record(
            refusals::ofRequest(head, conn->clientAddress().toString(), QStringLiteral("sse"),
                                QStringLiteral("origin_not_allowed"), m_services.keyRing));
        conn->respond(403, jsonType,
                      errorBody(QStringLiteral("forbidden"), QStringLiteral("origin not allowed")),
                      corsLines);
        return;
    }
    // Last-Event-ID (EventSource's reconnection) is ?lastSeq= of the plain protocol.
    const QUrlQuery query(QString::fromUtf8(head.query()));
    QByteArray lastSeqText = head.header("last-event-id");
    if (lastSeqText.isNull() && query.hasQueryItem(QStringLiteral("lastSeq")))
        lastSeqText = query.queryItemValue(QStringLiteral("lastSeq")).toUtf8();
    std::optional<qint64> lastSeq;
    if (!lastSeqText.isNull()) {
        bool ok = false;
        const qint64 v = lastSeqText.trimmed().toLongLong(&ok);
        if (!ok || v < 0) {
            conn->respond(400, jsonType,
                          errorBody(codes::invalidPayload,
                                    QStringLiteral("Last-Event-ID / lastSeq must be a sequence "
                                                   "number (an integer from 0)")),
                          corsLines);
            return;
        }
        lastSeq = v;
    }
    const QByteArray credential
        = plainCredential(query, head.header("authorization"), head.header("cookie"));
    if (credential.isEmpty()) {
        m_services.metrics.countAuthFailure(AuthFailure::NoCredential);
        conn->respond(401, jsonType,
                      errorBody(codes::unauthorized,
                                QStringLiteral("a user credential is required (?token= or the "
                                               "session_id cookie)")),
                      corsLines + "WWW-Authenticate: Bearer\r\n");
        return;
    }
    // Answers written earlier on this connection go out before its descriptor changes hands.
    conn->afterFlush([this, conn, credential, lastSeq, corsLines] {
        startSse(conn, credential, lastSeq, corsLines);
    });
}

void Shard::startSse(HttpConnection *conn, const QByteArray &credential,
                     std::optional<qint64> lastSeq, const QByteArray &corsLines)
{
    const ServerConfig &cfg = m_services.config;
    const http1::RequestHead &head = conn->head();
    const QString peerAddress = conn->clientAddress().toString();
    const QString userAgent = QString::fromUtf8(head.header("user-agent"));
    const QString origin = QString::fromUtf8(head.header("origin"));
    AcceptGate::Ticket ticket = conn->takeTicket();
    const int fd = conn->takeDescriptor(nullptr);
    m_http.remove(conn);
    conn->deleteLater();
    if (fd < 0)
        return;
    auto *socket = new WebSocket(fd, cfg.maxMessageBytes, this);
    socket->setRawStream();
    socket->setTicket(std::move(ticket));
    socket->setMaxOutputBytes(cfg.maxOutputBytes);
    auto connection = std::make_unique<SseConnection>(socket, *this, cfg.pingIntervalMs, corsLines);
    connection->dialect = Dialect::Standard;
    ConnectionInfo &info = connection->info;
    info.remoteAddress = peerAddress;
    info.userAgent = userAgent;
    info.origin = origin;
    info.connectedAt = QDateTime::currentDateTimeUtc();
    addConnection(std::move(connection), credential, lastSeq);
    socket->start();
}

} // namespace notify
