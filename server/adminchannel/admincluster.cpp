// The admin channel's view of the cluster (docs/protocol.md, "Admin channel"): the `nodes`
// request, the other nodes' connections and trace records, and kicks of connections on
// other nodes. Kept apart from the node-local requests;
// everything cluster-wide goes through ClusterNode, never to another node's API port.
#include "server/adminchannel/adminchannel.h"

#include "server/cluster/clusternode.h"
#include "server/metrics/metrics.h"
#include "server/storage/storeworker.h"
#include "server/util/posting.h"
#include "shared/adminapi/adminprotocol.h"
#include "shared/adminapi/pushes.h"
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"

#include <QJsonArray>

#include <vector>

namespace notify {

namespace {

QJsonObject nodeJson(const noderegistry::NodeRow &row, bool self, bool gone)
{
    return {{QStringLiteral("id"), row.id},
            {QStringLiteral("name"), row.name},
            {QStringLiteral("self"), self},
            {QStringLiteral("state"), gone ? QStringLiteral("gone") : QStringLiteral("up")},
            {QStringLiteral("clientAddress"), row.clientAddress},
            {QStringLiteral("apiAddress"), row.apiAddress},
            {QStringLiteral("version"), row.version},
            {QStringLiteral("startedAt"), timestampOrNull(row.startedAt)},
            {QStringLiteral("lastHeartbeat"), timestampOrNull(row.heartbeatAt)},
            {QStringLiteral("connections"), row.connectionsPlain + row.connectionsSocketIo},
            {QStringLiteral("counters"), row.counters}};
}

} // namespace

QJsonObject AdminChannel::clusterHello() const
{
    const ClusterNode *cluster = m_services.cluster.load();
    if (!cluster)
        return {};
    return {{QStringLiteral("nodeId"), cluster->self().id},
            {QStringLiteral("name"), cluster->self().name}};
}

void AdminChannel::withStoreFault(QJsonArray &nodes) const
{
    // This node's own row says when its writes fail for a fault of the environment (a full
    // disk...); the other nodes' rows come from the registry and say nothing of theirs.
    const StoreError::Cause fault = m_services.writer.fault();
    if (fault == StoreError::Cause::Other)
        return;
    for (QJsonValueRef node : nodes) {
        QJsonObject o = node.toObject();
        if (!o.value(QStringLiteral("self")).toBool())
            continue;
        o.insert(QStringLiteral("storeFault"), QLatin1String(storeCauseName(fault)));
        node = o;
    }
}

void AdminChannel::nodes(quint64 consoleId, const QString &requestId)
{
    const ClusterNode *cluster = m_services.cluster.load();
    QJsonArray list;
    if (!cluster) {
        // SQLite: one node, this one, described from the live metrics.
        const qint64 connections
            = qint64(m_services.metrics.connectionsPlain.load(std::memory_order_relaxed)
                     + m_services.metrics.connectionsSocketIo.load(std::memory_order_relaxed)
                     + m_services.metrics.connectionsSse.load(std::memory_order_relaxed));
        list.append(QJsonObject {
            {QStringLiteral("id"), m_node.id},
            {QStringLiteral("name"), m_node.listen},
            {QStringLiteral("self"), true},
            {QStringLiteral("state"), QStringLiteral("up")},
            {QStringLiteral("clientAddress"), m_node.listen},
            {QStringLiteral("apiAddress"), m_node.apiListen},
            {QStringLiteral("version"), m_node.version},
            {QStringLiteral("startedAt"), timestampOrNull(m_node.startedAt)},
            {QStringLiteral("lastHeartbeat"), formatTimestamp(QDateTime::currentDateTimeUtc())},
            {QStringLiteral("connections"), connections},
            {QStringLiteral("counters"),
             QJsonObject {{QStringLiteral("created"),
                           qint64(m_services.metrics.created.load(std::memory_order_relaxed))}}}});
        withStoreFault(list);
        reply(consoleId, requestId,
              {{QStringLiteral("cluster"), false}, {QStringLiteral("nodes"), list}});
        return;
    }
    // The registry as of the last heartbeat, this node's row live (ClusterNode::nodes).
    const QDateTime goneBefore = cluster->goneBefore();
    for (const noderegistry::NodeRow &row : cluster->nodes())
        list.append(nodeJson(row, row.id == cluster->self().id, row.heartbeatAt < goneBefore));
    withStoreFault(list);
    reply(consoleId, requestId,
          {{QStringLiteral("cluster"), true},
           {QStringLiteral("busReady"), cluster->busReady()},
           {QStringLiteral("heartbeatSeconds"), ClusterNode::heartbeatSeconds},
           {QStringLiteral("nodes"), list}});
}

void AdminChannel::clusterConnections(quint64 consoleId, const QString &requestId)
{
    ClusterNode *cluster = m_services.cluster.load();
    if (!cluster) {
        reply(consoleId, requestId,
              {{QStringLiteral("nodes"), QJsonArray()}, {QStringLiteral("complete"), true}});
        return;
    }
    // Answered on the bus thread; the reply goes out from this one. A console that left
    // meanwhile is simply not found.
    cluster->connections([this, consoleId, requestId](const QJsonObject &result) {
        postTo(this, [this, consoleId, requestId, result] {
            if (!m_stopped)
                reply(consoleId, requestId, result);
        });
    });
}

void AdminChannel::setClusterTrace(bool on)
{
    ClusterNode *cluster = m_services.cluster.load();
    if (!cluster)
        return;
    if (!on) {
        // Returns once the bus thread can no longer call the function below.
        cluster->setRemoteTrace({});
        return;
    }
    // Called on the bus thread; the frames go out from this one. Events posted here that
    // are still queued when the channel goes are dropped with it.
    cluster->setRemoteTrace([this](const QString &nodeId, const QString &nodeName,
                                   const QJsonArray &records, qint64 dropped) {
        postTo(this, [this, nodeId, nodeName, records, dropped] {
            onRemoteTrace(nodeId, nodeName, records, dropped);
        });
    });
}

void AdminChannel::onRemoteTrace(const QString &nodeId, const QString &nodeName,
                                 const QJsonArray &records, qint64 dropped)
{
    if (m_tracingConsoles == 0 || m_stopped)
        return;
    std::vector<QString> frames;
    if (dropped > 0)
        frames.push_back(QString::fromUtf8(
            encodeEnvelope(admin::DeliveryDropped::type(),
                           admin::DeliveryDropped {nodeId, nodeName, dropped}.toJson())));
    for (const QJsonValue &value : records) {
        // [notificationId, title, room, connections, atMs] (ClusterBus::flushTrace).
        const QJsonArray r = value.toArray();
        if (r.size() < 5)
            continue;
        const QDateTime at = QDateTime::fromMSecsSinceEpoch(r[4].toInteger(), Qt::UTC);
        frames.push_back(
            QString::fromUtf8(encodeEnvelope(admin::msg::delivery,
                                             {{QStringLiteral("notificationId"), r[0]},
                                              {QStringLiteral("title"), r[1]},
                                              {QStringLiteral("room"), r[2]},
                                              {QStringLiteral("connections"), r[3]},
                                              {QStringLiteral("at"), formatTimestamp(at)},
                                              {QStringLiteral("nodeId"), nodeId},
                                              {QStringLiteral("nodeName"), nodeName}})));
    }
    for (auto &[id, console] : m_consoles) {
        if (!console.tracing)
            continue;
        for (const QString &frame : frames)
            sendTo(console, frame);
    }
}

bool AdminChannel::kickRemote(quint64 consoleId, const admin::KickRequest &request,
                              const QString &requestId)
{
    // No node (KickRequest::fromJson has refused an empty one): this node's connection.
    const QString &nodeId = request.nodeId;
    if (nodeId.isEmpty())
        return false;
    ClusterNode *cluster = m_services.cluster.load();
    // This node, named by either of its ids: the local path.
    if (nodeId == m_node.id || (cluster && nodeId == cluster->self().id))
        return false;
    if (!cluster) {
        replyError(consoleId, requestId, admin::codes::invalidPayload,
                   QStringLiteral("nodeId: this node is not in a cluster"));
        return true;
    }
    bool known = false;
    for (const noderegistry::NodeRow &row : cluster->nodes())
        known = known || row.id == nodeId;
    if (!known) {
        replyError(consoleId, requestId, admin::codes::invalidPayload,
                   QStringLiteral("nodeId: no such node in the cluster"));
        return true;
    }
    // Sent through the bus; the other node closes it and its consoles see connection:closed.
    cluster->kick(nodeId, request.connectionId,
                  request.reason.isEmpty() ? QStringLiteral("kicked by operator") : request.reason);
    reply(consoleId, requestId, {{QStringLiteral("ok"), true}, {QStringLiteral("nodeId"), nodeId}});
    return true;
}

} // namespace notify
