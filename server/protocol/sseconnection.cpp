#include "server/protocol/sseconnection.h"

#include "server/http1/httprequest.h"
#include "server/metrics/metrics.h"
#include "server/node/nodeservices.h"
#include "server/protocol/connectionhost.h"
#include "server/websocket/frame.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace notify {

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

SseConnection::SseConnection(WebSocket *socket, ConnectionHost &shard, int heartbeatMs,
                             QByteArray headLines)
    : ClientConnection(ClientProtocol::Sse)
    , m_socket(socket)
    , m_shard(shard)
    , m_heartbeatMs(heartbeatMs)
    , m_headLines(std::move(headLines))
{
    flavour = EncodedEvent::Sse;
    m_lastWriteMs = nowMs();
    socket->setHandler(this);
}

SseConnection::~SseConnection()
{
    WebSocket::retire(std::exchange(m_socket, nullptr), true);
}

void SseConnection::write(const QByteArray &bytes)
{
    m_socket->queue(bytes);
    ++info.framesOut;
    info.bytesOut += quint64(bytes.size());
    m_lastWriteMs = nowMs();
}

void SseConnection::push(const EncodedEvent &event)
{
    if (!m_socket || closing || !m_streaming)
        return;
    write(event.sse);
}

void SseConnection::flush()
{
    if (m_socket)
        m_socket->flush();
}

void SseConnection::activated()
{
    if (!m_socket || closing)
        return;
    m_socket->markAuthenticated();
    // No Content-Length: the stream ends when the connection does. X-Accel-Buffering keeps
    // a proxy that honours it (nginx) from holding events back.
    QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                      "Cache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: close\r\n"
        + m_headLines + "\r\n";
    // The retry hint: EventSource's own reconnection waits this long.
    head += "retry: 2000\n\n";
    m_socket->queue(head);
    m_streaming = true;
    m_lastWriteMs = nowMs();
    flush();
}

void SseConnection::closeWith(int code, const QString &reason)
{
    if (!m_socket || closing)
        return;
    closing = true;
    if (!m_streaming) {
        const int status = code == 4001 ? 401 : code == ws::closecode::policyViolation ? 429 : 503;
        const QByteArray body
            = QJsonDocument(
                  QJsonObject {{QStringLiteral("error"),
                                QJsonObject {{QStringLiteral("code"),
                                              status == 401       ? QStringLiteral("unauthorized")
                                                  : status == 429 ? QStringLiteral("rate_limited")
                                                                  : QStringLiteral("unavailable")},
                                             {QStringLiteral("message"), reason}}}})
                  .toJson(QJsonDocument::Compact);
        QByteArray extra = m_headLines;
        if (status == 401)
            extra += "WWW-Authenticate: Bearer error=\"invalid_token\"\r\n";
        m_socket->queue(http1::formatResponse(status, "application/json", body, false, extra));
    } else {
        const QByteArray data = QJsonDocument(QJsonObject {{QStringLiteral("code"), code},
                                                           {QStringLiteral("reason"), reason}})
                                    .toJson(QJsonDocument::Compact);
        m_socket->queue("event: close\ndata: " + data + "\n\n");
    }
    m_socket->close(code, reason.toUtf8());
}

void SseConnection::abortConnection()
{
    closing = true;
    if (m_socket)
        m_socket->abort();
}

qint64 SseConnection::bytesToWrite() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
}

bool SseConnection::heartbeat(qint64 nowMs)
{
    if (!m_socket || closing || !m_streaming)
        return true;
    if (nowMs - m_lastWriteMs >= m_heartbeatMs) {
        static const QByteArray comment = QByteArrayLiteral(": ping\n\n");
        write(comment);
        flush();
    }
    return true;
}

void SseConnection::onWebSocketOverflow(WebSocket &)
{
    closing = true;
    bump(m_shard.services().metrics.dropped);
}

void SseConnection::onWebSocketClosed(WebSocket &, int code, const QString &reason)
{
    closing = true;
    m_shard.dropConnection(info.id, code, reason);
}

} // namespace notify
