#pragma once

#include "config/config.h"

#include <QJsonObject>

#include <atomic>
#include <functional>

namespace notify {

class Authenticator;
class DeliveryHub;
class Metrics;
class ReaderPool;
class RoomDirectory;
class StoreWorker;

// What the HTTP API needs from the node. Owned by the Server; everything here outlives the
// ApiServer.
struct ApiServices
{
    const ServerConfig &config;
    Metrics &metrics;
    RoomDirectory &directory;
    DeliveryHub &hub;
    StoreWorker &writer;
    ReaderPool &readers;
    const Authenticator &authenticator;
    // false while the store is unreachable (/readyz answers 503).
    std::atomic<bool> &storeReady;
    // false once shutdown began: new writes are refused with 503, answers still go out.
    std::atomic<bool> &accepting;
};

} // namespace notify
