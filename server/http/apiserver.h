#pragma once

#include "config/config.h"
#include "http/apiservices.h"
#include "http/httputil.h"
#include "protocol/identity.h"

#include <QHttpServerRequest>
#include <QObject>

#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

QT_BEGIN_NAMESPACE
class QHttpServer;
QT_END_NAMESPACE

namespace notify {

class Store;

// The HTTP API of PROTOCOL.md ("HTTP API (API port)") on a QHttpServer that lives on the
// thread that created it. Handlers validate on that thread and never run SQL there: store
// work goes to the writer or a reader and its answer comes back through postTo. A request
// whose client went away in the meantime is dropped quietly.
//
// Every route answers compact JSON (except /metrics); errors are
// {"error":{"code","message"}}. Bodies over 1 MiB get 413 before anything else is looked at.
class ApiServer : public QObject
{
public:
    explicit ApiServer(ApiServices &services, QObject *parent = nullptr);
    ~ApiServer() override;

    // Returns the bound port (useful with port 0), or 0 when the address cannot be bound.
    quint16 listen(const ListenAddress &address);
    // The bound port, 0 before a successful listen().
    quint16 port() const { return m_port; }
    // The admin channel attaches its WebSocket route here.
    QHttpServer &http();

private:
    using Method = QHttpServerRequest::Method;
    using HttpReply = http::HttpReply;
    using Handler
        = std::function<void(const QString &arg, const QHttpServerRequest &, const HttpReply &)>;
    struct MethodHandler
    {
        Method method;
        Handler handler;
    };
    // Runs on the HTTP thread with the reply once a store job is done.
    using Continuation = std::function<void(const HttpReply &)>;
    using StoreWork = std::function<Continuation(Store &)>;
    using UserHandler = std::function<void(const Identity &, const HttpReply &)>;

    void addRoutes();
    void addRoute(const QString &path, std::vector<MethodHandler> handlers);
    void addArgRoute(const QString &path, std::vector<MethodHandler> handlers);
    void dispatch(const QString &arg, const QHttpServerRequest &request, HttpReply reply,
                  const std::vector<MethodHandler> &handlers);

    // Answers 401 and returns false unless the request carries one of the API keys.
    bool requireApiKey(const QHttpServerRequest &request, const HttpReply &reply);
    // Answers 503 and returns false once shutdown began (no new writes).
    bool requireAccepting(const HttpReply &reply);
    // Authenticates the user credential, then calls next; 401 when it is refused.
    void withUser(const QHttpServerRequest &request, const HttpReply &reply, UserHandler next);
    void onReader(const HttpReply &reply, StoreWork work);
    void onWriter(const HttpReply &reply, StoreWork work);
    // Replies waiting for another thread are parked here, so that a responder is only ever
    // touched (and destroyed) on the HTTP thread; other threads carry the ticket.
    quint64 park(const HttpReply &reply);
    std::optional<HttpReply> unpark(quint64 ticket);
    // From any thread: runs then on the HTTP thread with the parked reply, if still wanted.
    void resume(quint64 ticket, Continuation then);

    // notificationroutes.cpp
    void createNotifications(const QHttpServerRequest &request, const HttpReply &reply);
    void createBroadcast(const QHttpServerRequest &request, const HttpReply &reply);
    void listNotifications(const QHttpServerRequest &request, const HttpReply &reply);
    // meroutes.cpp
    void meList(const QHttpServerRequest &request, const HttpReply &reply);
    void meUnreadCount(const QHttpServerRequest &request, const HttpReply &reply);
    void meMarkRead(const QHttpServerRequest &request, const HttpReply &reply);
    void meMarkAllRead(const QHttpServerRequest &request, const HttpReply &reply);
    void meDelete(const QString &id, const QHttpServerRequest &request, const HttpReply &reply);
    // sessionroutes.cpp
    void createSession(const QHttpServerRequest &request, const HttpReply &reply);
    void revokeSession(const QString &token, const QHttpServerRequest &request,
                       const HttpReply &reply);
    // opsroutes.cpp
    void health(const HttpReply &reply);
    void ready(const HttpReply &reply);
    void metricsText(const HttpReply &reply);
    void presence(const QHttpServerRequest &request, const HttpReply &reply);
    void stats(const QHttpServerRequest &request, const HttpReply &reply);

    ApiServices &m_services;
    QHttpServer *m_http;
    std::unordered_map<quint64, HttpReply> m_parked;
    quint64 m_nextTicket = 1;
    quint16 m_port = 0;
};

} // namespace notify
