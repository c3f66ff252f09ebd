#include "http/apiserver.h"

#include "log/logging.h"
#include "metrics/metrics.h"
#include "net/acceptor.h"
#include "protocol/authenticator.h"
#include "storage/storeworker.h"
#include "util/posting.h"

#include <QHttpServer>
#include <QTcpServer>

namespace notify {

using namespace http;

ApiServer::ApiServer(NodeServices &services, QObject *parent)
    : QObject(parent)
    , m_services(services)
    , m_http(new QHttpServer(this))
{
    addRoutes();
}

ApiServer::~ApiServer() = default;

quint16 ApiServer::listen(const ListenAddress &address)
{
    // QHttpServer::listen() would use Qt's default backlog of 50, which drops SYNs (retried
    // after a second) when many clients connect at once; bind() takes a server we set up.
    auto *tcp = new QTcpServer(m_http);
    tcp->setListenBacklogSize(kListenBacklog);
    if (!tcp->listen(address.address, address.port)) {
        qCWarning(lcApi) << "cannot listen on" << address.toString() << ":" << tcp->errorString();
        delete tcp;
        return 0;
    }
    m_http->bind(tcp);
    m_port = tcp->serverPort();
    return m_port;
}

QHttpServer &ApiServer::http()
{
    return *m_http;
}

void ApiServer::addRoutes()
{
    const auto plain
        = [this](void (ApiServer::*member)(const QHttpServerRequest &, const HttpReply &)) {
              return [this, member](const QString &, const QHttpServerRequest &request,
                                    const HttpReply &reply) {
                  (this->*member)(request, reply);
              };
          };
    const auto bare = [this](void (ApiServer::*member)(const HttpReply &)) {
        return [this, member](const QString &, const QHttpServerRequest &, const HttpReply &reply) {
            (this->*member)(reply);
        };
    };
    const auto withArg = [this](void (ApiServer::*member)(
                             const QString &, const QHttpServerRequest &, const HttpReply &)) {
        return [this, member](const QString &arg, const QHttpServerRequest &request,
                              const HttpReply &reply) {
            (this->*member)(arg, request, reply);
        };
    };

    addRoute(QStringLiteral("/api/v1/notifications"),
             {{Method::Post, plain(&ApiServer::createNotifications)},
              {Method::Get, plain(&ApiServer::listNotifications)}});
    addRoute(QStringLiteral("/api/v1/broadcasts"),
             {{Method::Post, plain(&ApiServer::createBroadcast)}});

    // The fixed paths first: the router takes the first rule that matches, and "read" would
    // otherwise be taken for a notification id.
    addRoute(QStringLiteral("/api/v1/me/notifications"),
             {{Method::Get, plain(&ApiServer::meList)}});
    addRoute(QStringLiteral("/api/v1/me/unread-count"),
             {{Method::Get, plain(&ApiServer::meUnreadCount)}});
    addRoute(QStringLiteral("/api/v1/me/notifications/read"),
             {{Method::Post, plain(&ApiServer::meMarkRead)}});
    addRoute(QStringLiteral("/api/v1/me/notifications/read-all"),
             {{Method::Post, plain(&ApiServer::meMarkAllRead)}});
    addArgRoute(QStringLiteral("/api/v1/me/notifications/<arg>"),
                {{Method::Delete, withArg(&ApiServer::meDelete)}});

    addRoute(QStringLiteral("/api/v1/sessions"),
             {{Method::Post, plain(&ApiServer::createSession)}});
    addArgRoute(QStringLiteral("/api/v1/sessions/<arg>"),
                {{Method::Delete, withArg(&ApiServer::revokeSession)}});

    addRoute(QStringLiteral("/api/v1/presence"), {{Method::Get, plain(&ApiServer::presence)}});
    addRoute(QStringLiteral("/api/v1/stats"), {{Method::Get, plain(&ApiServer::stats)}});

    addRoute(QStringLiteral("/healthz"), {{Method::Get, bare(&ApiServer::health)}});
    addRoute(QStringLiteral("/readyz"), {{Method::Get, bare(&ApiServer::ready)}});
    addRoute(QStringLiteral("/metrics"), {{Method::Get, bare(&ApiServer::metricsText)}});

    m_http->setMissingHandler([](const QHttpServerRequest &, QHttpServerResponder &&responder) {
        HttpReply(std::move(responder))
            .error(404, codes::notFound, QStringLiteral("no such route"));
    });
}

// Every path is registered for every method and the method is checked here, so that a known
// path with the wrong method gets 405 (QHttpServer alone would answer 404).
void ApiServer::addRoute(const QString &path, std::vector<MethodHandler> handlers)
{
    m_http->route(path, Method::AnyKnown,
                  [this, handlers = std::move(handlers)](const QHttpServerRequest &request,
                                                         QHttpServerResponder &&responder) {
                      dispatch(QString(), request, HttpReply(std::move(responder)), handlers);
                  });
}

void ApiServer::addArgRoute(const QString &path, std::vector<MethodHandler> handlers)
{
    m_http->route(path, Method::AnyKnown,
                  [this, handlers = std::move(handlers)](const QString &arg,
                                                         const QHttpServerRequest &request,
                                                         QHttpServerResponder &&responder) {
                      dispatch(arg, request, HttpReply(std::move(responder)), handlers);
                  });
}

void ApiServer::dispatch(const QString &arg, const QHttpServerRequest &request, HttpReply reply,
                         const std::vector<MethodHandler> &handlers)
{
    // QHttpServer reads whole bodies without a limit; refuse big ones before any parsing.
    if (request.body().size() > maxBodyBytes) {
        reply.error(413, codes::payloadTooLarge,
                    QStringLiteral("the request body is larger than %1 bytes").arg(maxBodyBytes));
        return;
    }
    QByteArrayList allowed;
    for (const MethodHandler &h : handlers) {
        if (request.method() == h.method) {
            h.handler(arg, request, reply);
            return;
        }
        switch (h.method) {
        case Method::Get:
            allowed.append(QByteArrayLiteral("GET"));
            break;
        case Method::Post:
            allowed.append(QByteArrayLiteral("POST"));
            break;
        case Method::Delete:
            allowed.append(QByteArrayLiteral("DELETE"));
            break;
        case Method::Put:
            allowed.append(QByteArrayLiteral("PUT"));
            break;
        default:
            break;
        }
    }
    const QJsonObject body {{QStringLiteral("error"),
                             QJsonObject {{QStringLiteral("code"), codes::methodNotAllowed},
                                          {QStringLiteral("message"),
                                           QStringLiteral("method not allowed; use %1")
                                               .arg(QString::fromLatin1(allowed.join(", ")))}}}};
    reply.raw(405, QByteArrayLiteral("application/json"), compactJson(body),
              {{QByteArrayLiteral("Allow"), allowed.join(", ")}});
}

bool ApiServer::requireApiKey(const QHttpServerRequest &request, const HttpReply &reply)
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

void ApiServer::withUser(const QHttpServerRequest &request, const HttpReply &reply,
                         UserHandler next)
{
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
