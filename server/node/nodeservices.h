#pragma once

#include "server/config/config.h"
#include "server/util/acceptgate.h"
#include "server/util/keyedratelimit.h"
#include "server/util/memorywatch.h"
#include "server/util/refusallog.h"

#include <QByteArray>
#include <QString>

#include <atomic>
#include <functional>
#include <vector>

namespace notify::http1 {
struct RequestHead;
}

namespace notify {

class Authenticator;
class ClusterNode;
class DeliveryHub;
class KeyRing;
class Metrics;
class ReaderPool;
class RoomDirectory;
class Shard;
class StoreWorker;
struct ConnectionInfo;
struct Identity;

// Told about connections as they come and go (the admin channel). Called on shard threads.
class ConnectionObserver
{
public:
    virtual ~ConnectionObserver() = default;
    virtual void connectionOpened(const ConnectionInfo &info) = 0;
    virtual void connectionClosed(quint64 id, int code, const QString &reason) = 0;
};

// The user's routes (/api/v1/me/*) of the API server, for the client port, which has checked
// the request's origin, rate and credential (docs/protocol.md, "The user's routes on the
// client port"). One implementation answers both ports, so they cannot drift apart.
class UserRoutes
{
public:
    struct Answer
    {
        int status = 500;
        QByteArray contentType;
        QByteArray body;
        QByteArray headers; // complete lines, each ending in CRLF
    };
    using Done = std::function<void(Answer)>;

    virtual ~UserRoutes() = default;
    // Any thread. `done` runs once, on the implementation's thread.
    virtual void serveUserRoute(const http1::RequestHead &head, QByteArray body,
                                const Identity &who, Done done)
        = 0;
};

// The node-wide, thread-safe services that the shards, the HTTP API and the admin channel
// share. Owned by the Server; everything here outlives its users.
struct NodeServices
{
    const ServerConfig &config;
    Metrics &metrics;
    RoomDirectory &directory;
    DeliveryHub &hub;
    StoreWorker &writer;
    ReaderPool &readers;
    const Authenticator &authenticator;
    std::atomic<quint64> &nextConnectionId;
    // false while the store is unreachable (/readyz answers 503).
    std::atomic<bool> &storeReady;
    // false once shutdown began: new writes are refused with 503, answers still go out.
    std::atomic<bool> &accepting;
    // The admin channel while a console is open; called on shard threads.
    std::atomic<ConnectionObserver *> observer {nullptr};
    // Every shard, by index; filled before the client port listens, read-only after. The
    // Socket.IO layer routes a request to the shard that owns its session.
    std::vector<Shard *> shards{};
    // The token keys; /readyz asks whether the first JWKS has arrived. Set once at start.
    const KeyRing *keyRing = nullptr;
    // This node's part of a cluster (PostgreSQL only); null on SQLite. Set once at start.
    std::atomic<ClusterNode *> cluster {nullptr};
    // Client-port admission, shared by the acceptor and every shard: open connections (and
    // unauthenticated ones per address), and Engine.IO sessions without a CONNECT.
    AcceptGate clientGate {
        AcceptGate::Limits {clientConnectionCap(config), config.maxPendingPerAddress}};
    AcceptGate sessionGate {
        AcceptGate::Limits {config.maxPendingSessions, config.maxPendingPerAddress}};
    // The API server's user routes; set before the client port listens.
    std::atomic<UserRoutes *> userRoutes {nullptr};
    // Memory near its limit: new client connections are refused (docs/operations.md,
    // "Memory limits"); sampled by the Server's timer, read by the shards and /readyz.
    MemoryWatch memory {config.memoryLimitBytes, config.memoryHighWater};
    // The client port's user routes, per credential and node-wide, at --rate-limit.
    KeyedRateLimit routeRateLimit {config.rateLimit.perSecond, config.rateLimit.burst};
    // Tells the webhook sender (server/webhooks) that an endpoint was added or removed here,
    // so that it looks at the endpoints now. Set once at start; any thread.
    std::function<void()> webhooksChanged {};
    // The client port's last refused connections, for support (docs/operations.md,
    // "Support actions").
    RefusalLog refusals {};
};

} // namespace notify
