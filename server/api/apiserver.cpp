#include "server/api/apiserver.h"

#include "shared/adminapi/adminprotocol.h"

#include "server/log/logging.h"
#include "server/metrics/metrics.h"
#include "server/protocol/authenticator.h"
#include "server/shard/acceptor.h"
#include "server/storage/storeworker.h"
#include "server/util/posting.h"

namespace notify {

using namespace http;

ApiServer::ApiServer(NodeServices &services, QObject *parent)
    : QObject(parent)
    , m_services(services)
    , m_http(new ApiListener(
          limitsFrom(services.config),
          [this](const ApiRequest &request, const HttpReply &reply) {
              m_router.route(request, reply);
          },
          this))
{
    m_http->setMaxConnections(apiConnectionCap(services.config));
    addRoutes();
}

ApiServer::~ApiServer() = default;

ApiLimits ApiServer::limitsFrom(const ServerConfig &config)
{
    ApiLimits limits;
    limits.maxHeadBytes = config.apiMaxHeadBytes;
    limits.maxBodyBytes = maxBodyBytes;
    limits.headTimeoutMs = config.apiHeadTimeoutMs;
    limits.idleTimeoutMs = config.apiIdleTimeoutMs;
    return limits;
}

quint16 ApiServer::listen(const ListenAddress &address)
{
    if (!m_http->listen(address.address, address.port, kListenBacklog)) {
        qCWarning(lcApi) << "cannot listen on" << address.toString() << ":"
                         << m_http->errorString();
        return 0;
    }
    m_port = m_http->serverPort();
    return m_port;
}

ApiListener &ApiServer::http()
{
    return *m_http;
}

void ApiServer::addRoute(const QString &path, std::vector<ApiRouter::MethodHandler> handlers)
{
    m_router.add(path, std::move(handlers));
}

void ApiServer::addRoutes()
{
    const auto plain = [this](void (ApiServer::*member)(const ApiRequest &, const HttpReply &)) {
        return [this, member](const QString &, const ApiRequest &request, const HttpReply &reply) {
            (this->*member)(request, reply);
        };
    };
    const auto bare = [this](void (ApiServer::*member)(const HttpReply &)) {
        return [this, member](const QString &, const ApiRequest &, const HttpReply &reply) {
            (this->*member)(reply);
        };
    };
    const auto withArg = [this](void (ApiServer::*member)(const QString &, const ApiRequest &,
                                                          const HttpReply &)) {
        return
            [this, member](const QString &arg, const ApiRequest &request, const HttpReply &reply) {
                (this->*member)(arg, request, reply);
            };
    };

    addRoute(QStringLiteral("/api/v1/notifications"),
             {{Method::Post, plain(&ApiServer::createNotifications)},
              {Method::Get, plain(&ApiServer::listNotifications)}});
    addRoute(QStringLiteral("/api/v1/broadcasts"),
             {{Method::Post, plain(&ApiServer::createBroadcast)}});

    addUserRoute(QStringLiteral("/api/v1/me/notifications"),
                 {{Method::Get, plain(&ApiServer::meList)}});
    addUserRoute(QStringLiteral("/api/v1/me/unread-count"),
                 {{Method::Get, plain(&ApiServer::meUnreadCount)}});
    addUserRoute(QStringLiteral("/api/v1/me/notifications/read"),
                 {{Method::Post, plain(&ApiServer::meMarkRead)}});
    addUserRoute(QStringLiteral("/api/v1/me/notifications/read-all"),
                 {{Method::Post, plain(&ApiServer::meMarkAllRead)}});
    addUserRoute(QStringLiteral("/api/v1/me/notifications/<arg>"),
                 {{Method::Delete, withArg(&ApiServer::meDelete)}});

    addRoute(QStringLiteral("/api/v1/sessions"),
             {{Method::Post, plain(&ApiServer::createSession)}});
    addRoute(QStringLiteral("/api/v1/sessions/<arg>"),
             {{Method::Delete, withArg(&ApiServer::revokeSession)}});

    addRoute(QStringLiteral("/api/v1/presence"), {{Method::Get, plain(&ApiServer::presence)}});
    addRoute(QStringLiteral("/api/v1/stats"), {{Method::Get, plain(&ApiServer::stats)}});

    addRoute(QStringLiteral("/healthz"), {{Method::Get, bare(&ApiServer::health)}});
    addRoute(QStringLiteral("/readyz"), {{Method::Get, bare(&ApiServer::ready)}});
    addRoute(QStringLiteral("/metrics"), {{Method::Get, plain(&ApiServer::metricsText)}});

    // The admin channel takes WebSocket upgrades of this path before routing; any other
    // request to it is told what it is for.
    addRoute(admin::path,
             {{Method::Other, [](const QString &, const ApiRequest &, const HttpReply &reply) {
                   reply.error(426, QStringLiteral("upgrade_required"),
                               QStringLiteral("/admin is a WebSocket endpoint"));
               }}});
}

void ApiServer::addUserRoute(const QString &path, std::vector<ApiRouter::MethodHandler> handlers)
{
    m_userRouter.add(path, handlers);
    m_router.add(path, std::move(handlers));
}

void ApiServer::serveUserRoute(const http1::RequestHead &head, QByteArray body, const Identity &who,
                               Done done)
{
    postTo(this, [this, head, body = std::move(body), who, done = std::move(done)] {
        ApiRequest request(head, body);
        request.setCheckedUser(who);
        const HttpReply reply([done](int status, const QByteArray &contentType,
                                     const QByteArray &body, const QByteArray &headers) {
            done(Answer {status, contentType, body, headers});
        });
        m_userRouter.route(request, reply);
    });
}

bool ApiServer::requireApiKey(const ApiRequest &request, const HttpReply &reply)
{
    const QByteArray token = bearerToken(request);
    if (token.isEmpty()) {
        replyUnauthorized(reply, QStringLiteral("an API key is required (Authorization: Bearer)"));
        return false;
    }
    if (!matchesApiKey(token, m_services.config.apiKeys)) {
        replyUnauthorized(reply, QStringLiteral("the API key is not valid"));
        return false;
    }
    return true;
}

bool ApiServer::requireAccepting(const HttpReply &reply)
{
    if (m_services.accepting.load())
        return true;
    reply.error(503, codes::unavailable, QStringLiteral("the server is shutting down"));
    return false;
}

void ApiServer::withUser(const ApiRequest &request, const HttpReply &reply, UserHandler next)
{
    if (request.checkedUser())
        return next(*request.checkedUser(), reply);
    const QByteArray credential = bearerToken(request);
    const quint64 ticket = park(reply);
    m_services.authenticator.authenticate(
        credential, this,
        [this, ticket, next = std::move(next)](const Result<Identity, AuthFailure> &result) {
            const std::optional<HttpReply> reply = unpark(ticket);
            if (!reply)
                return;
            if (!result.ok()) {
                m_services.metrics.countAuthFailure(result.error());
                replyUnauthorized(*reply,
                                  result.error() == AuthFailure::NoCredential
                                      ? QStringLiteral("a user credential is required "
                                                       "(Authorization: Bearer)")
                                      : QStringLiteral("the credential is not valid"));
                return;
            }
            next(result.value(), *reply);
        });
}

void ApiServer::onReader(const HttpReply &reply, StoreWork work)
{
    const quint64 ticket = park(reply);
    m_services.readers.post(
        [this, ticket, work = std::move(work)](Store &store) { resume(ticket, work(store)); });
}

void ApiServer::onWriter(const HttpReply &reply, StoreWork work)
{
    const quint64 ticket = park(reply);
    m_services.writer.post(
        [this, ticket, work = std::move(work)](Store &store) { resume(ticket, work(store)); });
}

void ApiServer::resume(quint64 ticket, Continuation then)
{
    postTo(this, [this, ticket, then = std::move(then)] {
        if (const std::optional<HttpReply> reply = unpark(ticket))
            then(*reply);
    });
}

quint64 ApiServer::park(const HttpReply &reply)
{
    const quint64 ticket = m_nextTicket++;
    m_parked.emplace(ticket, reply);
    return ticket;
}

std::optional<HttpReply> ApiServer::unpark(quint64 ticket)
{
    auto node = m_parked.extract(ticket);
    if (node.empty())
        return std::nullopt;
    return std::move(node.mapped());
}

} // namespace notify
