// The admin channel's answer to "did the user get it?" and its live user watch
// (docs/protocol.md, "Delivery of a notification" and "watch_user"): each notification of a
// `user` or `list_notifications` page carries what the nodes recorded of its push, and a
// console that watches a user gets that user's changes as they happen, cluster-wide.
#include "server/adminchannel/adminchannel.h"

#include "server/cluster/clusternode.h"
#include "server/delivery/deliveryhub.h"
#include "server/storage/storeworker.h"
#include "server/util/posting.h"
#include "shared/adminapi/adminprotocol.h"
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"

#include <QJsonArray>

namespace notify {

namespace {

QString changeName(DeliveryHub::UserChange::Kind kind)
{
    using Kind = DeliveryHub::UserChange::Kind;
    switch (kind) {
    case Kind::Created:
        return QStringLiteral("created");
    case Kind::Read:
        return QStringLiteral("read");
    case Kind::ReadAll:
        return QStringLiteral("read_all");
    case Kind::Deleted:
        return QStringLiteral("deleted");
    case Kind::UnreadCount:
        return QStringLiteral("unread_count");
    case Kind::Pushed:
        return QStringLiteral("pushed");
    case Kind::Receipt:
        return QStringLiteral("receipt");
    }
    return QString();
}

} // namespace

QJsonArray AdminChannel::withDelivery(Store &store, const std::vector<Notification> &page) const
{
    QStringList ids;
    ids.reserve(qsizetype(page.size()));
    for (const Notification &n : page)
        ids.append(n.id);
    // A failed read leaves the answer without delivery objects ("not recorded"), not the
    // whole page failed: the inbox itself was read.
    auto pushes = ids.isEmpty() ? StoreResult<QHash<QString, std::vector<NodePush>>>(
                      QHash<QString, std::vector<NodePush>> {})
                                : store.pushesOf(ids);
    QHash<QString, QString> names;
    if (const ClusterNode *cluster = m_services.cluster.load()) {
        for (const noderegistry::NodeRow &row : cluster->nodes())
            names.insert(row.id, row.name);
    }
    QJsonArray list;
    for (const Notification &n : page) {
        QJsonObject json = notificationToAdminJson(n);
        if (pushes.ok())
            json.insert(QStringLiteral("delivery"),
                        deliveryJson(pushes.value().value(n.id), names));
        list.append(json);
    }
    return list;
}

QJsonObject AdminChannel::deliveryJson(const std::vector<NodePush> &pushes,
                                       const QHash<QString, QString> &names)
{
    // pushed: some node handed it to a connection (the earliest such push is "when");
    // none: recorded, but no node had a connection of the user open; unknown: no record
    // (created before version 9 of the schema, or its record is still on its way).
    qint64 connections = 0;
    QDateTime first;
    QJsonArray nodes;
    for (const NodePush &p : pushes) {
        connections += p.connections;
        if (p.connections > 0 && (!first.isValid() || p.at < first))
            first = p.at;
        QJsonObject node {{QStringLiteral("connections"), p.connections},
                          {QStringLiteral("pushedAt"), timestampOrNull(p.at)}};
        if (!p.node.isEmpty()) {
            node.insert(QStringLiteral("nodeId"), p.node);
            node.insert(QStringLiteral("name"), names.value(p.node, p.node));
        }
        nodes.append(node);
    }
    const QString state = pushes.empty() ? QStringLiteral("unknown")
        : connections > 0                ? QStringLiteral("pushed")
                                         : QStringLiteral("none");
    return {{QStringLiteral("state"), state},
            {QStringLiteral("connections"), connections},
            {QStringLiteral("pushedAt"), timestampOrNull(first)},
            {QStringLiteral("nodes"), nodes}};
}

void AdminChannel::watchUser(quint64 consoleId, const std::optional<Recipient> &watched,
                             const QString &requestId)
{
    Console *console = find(consoleId);
    if (!console)
        return;
    console->watched = watched;
    updateWatchedUsers();
    QJsonObject reply {{QStringLiteral("ok"), true}};
    if (watched)
        reply.insert(QStringLiteral("watching"),
                     QJsonObject {{QStringLiteral("orgId"), watched->orgId},
                                  {QStringLiteral("userId"), watched->userId}});
    AdminChannel::reply(consoleId, requestId, reply);
}

void AdminChannel::updateWatchedUsers()
{
    QSet<Recipient> users;
    for (const auto &[id, console] : m_consoles) {
        if (console.watched)
            users.insert(*console.watched);
    }
    DeliveryHub &hub = m_services.hub;
    // The other nodes' pushes and receipts of these users (clusterwatch.cpp).
    if (ClusterNode *cluster = m_services.cluster.load())
        cluster->setWatchedUsers(users);
    if (users.isEmpty())
        return stopWatching();
    if (!m_watchInstalled) {
        // Called on the thread of each change; only a bounded number wait to be sent.
        hub.setUserWatch([this](const DeliveryHub::UserChange &change) {
            if (m_pendingChanges.fetch_add(1, std::memory_order_relaxed) >= maxPendingChanges) {
                m_pendingChanges.fetch_sub(1, std::memory_order_relaxed);
                m_changesDropped.store(true, std::memory_order_relaxed);
                return;
            }
            postTo(this, [this, change] {
                m_pendingChanges.fetch_sub(1, std::memory_order_relaxed);
                onUserChange(change);
            });
        });
        m_watchInstalled = true;
    }
    hub.setWatchedUsers(users);
}

void AdminChannel::stopWatching()
{
    if (!m_watchInstalled)
        return;
    m_services.hub.setWatchedUsers({});
    m_services.hub.setUserWatch({});
    m_watchInstalled = false;
}

void AdminChannel::onUserChange(const DeliveryHub::UserChange &change)
{
    // Changes were dropped: every watching console reads its user again.
    const bool resync = m_changesDropped.exchange(false, std::memory_order_relaxed);
    for (auto &[id, console] : m_consoles) {
        if (!console.watched)
            continue;
        const bool match = *console.watched == change.recipient;
        if (!match && !resync)
            continue;
        QJsonObject data {{QStringLiteral("orgId"), console.watched->orgId},
                          {QStringLiteral("userId"), console.watched->userId}};
        if (match) {
            data.insert(QStringLiteral("change"), changeName(change.kind));
            data.insert(QStringLiteral("ids"), QJsonArray::fromStringList(change.ids));
            data.insert(QStringLiteral("unreadCount"),
                        change.unreadCount < 0 ? QJsonValue(QJsonValue::Null)
                                               : QJsonValue(change.unreadCount));
            // Seen on another node of the cluster (its push, its client's receipt).
            if (!change.node.isEmpty())
                data.insert(QStringLiteral("nodeId"), change.node);
        } else {
            data.insert(QStringLiteral("change"), QStringLiteral("resync"));
        }
        sendTo(console, QString::fromUtf8(encodeEnvelope(admin::msg::userChanged, data)));
    }
}

} // namespace notify
