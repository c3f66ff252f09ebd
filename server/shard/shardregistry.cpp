// Shard, the registry: its connections and their rooms, authentication and the initial
// state, removal, and the fan-out of deliveries to the members of a room.
#include "server/shard/shard.h"

#include "server/delivery/roomdirectory.h"
#include "server/metrics/metrics.h"
#include "server/protocol/authenticator.h"
#include "server/protocol/credentials.h"
#include "server/protocol/dialectrequests.h"
#include "server/protocol/plainconnection.h"
#include "server/protocol/refusals.h"
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

#include <algorithm>

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
        credential, this,
        [this, id, lastSeq, credential](const Result<Identity, AuthFailure> &result) {
            ClientConnection *c = find(id);
            if (!c || c->closing)
                return;
            if (!result.ok()) {
                m_services.metrics.countAuthFailure(result.error());
                Refusal refusal = refusals::of(c->info, refusals::reasonOf(result.error()));
                refusals::describeCredential(refusal, credential, m_services.keyRing);
                m_services.refusals.record(std::move(refusal));
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
    if (!m_services.directory.tryJoin(rooms, m_services.config.maxConnectionsPerUser, m_index)) {
        Refusal refusal = refusals::of(c->info, QStringLiteral("limit_reached"));
        refusal.detail = QStringLiteral("--max-connections-per-user");
        refusal.orgId = identity.recipient.orgId;
        refusal.userId = identity.recipient.userId;
        m_services.refusals.record(std::move(refusal));
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
    c->info.tokenIssuer = identity.issuer;
    c->info.tokenAlgorithm = identity.algorithm;
    c->info.tokenKeyId = identity.keyId;
    c->info.expiresAt = identity.expiresAt;
    for (const QString &room : rooms)
        m_rooms[room].insert(c);
    bump(m_services.metrics.connectionsOf(c->info.protocol));
    if (ConnectionObserver *o = m_services.observer.load())
        o->connectionOpened(c->info);
    sendInitialState(id, lastSeq);
    c->activated();
}

void Shard::sendInitialState(quint64 id, std::optional<qint64> lastSeq)
{
    const Recipient r = find(id)->identity.recipient;
    m_services.readers.post([this, id, r, lastSeq](Store &store) {
        auto count = store.counts(r);
        std::optional<StoreResult<Page>> recovery;
        if (lastSeq)
            recovery = store.afterSeq(r, *lastSeq, recoveryLimit);
        postTo(this, [this, id, count, recovery] {
            withConnection(id, [&](ClientConnection &c) {
                const QString now = formatTimestamp(QDateTime::currentDateTimeUtc());
                const qint64 unread = count.ok() ? count->unread : 0;
                const qint64 unseen = count.ok() ? count->unseen : 0;
                if (c.dialect != Dialect::Standard) {
                    pushInitialEvents(c, unread,
                                      recovery && recovery->ok() ? &recovery->value() : nullptr);
                    return;
                }
                c.push(EncodedEvent::make(QStringLiteral("notification:unread_count"),
                                          {{QStringLiteral("unreadCount"), unread},
                                           {QStringLiteral("unseenCount"), unseen},
                                           {QStringLiteral("timestamp"), now}},
                                          c.flavour));
                if (recovery && recovery->ok()) {
                    // The SSE id of the batch: the last sequence number it recovers.
                    qint64 lastSeq = -1;
                    for (const Notification &n : recovery->value().notifications)
                        lastSeq = qMax(lastSeq, n.seq);
                    c.push(EncodedEvent::make(
                        QStringLiteral("notification:recent"),
                        {{QStringLiteral("notifications"),
                          notificationsToClientJson(recovery->value().notifications)},
                         {QStringLiteral("unreadCount"), unread},
                         {QStringLiteral("unseenCount"), unseen},
                         {QStringLiteral("hasMore"), recovery->value().hasMore},
                         {QStringLiteral("timestamp"), now}},
                        c.flavour, lastSeq));
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
        m_services.directory.leave(c->info.rooms, m_index);
        m_services.metrics.connectionsOf(c->info.protocol).fetch_sub(1, std::memory_order_relaxed);
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
    postTo(this, [this, deliveries = std::move(deliveries)] { deliverBatch(deliveries); });
}

void Shard::deliverBatch(const DeliveryList &deliveries)
{
    // Every frame of the batch is queued first and each touched connection is flushed once
    // at the end: one sendmsg() per connection per batch, not per delivery (a user with
    // several notifications in one commit group gets them in one write, in order).
    const qint64 maxOut = m_services.config.maxOutputBytes;
    // Frames wait in user space only until the end of the batch; past this a connection is
    // flushed early so that coalescing never brings it nearer the output bound.
    const qint64 flushEarly
        = maxOut > 0 ? std::min<qint64>(maxOut / 4, coalesceBytes) : coalesceBytes;
    quint64 sent = 0;
    m_batchCommitted.clear();
    for (const DeliveryPtr &d : deliveries) {
        auto room = m_rooms.constFind(d->room);
        if (room == m_rooms.constEnd())
            continue;
        for (ClientConnection *c : *room) {
            if (c->closing)
                continue;
            const std::vector<EncodedEvent> &events = d->eventsFor(c->dialect, c->flavour);
            for (const EncodedEvent &e : events)
                c->push(e);
            sent += events.size();
            if (!c->flushPending) {
                c->flushPending = true;
                m_touched.push_back(c);
            }
            if (c->bytesToWrite() > flushEarly)
                flushTouched(*c, maxOut);
        }
        if (d->committedAtNs != 0)
            m_batchCommitted.push_back(d->committedAtNs);
    }
    for (ClientConnection *c : m_touched) {
        c->flushPending = false;
        flushTouched(*c, maxOut);
    }
    m_touched.clear();
    m_services.metrics.sent.fetch_add(sent, std::memory_order_relaxed);
    // Commit→send: the batch's frames are handed to the kernel now, all of them.
    const qint64 now = steadyNowNs();
    for (qint64 committedAtNs : m_batchCommitted)
        m_services.metrics.commitToSend.observe(double(now - committedAtNs) / 1e9);
    // Closed after the loops over rooms and connections, never inside them.
    for (ClientConnection *c : m_slow) {
        qCInfo(lcNet) << "closing slow consumer" << c->info.id;
        bump(m_services.metrics.dropped);
        c->abortConnection();
    }
    m_slow.clear();
}

void Shard::flushTouched(ClientConnection &c, qint64 maxOutputBytes)
{
    if (c.closing)
        return;
    c.flush();
    // The transports enforce the same bound as they queue (and close with their own code);
    // this catches what they let through, e.g. a polling session between two GETs.
    if (maxOutputBytes > 0 && c.bytesToWrite() > maxOutputBytes) {
        c.closing = true;
        m_slow.push_back(&c);
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
