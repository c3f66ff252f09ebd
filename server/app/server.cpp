#include "server/app/server.h"

#include "server/adminchannel/adminchannel.h"
#include "server/api/apiserver.h"
#include "server/cluster/clusternode.h"
#include "server/delivery/deliveryhub.h"
#include "server/delivery/roomdirectory.h"
#include "server/metrics/metrics.h"
#include "server/node/nodeservices.h"
#include "server/protocol/authenticator.h"
#include "server/shard/acceptor.h"
#include "server/shard/shard.h"
#include "server/storage/storecache.h"
#include "server/storage/storeworker.h"
#include "server/tokens/jwksfetcher.h"
#include "server/tokens/keyring.h"
#include "server/util/posting.h"
#include "server/webhooks/webhooksender.h"
#include "shared/auth/jwt.h"
#include "shared/store/operators.h"
#include "shared/store/storeconfig.h"

#include "server/log/logging.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSysInfo>
#include <QThread>
#include <QUuid>
#include <QWebSocketProtocol>

#if __has_include("server/eventloop/epolleventdispatcher.h")
#include "server/eventloop/epolleventdispatcher.h"
#define NOTIFY_HAVE_EPOLL 1
#endif

namespace notify {

namespace {
constexpr int readerThreads = 2;
constexpr int closeGraceMs = 2000;
} // namespace

Server::Server(ServerConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_metrics(std::make_unique<Metrics>())
    , m_directory(std::make_unique<RoomDirectory>())
    , m_hub(std::make_unique<DeliveryHub>(*m_directory, *m_metrics))
{
    m_hub->setDialects(m_config.dialects.inUse());
}

void Server::installMainThreadDispatcher()
{
#ifdef NOTIFY_HAVE_EPOLL
    auto dispatcher = std::make_unique<EpollEventDispatcher>();
    // Without its descriptors (EMFILE at start) Qt's default dispatcher is kept.
    if (dispatcher->isValid())
        QCoreApplication::setEventDispatcher(dispatcher.release());
#endif
}

Server::~Server()
{
    stopThreads();
    // With the shards and the writer stopped nothing calls into the channel any more; the
    // hub it untraces is still alive.
    if (m_api)
        m_api->setCredentialsChanged({});
    m_admin.reset();
}

Result<Done, QString> Server::start()
{
    auto storeConfig = StoreConfig::parse(m_config.db);
    if (!storeConfig.ok())
        return QStringLiteral("invalid --db: %1").arg(storeConfig.error());

    // A PostgreSQL round trip longer than an API request waits is cut (connectionwatchdog.h).
    storeConfig->roundTripLimitMs = m_config.storeTimeoutMs;
    // On PostgreSQL the writer announces each commit on the cluster bus under this node's id.
    const QString clusterId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    StoreConfig writerConfig = storeConfig.value();
    if (writerConfig.isPostgres())
        writerConfig.busNode = clusterId;
    m_writer = std::make_unique<StoreWorker>(writerConfig, QStringLiteral("notify-writer"),
                                             m_metrics.get());
    auto opened = m_writer->startAndOpen(true);
    if (!opened.ok())
        return QStringLiteral("cannot open the store %1: %2")
            .arg(storeConfig->describe(), opened.error().message);
    m_readers = std::make_unique<ReaderPool>(storeConfig.value(), readerThreads);
    m_readers->setFaultOwner(m_writer.get());
    if (auto r = m_readers->start(); !r.ok())
        return QStringLiteral("cannot open the store for reading: %1").arg(r.error().message);
    m_storeReady = true;

    // Keys are parsed here once, not per connection (docs/security.md, "Tokens").
    m_keyRing = std::make_unique<KeyRing>(m_config);
    if (auto loaded = m_keyRing->loadLocal(m_config); !loaded.ok())
        return loaded.error();
    if (!m_config.jwtJwksUrl.isEmpty()) {
        // Its own thread: a slow or stalled provider never holds up a shard or the API.
        m_jwksThread = new QThread;
        m_jwksThread->setObjectName(QStringLiteral("notify-jwks"));
        m_jwksFetcher
            = new JwksFetcher(*m_keyRing, QUrl(m_config.jwtJwksUrl), m_config.jwtJwksMinRefreshMs);
        m_jwksFetcher->moveToThread(m_jwksThread);
        connect(m_jwksThread, &QThread::finished, m_jwksFetcher, &QObject::deleteLater);
        m_jwksThread->start();
        m_keyRing->setRefreshRequest([fetcher = m_jwksFetcher] {
            QMetaObject::invokeMethod(fetcher, &JwksFetcher::fetch, Qt::QueuedConnection);
        });
        QMetaObject::invokeMethod(m_jwksFetcher, &JwksFetcher::fetch, Qt::QueuedConnection);
    }
    m_authenticator = std::make_unique<Authenticator>(*m_keyRing, *m_readers, *m_metrics);

    m_services.reset(new NodeServices {m_config, *m_metrics, *m_directory, *m_hub, *m_writer,
                                       *m_readers, *m_authenticator, m_nextConnectionId,
                                       m_storeReady, m_accepting});
    m_services->keyRing = m_keyRing.get();
    // Each shard is one bit of the directory's routing mask: the option's bound must fit it.
    static_assert(ServerConfig::maxThreads <= RoomDirectory::maxShards);
    for (int i = 0; i < m_config.threads; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("notify-shard-%1").arg(i));
#ifdef NOTIFY_HAVE_EPOLL
        thread->setEventDispatcher(new EpollEventDispatcher);
#endif
        auto *shard = new Shard(i, *m_services);
        shard->moveToThread(thread);
        connect(thread, &QThread::finished, shard, &QObject::deleteLater);
        thread->start();
        QMetaObject::invokeMethod(shard, &Shard::init, Qt::BlockingQueuedConnection);
        m_hub->addSink(shard);
        m_threads.push_back(thread);
        m_shards.push_back(shard);
        m_services->shards.push_back(shard);
    }

    // The shards reach the user routes through the API server from the first client on.
    m_api = new ApiServer(*m_services, this);
    m_services->userRoutes = m_api;

    m_acceptor = new Acceptor(m_shards, m_services->clientGate, *m_metrics, this);
    m_acceptor->setTrustedProxies(m_config.trustedProxies);
    if (!m_acceptor->listen(m_config.listen.address, m_config.listen.port))
        return QStringLiteral("cannot listen on %1: %2")
            .arg(m_config.listen.toString(), m_acceptor->errorString());

    // Before the API listens: its webhook routes tell the sender of their changes. The
    // claimant is the cluster registry's name of this node (stable over restarts, so that a
    // restarted node takes back its own claims); SQLite has one node, which takes back all.
    QString claimant;
    if (storeConfig->isPostgres()) {
        claimant = m_config.nodeName.isEmpty()
            ? QSysInfo::machineHostName() + QLatin1Char(':') + QString::number(clientPort())
            : m_config.nodeName;
    }
    startWebhooks(storeConfig.value(), claimant);
    if (m_api->listen(m_config.apiListen) == 0)
        return QStringLiteral("cannot listen on %1").arg(m_config.apiListen.toString());

    m_startedAt = QDateTime::currentDateTimeUtc();
    NodeInfo node {AdminChannel::processNodeId(),
                   QStringLiteral(NOTIFY_VERSION),
                   m_startedAt,
                   ListenAddress {m_config.listen.address, clientPort()}.toString(),
                   ListenAddress {m_config.apiListen.address, apiPort()}.toString(),
                   storeConfig->describe()};
    if (storeConfig->isPostgres()) {
        // Nodes on one PostgreSQL database form a cluster (docs/operations.md, "Cluster").
        m_cluster = std::make_unique<ClusterNode>(
            writerConfig, *m_services,
            ClusterNode::Identity {clusterId,
                                   m_config.nodeName.isEmpty() ? QSysInfo::machineHostName()
                                           + QLatin1Char(':') + QString::number(clientPort())
                                                               : m_config.nodeName,
                                   node.listen, node.apiListen, node.version, m_startedAt},
            m_config.nodeGoneAfterMs);
        if (auto started = m_cluster->start(); !started.ok())
            return started.error();
        m_hub->setAnnouncementForwarder(
            [cluster = m_cluster.get()](const QString &room, const QJsonObject &announcement) {
                cluster->forwardAnnouncement(room, announcement);
            });
        m_services->cluster = m_cluster.get();
    }
    // What the hub pushed goes to the writer in batches, and back to the user watch once
    // recorded (docs/protocol.md, "Delivery of a notification").
    m_hub->setPushRecorder([writer = m_writer.get()](std::vector<PushRecord> pushes) {
        writer->recordPushes(std::move(pushes));
    });
    m_writer->setPushesRecorded([hub = m_hub.get()](const std::vector<PushRecord> &pushes) {
        hub->pushesRecorded(pushes);
    });
    // The commit seam (server/storage/commitsink.h), chosen once: nothing is published
    // before start() returns, so no group is committed before this.
    m_writer->setCommitSink(m_cluster ? static_cast<CommitSink *>(m_cluster.get()) : m_hub.get());
    m_admin = std::make_unique<AdminChannel>(*m_services, std::move(node));
    m_admin->setOperators(&m_api->keys());
    m_api->setCredentialsChanged([admin = m_admin.get()] { admin->credentialsChanged(); });
    m_admin->attach(m_api->http());

    // Once a second, never per accept: a few small reads (docs/operations.md, "Memory
    // limits"); once now, so that a limit already crossed refuses from the first client.
    checkMemory();
    connect(&m_memoryTimer, &QTimer::timeout, this, &Server::checkMemory);
    m_memoryTimer.start(1000);
    connect(&m_readyTimer, &QTimer::timeout, this, &Server::checkStore);
    m_readyTimer.start(2000);
    connect(&m_housekeepingTimer, &QTimer::timeout, this, &Server::housekeeping);
    m_housekeepingTimer.start(3600 * 1000);
    housekeeping();
    m_started = true;
    qCInfo(lcServer).noquote() << "notifyd" << NOTIFY_VERSION << "listening: clients on"
                               << m_config.listen.address.toString() + QLatin1Char(':')
            + QString::number(clientPort())
                               << "API on"
                               << m_config.apiListen.address.toString() + QLatin1Char(':')
            + QString::number(apiPort())
                               << "store" << storeConfig->describe() << "shards"
                               << m_config.threads;
    return Done {};
}

quint16 Server::clientPort() const
{
    return m_acceptor ? m_acceptor->serverPort() : 0;
}

quint16 Server::apiPort() const
{
    return m_api ? m_api->port() : 0;
}

void Server::startWebhooks(const StoreConfig &storeConfig, const QString &claimant)
{
    // Its own thread and store connection: a slow or dead endpoint never holds up delivery
    // (docs/operations.md, "Webhooks").
    WebhookSender::Options options;
    options.store = storeConfig;
    options.node = claimant;
    m_webhookThread = new QThread;
    m_webhookThread->setObjectName(QStringLiteral("notify-webhooks"));
    m_webhookSender = new WebhookSender(std::move(options), m_metrics.get());
    m_webhookSender->moveToThread(m_webhookThread);
    connect(m_webhookThread, &QThread::finished, m_webhookSender, &QObject::deleteLater);
    m_webhookThread->start();
    QMetaObject::invokeMethod(m_webhookSender, &WebhookSender::start, Qt::QueuedConnection);
    m_services->webhooksChanged = [sender = m_webhookSender] {
        sender->reloadSoon();
    };
}

void Server::checkStore()
{
    m_writer->probeFault();
    // The page caches' sizes for /metrics, each read on its connection's thread (the
    // readers take jobs round-robin, so one each, near enough).
    m_writer->post([](Store &store) { storecache::note(store); });
    for (int i = 0; i < readerThreads; ++i)
        m_readers->post([](Store &store) { storecache::note(store); });
    m_readers->post([this](Store &store) {
        const bool ok = store.ping().ok();
        if (ok != m_storeReady.exchange(ok))
            qCWarning(lcServer) << (ok ? "store reachable again" : "store unreachable");
    });
}

void Server::checkMemory()
{
    MemoryWatch &memory = m_services->memory;
    if (!memory.sample())
        return;
    if (memory.refusing())
        qCWarning(lcServer).noquote()
            << "memory limit: refusing new connections:" << memory.reason();
    else
        qCInfo(lcServer).noquote()
            << QStringLiteral("memory limit: accepting new connections again (%1 of %2 MiB)")
                   .arg(memory.limitBytes() > 0 ? QStringLiteral("%1%").arg(
                            memory.residentBytes() * 100 / memory.limitBytes())
                                                : QStringLiteral("no limit"))
                   .arg(memory.limitBytes() / (1024 * 1024));
}

void Server::housekeeping()
{
    const int days = m_config.retentionDays;
    const int auditDays = m_config.auditRetentionDays;
    m_writer->post([days, auditDays](Store &store) {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        store.deleteExpiredSessions(now.addDays(-1));
        if (days > 0)
            store.purgeOlderThan(now.addDays(-days));
        if (auditDays > 0)
            audit::purgeOlderThan(store, now.addDays(-auditDays));
    });
}

void Server::shutdown()
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_accepting = false;
    qCInfo(lcServer) << "shutting down: closing connections";
    m_readyTimer.stop();
    m_housekeepingTimer.stop();
    m_memoryTimer.stop();
    if (m_acceptor)
        m_acceptor->close();
    if (m_shards.empty()) {
        stopThreads();
        emit stopped();
        return;
    }
    auto remaining = std::make_shared<int>(int(m_shards.size()));
    for (Shard *shard : m_shards) {
        shard->closeAll(QWebSocketProtocol::CloseCodeGoingAway,
                        QStringLiteral("server shutting down"), closeGraceMs, [this, remaining] {
                            postTo(this, [this, remaining] {
                                if (--*remaining > 0)
                                    return;
                                qCInfo(lcServer) << "shutting down: finishing the store queue";
                                // Every request already answered was committed before its
                                // answer; this commits what is queued and lets it be answered.
                                m_writer->drainAndStop();
                                // One more turn of the event loop writes those answers out.
                                QTimer::singleShot(200, this, [this] {
                                    stopThreads();
                                    emit stopped();
                                });
                            });
                        });
    }
}

Result<Done, QString> Server::reloadKeys(const ServerConfig &fresh)
{
    if (!m_keyRing)
        return QStringLiteral("not started");
    if (auto loaded = m_keyRing->loadLocal(fresh); !loaded.ok())
        return loaded.error();
    if (m_jwksFetcher)
        QMetaObject::invokeMethod(m_jwksFetcher, &JwksFetcher::fetch, Qt::QueuedConnection);
    qCInfo(lcAuth).noquote() << "token keys reloaded:" << m_keyRing->verifier()->keys().size()
                             << "keys";
    return Done {};
}

void Server::stopThreads()
{
    // Consoles go before the threads they observe; the channel object stays until ~Server.
    if (m_admin)
        m_admin->stop();
    // The store threads before the shards: a reader's answer and the writer's deliveries
    // are posted to a Shard, which is deleted with its thread (a reader still running
    // after that posted to a deleted object: a crash seen in test_wsedge).
    if (m_readers)
        m_readers->stop();
    if (m_writer)
        m_writer->drainAndStop();
    // After the writer (whose commit hook it serves), before the shards it delivers to.
    if (m_cluster)
        m_cluster->stop();
    if (m_webhookThread) {
        QMetaObject::invokeMethod(m_webhookSender, &WebhookSender::stop,
                                  Qt::BlockingQueuedConnection);
        m_webhookThread->quit();
        m_webhookThread->wait();
        delete m_webhookThread;
        m_webhookThread = nullptr;
        m_webhookSender = nullptr;
    }
    if (m_jwksThread) {
        // No new fetch requests to a fetcher about to go; waiters of a fetch are told it
        // ended before the shards they were waiting on go.
        m_keyRing->setRefreshRequest({});
        QMetaObject::invokeMethod(m_jwksFetcher, &JwksFetcher::stop, Qt::BlockingQueuedConnection);
        m_jwksThread->quit();
        m_jwksThread->wait();
        delete m_jwksThread;
        m_jwksThread = nullptr;
        m_jwksFetcher = nullptr;
    }
    for (QThread *thread : m_threads) {
        thread->quit();
        thread->wait();
        delete thread;
    }
    m_threads.clear();
    m_shards.clear();
}

} // namespace notify
