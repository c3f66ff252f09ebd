#pragma once

#include "server/cluster/seqgate.h"
#include "server/storage/commitsink.h"
#include "server/storage/storeworker.h"
#include "shared/model/result.h"
#include "shared/store/noderegistry.h"
#include "shared/store/storeconfig.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QMutex>
#include <QSet>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

class QThread;

namespace notify {

struct NodeServices;
class ClusterBus;

// This node's part of a cluster: nodes on one PostgreSQL database deliver every change to
// every connection, wherever it is connected (docs/operations.md, "Cluster").
//
// The store sends a bus message (store/busmessage.h) in the transaction of each change.
// ClusterNode listens on its own thread with its own two connections: a libpq connection
// that LISTENs, and a Store that reads the rows a message refers to. Messages are handled
// one after the other in commit order, so per-user order holds; the SeqGate puts this
// node's own commits, delivered at once by the writer, in order with the others'.
class ClusterNode : public CommitSink
{
public:
    struct Identity
    {
        QString id;
        QString name;
        QString clientAddress;
        QString apiAddress;
        QString version;
        QDateTime startedAt;
    };

    // Seconds between heartbeats. A node whose heartbeat is older than goneAfterMs() is
    // shown as gone (--node-gone-after), and removed from the registry after three times as
    // long.
    static constexpr int heartbeatSeconds = 2;

    ClusterNode(StoreConfig config, NodeServices &services, Identity self, int goneAfterMs = 10000);
    ~ClusterNode() override;

    // Starts the bus thread; the listening connection comes up there (and retries with
    // backoff), so a database that is briefly away does not stop the node from starting.
    Result<Done, QString> start();
    void stop();

    // CommitSink, on a cluster: delivers this node's own group in order with the other
    // nodes' commits (see SeqGate).
    void committed(const std::vector<InsertOutcome> &outcomes, qint64 committedAtNs) override;
    // An announcement published here, for the other nodes (sent through the writer).
    void forwardAnnouncement(const QString &room, const QJsonObject &announcement);
    // Closes connection connectionId of node nodeId (this node or another one).
    void kick(const QString &nodeId, quint64 connectionId, const QString &reason);

    // true while the listening connection is up (/readyz).
    bool busReady() const { return m_busReady.load(); }
    const Identity &self() const { return m_self; }
    int goneAfterMs() const { return m_goneAfterMs; }
    int removeAfterMs() const { return 3 * m_goneAfterMs; }
    // A node whose last heartbeat is before this is gone (now less goneAfterMs()).
    QDateTime goneBefore() const;
    // The other nodes not gone, by id: those a bus query waits for.
    QSet<QString> liveOtherNodes() const;
    // The registry as last read (every heartbeat), this node's row with live counters.
    std::vector<noderegistry::NodeRow> nodes() const;
    // A user's connections on every live node: {"connections": n, "nodes": [{id, name,
    // connections}], "complete": bool}. done runs on the bus thread within about a second.
    void presence(const Recipient &r, std::function<void(const QJsonObject &)> done);
    // The client connections of every other live node, for the admin channel:
    // {"nodes": [{id, name, connections: [connection], truncated}], "complete": bool}. done
    // runs on the bus thread within about two seconds (clusterconnections.cpp).
    void connections(std::function<void(const QJsonObject &)> done);
    // The refused connections of every other live node (of r when its ids are set), for
    // the admin channel: {"nodes": [{id, name, answered, refusals: [refusal]}], "complete"}.
    void refusals(const Recipient &r, std::function<void(const QJsonObject &)> done);

    // The other nodes' delivery trace, for this node's consoles (clustertrace.cpp): while
    // set, this node asks every other node for its trace records, and fn gets them on the
    // bus thread: records are [notificationId, title, room, connections, atMs] arrays, and
    // dropped counts what that node could not buffer before them. An empty fn stops it; once
    // setRemoteTrace returns, the previous fn is never called again.
    using RemoteTraceFn = std::function<void(const QString &nodeId, const QString &nodeName,
                                             const QJsonArray &records, qint64 dropped)>;
    void setRemoteTrace(RemoteTraceFn fn);
    // The users this node's consoles watch (clusterwatch.cpp): the other nodes send what
    // only they see of them (pushes, receipts) to this node's hub as remote changes. Empty
    // stops it. Any thread.
    void setWatchedUsers(const QSet<Recipient> &users);

    SeqGate &gate() { return m_gate; }
    NodeServices &services() { return m_services; }
    // Called by the bus: this node's current row.
    noderegistry::NodeRow ownRow() const;
    void setBusReady(bool ready) { m_busReady = ready; }
    void setNodes(std::vector<noderegistry::NodeRow> rows);

private:
    // Offers items to the gate and publishes what it releases, atomically with respect to
    // the other thread that does the same (see the .cpp).
    void offerAndPublish(const Recipient &r, std::vector<SeqGate::Item> items, qint64 resolvedFrom,
                         qint64 resolvedTo, bool *gap, bool start = false);
    void publishReleased(std::vector<SeqGate::Item> items);
    friend class ClusterBus;

    const StoreConfig m_config;
    NodeServices &m_services;
    const Identity m_self;
    const int m_goneAfterMs;
    SeqGate m_gate;
    QMutex m_releaseMutex;
    std::atomic<bool> m_busReady {false};
    mutable QMutex m_nodesMutex;
    std::vector<noderegistry::NodeRow> m_nodes;
    QMutex m_remoteTraceMutex;
    RemoteTraceFn m_remoteTrace;
    QThread *m_thread = nullptr;
    ClusterBus *m_bus = nullptr;
};

} // namespace notify
