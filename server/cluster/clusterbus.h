#pragma once

#include "shared/bus/busmessage.h"
#include "shared/store/connectionwatchdog.h"
#include "shared/store/store.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>

struct pg_conn;
class QSocketNotifier;

namespace notify {

class ClusterNode;
struct TraceBuffer;
struct WatchBuffer;

// The bus thread's worker (see ClusterNode): the listening libpq connection, the reading
// Store, the registry heartbeat and the presence queries. Every member function runs on
// the bus thread.
class ClusterBus : public QObject
{
public:
    ClusterBus(ClusterNode &node, StoreConfig config);
    ~ClusterBus() override;

    void init();
    void shutdown();

    // Reads the rows a user misses between the gate's next seq and its held ones.
    void fill(const Recipient &r);
    void fill(const std::vector<Recipient> &users);
    void presence(const Recipient &r, std::function<void(const QJsonObject &)> done);
    void send(const bus::Message &m);

    // clusterconnections.cpp: every other live node's client connections, for a console.
    // what: empty for the connections, "refusals" for the refused connections (of r when
    // its ids are set); the answer lists them under that name (clusterconnections.cpp).
    void queryConnections(std::function<void(const QJsonObject &)> done, const QString &what = {},
                          const Recipient &r = {});
    // clustertrace.cpp: asks the other nodes for their trace records (renewed while on), or
    // tells them to stop.
    void setTraceSubscribed(bool on);
    // clusterwatch.cpp: asks the other nodes for the activity of these users (renewed while
    // not empty), or tells them to stop.
    void setWatchedUsers(const QSet<Recipient> &users);

private:
    void connectListener();
    void dropListener(const QString &why);
    void readNotifications();
    void handle(const bus::Message &m);
    void handleCreated(const bus::Message &m);
    // The rows of several recipients' ranges, with one read (at most pageRows rows).
    void readRanges(const std::vector<const bus::CreatedRange *> &batch);
    // One recipient's range of more than a page, page by page.
    void readRange(const bus::CreatedRange &range);
    void catchUp(qint64 sinceMs);
    void heartbeat();
    void finishPresence(const QString &id);
    bool hasMembers(const Recipient &r) const;
    void fillFrom(const Recipient &r, qint64 afterSeq, qint64 lowestHeld, bool start = false);
    void startUser(const Recipient &r, qint64 lowestHeld);
    // Per user: the lowest seq held (see SeqGate).
    void startUsers(const std::vector<std::pair<Recipient, qint64>> &users);
    void answerConnections(const bus::Message &query);
    void answerRefusals(const bus::Message &query);
    void takeConnectionsReply(const bus::Message &reply);
    void finishConnections(const QString &id);
    // clustertrace.cpp
    void sendTraceSubscription();
    void takeTraceSubscription(const bus::Message &m);
    void takeTraceRecords(const bus::Message &m);
    void flushTrace();
    void stopTraceCollection();
    // clusterwatch.cpp
    void sendWatchSubscription();
    void takeWatchSubscription(const bus::Message &m);
    void takeWatchActivity(const bus::Message &m);
    void flushWatch();
    void updateClusterWatch();

    ClusterNode &m_node;
    StoreConfig m_config;
    std::unique_ptr<Store> m_reader;
    pg_conn *m_conn = nullptr;
    // The deadline on the listener's blocking round trips (heartbeat, send): a connection
    // that went silent without closing is shut down and listened to again.
    ConnectionWatch m_watch;
    QSocketNotifier *m_notifier = nullptr;
    QTimer m_heartbeat;
    QTimer m_reconnect;
    int m_backoffMs = 100;
    bus::Decoder m_decoder;
    // Wall-clock ms up to which this node is known to have received every message; the
    // catch-up after an outage reads what was committed since (with a margin).
    qint64 m_healthyAtMs = 0;
    bool m_hadOutage = false;
    bool m_stopping = false;

    struct PendingPresence
    {
        std::function<void(const QJsonObject &)> done;
        QSet<QString> expected;
        QHash<QString, qint64> replies;
        qint64 local = 0;
    };
    QHash<QString, PendingPresence> m_presence;

    struct PendingConnections
    {
        std::function<void(const QJsonObject &)> done;
        QString what; // as queryConnections
        QSet<QString> expected;
        // Per node: the parts received so far, and how many there are.
        QHash<QString, QHash<int, QJsonArray>> parts;
        QHash<QString, int> partCount;
    };
    QHash<QString, PendingConnections> m_connectionQueries;

    // Asking side: a console traces here and wants the other nodes' records too.
    bool m_traceSubscribed = false;
    QTimer m_traceRenew;
    // Answering side: the nodes that asked for this node's records, each until when (ms
    // since the epoch), and the records the hub traced since the last flush.
    QHash<QString, qint64> m_traceSubscribers;
    std::shared_ptr<TraceBuffer> m_traceBuffer;
    QTimer m_traceFlush;

    // Asking side: consoles here watch these users.
    QSet<Recipient> m_watchedHere;
    QTimer m_watchRenew;
    // Answering side: per asking node, its expiry and the users it watches; the activity of
    // those users buffered between two flushes.
    struct WatchSubscription
    {
        qint64 expiresAtMs = 0;
        QSet<Recipient> users;
    };
    QHash<QString, WatchSubscription> m_watchSubscribers;
    std::shared_ptr<WatchBuffer> m_watchBuffer;
    QTimer m_watchFlush;
};

} // namespace notify
