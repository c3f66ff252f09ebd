#pragma once

#include "server/api/apikeyring.h"
#include "server/api/apilistener.h"
#include "server/api/apirouter.h"
#include "server/api/httputil.h"
#include "server/config/config.h"
#include "server/node/nodeservices.h"
#include "server/protocol/identity.h"

#include <QObject>
#include <QTimer>

#include <atomic>
#include <deque>
#include <memory>

#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

namespace notify {

class Store;

// The HTTP API of docs/protocol.md ("HTTP API (API port)") on an ApiListener (the project's
// own HTTP/1.1 server, limits enforced while reading) that lives on the thread that created
// it. Handlers validate on that thread and never run SQL there: store
// work goes to the writer or a reader and its answer comes back through postTo. A request
// whose client went away in the meantime is dropped quietly.
//
// Every route answers compact JSON (except /metrics); errors are
// {"error":{"code","message"}}. Bodies over 1 MiB get 413 before any of their bytes is read.
//
// The user's routes (/api/v1/me/*) are also served for the client port (UserRoutes, see
// docs/protocol.md): the same handlers, reached with a credential the shard has checked.
class ApiServer : public QObject, public UserRoutes
{
public:
    explicit ApiServer(NodeServices &services, QObject *parent = nullptr);
    ~ApiServer() override;

    // Returns the bound port (useful with port 0), or 0 when the address cannot be bound.
    quint16 listen(const ListenAddress &address);
    // The bound port, 0 before a successful listen().
    quint16 port() const { return m_port; }
    // The stored API keys and operators as this node has them (the admin channel checks its
    // consoles' keys here).
    const ApiKeyRing &keys() const { return m_keys; }
    // Called on this thread after each reload of the keys and operators.
    void setCredentialsChanged(std::function<void()> changed)
    {
        m_credentialsChanged = std::move(changed);
    }
    // The admin channel attaches its WebSocket upgrade here.
    ApiListener &http();
    // Adds a route (ApiRouter::add); the admin channel answers plain requests to /admin.
    void addRoute(const QString &path, std::vector<ApiRouter::MethodHandler> handlers);

    // Any thread: a user route for the client port (UserRoutes).
    void serveUserRoute(const http1::RequestHead &head, QByteArray body, const Identity &who,
                        Done done) override;

    // What ServerConfig says about the API port's connections.
    static ApiLimits limitsFrom(const ServerConfig &config);

private:
    using Method = HttpMethod;
    using HttpReply = http::HttpReply;
    // Runs on the HTTP thread with the reply once a store job is done.
    using Continuation = std::function<void(const HttpReply &)>;
    using StoreWork = std::function<Continuation(Store &)>;
    using UserHandler = std::function<void(const Identity &, const HttpReply &)>;

    void addRoutes();
    void addUserRoute(const QString &path, std::vector<ApiRouter::MethodHandler> handlers);

    // Who called with an API key: a bootstrap key (--api-key, every organization) or a
    // stored key of one organization. Only valid until the handler returns (the ring may be
    // replaced between events).
    struct Caller
    {
        ApiKeyRing::Key *key = nullptr;
        bool bootstrap() const { return key == nullptr; }
    };
    // The caller, after its request limit and the scope; otherwise answers 401 (no key or
    // an unknown or revoked one), 429 or 403 and returns nothing.
    std::optional<Caller> requireApiKey(const ApiRequest &request, const HttpReply &reply,
                                        ApiKeyRing::Scope scope);
    // Answers 403 forbidden and returns false unless the caller may act in orgId.
    bool requireOrg(const Caller &caller, const QString &orgId, const HttpReply &reply);
    // Takes count deliveries from the caller's delivery limit; answers 429 when over it.
    bool takeDeliveries(const Caller &caller, qint64 count, const HttpReply &reply);
    // The ring as the store has it: loadKeys() blocks (at start), pollKeys() asks a reader
    // whether the version moved and replaces the ring when it did.
    void loadKeys();
    void pollKeys();
    void applyCredentials(const std::vector<apikeys::KeyRow> &keys,
                          const std::vector<operators::OperatorRow> &ops, qint64 version);
    // Answers 503 and returns false once shutdown began (no new writes).
    bool requireAccepting(const HttpReply &reply);
    // Authenticates the user credential, then calls next; 401 when it is refused. A request
    // from the client port comes with its user already checked: next runs at once.
    void withUser(const ApiRequest &request, const HttpReply &reply, UserHandler next);
    void onReader(const HttpReply &reply, StoreWork work);
    void onWriter(const HttpReply &reply, StoreWork work);
    // Replies waiting for another thread are parked here, so that a responder is only ever
    // touched (and destroyed) on the HTTP thread; other threads carry the ticket.
    // Each parked reply has until --store-timeout: then it is answered 503 storage_timeout
    // (expireParked), and `cancelled`, when given, tells the writer to skip the job if it has
    // not started it yet.
    quint64 park(const HttpReply &reply, std::shared_ptr<std::atomic<bool>> cancelled = nullptr);
    void expireParked();
    std::optional<HttpReply> unpark(quint64 ticket);
    // From any thread: runs then on the HTTP thread with the parked reply, if still wanted.
    void resume(quint64 ticket, Continuation then);

    // notificationroutes.cpp
    void createNotifications(const ApiRequest &request, const HttpReply &reply);
    void createBroadcast(const ApiRequest &request, const HttpReply &reply);
    void listNotifications(const ApiRequest &request, const HttpReply &reply);
    // meroutes.cpp
    void meList(const ApiRequest &request, const HttpReply &reply);
    void meUnreadCount(const ApiRequest &request, const HttpReply &reply);
    void meMarkRead(const ApiRequest &request, const HttpReply &reply);
    void meMarkAllRead(const ApiRequest &request, const HttpReply &reply);
    void meMarkSeen(const ApiRequest &request, const HttpReply &reply);
    void meMarkAllSeen(const ApiRequest &request, const HttpReply &reply);
    // The shared bodies of the routes above; `change`: meroutes.cpp's Change.
    void meChangeIds(const ApiRequest &request, const HttpReply &reply, int change);
    void meChangeAll(const ApiRequest &request, const HttpReply &reply, int change);
    void meDelete(const QString &id, const ApiRequest &request, const HttpReply &reply);
    // sessionroutes.cpp
    void createSession(const ApiRequest &request, const HttpReply &reply);
    void revokeSession(const QString &token, const ApiRequest &request, const HttpReply &reply);
    // auditroutes.cpp
    bool requireAuditReader(const ApiRequest &request, const HttpReply &reply);
    // The people who run the service (a bootstrap API key, the bootstrap admin key, an
    // operator with the admin role): their name for the audit log ("api-key", "admin-key",
    // the operator's); otherwise answers 401 or 403 (saying the caller may not `what`).
    std::optional<QString> requireAdmin(const ApiRequest &request, const HttpReply &reply,
                                        const QString &what);
    // webhookroutes.cpp
    void listWebhooks(const ApiRequest &request, const HttpReply &reply);
    void addWebhook(const ApiRequest &request, const HttpReply &reply);
    void removeWebhook(const QString &id, const ApiRequest &request, const HttpReply &reply);
    void enableWebhook(const QString &id, const ApiRequest &request, const HttpReply &reply);
    // Both of the above: the same checks, audit entry and answer but for the store's change.
    void changeWebhook(const QString &id, const ApiRequest &request, const HttpReply &reply,
                       bool enable);
    void auditLog(const ApiRequest &request, const HttpReply &reply);
    // opsroutes.cpp
    void health(const HttpReply &reply);
    void ready(const HttpReply &reply);
    void metricsText(const ApiRequest &request, const HttpReply &reply);
    void presence(const ApiRequest &request, const HttpReply &reply);
    void stats(const ApiRequest &request, const HttpReply &reply);

    NodeServices &m_services;
    ApiKeyRing m_keys;
    QTimer m_keyPoll;
    bool m_keyPollBusy = false;
    std::function<void()> m_credentialsChanged;
    ApiRouter m_router;
    ApiRouter m_userRouter; // the user's routes alone, for the client port
    ApiListener *m_http;
    std::unordered_map<quint64, HttpReply> m_parked;
    // Tickets in the order they were parked, with when they expire: the deadline is the same
    // for all, so the oldest expire first. An answered ticket is dropped when it comes up.
    struct Deadline
    {
        quint64 ticket;
        qint64 atMs;
        std::shared_ptr<std::atomic<bool>> cancelled;
    };
    std::deque<Deadline> m_deadlines;
    QTimer m_deadlineTimer;
    quint64 m_nextTicket = 1;
    quint16 m_port = 0;
};

} // namespace notify
