#pragma once

#include "server/protocol/clientconnection.h"

#include "server/websocket/websocket.h"

namespace notify {

class ConnectionHost;

// Server-Sent Events on GET /sse/notifications (docs/protocol.md, "Server-Sent Events"): the
// plain protocol's events, one way. The descriptor is driven by WebSocket in its raw-stream
// mode, so that output is bounded, batched and shared exactly as for the sockets: a pushed
// event is EncodedEvent::sse, encoded once per delivery. The response head is written only
// once the credential is accepted (activated()); a refusal before that is an HTTP error.
class SseConnection final : public ClientConnection, private WebSocketHandler
{
public:
    // `headLines`: extra response header lines (CORS), each ending in CRLF.
    SseConnection(WebSocket *socket, ConnectionHost &shard, int heartbeatMs, QByteArray headLines);
    ~SseConnection() override;

    void push(const EncodedEvent &event) override;
    void flush() override;
    void reply(const ReplyTo &, const QJsonObject &) override { }
    void replyError(const ReplyTo &, const QString &, const QString &) override { }
    // Before the stream: an HTTP error (4001: 401, too many connections: 429, else 503).
    // On the stream: a last `event: close` with {code, reason}, then the end of the stream.
    void closeWith(int code, const QString &reason) override;
    void abortConnection() override;
    qint64 bytesToWrite() const override;
    // A comment line when nothing was written for the heartbeat interval.
    bool heartbeat(qint64 nowMs) override;
    void activated() override;

private:
    void write(const QByteArray &bytes);

    void onWebSocketText(WebSocket &, QByteArray) override { }
    void onWebSocketBinary(WebSocket &, QByteArray) override { }
    void onWebSocketOverflow(WebSocket &ws) override;
    void onWebSocketClosed(WebSocket &ws, int code, const QString &reason) override;

    WebSocket *m_socket; // null once closed
    ConnectionHost &m_shard;
    int m_heartbeatMs;
    QByteArray m_headLines;
    bool m_streaming = false;
    qint64 m_lastWriteMs = 0;
};

} // namespace notify
