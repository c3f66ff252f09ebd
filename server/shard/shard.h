#pragma once

#include "server/delivery/deliveryhub.h"
#include "server/node/nodeservices.h"
#include "server/protocol/clientconnection.h"
#include "server/protocol/connectionhost.h"
#include "server/socketio/httpconnection.h"
#include "server/util/acceptgate.h"
#include "shared/model/connectioninfo.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace notify::http1 {
struct RequestHead;
}

namespace notify {

class SocketIoHost;
class WebSocket;
struct WebFile;

struct ShardSnapshot
{
    std::vector<ConnectionInfo> connections;
};

// One shard thread's world: the connections it owns for
// their whole life, their room index, heartbeats, expiry and rate limits. The protocols see
// it as their ConnectionHost, the client-port HTTP connections as their HttpConnectionHost.
// Its definition is split by responsibility: shard.cpp (thread, sweep, shutdown),
// shardrouting.cpp (client port, upgrades, hand-over), shardroutes.cpp (the user's HTTP
// routes on the client port), shardregistry.cpp (connections,
// rooms, authentication, fan-out), shardrequests.cpp (rate limit, client requests). Everything here
// runs on the shard's own thread; the public entry points marked "any thread" only post.
class Shard : public QObject, public DeliverySink, public ConnectionHost, public HttpConnectionHost
{
    Q_OBJECT
public:
    Shard(int index, NodeServices &services);
    ~Shard() override;

    int index() const override { return m_index; }
    QObject *context() override { return this; }

    // Any thread. A descriptor from the acceptor, with its place at the gate; its first
    // request head must be complete within the head timeout of acceptedAtMs.
    void adoptDescriptor(qintptr descriptor, AcceptGate::Ticket ticket, qint64 acceptedAtMs);
    // Any thread. A connection handed over by another shard because its request belongs to a
    // session of this one: its descriptor and everything read from it so far (the request
    // first, parsed again here). The sender keeps no part of it.
    struct HandOver
    {
        int descriptor = -1;
        QByteArray unread;
        AcceptGate::Ticket ticket;
        qint64 deadlineMs = 0;
        quint64 served = 0;
    };
    void adoptHandOver(HandOver handOver);
    void deliver(DeliveryList deliveries) override;
    void revokeSession(QByteArray sessionHash) override;
    void kick(quint64 connectionId, QString reason);
    // Closes every connection with code/reason; done() runs on this thread once all are gone
    // or after timeoutMs, whichever is first.
    void closeAll(int code, QString reason, int timeoutMs, std::function<void()> done);
    void collectSnapshot(QObject *ctx, std::function<void(ShardSnapshot)> done);

    // Shard thread: the rate limit, checked for every client message. false: refused (the
    // client was told, or closed with 4029 after too many refusals in a row).
    bool admit(ClientConnection &c) override;
    // Shard thread: a parsed client request.
    void handleRequest(ClientConnection &c, const QString &type, const QJsonObject &data,
                       const ReplyTo &to) override;

    // Shard thread: called by the constructor's thread start-up (init) and by protocols.
    void init();

    // Shard thread, for the protocols. Registers a connection and checks its credential
    // (authenticate, then activate, then the connection's activated()).
    void addConnection(std::unique_ptr<ClientConnection> connection, const QByteArray &credential,
                       std::optional<qint64> lastSeq) override;
    // Removes a connection on the next turn of the event loop, never while a loop over the
    // connections or a room is running.
    void dropConnection(quint64 id, int code, const QString &reason) override;
    NodeServices &services() override { return m_services; }
    SocketIoHost &socketIo() { return *m_sio; }

    // Shard thread, from HttpConnection: a complete plain HTTP request, a WebSocket upgrade
    // request (nothing read yet), the connection's end.
    void httpRequest(HttpConnection *conn) override;
    void httpUpgrade(HttpConnection *conn) override;
    void httpClosed(HttpConnection *conn) override;

private:
    // shardroutes.cpp: /api/v1/me/* on the client port.
    static bool isUserRoute(QByteArrayView path);
    void serveUserRoute(HttpConnection *conn);
    // GET /notifyd.js, /notifyd.d.ts, /demo (webfiles.h).
    void serveWebFile(HttpConnection *conn, const WebFile &file);
    // GET /sse/notifications: checked here, then the descriptor becomes an SseConnection.
    static bool isSsePath(QByteArrayView path);
    // A request that would open a client connection: a plain WebSocket, an SSE stream, an
    // Engine.IO session's first request (docs/operations.md, "Memory limits").
    static bool opensNewConnection(const http1::RequestHead &head);
    // Near the memory limit: answers such a request 503 memory_limit; true when it did.
    bool refuseForMemory(HttpConnection *conn);
    void serveSse(HttpConnection *conn);
    void startSse(HttpConnection *conn, const QByteArray &credential, std::optional<qint64> lastSeq,
                  const QByteArray &corsLines);
    void acceptPlain(WebSocket *socket, const http1::RequestHead &head, const QString &peerAddress,
                     QByteArray afterHead);
    // The request belongs to a session of another shard: hand the connection over.
    bool routeToOwner(HttpConnection *conn);
    void handOver(HttpConnection *conn, Shard *to);
    void upgrade(HttpConnection *conn, const QByteArray &acceptValue);
    void startHttp(int descriptor, AcceptGate::Ticket ticket, qint64 deadlineMs,
                   QByteArray alreadyRead, quint64 served);
    void sweepHttp(qint64 nowMs);
    void authenticate(quint64 id, const QByteArray &credential, std::optional<qint64> lastSeq);
    void activate(quint64 id, const Identity &identity, std::optional<qint64> lastSeq);
    void sendInitialState(quint64 id, std::optional<qint64> lastSeq);
    void remove(quint64 id, int code, const QString &reason);
    void sweep();
    void deliverBatch(const DeliveryList &deliveries);
    // Sends what c has queued; past the output bound it is marked for closing (m_slow).
    void flushTouched(ClientConnection &c, qint64 maxOutputBytes);
    ClientConnection *find(quint64 id) const;
    // Runs fn with the connection if it still exists (store callbacks come back later).
    void withConnection(quint64 id, const std::function<void(ClientConnection &)> &fn) const;

    void handleIdsChange(ClientConnection &c, const QString &type, const QJsonObject &data,
                         const ReplyTo &to);
    void handleGetRecent(ClientConnection &c, const QJsonObject &data, const ReplyTo &to);
    // refresh_token: a new credential of the same user and organization extends the
    // connection (docs/protocol.md, "Renewing the token").
    void handleRefreshToken(ClientConnection &c, const QJsonObject &data, const ReplyTo &to);

    int m_index;
    NodeServices &m_services;
    QTimer *m_sweepTimer = nullptr;
    std::unordered_map<quint64, std::unique_ptr<ClientConnection>> m_connections;
    QHash<QString, QSet<ClientConnection *>> m_rooms;
    std::vector<std::pair<qint64, std::function<void()>>> m_closeWaiters;
    QSet<HttpConnection *> m_http; // connections before their upgrade, and polling clients
    std::unique_ptr<SocketIoHost> m_sio;
    // Scratch of deliverBatch, kept between batches so that a batch allocates nothing: the
    // connections with queued frames, the slow consumers, the commit times to observe.
    std::vector<ClientConnection *> m_touched;
    std::vector<ClientConnection *> m_slow;
    std::vector<qint64> m_batchCommitted;
    // A connection's frames are held back for the end of the batch up to this many bytes.
    static constexpr qint64 coalesceBytes = 256 * 1024;
};

} // namespace notify
