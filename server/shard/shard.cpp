// Shard: its thread, its timers (sweep) and its end (closeAll). The rest of the class is in
// shardrouting.cpp (the client port: HTTP, upgrades, hand-over between shards),
// shardregistry.cpp (connections, authentication, rooms, fan-out) and shardrequests.cpp
// (the rate limit and the client requests).
#include "server/shard/shard.h"

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

Shard::Shard(int index, NodeServices &services)
    : m_index(index)
    , m_services(services)
{
    setObjectName(QStringLiteral("shard-%1").arg(index));
}

Shard::~Shard()
{
    // Sessions first: they detach their namespace connections, which are still alive here.
    m_sio.reset();
}

void Shard::init()
{
    m_sio = std::make_unique<SocketIoHost>(*this, m_services);
    m_sweepTimer = new QTimer(this);
    m_sweepTimer->setInterval(250);
    connect(m_sweepTimer, &QTimer::timeout, this, &Shard::sweep);
    m_sweepTimer->start();
}

void Shard::closeAll(int code, QString reason, int timeoutMs, std::function<void()> done)
{
    postTo(this, [this, code, reason, timeoutMs, done = std::move(done)] {
        m_sweepTimer->stop();
        m_sio->closeAll(code, reason);
        if (m_connections.empty()) {
            done();
            return;
        }
        for (auto &[id, c] : m_connections)
            c->closeWith(code, reason);
        m_closeWaiters.emplace_back(0, done);
        QTimer::singleShot(timeoutMs, this, [this] {
            for (auto &[id, c] : m_connections)
                c->abortConnection();
            auto waiters = std::move(m_closeWaiters);
            m_closeWaiters.clear();
            for (auto &w : waiters)
                w.second();
        });
    });
}

void Shard::collectSnapshot(QObject *ctx, std::function<void(ShardSnapshot)> done)
{
    postTo(this, [this, ctx, done = std::move(done)] {
        ShardSnapshot snapshot;
        snapshot.connections.reserve(m_connections.size());
        for (const auto &[id, c] : m_connections) {
            if (c->authenticated && !c->closing)
                snapshot.connections.push_back(c->info);
        }
        postTo(ctx, [done, snapshot = std::move(snapshot)] { done(snapshot); });
    });
}

namespace {
constexpr qint64 tokenExpiringNoticeMs = 60 * 1000;
} // namespace

void Shard::sweep()
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC);
    std::vector<quint64> timedOut;
    for (auto &[id, c] : m_connections) {
        if (c->closing || !c->authenticated)
            continue;
        if (c->identity.expiresAt.isValid() && c->identity.expiresAt <= now) {
            c->closeWith(4001, QStringLiteral("session expired"));
            continue;
        }
        // A minute's notice, so the client can send refresh_token and keep its connection
        // (docs/protocol.md, "Renewing the token").
        if (c->identity.expiresAt.isValid() && !c->expiringSent
            && now.msecsTo(c->identity.expiresAt) <= tokenExpiringNoticeMs) {
            c->expiringSent = true;
            const QString name = c->dialect == Dialect::Snake ? QStringLiteral("token_expiring")
                                                              : QStringLiteral("token:expiring");
            c->push(EncodedEvent::make(
                name, {{QStringLiteral("expiresAt"), formatTimestamp(c->identity.expiresAt)}},
                c->flavour));
            c->flush();
        }
        if (!c->heartbeat(nowMs))
            timedOut.push_back(id);
    }
    for (quint64 id : timedOut) {
        bump(m_services.metrics.heartbeatTimeouts);
        if (ClientConnection *c = find(id))
            c->abortConnection();
    }
    m_sio->sweep(nowMs);
    sweepHttp(nowMs);
}

} // namespace notify
