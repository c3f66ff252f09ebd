#pragma once

#include "server/protocol/clientconnection.h"

#include "server/websocket/websocket.h"

#include <QList>

namespace notify {

class ConnectionHost;

// The plain JSON protocol of docs/protocol.md on /ws/notifications.
class PlainConnection final : public ClientConnection, private WebSocketHandler
{
public:
    // Takes `socket` over (its parent stays; it is retired with this connection).
    PlainConnection(WebSocket *socket, ConnectionHost &shard, int pingIntervalMs, int pongTimeoutMs);
    ~PlainConnection() override;

    void push(const EncodedEvent &event) override;
    void flush() override;
    void reply(const ReplyTo &to, const QJsonObject &data) override;
    void replyError(const ReplyTo &to, const QString &code, const QString &message) override;
    void closeWith(int code, const QString &reason) override;
    void abortConnection() override;
    qint64 bytesToWrite() const override;
    bool heartbeat(qint64 nowMs) override;
    void activated() override;

private:
    void send(const QByteArray &json);
    void onText(const QByteArray &text);

    void onWebSocketText(WebSocket &ws, QByteArray message) override;
    void onWebSocketBinary(WebSocket &ws, QByteArray message) override;
    void onWebSocketPong(WebSocket &ws, qint64 rttMs) override;
    void onWebSocketOverflow(WebSocket &ws) override;
    void onWebSocketClosed(WebSocket &ws, int code, const QString &reason) override;

    WebSocket *m_socket; // null once closed
    ConnectionHost &m_shard;
    int m_pingIntervalMs;
    int m_pongTimeoutMs;
    qint64 m_lastPingMs = 0;
    bool m_pingOutstanding = false;
    QList<QByteArray> m_early; // messages received while the credential was being checked
};

} // namespace notify
