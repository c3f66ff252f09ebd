#pragma once

#include "config/config.h"

#include <QByteArray>
#include <QString>

#include <atomic>
#include <vector>

namespace notify {

class Authenticator;
class DeliveryHub;
class Metrics;
class ReaderPool;
class RoomDirectory;
class Shard;
class StoreWorker;
struct ConnectionInfo;

// Told about connections as they come and go (the admin channel). Called on shard threads.
class ConnectionObserver
{
public:
    virtual ~ConnectionObserver() = default;
    virtual void connectionOpened(const ConnectionInfo &info) = 0;
    virtual void connectionClosed(quint64 id, int code, const QString &reason) = 0;
};

// The node-wide, thread-safe services every shard uses. Owned by the Server.
struct ShardServices
{
    const ServerConfig &config;
    Metrics &metrics;
    RoomDirectory &directory;
    DeliveryHub &hub;
    StoreWorker &writer;
    ReaderPool &readers;
    const Authenticator &authenticator;
    std::atomic<quint64> &nextConnectionId;
    std::atomic<ConnectionObserver *> observer{nullptr};
    // Every shard, by index; filled before the client port listens, read-only after. The
    // Socket.IO layer routes a request to the shard that owns its session.
    std::vector<Shard *> shards{};
};

} // namespace notify
