#include "server/api/apiserver.h"

#include "shared/adminapi/adminprotocol.h"

#include "server/log/logging.h"
#include "server/metrics/metrics.h"
#include "server/protocol/authenticator.h"
#include "server/shard/acceptor.h"
#include "server/storage/storeworker.h"
#include "server/util/clock.h"
#include "server/util/posting.h"
#include "shared/store/apikeys.h"
#include "shared/store/operators.h"

#include <QDateTime>
#include <QSemaphore>

#include <algorithm>

namespace notify {

using namespace http;

ApiServer::ApiServer(NodeServices &services, QObject *parent)
    : QObject(parent)
    , m_services(services)
    , m_keys(services.config.keyRequestRate, services.config.keyDeliveryRate)
    , m_http(new ApiListener(
          limitsFrom(services.config),
          [this](const ApiRequest &request, const HttpReply &reply) {
              m_router.route(request, reply);
          },
          this))
{
    m_http->setMaxConnections(apiConnectionCap(services.config));
    addRoutes();
    m_deadlineTimer.setParent(this);
    m_deadlineTimer.setInterval(std::clamp(services.config.storeTimeoutMs / 10, 20, 250));
    connect(&m_deadlineTimer, &QTimer::timeout, this, [this] { expireParked(); });
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
    loadKeys();
    connect(&m_keyPoll, &QTimer::timeout, this, &ApiServer::pollKeys);
    m_keyPoll.start(int(ApiKeyRing::keyPollMs));
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
    addUserRoute(QStringLiteral("/api/v1/me/notifications/seen"),
                 {{Method::Post, plain(&ApiServer::meMarkSeen)}});
    addUserRoute(QStringLiteral("/api/v1/me/notifications/seen-all"),
                 {{Method::Post, plain(&ApiServer::meMarkAllSeen)}});
    addUserRoute(QStringLiteral("/api/v1/me/notifications/<arg>"),
                 {{Method::Delete, withArg(&ApiServer::meDelete)}});

    addRoute(QStringLiteral("/api/v1/sessions"),
             {{Method::Post, plain(&ApiServer::createSession)}});
    addRoute(QStringLiteral("/api/v1/sessions/<arg>"),
             {{Method::Delete, withArg(&ApiServer::revokeSession)}});

    addRoute(QStringLiteral("/api/v1/audit"), {{Method::Get, plain(&ApiServer::auditLog)}});
    addRoute(QStringLiteral("/api/v1/webhooks"),
             {{Method::Get, plain(&ApiServer::listWebhooks)},
              {Method::Post, plain(&ApiServer::addWebhook)}});
    addRoute(QStringLiteral("/api/v1/webhooks/<arg>"),
             {{Method::Delete, withArg(&ApiServer::removeWebhook)}});
    addRoute(QStringLiteral("/api/v1/webhooks/<arg>/enable"),
             {{Method::Post, withArg(&ApiServer::enableWebhook)}});
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

namespace {

void replyRateLimited(const HttpReply &reply, qint64 waitMs, const QString &message)
{
    // Whole seconds (RFC 9110 §10.2.3), at least 1.
    const qint64 seconds = qMax<qint64>(1, (waitMs + 999) / 1000);
    const QJsonObject body {{QStringLiteral("error"),
                             QJsonObject {{QStringLiteral("code"), codes::rateLimited},
                                          {QStringLiteral("message"), message}}}};
    reply.raw(429, QByteArrayLiteral("application/json"), compactJson(body),
              {{QByteArrayLiteral("Retry-After"), QByteArray::number(seconds)}});
}

} // namespace

std::optional<ApiServer::Caller>
ApiServer::requireApiKey(const ApiRequest &request, const HttpReply &reply, ApiKeyRing::Scope scope)
{
    const QByteArray token = bearerToken(request);
    if (token.isEmpty()) {
        replyUnauthorized(reply, QStringLiteral("an API key is required (Authorization: Bearer)"));
        return std::nullopt;
    }
    if (matchesApiKey(token, m_services.config.apiKeys))
        return Caller {};
    ApiKeyRing::Key *key = m_keys.find(token);
    if (!key) {
        replyUnauthorized(reply, QStringLiteral("the API key is not valid"));
        return std::nullopt;
    }
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    if (!key->requests.take(nowMs)) {
        ++key->refusedRequests;
        replyRateLimited(reply, key->requests.msUntil(nowMs),
                         QStringLiteral("the API key '%1' is over its limit of %2 requests")
                             .arg(key->name, key->requestRate.toString()));
        return std::nullopt;
    }
    ++key->requestCount;
    if (!(key->scopes & scope)) {
        reply.error(403, codes::forbidden,
                    QStringLiteral("the API key '%1' of organization '%2' lacks the '%3' scope")
                        .arg(key->name, key->orgId, ApiKeyRing::scopeName(scope)));
        return std::nullopt;
    }
    return Caller {key};
}

bool ApiServer::requireOrg(const Caller &caller, const QString &orgId, const HttpReply &reply)
{
    if (caller.bootstrap() || caller.key->orgId == orgId)
        return true;
    reply.error(403, codes::forbidden,
                orgId.isEmpty()
                    ? QStringLiteral("the API key '%1' may act in organization '%2' only, not "
                                     "across organizations")
                          .arg(caller.key->name, caller.key->orgId)
                    : QStringLiteral("the API key '%1' may not act in organization '%2' (it "
                                     "belongs to '%3')")
                          .arg(caller.key->name, orgId, caller.key->orgId));
    return false;
}

bool ApiServer::takeDeliveries(const Caller &caller, qint64 count, const HttpReply &reply)
{
    if (caller.bootstrap())
        return true;
    ApiKeyRing::Key &key = *caller.key;
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    if (!key.deliveries.take(nowMs, count)) {
        ++key.refusedDeliveries;
        replyRateLimited(reply, key.deliveries.msUntil(nowMs, count),
                         QStringLiteral("the API key '%1' is over its limit of %2 deliveries")
                             .arg(key.name, key.deliveryRate.toString()));
        return false;
    }
    key.deliveryCount += quint64(count);
    return true;
}

namespace {

// What one read of the credentials gives: the version and, when it moved, every row.
struct Credentials
{
    qint64 version = 0;
    std::vector<apikeys::KeyRow> keys;
    std::vector<operators::OperatorRow> operators;
};

StoreResult<Credentials> readCredentials(Store &store, std::optional<qint64> known)
{
    auto version = apikeys::version(store);
    if (!version.ok())
        return version.error();
    Credentials c;
    c.version = version.value();
    if (known && *known == c.version)
        return c;
    auto keys = apikeys::list(store);
    if (!keys.ok())
        return keys.error();
    auto ops = operators::list(store);
    if (!ops.ok())
        return ops.error();
    c.keys = std::move(keys.value());
    c.operators = std::move(ops.value());
    return c;
}

} // namespace

void ApiServer::applyCredentials(const std::vector<apikeys::KeyRow> &keys,
                                 const std::vector<operators::OperatorRow> &ops, qint64 version)
{
    m_keys.replace(keys, version);
    m_keys.replaceOperators(ops);
    if (m_credentialsChanged)
        m_credentialsChanged();
}

void ApiServer::loadKeys()
{
    // At start, before the port listens: a key created before this node started works from
    // its first request. A failure leaves the ring empty; the poll fills it later.
    struct Loaded
    {
        QSemaphore done;
        StoreResult<Credentials> result = StoreError::internal(QString());
    };
    auto loaded = std::make_shared<Loaded>();
    m_services.readers.post([loaded](Store &store) {
        loaded->result = readCredentials(store, std::nullopt);
        loaded->done.release();
    });
    loaded->done.acquire();
    if (!loaded->result.ok()) {
        qCWarning(lcApi).noquote() << "cannot read the API keys:" << loaded->result.error().message;
        return;
    }
    const Credentials &c = loaded->result.value();
    applyCredentials(c.keys, c.operators, c.version);
}

void ApiServer::pollKeys()
{
    // One poll at a time, from this thread only, and none while the store is known to be
    // down: a failed poll keeps the last ring, and a reader is never held up reconnecting
    // for it while the store comes back (checkStore notices the outage, docs/operations.md).
    if (m_keyPollBusy || !m_services.storeReady.load())
        return;
    m_keyPollBusy = true;
    const qint64 known = m_keys.version();
    m_services.readers.post([this, known](Store &store) {
        auto read = readCredentials(store, known);
        std::optional<Credentials> changed;
        if (read.ok() && read.value().version != known)
            changed.emplace(std::move(read.value()));
        postTo(this, [this, changed = std::move(changed)] {
            m_keyPollBusy = false;
            if (changed)
                applyCredentials(changed->keys, changed->operators, changed->version);
        });
    });
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

quint64 ApiServer::park(const HttpReply &reply, std::shared_ptr<std::atomic<bool>> cancelled)
{
    const quint64 ticket = m_nextTicket++;
    m_parked.emplace(ticket, reply);
    m_deadlines.push_back(Deadline {
        ticket, steadyNowNs() / 1000000 + m_services.config.storeTimeoutMs, std::move(cancelled)});
    if (!m_deadlineTimer.isActive())
        m_deadlineTimer.start();
    return ticket;
}

void ApiServer::expireParked()
{
    // A store that does not answer (a silent PostgreSQL, a writer held up) must not hold the
    // caller without bound (docs/operations.md, "When things fail").
    const qint64 now = steadyNowNs() / 1000000;
    while (!m_deadlines.empty()) {
        Deadline &front = m_deadlines.front();
        if (m_parked.count(front.ticket) == 0) {
            m_deadlines.pop_front();
            continue;
        }
        if (front.atMs > now)
            break;
        if (front.cancelled)
            front.cancelled->store(true, std::memory_order_release);
        if (const std::optional<HttpReply> reply = unpark(front.ticket)) {
            bump(m_services.metrics.failed);
            // A publish (the one kind of request that can be cancelled) held up by a fault
            // the writer knows of, e.g. a lock another process holds, is refused for that.
            const StoreError::Cause fault = m_services.writer.fault();
            reply->error(HttpError::storeFault(front.cancelled && fault != StoreError::Cause::Other
                                                   ? fault
                                                   : StoreError::Cause::Timeout));
        }
        m_deadlines.pop_front();
    }
    if (m_deadlines.empty())
        m_deadlineTimer.stop();
}

std::optional<HttpReply> ApiServer::unpark(quint64 ticket)
{
    auto node = m_parked.extract(ticket);
    if (node.empty())
        return std::nullopt;
    return std::move(node.mapped());
}

} // namespace notify
