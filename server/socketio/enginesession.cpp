#include "server/socketio/enginesession.h"

#include "server/log/logging.h"
#include "server/metrics/metrics.h"
#include "server/node/nodeservices.h"
#include "server/protocol/connectionhost.h"
#include "server/socketio/httpconnection.h"
#include "server/socketio/socketioconnection.h"
#include "server/socketio/socketiohost.h"
#include "shared/codec/errorcodes.h"

#include <QDateTime>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTimer>

namespace notify {

namespace {
const QByteArray pollingContentType = "text/plain; charset=UTF-8";
const QByteArray jsonContentType = "application/json";
// A closing polling session waits this long for the GET that carries its last packets.
constexpr qint64 closeDrainMs = 5000;
// What one outbox entry holds besides its bytes (QByteArray header, allocation, list slot).
constexpr qint64 outboxEntryCost = 64;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

bool isServedNamespace(QByteArrayView nsp)
{
    return nsp == QByteArrayView("/") || nsp == QByteArrayView("/notifications");
}

QByteArray textFrame(QByteArrayView packet)
{
    return ws::encodeFrame(ws::Opcode::Text, packet);
}
} // namespace

EngineSession::EngineSession(SocketIoHost &host, ConnectionHost &shard, QString sid,
                             const EngineSettings &settings, PeerInfo peer,
                             AcceptGate::Ticket ticket)
    : m_host(host)
    , m_shard(shard)
    , m_sid(std::move(sid))
    , m_settings(settings)
    , m_peer(std::move(peer))
    , m_ticket(std::move(ticket))
{
    m_lastPingMs = nowMs();
    m_createdMs = m_lastPingMs;
    m_answers.configure(settings.answersPerSecond, qMax(1, settings.answerBurst), m_createdMs);
}

void EngineSession::namespaceGranted()
{
    if (m_granted)
        return;
    m_granted = true;
    m_ticket.release();
    if (m_ws)
        m_ws->markAuthenticated();
}

bool EngineSession::expired(qint64 now) const
{
    return !m_granted && !m_closed && now - m_createdMs > m_settings.connectTimeoutMs;
}

bool EngineSession::admitAnswer()
{
    if (m_settings.answersPerSecond <= 0 || m_answers.take(nowMs())) {
        m_answersRefusedInARow = 0;
        return true;
    }
    bump(m_shard.services().metrics.rateLimited);
    if (++m_answersRefusedInARow >= qMax(1, m_settings.answerBurst))
        close(4029, QStringLiteral("rate limit exceeded repeatedly"));
    return false;
}

bool EngineSession::toOutbox(const QByteArray &packet)
{
    // Each queued packet costs its bytes and a list entry with its own allocation: a flood of
    // one-byte pongs is counted at what it really holds.
    const qint64 cost = packet.size() + outboxEntryCost;
    if (m_outboxBytes + cost > m_settings.maxOutputBytes) {
        // A polling client that does not come for its packets (or provokes more than it
        // fetches) is a slow consumer: the session ends and the outbox is freed.
        qCInfo(lcNet) << "Engine.IO: polling outbox over the bound, dropping session";
        bump(m_shard.services().metrics.dropped);
        abort(ws::closecode::policyViolation, QStringLiteral("output limit exceeded"));
        return false;
    }
    m_outbox.append(packet);
    m_outboxBytes += cost;
    return true;
}

EngineSession::~EngineSession()
{
    detachAll(1006, QStringLiteral("session ended"));
    // Detached from the session, a socket finishes closing on its own and deletes itself.
    WebSocket::retire(std::exchange(m_ws, nullptr), false);
    WebSocket::retire(std::exchange(m_probe, nullptr), false);
}

void EngineSession::openPolling(HttpConnection *conn)
{
    eio::OpenInfo info {m_sid,
                        {QStringLiteral("websocket")},
                        m_settings.pingIntervalMs,
                        m_settings.pingTimeoutMs,
                        m_settings.maxPayload};
    m_pendingGet = conn;
    respondToGet(eio::encodeOpenPacket(info));
}

void EngineSession::openWebSocket(WebSocket *ws)
{
    bindWebSocket(ws);
    eio::OpenInfo info {
        m_sid, {}, m_settings.pingIntervalMs, m_settings.pingTimeoutMs, m_settings.maxPayload};
    send(eio::encodeOpenPacket(info));
}

void EngineSession::bindWebSocket(WebSocket *ws)
{
    m_ws = ws;
    ws->setParent(this);
    ws->setMaxMessageBytes(m_settings.maxPayload);
    ws->setHandler(this);
    if (m_granted)
        ws->markAuthenticated();
}

void EngineSession::onWebSocketText(WebSocket &ws, QByteArray message)
{
    if (&ws == m_probe)
        onProbeText(message);
    else if (&ws == m_ws)
        onTransportText(message);
}

void EngineSession::onWebSocketBinary(WebSocket &ws, QByteArray)
{
    if (&ws == m_ws)
        refuseBinary();
}

void EngineSession::refuseBinary()
{
    if (admitAnswer())
        sendSocketIoError(QStringLiteral("binary packets are not supported; send JSON"));
}

void EngineSession::onWebSocketOverflow(WebSocket &ws)
{
    if (&ws == m_ws)
        bump(m_shard.services().metrics.dropped);
}

void EngineSession::onWebSocketClosed(WebSocket &ws, int, const QString &)
{
    if (&ws == m_probe) {
        dropProbe();
    } else if (&ws == m_ws) {
        // Queued: the session may not go away inside one of its own socket's callbacks.
        QMetaObject::invokeMethod(
            this, [this] { abort(1000, QStringLiteral("transport close")); }, Qt::QueuedConnection);
    }
}

void EngineSession::handleGet(HttpConnection *conn)
{
    if (m_ws) {
        // The session moved to websocket: polling on it is a client error (engine.io's
        // "transport mismatch").
        conn->respond(400, jsonContentType, eio::errorBody(eio::ServerError::BadRequest),
                      m_host.corsHeaders(conn));
        return;
    }
    if (m_pendingGet) {
        conn->respond(400, jsonContentType, eio::errorBody(eio::ServerError::BadRequest),
                      m_host.corsHeaders(conn));
        qCInfo(lcNet) << "Engine.IO: overlapping polls, closing session";
        close(1002, QStringLiteral("overlapping polls"));
        return;
    }
    m_pendingGet = conn;
    conn->setWaitingSession(this);
    if (!m_outbox.isEmpty())
        flushPolling();
    else if (m_probed)
        respondToGet("6"); // an upgrade is under way: let the client pause polling
}

void EngineSession::handlePost(HttpConnection *conn)
{
    if (m_ws || m_closed) {
        conn->respond(400, jsonContentType, eio::errorBody(eio::ServerError::BadRequest),
                      m_host.corsHeaders(conn));
        return;
    }
    eio::PayloadLimits limits;
    limits.maxBytes = m_settings.maxPayload;
    auto packets = eio::decodePayload(conn->body(), limits);
    if (!packets.ok()) {
        conn->respond(eio::httpStatus(packets.error()), "text/plain; charset=UTF-8",
                      packets.error().message.toUtf8(), m_host.corsHeaders(conn));
        // As engine.io: the session is gone at once (the next GET gets 400 "Session ID
        // unknown"), not after a last GET that would fetch its close packet.
        qCInfo(lcNet) << "Engine.IO: malformed polling payload, dropping session:"
                      << packets.error().message;
        abort(1002, QStringLiteral("parse error"));
        return;
    }
    conn->respond(200, "text/html", "ok", m_host.corsHeaders(conn));
    for (const eio::Packet &p : std::as_const(packets.value())) {
        if (m_closed)
            break;
        onPacket(p);
    }
}

void EngineSession::httpClosed(HttpConnection *conn)
{
    if (m_pendingGet == conn) {
        m_pendingGet = nullptr;
        if (!m_closed)
            abort(1006, QStringLiteral("poll connection closed prematurely"));
    }
}

void EngineSession::attachProbe(WebSocket *ws)
{
    if (!canUpgrade()) {
        WebSocket::retire(ws, true);
        return;
    }
    m_probe = ws;
    ws->setParent(this);
    ws->setMaxMessageBytes(m_settings.maxPayload);
    ws->setHandler(this);
    m_probeStartedMs = nowMs();
}

void EngineSession::onProbeText(const QByteArray &text)
{
    auto packet = eio::decodePacket(text);
    if (packet.ok() && packet->type == eio::PacketType::Ping && packet->data == "probe") {
        m_probe->sendText("3probe");
        m_probed = true;
        if (m_pendingGet && m_outbox.isEmpty())
            respondToGet("6");
    } else if (packet.ok() && packet->type == eio::PacketType::Upgrade && m_probed) {
        completeUpgrade();
    } else {
        dropProbe();
    }
}

void EngineSession::completeUpgrade()
{
    WebSocket *ws = std::exchange(m_probe, nullptr);
    m_probed = false;
    bindWebSocket(ws);
    if (m_pendingGet)
        respondToGet("6");
    const QList<QByteArray> waiting = std::exchange(m_outbox, {});
    m_outboxBytes = 0;
    for (const QByteArray &packet : waiting)
        m_ws->queue(textFrame(packet));
    m_ws->flush();
}

void EngineSession::dropProbe()
{
    m_probed = false;
    WebSocket::retire(std::exchange(m_probe, nullptr), true);
}

void EngineSession::onTransportText(const QByteArray &text)
{
    if (m_closed)
        return;
    auto packet = eio::decodePacket(text);
    if (!packet.ok()) {
        if (packet.error().kind == eio::DecodeError::Kind::BinaryNotSupported) {
            if (admitAnswer())
                sendSocketIoError(packet.error().message);
            return;
        }
        close(1002, QStringLiteral("parse error"));
        return;
    }
    onPacket(packet.value());
}

void EngineSession::onPacket(const eio::Packet &packet)
{
    if (packet.binary) {
        // A "b<base64>" packet of a polling body: answered as a binary frame on the websocket,
        // so that one emit gets the same answer on both transports.
        refuseBinary();
        return;
    }
    switch (packet.type) {
    case eio::PacketType::Pong: {
        if (!m_pingOutstanding)
            return;
        m_pingOutstanding = false;
        const qint64 now = nowMs();
        const int rtt = int(now - m_lastPingMs);
        const QDateTime at = QDateTime::fromMSecsSinceEpoch(now, Qt::UTC);
        for (SocketIoConnection *c : std::as_const(m_namespaces)) {
            c->info.rttMs = rtt;
            c->info.lastPongAt = at;
        }
        return;
    }
    case eio::PacketType::Ping:
        // Engine.IO v4 clients never ping (the server does); a flood of them only wants
        // answers, which are rate-limited like requests.
        if (admitAnswer())
            send(eio::encodePacket(eio::PacketType::Pong, packet.data));
        return;
    case eio::PacketType::Message:
        onSocketIo(packet.data);
        return;
    case eio::PacketType::Close:
        closedByClient();
        return;
    case eio::PacketType::Open:
    case eio::PacketType::Upgrade:
    case eio::PacketType::Noop:
        return;
    }
}

void EngineSession::onSocketIo(const QByteArray &data)
{
    auto decoded = sio::decodePacket(data);
    if (!decoded.ok()) {
        if (decoded.error().kind == sio::DecodeError::Kind::BinaryNotSupported) {
            refuseBinary();
            return;
        }
        // As socket.io does: a client that sends malformed packets is not a client we know
        // how to talk to.
        qCInfo(lcNet) << "Socket.IO parse error, closing session:" << decoded.error().message;
        close(1002, QStringLiteral("parse error"));
        return;
    }
    const sio::Packet &p = decoded.value();
    const QByteArray nsp = p.nsp.toUtf8();
    SocketIoConnection *c = m_namespaces.value(nsp);
    switch (p.type) {
    case sio::PacketType::Connect:
        onConnect(p);
        return;
    case sio::PacketType::Disconnect:
        if (c)
            c->detach(1000, QStringLiteral("client namespace disconnect"));
        return;
    case sio::PacketType::Event:
        if (c)
            c->onEvent(p);
        return;
    case sio::PacketType::Ack:
    case sio::PacketType::ConnectError:
    case sio::PacketType::BinaryEvent:
    case sio::PacketType::BinaryAck:
        return; // the server never asks for acks; the rest are not the client's to send
    }
}

void EngineSession::onConnect(const sio::Packet &packet)
{
    const QByteArray nsp = packet.nsp.toUtf8();
    if (!isServedNamespace(nsp)) {
        send(sio::encodeConnectErrorFrame(nsp, "Invalid namespace"));
        return;
    }
    if (m_namespaces.contains(nsp)) {
        send(sio::encodeConnectErrorFrame(nsp, "already connected to this namespace"));
        return;
    }
    const QJsonObject auth = packet.data.toObject();
    QByteArray credential = auth.value(QStringLiteral("token")).toString().toUtf8();
    if (!auth.contains(QStringLiteral("token")))
        credential = m_peer.fallbackCredential;
    std::optional<qint64> lastSeq;
    const QJsonValue seq = auth.value(QStringLiteral("lastSeq"));
    if (seq.isDouble()) {
        const double v = seq.toDouble();
        if (v >= 0 && v == double(qint64(v)))
            lastSeq = qint64(v);
    }
    auto c = std::make_unique<SocketIoConnection>(this, m_shard, nsp);
    c->dialect = m_shard.services().config.dialects.forNamespace(nsp);
    c->info.remoteAddress = m_peer.remoteAddress;
    c->info.userAgent = m_peer.userAgent;
    c->info.origin = m_peer.origin;
    c->info.connectedAt = QDateTime::currentDateTimeUtc();
    m_namespaces.insert(nsp, c.get());
    m_shard.addConnection(std::move(c), credential, lastSeq);
}

void EngineSession::sendSocketIoError(const QString &message)
{
    for (SocketIoConnection *c : std::as_const(m_namespaces)) {
        if (c->authenticated && !c->closing)
            c->replyError({}, codes::invalidPayload, message);
    }
}

void EngineSession::send(const QByteArray &packet)
{
    if (m_finalized)
        return;
    if (m_ws) {
        m_ws->send(textFrame(packet));
        return;
    }
    if (toOutbox(packet))
        scheduleFlush();
}

void EngineSession::queueFrame(const QByteArray &frame)
{
    if (m_finalized)
        return;
    if (m_ws) {
        m_ws->queue(frame);
        return;
    }
    if (toOutbox(ws::framePayload(frame).toByteArray()))
        scheduleFlush();
}

void EngineSession::flush()
{
    if (m_ws)
        m_ws->flush();
}

qint64 EngineSession::bytesToWrite() const
{
    return m_ws ? m_ws->bytesToWrite() : m_outboxBytes;
}

void EngineSession::scheduleFlush()
{
    // Batching: everything queued in this turn of the event loop goes in one response.
    if (m_flushQueued || !m_pendingGet)
        return;
    m_flushQueued = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_flushQueued = false;
            flushPolling();
        },
        Qt::QueuedConnection);
}

void EngineSession::flushPolling()
{
    if (!m_pendingGet || m_outbox.isEmpty())
        return;
    // One response carries at most maxPayload bytes of packets (one bigger packet goes
    // alone); the rest waits for the next GET.
    qsizetype count = 0;
    qint64 bytes = 0;
    while (count < m_outbox.size()
           && (count == 0 || bytes + m_outbox[count].size() + 1 <= m_settings.maxPayload)) {
        bytes += m_outbox[count].size() + 1;
        ++count;
    }
    QList<QByteArray> batch;
    if (count == m_outbox.size()) {
        batch = std::exchange(m_outbox, {});
        m_outboxBytes = 0;
    } else {
        batch = m_outbox.first(count);
        m_outbox.remove(0, count);
        for (const QByteArray &p : std::as_const(batch))
            m_outboxBytes -= p.size() + outboxEntryCost;
    }
    respondToGet(eio::joinPayload(batch));
    if (m_closed && m_outbox.isEmpty())
        finalize();
}

void EngineSession::respondToGet(const QByteArray &body)
{
    HttpConnection *conn = m_pendingGet;
    m_pendingGet = nullptr;
    if (conn)
        conn->respond(200, pollingContentType, body, m_host.corsHeaders(conn));
}

bool EngineSession::tick(qint64 now)
{
    if (m_finalized)
        return true;
    if (m_closed) {
        if (now >= m_closeDeadlineMs)
            finalize();
        return true;
    }
    if (m_probe && now - m_probeStartedMs > m_settings.upgradeTimeoutMs)
        dropProbe();
    if (m_pingOutstanding)
        return now - m_lastPingMs <= m_settings.pingTimeoutMs;
    if (now - m_lastPingMs >= m_settings.pingIntervalMs) {
        m_lastPingMs = now;
        m_pingOutstanding = true;
        send(eio::encodePacket(eio::PacketType::Ping));
    }
    return true;
}

void EngineSession::detachAll(int code, const QString &reason)
{
    const auto namespaces = std::exchange(m_namespaces, {});
    for (SocketIoConnection *c : namespaces)
        c->detach(code, reason);
}

void EngineSession::close(int code, const QString &reason)
{
    if (m_closed)
        return;
    m_closed = true;
    // A closing session takes no input any more: its place among the anonymous sessions is
    // free while it drains (at most closeDrainMs).
    m_ticket.release();
    detachAll(code, reason);
    dropProbe();
    if (m_ws) {
        // The bounds' codes reach the client (docs/security.md, "The client port"); every other end
        // of a session is a normal close of its websocket, as in engine.io.
        const bool bound = code == ws::closecode::policyViolation || code == 4029;
        WebSocket::retire(std::exchange(m_ws, nullptr), true, bound ? code : ws::closecode::normal,
                          bound ? reason.toUtf8() : QByteArray());
        finalize();
        return;
    }
    // Polling: the close packet goes after whatever is still queued, with the next GET (past
    // the output bound too: it is one byte, and the session ends at closeDrainMs anyway).
    m_outbox.append(eio::encodePacket(eio::PacketType::Close));
    m_outboxBytes += 1 + outboxEntryCost;
    m_closeDeadlineMs = nowMs() + closeDrainMs;
    if (m_pendingGet)
        flushPolling();
}

void EngineSession::closedByClient()
{
    if (m_ws) {
        close(1000, QStringLiteral("client close"));
        return;
    }
    // Polling, as engine.io: the client said goodbye, so nothing more is owed to it. The held
    // GET ends with a noop (a close packet would tell a client what it already knows) and the
    // session is gone at once: a later GET gets 400 "Session ID unknown".
    if (m_pendingGet)
        respondToGet(eio::encodePacket(eio::PacketType::Noop));
    abort(1000, QStringLiteral("client close"));
}

void EngineSession::abort(int code, const QString &reason)
{
    if (m_finalized)
        return;
    m_closed = true;
    detachAll(code, reason);
    WebSocket::retire(std::exchange(m_ws, nullptr), false);
    dropProbe();
    if (m_pendingGet)
        respondToGet(eio::encodePacket(eio::PacketType::Close));
    finalize();
}

void EngineSession::finalize()
{
    if (m_finalized)
        return;
    m_finalized = true;
    m_closed = true;
    m_outbox.clear();
    m_outboxBytes = 0;
    m_host.sessionClosed(this);
}

void EngineSession::namespaceGone(const QByteArray &nsp, SocketIoConnection *c)
{
    auto it = m_namespaces.find(nsp);
    if (it != m_namespaces.end() && it.value() == c)
        m_namespaces.erase(it);
}

void EngineSession::namespaceClosed()
{
    if (m_namespaces.isEmpty())
        close(1000, QStringLiteral("server disconnect"));
}

} // namespace notify
