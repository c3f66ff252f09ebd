// Shard, the registry: its connections and their rooms, authentication and the initial
// state, removal, and the fan-out of deliveries to the members of a room.
#include "server/net/shard.h"

#include "server/delivery/roomdirectory.h"
#include "server/metrics/metrics.h"
#include "server/protocol/authenticator.h"
#include "server/protocol/credentials.h"
#include "server/protocol/dialectrequests.h"
#include "server/protocol/plainconnection.h"
#include "server/socketio/httpconnection.h"
#include "server/socketio/socketiohost.h"
#include "server/storage/storeworker.h"
#include "server/util/clock.h"
#include "server/util/posting.h"
#include "server/websocket/handshake.h"
#include "server/websocket/websocket.h"
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"

#include "server/log/logging.h"
#include <QDateTime>
#include <QJsonArray>

#include <QLoggingCategory>
#include <QPointer>
#include <QTcpSocket>
#include <QThread>
#include <QUrlQuery>

#include <unistd.h>

namespace notify {

namespace {
constexpr int recoveryLimit = 100;

QStringList roomsOf(const Identity &identity)
{
    QStringList list {rooms::user(identity.recipient), rooms::org(identity.recipient.orgId)};
    if (!identity.role.isEmpty())
        list.append(rooms::role(identity.recipient.orgId, identity.role));
    list.append(rooms::broadcast());
    return list;
}

} // namespace

void Shard::addConnection(std::unique_ptr<ClientConnection> connection,
                          const QByteArray &credential, std::optional<qint64> lastSeq)
{
    const ServerConfig &cfg = m_services.config;
    const quint64 id = m_services.nextConnectionId.fetch_add(1, std::memory_order_relaxed);
    connection->info.id = id;
    connection->bucket.configure(cfg.rateLimit.perSecond, cfg.rateLimit.burst,
                                 QDateTime::currentMSecsSinceEpoch());
    m_connections.emplace(id, std::move(connection));
    authenticate(id, credential, lastSeq);
}

void Shard::dropConnection(quint64 id, int code, const QString &reason)
{
    postTo(this, [this, id, code, reason] { remove(id, code, reason); });
}

void Shard::authenticate(quint64 id, const QByteArray &credential, std::optional<qint64> lastSeq)
{
    m_services.authenticator.authenticate(
        credential, this, [this, id, lastSeq](const Result<Identity, AuthFailure> &result) {
            ClientConnection *c = find(id);
            if (!c || c->closing)
                return;
            if (!result.ok()) {
                m_services.metrics.countAuthFailure(result.error());
                c->closeWith(4001, authCloseReason(result.error()));
                return;
            }
            activate(id, result.value(), lastSeq);
        });
}

void Shard::activate(quint64 id, const Identity &identity, std::optional<qint64> lastSeq)
{
    ClientConnection *c = find(id);
    if (!c)
        return;
    const QStringList rooms = roomsOf(identity);
    if (!m_services.directory.tryJoin(rooms, m_services.config.maxConnectionsPerUser)) {
        c->closeWith(ws::closecode::policyViolation,
                     QStringLiteral("too many connections for this user"));
        return;
    }
    c->identity = identity;
    c->authenticated = true;
    c->info.orgId = identity.recipient.orgId;
    c->info.userId = identity.recipient.userId;
    c->info.role = identity.role;
    c->info.rooms = rooms;
    for (const QString &room : rooms)
        m_rooms[room].insert(c);
    bump(c->info.protocol == ClientProtocol::Plain ? m_services.metrics.connectionsPlain
                                                   : m_services.metrics.connectionsSocketIo);
    if (ConnectionObserver *o = m_services.observer.load())
        o->connectionOpened(c->info);
    sendInitialState(id, lastSeq);
    c->activated();
}

void Shard::sendInitialState(quint64 id, std::optional<qint64> lastSeq)
{
    const Recipient r = find(id)->identity.recipient;
    m_services.readers.post([this, id, r, lastSeq](Store &store) {
        auto count = store.unreadCount(r);
        std::optional<StoreResult<Page>> recovery;
        if (lastSeq)
            recovery = store.afterSeq(r, *lastSeq, recoveryLimit);
        postTo(this, [this, id, count, recovery] {
            withConnection(id, [&](ClientConnection &c) {
                const QString now = formatTimestamp(QDateTime::currentDateTimeUtc());
                const qint64 unread = count.ok() ? count.value() : 0;
                if (c.dialect != Dialect::Standard) {
                    pushInitialEvents(c, unread,
                                      recovery && recovery->ok() ? &recovery->value() : nullptr);
                    return;
                }
                c.push(EncodedEvent::make(QStringLiteral("notification:unread_count"),
                                          {{QStringLiteral("unreadCount"), unread},
                                           {QStringLiteral("timestamp"), now}}));
                if (recovery && recovery->ok()) {
                    c.push(EncodedEvent::make(
                        QStringLiteral("notification:recent"),
                        {{QStringLiteral("notifications"),
                          notificationsToClientJson(recovery->value().notifications)},
                         {QStringLiteral("unreadCount"), unread},
                         {QStringLiteral("hasMore"), recovery->value().hasMore},
                         {QStringLiteral("timestamp"), now}}));
                }
                c.flush();
            });
        });
    });
}

void Shard::remove(quint64 id, int code, const QString &reason)
{
    auto it = m_connections.find(id);
    if (it == m_connections.end())
        return;
    ClientConnection *c = it->second.get();
    if (c->authenticated) {
        for (const QString &room : c->info.rooms) {
            auto r = m_rooms.find(room);
            if (r != m_rooms.end()) {
                r->remove(c);
                if (r->isEmpty())
                    m_rooms.erase(r);
            }
        }
        m_services.directory.leave(c->info.rooms);
        (c->info.protocol == ClientProtocol::Plain ? m_services.metrics.connectionsPlain
                                                   : m_services.metrics.connectionsSocketIo)
            .fetch_sub(1, std::memory_order_relaxed);
        if (ConnectionObserver *o = m_services.observer.load())
            o->connectionClosed(id, code, reason);
    }
    m_connections.erase(it);
    if (m_connections.empty() && !m_closeWaiters.empty()) {
        auto waiters = std::move(m_closeWaiters);
        m_closeWaiters.clear();
        for (auto &w : waiters)
            w.second();
    }
}

ClientConnection *Shard::find(quint64 id) const
{
    auto it = m_connections.find(id);
    return it == m_connections.end() ? nullptr : it->second.get();
}

void Shard::withConnection(quint64 id, const std::function<void(ClientConnection &)> &fn) const
{
    if (ClientConnection *c = find(id); c && !c->closing)
        fn(*c);
}

void Shard::deliver(DeliveryList deliveries)
{
    postTo(this, [this, deliveries = std::move(deliveries)] {
        std::vector<quint64> slow;
        for (const DeliveryPtr &d : deliveries) {
            auto room = m_rooms.constFind(d->room);
            if (room == m_rooms.constEnd())
                continue;
            for (ClientConnection *c : *room)
                pushTo(*c, *d, slow);
            if (d->committedAtNs != 0)
                m_services.metrics.commitToSend.observe(double(steadyNowNs() - d->committedAtNs)
                                                        / 1e9);
        }
        for (quint64 id : slow) {
            if (ClientConnection *c = find(id)) {
                qCInfo(lcNet) << "closing slow consumer" << id;
                bump(m_services.metrics.dropped);
                c->abortConnection();
            }
        }
    });
}

void Shard::pushTo(ClientConnection &c, const Delivery &d, std::vector<quint64> &slow)
{
    if (c.closing)
        return;
    const std::vector<EncodedEvent> &events = d.eventsFor(c.dialect);
    for (const EncodedEvent &e : events)
        c.push(e);
    c.flush();
    m_services.metrics.sent.fetch_add(events.size(), std::memory_order_relaxed);
    // The transports enforce the same bound as they queue (and close with their own code);
    // this catches what they let through, e.g. a polling session between two GETs.
    if (c.bytesToWrite() > m_services.config.maxOutputBytes) {
        c.closing = true;
        slow.push_back(c.info.id);
    }
}

void Shard::revokeSession(QByteArray sessionHash)
{
    postTo(this, [this, sessionHash] {
        for (auto &[id, c] : m_connections) {
            if (c->authenticated && !c->closing && c->identity.sessionHash == sessionHash)
                c->closeWith(4001, QStringLiteral("session expired"));
        }
    });
}

void Shard::kick(quint64 connectionId, QString reason)
{
    postTo(this, [this, connectionId, reason] {
        withConnection(connectionId, [&](ClientConnection &c) {
            c.closeWith(ws::closecode::normal,
                        reason.isEmpty() ? QStringLiteral("kicked by operator") : reason);
        });
    });
}

} // namespace notify
