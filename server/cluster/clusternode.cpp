#include "server/cluster/clusternode.h"

#include "server/cluster/clusterbus.h"
#include "server/delivery/deliveryhub.h"
#include "server/delivery/roomdirectory.h"
#include "server/metrics/metrics.h"
#include "server/node/nodeservices.h"
#include "server/util/posting.h"

#include <QThread>

#include <map>

namespace notify {

ClusterNode::ClusterNode(StoreConfig config, NodeServices &services, Identity self, int goneAfterMs)
    : m_config(std::move(config))
    , m_services(services)
    , m_self(std::move(self))
    , m_goneAfterMs(goneAfterMs)
{ }

ClusterNode::~ClusterNode()
{
    stop();
}

Result<Done, QString> ClusterNode::start()
{
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("notify-cluster"));
    m_bus = new ClusterBus(*this, m_config);
    m_bus->moveToThread(m_thread);
    m_thread->start();
    QMetaObject::invokeMethod(
        m_bus, [this] { m_bus->init(); }, Qt::BlockingQueuedConnection);
    return Done {};
}

void ClusterNode::stop()
{
    if (!m_thread)
        return;
    QMetaObject::invokeMethod(
        m_bus, [this] { m_bus->shutdown(); }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_bus;
    m_bus = nullptr;
    delete m_thread;
    m_thread = nullptr;
}

std::vector<int> ClusterNode::committed(const std::vector<InsertOutcome> &outcomes,
                                        qint64 committedAtNs)
{
    // Per recipient, this group's items (each with the count right after it), latest first.
    QHash<Recipient, std::vector<SeqGate::Item>> perUser;
    for (size_t i = outcomes.size(); i-- > 0;) {
        const InsertOutcome &o = outcomes[i];
        if (!o.created)
            continue;
        perUser[o.notification.recipient].push_back({o, committedAtNs});
    }
    std::vector<Recipient> gaps;
    for (auto it = perUser.begin(); it != perUser.end(); ++it) {
        const Recipient &r = it.key();
        if (m_services.directory.members(rooms::user(r)) == 0) {
            m_gate.forget(r);
            // Recorded as pushed to none here (another node that pushes it records its own)
            // and still traced (and skipped) by the hub, as on a single node.
            std::vector<InsertOutcome> outcomes;
            for (const SeqGate::Item &item : it.value())
                outcomes.push_back(item.outcome);
            if (m_services.hub.tracing())
                m_services.hub.publishCreated(outcomes, committedAtNs);
            else
                m_services.hub.unreached(outcomes);
            continue;
        }
        const qint64 first = it.value().back().outcome.notification.seq;
        const qint64 last = it.value().front().outcome.notification.seq;
        bool gap = false;
        offerAndPublish(r, std::move(it.value()), first, last, &gap);
        if (gap)
            gaps.push_back(r);
    }
    if (!gaps.empty() && m_bus) {
        // Held back: a user this node has not started yet (the first notification it sees
        // for them), or another node's earlier commit not delivered yet. Read now, the
        // whole group's users together.
        ClusterBus *bus = m_bus;
        QMetaObject::invokeMethod(
            bus, [bus, gaps = std::move(gaps)] { bus->fill(gaps); }, Qt::QueuedConnection);
    }
    // The gate may hold some back: the writer's reply counts the rooms itself.
    return {};
}

void ClusterNode::offerAndPublish(const Recipient &r, std::vector<SeqGate::Item> items,
                                  qint64 resolvedFrom, qint64 resolvedTo, bool *gap, bool start)
{
    // The writer and the bus thread both release items; releasing and handing to the hub
    // under one lock keeps the hub's (and so every shard's) order the gate's seq order.
    // Without it, the bus thread could release seq 13 and the writer then release and
    // publish seq 14 before 13 was handed over (seen under ASan: 14 arrived before 13).
    QMutexLocker lock(&m_releaseMutex);
    publishReleased(m_gate.offer(r, std::move(items), resolvedFrom, resolvedTo, gap, start));
}

void ClusterNode::publishReleased(std::vector<SeqGate::Item> items)
{
    if (items.empty())
        return;
    std::vector<InsertOutcome> outcomes;
    outcomes.reserve(items.size());
    qint64 committedAt = 0;
    for (SeqGate::Item &item : items) {
        committedAt = std::max(committedAt, item.committedAtNs);
        outcomes.push_back(std::move(item.outcome));
    }
    m_services.hub.publishCreated(outcomes, committedAt);
}

void ClusterNode::forwardAnnouncement(const QString &room, const QJsonObject &announcement)
{
    bus::Message m;
    m.kind = bus::Kind::Announcement;
    m.room = room;
    m.announcement = announcement;
    m_services.writer.post([m](Store &store) { store.sendBusMessage(m); });
}

void ClusterNode::kick(const QString &nodeId, quint64 connectionId, const QString &reason)
{
    bus::Message m;
    m.kind = bus::Kind::Kick;
    m.targetNode = nodeId;
    m.connectionId = connectionId;
    m.reason = reason;
    m_services.writer.post([m](Store &store) { store.sendBusMessage(m); });
}

QDateTime ClusterNode::goneBefore() const
{
    return QDateTime::currentDateTimeUtc().addMSecs(-m_goneAfterMs);
}

QSet<QString> ClusterNode::liveOtherNodes() const
{
    const QDateTime cutoff = goneBefore();
    QSet<QString> ids;
    for (const noderegistry::NodeRow &row : nodes()) {
        if (row.id != m_self.id && row.heartbeatAt >= cutoff)
            ids.insert(row.id);
    }
    return ids;
}

std::vector<noderegistry::NodeRow> ClusterNode::nodes() const
{
    QMutexLocker lock(&m_nodesMutex);
    std::vector<noderegistry::NodeRow> rows = m_nodes;
    bool found = false;
    for (noderegistry::NodeRow &row : rows) {
        if (row.id == m_self.id) {
            const QDateTime heartbeat = row.heartbeatAt;
            row = ownRow();
            row.heartbeatAt = heartbeat;
            found = true;
        }
    }
    if (!found) {
        rows.push_back(ownRow());
        rows.back().heartbeatAt = QDateTime::currentDateTimeUtc();
    }
    return rows;
}

void ClusterNode::setNodes(std::vector<noderegistry::NodeRow> rows)
{
    QMutexLocker lock(&m_nodesMutex);
    m_nodes = std::move(rows);
}

noderegistry::NodeRow ClusterNode::ownRow() const
{
    const Metrics &m = m_services.metrics;
    noderegistry::NodeRow row;
    row.id = m_self.id;
    row.name = m_self.name;
    row.clientAddress = m_self.clientAddress;
    row.apiAddress = m_self.apiAddress;
    row.version = m_self.version;
    row.startedAt = m_self.startedAt;
    // The registry has two columns: SSE, the plain protocol's events one way, counts as plain.
    row.connectionsPlain = qint64(m.connectionsPlain.load(std::memory_order_relaxed)
                                  + m.connectionsSse.load(std::memory_order_relaxed));
    row.connectionsSocketIo = qint64(m.connectionsSocketIo.load(std::memory_order_relaxed));
    row.counters = {{QStringLiteral("created"), qint64(m.created.load(std::memory_order_relaxed))},
                    {QStringLiteral("rooms"), m_services.directory.roomCount()}};
    return row;
}

void ClusterNode::presence(const Recipient &r, std::function<void(const QJsonObject &)> done)
{
    ClusterBus *bus = m_bus;
    QMetaObject::invokeMethod(
        bus, [bus, r, done = std::move(done)]() mutable { bus->presence(r, std::move(done)); },
        Qt::QueuedConnection);
}

} // namespace notify
