#include "server/protocol/plainconnection.h"

#include "server/metrics/metrics.h"
#include "server/node/nodeservices.h"
#include "server/protocol/connectionhost.h"
#include "shared/codec/errorcodes.h"
#include "shared/codec/wirecodec.h"

#include <QDateTime>

namespace notify {

namespace {
constexpr int maxEarlyMessages = 16;
}

PlainConnection::PlainConnection(WebSocket *socket, ConnectionHost &shard, int pingIntervalMs,
                                 int pongTimeoutMs)
    : ClientConnection(ClientProtocol::Plain)
    , m_socket(socket)
    , m_shard(shard)
    , m_pingIntervalMs(pingIntervalMs)
    , m_pongTimeoutMs(pongTimeoutMs)
{
    m_lastPingMs = QDateTime::currentMSecsSinceEpoch();
    socket->setHandler(this);
}

PlainConnection::~PlainConnection()
{
    WebSocket::retire(std::exchange(m_socket, nullptr), false);
}

void PlainConnection::send(const QByteArray &json)
{
    if (!m_socket || closing)
        return;
    m_socket->sendText(json);
    ++info.framesOut;
    info.bytesOut += quint64(json.size());
}

void PlainConnection::push(const EncodedEvent &event)
{
    if (!m_socket || closing)
        return;
    m_socket->queue(event.plain);
    ++info.framesOut;
    info.bytesOut += quint64(event.plain.size());
}

void PlainConnection::flush()
{
    if (m_socket)
        m_socket->flush();
}

void PlainConnection::reply(const ReplyTo &to, const QJsonObject &data)
{
    send(encodeReply(to.requestId, data));
}

void PlainConnection::replyError(const ReplyTo &to, const QString &code, const QString &message)
{
    send(encodeError(to.requestId, code, message));
}

void PlainConnection::closeWith(int code, const QString &reason)
{
    if (!m_socket || closing)
        return;
    closing = true;
    m_socket->close(code, reason.toUtf8());
}

void PlainConnection::abortConnection()
{
    closing = true;
    if (m_socket)
        m_socket->abort();
}

qint64 PlainConnection::bytesToWrite() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
}

bool PlainConnection::heartbeat(qint64 nowMs)
{
    if (!m_socket || closing)
        return true;
    if (m_pingOutstanding)
        return nowMs - m_lastPingMs <= m_pongTimeoutMs;
    if (nowMs - m_lastPingMs >= m_pingIntervalMs) {
        m_lastPingMs = nowMs;
        m_pingOutstanding = true;
        m_socket->ping();
    }
    return true;
}

void PlainConnection::activated()
{
    if (m_socket)
        m_socket->markAuthenticated();
    const QList<QByteArray> early = std::exchange(m_early, {});
    for (const QByteArray &text : early)
        onText(text);
    flush();
}

void PlainConnection::onWebSocketText(WebSocket &, QByteArray message)
{
    onText(message);
}

void PlainConnection::onWebSocketBinary(WebSocket &, QByteArray)
{
    ++info.framesIn;
    // An error reply is output like any other: refused frames are rate-limited as requests.
    if (!m_shard.admit(*this))
        return;
    replyError({}, codes::invalidPayload,
               QStringLiteral("binary frames are not supported; send JSON text"));
}

void PlainConnection::onWebSocketPong(WebSocket &, qint64 rttMs)
{
    m_pingOutstanding = false;
    info.rttMs = int(rttMs);
    info.lastPongAt = QDateTime::currentDateTimeUtc();
}

void PlainConnection::onWebSocketOverflow(WebSocket &)
{
    closing = true;
    bump(m_shard.services().metrics.dropped);
}

void PlainConnection::onWebSocketClosed(WebSocket &, int code, const QString &reason)
{
    // The socket stays until this connection goes: it is retired by the destructor. Removal
    // is queued so that no connection disappears while a delivery loop iterates a room.
    closing = true;
    m_shard.dropConnection(info.id, code, reason);
}

void PlainConnection::onText(const QByteArray &text)
{
    if (!authenticated) {
        // Requests sent right after opening wait for the credential check, within reason.
        if (m_early.size() >= maxEarlyMessages)
            closeWith(ws::closecode::policyViolation,
                      QStringLiteral("too many messages before authentication"));
        else
            m_early.append(text);
        return;
    }
    ++info.framesIn;
    if (!m_shard.admit(*this))
        return;
    const auto request = decodeRequestEnvelope(text);
    ReplyTo to;
    if (!request) {
        to.requestId = request.error().requestId;
        replyError(to, request.error().code, request.error().message);
        return;
    }
    to.requestId = request->requestId;
    m_shard.handleRequest(*this, request->type, request->data, to);
}

} // namespace notify
