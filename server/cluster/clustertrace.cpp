// The delivery trace of the whole cluster for a console on any node (docs/protocol.md,
// "Admin channel", trace; docs/operations.md, "Cluster"). A node where a console traces asks
// the others on the bus (TraceSubscribe, renewed while it traces, with an expiry so that a
// node that died stops costing the others); each asked node collects its own trace records
// in a bounded buffer and sends them to the asker every traceFlushMs, cut to fit NOTIFY
// payloads. Nothing of this runs while no console traces: the hub's trace is off then.
#include "server/cluster/clusterbus.h"

#include "server/cluster/clusternode.h"
#include "server/delivery/deliveryhub.h"
#include "server/node/nodeservices.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QMutex>
#include <QStringList>

#include <algorithm>
#include <utility>

namespace notify {

namespace {
// How long an asked node keeps sending without hearing again from the asker, and how often
// the asker renews (three renewals may be lost before the stream stops).
constexpr int traceSubscriptionMs = 15000;
constexpr int traceRenewMs = 5000;
// Records go out in batches this often: one NOTIFY (or a few) per batch, not one per
// delivery.
constexpr int traceFlushMs = 250;
// Records kept between two flushes; beyond, they are counted as dropped and the console
// says how many (2,000 records a second at most per node, about 40 NOTIFYs).
constexpr int maxBufferedRecords = 500;
// A title is cut as the console shows it; a room name is bounded by its ids, cut anyway.
constexpr int titleChars = 80;
constexpr int roomChars = 200;
} // namespace

// Filled on whichever thread delivers (writer, bus, API), emptied by the bus thread.
struct TraceBuffer
{
    QMutex mutex;
    QJsonArray records;
    qint64 dropped = 0;
};

void ClusterNode::setRemoteTrace(RemoteTraceFn fn)
{
    const bool on = bool(fn);
    {
        // Under the lock the bus thread holds while calling it: once this returns, the old
        // function is not running and never runs again.
        QMutexLocker lock(&m_remoteTraceMutex);
        m_remoteTrace = std::move(fn);
    }
    ClusterBus *bus = m_bus;
    if (!bus)
        return;
    QMetaObject::invokeMethod(
        bus, [bus, on] { bus->setTraceSubscribed(on); }, Qt::QueuedConnection);
}

void ClusterBus::setTraceSubscribed(bool on)
{
    if (on == m_traceSubscribed)
        return;
    m_traceSubscribed = on;
    if (on) {
        sendTraceSubscription();
        m_traceRenew.start(traceRenewMs);
        return;
    }
    m_traceRenew.stop();
    // Told at once, so that the others stop paying now rather than at the expiry.
    bus::Message stop;
    stop.kind = bus::Kind::TraceSubscribe;
    stop.count = 0;
    send(stop);
}

void ClusterBus::sendTraceSubscription()
{
    if (!m_traceSubscribed)
        return;
    bus::Message m;
    m.kind = bus::Kind::TraceSubscribe;
    m.count = traceSubscriptionMs;
    send(m);
}

void ClusterBus::takeTraceSubscription(const bus::Message &m)
{
    if (m.count <= 0) {
        m_traceSubscribers.remove(m.node);
        if (m_traceSubscribers.isEmpty())
            stopTraceCollection();
        return;
    }
    m_traceSubscribers.insert(m.node,
                              QDateTime::currentMSecsSinceEpoch()
                                  + std::min<qint64>(m.count, traceSubscriptionMs));
    if (m_traceBuffer)
        return;
    auto buffer = std::make_shared<TraceBuffer>();
    m_traceBuffer = buffer;
    // Holds the buffer, never the bus: the hub may call it once more while it is replaced.
    m_node.services().hub.setClusterTrace([buffer](const QString &notificationId,
                                                   const QString &title, const QString &room,
                                                   int connections) {
        const qint64 at = QDateTime::currentMSecsSinceEpoch();
        QMutexLocker lock(&buffer->mutex);
        if (buffer->records.size() >= maxBufferedRecords) {
            ++buffer->dropped;
            return;
        }
        buffer->records.append(QJsonArray {notificationId, title.left(titleChars),
                                           room.left(roomChars), connections, at});
    });
    m_traceFlush.start(traceFlushMs);
}

void ClusterBus::stopTraceCollection()
{
    m_traceFlush.stop();
    m_traceSubscribers.clear();
    if (!m_traceBuffer)
        return;
    m_node.services().hub.setClusterTrace({});
    m_traceBuffer.reset();
}

void ClusterBus::flushTrace()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (auto it = m_traceSubscribers.begin(); it != m_traceSubscribers.end();) {
        if (it.value() < now)
            it = m_traceSubscribers.erase(it);
        else
            ++it;
    }
    if (m_traceSubscribers.isEmpty() || !m_traceBuffer)
        return stopTraceCollection();
    QJsonArray records;
    qint64 dropped = 0;
    {
        QMutexLocker lock(&m_traceBuffer->mutex);
        records.swap(m_traceBuffer->records);
        dropped = std::exchange(m_traceBuffer->dropped, 0);
    }
    if (records.isEmpty() && dropped == 0)
        return;
    // The dropped count goes with the first part.
    const std::vector<QJsonArray> parts = bus::splitIntoParts(records);
    // A copy: send() reads notifications, and a subscription may end in there.
    const QStringList targets = m_traceSubscribers.keys();
    for (const QString &target : targets) {
        for (size_t i = 0; i < parts.size(); ++i) {
            bus::Message m;
            m.kind = bus::Kind::TraceRecords;
            m.targetNode = target;
            m.items = parts[i];
            m.count = i == 0 ? dropped : 0;
            send(m);
        }
    }
}

void ClusterBus::takeTraceRecords(const bus::Message &m)
{
    QString name = m.node;
    for (const noderegistry::NodeRow &row : m_node.nodes()) {
        if (row.id == m.node)
            name = row.name;
    }
    QMutexLocker lock(&m_node.m_remoteTraceMutex);
    if (m_node.m_remoteTrace)
        m_node.m_remoteTrace(m.node, name, m.items, m.count);
}

} // namespace notify
