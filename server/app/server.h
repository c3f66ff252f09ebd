#pragma once

#include "server/config/config.h"
#include "shared/model/result.h"

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

class QThread;

namespace notify {

class Acceptor;
class AdminChannel;
class ApiServer;
class Authenticator;
class ClusterNode;
class DeliveryHub;
class JwksFetcher;
class KeyRing;
class Metrics;
class ReaderPool;
class RoomDirectory;
class Shard;
class StoreWorker;
struct StoreConfig;
class WebhookSender;
struct NodeServices;

// The composition root of a node: builds every part of the data flow of
// docs/architecture.md, chooses the commit sink, starts it,
// and takes it down gracefully.
class Server : public QObject
{
    Q_OBJECT
public:
    explicit Server(ServerConfig config, QObject *parent = nullptr);
    ~Server() override;

    // The main (API) thread gets the shards' epoll dispatcher too: Qt's default one polls
    // every descriptor of the thread on each wake-up. Call before the application object
    // exists.
    static void installMainThreadDispatcher();

    // Opens and migrates the store, starts the threads, listens on both ports.
    Result<Done, QString> start();
    // Stops accepting, closes every client with 1001, finishes the writer's queue so that
    // every answered request is committed, then emits stopped().
    void shutdown();
    // SIGHUP: the token keys and claim rules of fresh (a configuration read again) replace
    // the current ones; the JWKS URL is fetched again. On an error nothing changes.
    Result<Done, QString> reloadKeys(const ServerConfig &fresh);
    KeyRing &keyRing() { return *m_keyRing; }

    quint16 clientPort() const;
    quint16 apiPort() const;
    const ServerConfig &config() const { return m_config; }
    Metrics &metrics() { return *m_metrics; }
    DeliveryHub &hub() { return *m_hub; }
    RoomDirectory &directory() { return *m_directory; }
    StoreWorker &writer() { return *m_writer; }
    ReaderPool &readers() { return *m_readers; }
    ApiServer &api() { return *m_api; }
    const std::vector<Shard *> &shards() const { return m_shards; }
    NodeServices &services() { return *m_services; }
    // The /admin console channel; null before start().
    AdminChannel *admin() { return m_admin.get(); }

signals:
    void stopped();

private:
    void startWebhooks(const StoreConfig &storeConfig, const QString &claimant);
    void checkStore();
    void checkMemory();
    void housekeeping();
    void stopThreads();

    ServerConfig m_config;
    std::unique_ptr<Metrics> m_metrics;
    std::unique_ptr<RoomDirectory> m_directory;
    std::unique_ptr<DeliveryHub> m_hub;
    std::unique_ptr<StoreWorker> m_writer;
    std::unique_ptr<ReaderPool> m_readers;
    std::unique_ptr<KeyRing> m_keyRing;
    QThread *m_jwksThread = nullptr;
    JwksFetcher *m_jwksFetcher = nullptr; // lives on m_jwksThread
    QThread *m_webhookThread = nullptr;
    WebhookSender *m_webhookSender = nullptr; // lives on m_webhookThread
    std::unique_ptr<Authenticator> m_authenticator;
    std::atomic<quint64> m_nextConnectionId{1};
    std::atomic<bool> m_storeReady{false};
    std::atomic<bool> m_accepting{true};
    std::unique_ptr<NodeServices> m_services;
    std::vector<QThread *> m_threads;
    std::vector<Shard *> m_shards;
    Acceptor *m_acceptor = nullptr;
    ApiServer *m_api = nullptr;
    QTimer m_readyTimer;
    QTimer m_housekeepingTimer;
    QTimer m_memoryTimer;
    bool m_started = false;
    bool m_stopping = false;
    QDateTime m_startedAt;
    std::unique_ptr<ClusterNode> m_cluster;
    // Last member: it observes the shards and traces the hub, so it goes before them.
    std::unique_ptr<AdminChannel> m_admin;
};

} // namespace notify
