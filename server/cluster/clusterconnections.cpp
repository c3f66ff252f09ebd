// Every node's client connections for the operator console (docs/protocol.md, "Admin
// channel", cluster_connections): a query on the bus, answered by each live node with its
// connections in parts that each fit one NOTIFY. Only asked for by a console, never on a
// delivery path.
#include "server/cluster/clusterbus.h"

#include "server/cluster/clusternode.h"
#include "server/node/nodeservices.h"
#include "server/protocol/refusals.h"
#include "server/shard/shard.h"
#include "shared/codec/wirecodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <QUuid>

#include <algorithm>
#include <memory>

namespace notify {

namespace {
// A console's picture of another node is bounded: beyond this many connections it gets the
// first ones and `truncated` (the node's count is in its registry row).
constexpr int maxConnectionsPerNode = 1000;
constexpr int connectionsTimeoutMs = 2000;
// The `what` of a connections query that asks for the refused connections instead.
const QString refusalsQuery = QStringLiteral("refusals");
// A connection's rooms (its user, org, role and the broadcast room: the console's Rooms tab
// shows them for every node) are few and bounded by their ids; bounded here anyway, so
// that one connection never needs more than one part.
constexpr int maxRoomsPerConnection = 16;
constexpr int roomChars = 200;
} // namespace

void ClusterNode::connections(std::function<void(const QJsonObject &)> done)
{
    ClusterBus *bus = m_bus;
    QMetaObject::invokeMethod(
        bus, [bus, done = std::move(done)]() mutable { bus->queryConnections(std::move(done)); },
        Qt::QueuedConnection);
}

void ClusterNode::refusals(const Recipient &r, std::function<void(const QJsonObject &)> done)
{
    ClusterBus *bus = m_bus;
    QMetaObject::invokeMethod(
        bus,
        [bus, r, done = std::move(done)]() mutable {
            bus->queryConnections(std::move(done), refusalsQuery, r);
        },
        Qt::QueuedConnection);
}

void ClusterBus::queryConnections(std::function<void(const QJsonObject &)> done,
                                  const QString &what, const Recipient &r)
{
    PendingConnections pending;
    pending.done = std::move(done);
    pending.what = what;
    pending.expected = m_node.liveOtherNodes();
    const QString id = QUuid::createUuid().toString(QUuid::Id128);
    const bool ask = !pending.expected.isEmpty() && m_conn;
    m_connectionQueries.insert(id, std::move(pending));
    if (!ask)
        return finishConnections(id);
    bus::Message query;
    query.kind = bus::Kind::ConnectionsQuery;
    query.queryId = id;
    query.reason = what;
    query.recipient = r;
    send(query);
    QTimer::singleShot(connectionsTimeoutMs, this, [this, id] { finishConnections(id); });
}

void ClusterBus::answerRefusals(const bus::Message &query)
{
    // The last ones of this node's ring (docs/operations.md, "Support actions"), in parts that
    // each fit one NOTIFY; at least one, so that the asker knows this node answered.
    QJsonArray items;
    for (const Refusal &r : m_node.services().refusals.recent(
             query.recipient.orgId, query.recipient.userId, RefusalLog::capacity))
        items.append(refusals::toJson(r, m_node.self().id, m_node.self().name));
    const std::vector<QJsonArray> parts = bus::splitIntoParts(items);
    for (size_t i = 0; i < parts.size(); ++i) {
        bus::Message m;
        m.kind = bus::Kind::ConnectionsReply;
        m.reason = refusalsQuery;
        m.queryId = query.queryId;
        m.targetNode = query.node;
        m.part = int(i);
        m.parts = int(parts.size());
        m.items = parts[i];
        send(m);
    }
}

void ClusterBus::answerConnections(const bus::Message &query)
{
    if (query.reason == refusalsQuery)
        return answerRefusals(query);
    // A list this node does not know (a newer node asks): no answer, the asker times out.
    if (!query.reason.isEmpty())
        return;
    NodeServices &services = m_node.services();
    struct Job
    {
        int remaining = 0;
        QJsonArray connections;
    };
    auto job = std::make_shared<Job>();
    job->remaining = int(services.shards.size());
    const QString asker = query.node;
    const QString queryId = query.queryId;
    auto reply = [this, job, asker, queryId] {
        // At least one part, even when empty, so that the asker knows this node answered.
        const std::vector<QJsonArray> parts = bus::splitIntoParts(job->connections);
        for (size_t i = 0; i < parts.size(); ++i) {
            bus::Message m;
            m.kind = bus::Kind::ConnectionsReply;
            m.queryId = queryId;
            m.targetNode = asker;
            m.part = int(i);
            m.parts = int(parts.size());
            m.items = parts[i];
            send(m);
        }
    };
    if (job->remaining == 0)
        return reply();
    for (Shard *shard : services.shards) {
        shard->collectSnapshot(this, [job, reply](const ShardSnapshot &part) {
            for (const ConnectionInfo &c : part.connections) {
                if (job->connections.size() >= maxConnectionsPerNode)
                    break;
                QJsonObject json = connectionToJson(c);
                // The user agent is cut: the console shows 60 characters, and every byte
                // here is a byte of NOTIFY traffic.
                json.insert(QStringLiteral("userAgent"),
                            json.value(QStringLiteral("userAgent")).toString().left(120));
                if (c.rooms.size() > maxRoomsPerConnection
                    || std::any_of(c.rooms.cbegin(), c.rooms.cend(),
                                   [](const QString &r) { return r.size() > roomChars; })) {
                    QJsonArray rooms;
                    for (const QString &r :
                         c.rooms.first(std::min<qsizetype>(c.rooms.size(), maxRoomsPerConnection)))
                        rooms.append(r.left(roomChars));
                    json.insert(QStringLiteral("rooms"), rooms);
                    json.insert(QStringLiteral("roomsTruncated"), true);
                }
                job->connections.append(json);
            }
            if (--job->remaining == 0)
                reply();
        });
    }
}

void ClusterBus::takeConnectionsReply(const bus::Message &reply)
{
    auto it = m_connectionQueries.find(reply.queryId);
    // A reply of another kind (an older node answers a refusals query with its connections)
    // is no answer.
    if (it == m_connectionQueries.end() || !it->expected.contains(reply.node)
        || reply.reason != it->what)
        return;
    it->parts[reply.node].insert(reply.part, reply.items);
    it->partCount.insert(reply.node, reply.parts);
    for (const QString &node : std::as_const(it->expected)) {
        if (it->parts.value(node).size() < it->partCount.value(node, 1)
            || !it->parts.contains(node))
            return;
    }
    finishConnections(reply.queryId);
}

void ClusterBus::finishConnections(const QString &id)
{
    PendingConnections pending = m_connectionQueries.take(id);
    if (!pending.done)
        return;
    QHash<QString, QString> names;
    for (const noderegistry::NodeRow &row : m_node.nodes())
        names.insert(row.id, row.name);
    bool complete = true;
    QJsonArray nodes;
    for (const QString &node : std::as_const(pending.expected)) {
        const QHash<int, QJsonArray> parts = pending.parts.value(node);
        const int count = pending.partCount.value(node, 0);
        const bool answered = count > 0 && parts.size() >= count;
        complete = complete && answered;
        QJsonArray connections;
        for (int i = 0; i < count; ++i) {
            for (const QJsonValue &c : parts.value(i))
                connections.append(c);
        }
        nodes.append(QJsonObject {
            {QStringLiteral("id"), node},
            {QStringLiteral("name"), names.value(node)},
            {QStringLiteral("answered"), answered},
            {pending.what.isEmpty() ? QStringLiteral("connections") : pending.what, connections}});
    }
    pending.done({{QStringLiteral("nodes"), nodes}, {QStringLiteral("complete"), complete}});
}

} // namespace notify
