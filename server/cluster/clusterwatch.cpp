// A console's user watch across the cluster (docs/protocol.md, "watch_user"). Creations,
// reads and deletions of a user reach every node on the bus already; whom a node pushed a
// notification to, and the receipts its clients sent, only that node knows. A node whose
// consoles watch users names them on the bus (WatchSubscribe, renewed while they watch,
// with an expiry so that a node that died stops costing the others); each other node then
// buffers its pushes and receipts of those users and sends them to the asker every
// watchFlushMs (WatchActivity), where the hub hands them to the consoles. Nothing of this
// runs while no console watches anyone.
#include "server/cluster/clusterbus.h"

#include "server/cluster/clusternode.h"
#include "server/delivery/deliveryhub.h"
#include "server/node/nodeservices.h"

#include <QDateTime>
#include <QMutex>

#include <algorithm>
#include <utility>

namespace notify {

namespace {
// As the trace's subscription (clustertrace.cpp): three renewals may be lost.
constexpr int watchSubscriptionMs = 15000;
constexpr int watchRenewMs = 5000;
constexpr int watchFlushMs = 250;
// Changes kept between two flushes; beyond, they are dropped (the console shows them at its
// next read of the user). A handful of watched users make a few changes a second.
constexpr int maxBufferedChanges = 500;
// Users one node may ask about: its consoles each watch one.
constexpr int maxWatchedPerNode = 256;

using Kind = DeliveryHub::UserChange::Kind;

QString activityName(Kind kind)
{
    return kind == Kind::Receipt ? QStringLiteral("receipt") : QStringLiteral("pushed");
}

std::optional<Kind> activityKind(const QString &name)
{
    if (name == QLatin1String("receipt"))
        return Kind::Receipt;
    if (name == QLatin1String("pushed"))
        return Kind::Pushed;
    return std::nullopt;
}
} // namespace

// Filled on whichever thread pushes or takes a receipt, emptied by the bus thread.
struct WatchBuffer
{
    QMutex mutex;
    std::vector<DeliveryHub::UserChange> changes;
};

void ClusterNode::setWatchedUsers(const QSet<Recipient> &users)
{
    ClusterBus *bus = m_bus;
    if (!bus)
        return;
    QMetaObject::invokeMethod(
        bus, [bus, users] { bus->setWatchedUsers(users); }, Qt::QueuedConnection);
}

void ClusterBus::setWatchedUsers(const QSet<Recipient> &users)
{
    if (users == m_watchedHere)
        return;
    const bool was = !m_watchedHere.isEmpty();
    m_watchedHere = users;
    if (!users.isEmpty()) {
        sendWatchSubscription();
        m_watchRenew.start(watchRenewMs);
        return;
    }
    m_watchRenew.stop();
    if (!was)
        return;
    // Told at once, so that the others stop paying now rather than at the expiry.
    bus::Message stop;
    stop.kind = bus::Kind::WatchSubscribe;
    stop.count = 0;
    send(stop);
}

void ClusterBus::sendWatchSubscription()
{
    if (m_watchedHere.isEmpty())
        return;
    bus::Message m;
    m.kind = bus::Kind::WatchSubscribe;
    m.count = watchSubscriptionMs;
    for (const Recipient &r : std::as_const(m_watchedHere))
        m.items.append(QJsonArray {r.orgId, r.userId});
    send(m);
}

void ClusterBus::takeWatchSubscription(const bus::Message &m)
{
    if (m.count <= 0) {
        m_watchSubscribers.remove(m.node);
    } else {
        WatchSubscription &subscription = m_watchSubscribers[m.node];
        subscription.expiresAtMs
            = QDateTime::currentMSecsSinceEpoch() + std::min<qint64>(m.count, watchSubscriptionMs);
        subscription.users.clear();
        for (const QJsonValue &v : m.items) {
            const QJsonArray pair = v.toArray();
            const Recipient r {pair.at(0).toString(), pair.at(1).toString()};
            if (r.isValid() && subscription.users.size() < maxWatchedPerNode)
                subscription.users.insert(r);
        }
    }
    updateClusterWatch();
}

void ClusterBus::updateClusterWatch()
{
    QSet<Recipient> users;
    for (const WatchSubscription &s : std::as_const(m_watchSubscribers))
        users.unite(s.users);
    DeliveryHub &hub = m_node.services().hub;
    if (users.isEmpty()) {
        m_watchFlush.stop();
        hub.setClusterWatch({}, {});
        m_watchBuffer.reset();
        return;
    }
    if (!m_watchBuffer)
        m_watchBuffer = std::make_shared<WatchBuffer>();
    // Holds the buffer, never the bus: the hub may call it once more while it is replaced.
    hub.setClusterWatch(
        [buffer = m_watchBuffer](const DeliveryHub::UserChange &change) {
            QMutexLocker lock(&buffer->mutex);
            if (buffer->changes.size() < size_t(maxBufferedChanges))
                buffer->changes.push_back(change);
        },
        users);
    if (!m_watchFlush.isActive())
        m_watchFlush.start(watchFlushMs);
}

void ClusterBus::flushWatch()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    bool expired = false;
    for (auto it = m_watchSubscribers.begin(); it != m_watchSubscribers.end();) {
        if (it->expiresAtMs < now) {
            it = m_watchSubscribers.erase(it);
            expired = true;
        } else {
            ++it;
        }
    }
    if (expired)
        updateClusterWatch();
    if (!m_watchBuffer)
        return;
    std::vector<DeliveryHub::UserChange> changes;
    {
        QMutexLocker lock(&m_watchBuffer->mutex);
        changes.swap(m_watchBuffer->changes);
    }
    if (changes.empty())
        return;
    // A copy: send() reads notifications, and a subscription may end in there.
    const auto subscribers = m_watchSubscribers;
    for (auto it = subscribers.cbegin(); it != subscribers.cend(); ++it) {
        QJsonArray items;
        for (const DeliveryHub::UserChange &c : changes) {
            if (it->users.contains(c.recipient))
                items.append(QJsonArray {c.recipient.orgId, c.recipient.userId,
                                         activityName(c.kind), QJsonArray::fromStringList(c.ids)});
        }
        if (items.isEmpty())
            continue;
        for (const QJsonArray &part : bus::splitIntoParts(items)) {
            bus::Message m;
            m.kind = bus::Kind::WatchActivity;
            m.targetNode = it.key();
            m.items = part;
            send(m);
        }
    }
}

void ClusterBus::takeWatchActivity(const bus::Message &m)
{
    DeliveryHub &hub = m_node.services().hub;
    for (const QJsonValue &v : m.items) {
        const QJsonArray item = v.toArray();
        const auto kind = activityKind(item.at(2).toString());
        DeliveryHub::UserChange change;
        change.recipient = {item.at(0).toString(), item.at(1).toString()};
        if (!kind || !change.recipient.isValid())
            continue;
        change.kind = *kind;
        for (const QJsonValue &id : item.at(3).toArray())
            change.ids.append(id.toString());
        change.node = m.node;
        hub.noteRemoteChange(change);
    }
}

} // namespace notify
