#pragma once

#include "server/api/apikeyring.h"
#include "server/api/apilistener.h"
#include "server/delivery/deliveryhub.h"
#include "server/node/nodeservices.h"
#include "server/websocket/websocket.h"
#include "shared/adminapi/connectionrequests.h"
#include "shared/adminapi/inboxrequests.h"
#include "shared/adminapi/sendtest.h"
#include "shared/adminapi/supportrequests.h"
#include "shared/model/connectioninfo.h"
#include "shared/model/counters.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QTimer>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace notify {

class DeliveryHub;
class Store;
class Metrics;
class ReaderPool;
class RoomDirectory;
class Shard;
class StoreWorker;

// What the node tells a console in `hello` (never a secret: storage is StoreConfig::describe()).
struct NodeInfo
{
    QString id;
    QString version;
    QDateTime startedAt;
    QString listen; // the client port as bound, "127.0.0.1:8080"
    QString apiListen; // the API port as bound
    QString storage;
};

// The operator console's WebSocket /admin on the API port (docs/protocol.md, "Admin channel";
// docs/protocol.md has the details). Lives on the API server's thread: every console socket,
// the once-a-second counters timer and the replies run there. Shards, the store writer and
// the delivery hub reach it only by posting.
//
// Consoles are not client connections: they join no room and are not in the client metrics.
class AdminChannel : public QObject, public ConnectionObserver, public WebSocketHandler
{
public:
    AdminChannel(NodeServices &services, NodeInfo node, QObject *parent = nullptr);
    // Stops observing (shards must be stopped or still running, never mid-destruction) and
    // removes the delivery trace. The hub must still be alive.
    ~AdminChannel() override;

    // Takes the WebSocket upgrades of /admin from the API port's listener (each console is a
    // WebSocket of the project's own layer on the upgraded descriptor) and starts observing
    // the shards. Plain requests to /admin are the API server's (426).
    void attach(ApiListener &http);
    // Shutdown, before the shards and the store threads stop: stops observing and tracing,
    // forgets the shards, closes every console with 1001 and refuses new ones.
    void stop();

    int consoleCount() const { return int(m_consoles.size()); }

    // The stored operators (the API server's copy, on this thread); without it only the
    // bootstrap admin key opens the channel.
    void setOperators(const ApiKeyRing *ring) { m_operators = ring; }
    // After the operators were reloaded: closes (4001) the consoles of revoked operators.
    void credentialsChanged();

    // WebSocketHandler: a console's messages and its end.
    void onWebSocketText(WebSocket &ws, QByteArray message) override;
    void onWebSocketBinary(WebSocket &ws, QByteArray message) override;
    void onWebSocketClosed(WebSocket &ws, int code, const QString &reason) override;

    // ConnectionObserver: called on shard threads, only posts.
    void connectionOpened(const ConnectionInfo &info) override;
    void connectionClosed(quint64 id, int code, const QString &reason) override;

    // A random id made once per process, the node id of `hello`.
    static QString processNodeId();

    // What a support request's store job answers a console (supportrequests.cpp): data, or
    // an error when errorCode is set.
    struct JobAnswer
    {
        QJsonObject data;
        QString errorCode;
        QString message;
    };
    using StoreJob = std::function<JobAnswer(Store &)>;

private:
    struct Console
    {
        WebSocket *socket = nullptr;
        bool ready = false; // got its first snapshot: live deltas go out from then on
        bool tracing = false;
        // Who this is (docs/operations.md, "Operators and roles"): the bootstrap admin key
        // ("admin-key", role admin, no hash) or a stored operator.
        QString operatorName;
        QString role;
        QByteArray operatorHash;
        // The user whose changes this console gets (watch_user), if any.
        std::optional<Recipient> watched;
    };
    // A delta that happened while a snapshot was being collected.
    struct Delta
    {
        bool opened = false;
        ConnectionInfo info; // opened
        quint64 id = 0; // closed
    };
    // One snapshot being gathered from every shard. Deltas that arrive meanwhile are
    // applied on top once all parts are in: ids are never reused, so applying them in order
    // with set semantics gives the state at completion whatever the interleaving.
    struct SnapshotJob
    {
        int remaining = 0;
        std::map<quint64, ConnectionInfo> connections;
        std::vector<Delta> deltas;
        quint64 consoleId = 0;
        bool initial = false; // the push after hello, not a request
        QString requestId;
    };

    void accept(ApiListener::Upgrade upgrade);
    quint64 consoleIdOf(const WebSocket &ws) const;
    void onText(quint64 consoleId, const QString &text);
    void onDisconnected(quint64 consoleId);
    Console *find(quint64 consoleId);

    void startSnapshot(quint64 consoleId, bool initial, const QString &requestId);
    void finishSnapshot(quint64 jobId);
    QJsonObject helloData(const Console &console) const;
    // {nodeId, name} of this node in the cluster, or empty on SQLite (admincluster.cpp).
    QJsonObject clusterHello() const;
    QJsonObject snapshotData(const SnapshotJob &job) const;

    void onOpened(const ConnectionInfo &info);
    void onClosed(quint64 id, int code, const QString &reason);
    void tick();
    void updateTimer();
    void setTracing(Console &console, bool on);
    void onTrace(const QString &notificationId, const QString &title, const QString &room,
                 int connections, const QDateTime &at);

    // adminrequests.cpp
    void handleRequest(quint64 consoleId, const QString &type, const QJsonObject &data,
                       const QString &requestId);
    // Each takes its request as shared/adminapi defines and reads it.
    void sendTest(quint64 consoleId, const admin::SendTestRequest &request,
                  const QString &requestId);
    void kick(quint64 consoleId, const admin::KickRequest &request, const QString &requestId);
    void trace(quint64 consoleId, const admin::TraceRequest &request, const QString &requestId);
    void listNotifications(quint64 consoleId, const admin::ListNotificationsRequest &request,
                           const QString &requestId);
    void user(quint64 consoleId, const admin::UserRequest &request, const QString &requestId);
    // adminwatch.cpp: what the nodes recorded of each notification's push, and the user
    // watch (docs/protocol.md, "watch_user").
    QJsonArray withDelivery(Store &store, const std::vector<Notification> &page) const;
    static QJsonObject deliveryJson(const std::vector<NodePush> &pushes,
                                    const QHash<QString, QString> &names);
    void watchUser(quint64 consoleId, const admin::WatchUserRequest &request,
                   const QString &requestId);
    void updateWatchedUsers();
    void stopWatching();
    void onUserChange(const DeliveryHub::UserChange &change);
    // Changes posted to this thread and not sent yet; beyond the bound they are dropped and
    // the watching consoles told to read their user again ("resync").
    static constexpr int maxPendingChanges = 1000;
    std::atomic<int> m_pendingChanges {0};
    std::atomic<bool> m_changesDropped {false};
    bool m_watchInstalled = false;

    // supportrequests.cpp: acting for a user, finding notifications, refusals, broadcasts,
    // the audit log, the API keys and the webhooks; false when type is none of those.
    bool handleSupportRequest(quint64 consoleId, const QString &type, const QJsonObject &data,
                              const QString &requestId);
    void revokeSessions(quint64 consoleId, const admin::RevokeSessionsRequest &request,
                        const QString &requestId);
    void changeForUser(quint64 consoleId, const admin::UserNotificationIds &request,
                       const QString &requestId, bool remove);
    void findNotification(quint64 consoleId, const admin::FindNotificationRequest &request,
                          const QString &requestId);
    void broadcastHistory(quint64 consoleId, const admin::BroadcastHistoryRequest &request,
                          const QString &requestId);
    void refusedConnections(quint64 consoleId, const QJsonObject &data, const QString &requestId);
    void auditLog(quint64 consoleId, const QJsonObject &data, const QString &requestId);
    void keysList(quint64 consoleId, const QString &requestId);
    void keysCreate(quint64 consoleId, const QJsonObject &data, const QString &requestId);
    void keysRevoke(quint64 consoleId, const QJsonObject &data, const QString &requestId);
    // webhookrequests.cpp: the organizations' webhook endpoints (admin).
    void webhooksList(quint64 consoleId, const QString &requestId);
    void webhooksAdd(quint64 consoleId, const QJsonObject &data, const QString &requestId);
    void changeWebhook(quint64 consoleId, const QJsonObject &data, const QString &requestId,
                       bool enable); // else remove
    // Runs job on the store writer (or a reader) and sends its answer from this thread.
    void onWriterReply(quint64 consoleId, const QString &requestId, StoreJob job);
    void onReaderReply(quint64 consoleId, const QString &requestId, StoreJob job);
    // admincluster.cpp: the cluster as the console sees it.
    void withStoreFault(QJsonArray &nodes) const;
    void nodes(quint64 consoleId, const QString &requestId);
    void clusterConnections(quint64 consoleId, const QString &requestId);
    // The other nodes' trace records for this node's tracing consoles (through the bus).
    void setClusterTrace(bool on);
    void onRemoteTrace(const QString &nodeId, const QString &nodeName, const QJsonArray &records,
                       qint64 dropped);
    // A kick of a connection on another node of the cluster (through the bus).
    bool kickRemote(quint64 consoleId, const admin::KickRequest &request, const QString &requestId);
    // Collects every connection's live figures from the shards and pushes connection:stats.
    void pushStats();
    // Asks every shard for its connections; done() runs here with those that pass keep.
    void collectConnections(std::function<bool(const ConnectionInfo &)> keep,
                            std::function<void(std::vector<ConnectionInfo>)> done);

    // The audit log (docs/operations.md, "Audit log"): written by the store writer.
    void recordAudit(const Console &console, const QString &action, const QString &target,
                     const QString &result);

    void send(quint64 consoleId, const QByteArray &frame);
    void sendTo(Console &console, const QString &frame);
    void reply(quint64 consoleId, const QString &requestId, const QJsonObject &data);
    void replyError(quint64 consoleId, const QString &requestId, const QString &code,
                    const QString &message);
    // To every console that has its snapshot.
    void broadcast(const QByteArray &frame);

    NodeServices &m_services;
    NodeInfo m_node;
    std::vector<Shard *> m_shards; // cleared at stop(): no posting to stopping shards
    std::map<quint64, Console> m_consoles;
    std::map<quint64, SnapshotJob> m_jobs;
    quint64 m_nextConsoleId = 1;
    quint64 m_nextJobId = 1;
    int m_tracingConsoles = 0;
    QTimer m_countersTimer;
    Counters m_lastTotals;
    bool m_attached = false;
    bool m_stopped = false;
    int m_ticks = 0;
    bool m_statsInFlight = false;
    const ApiKeyRing *m_operators = nullptr;
    // Audited requests waiting for their answer, by (console, request id): the answer's
    // outcome is the entry's result.
    struct PendingAudit
    {
        QString action;
        QString target;
    };
    std::map<std::pair<quint64, QString>, PendingAudit> m_pendingAudit;
};

} // namespace notify
