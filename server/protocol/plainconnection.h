#pragma once

#include "protocol/clientconnection.h"

#include <QPointer>
#include <QStringList>
#include <QWebSocket>

namespace notify {

class Shard;

// The plain JSON protocol of PROTOCOL.md on /ws/notifications.
class PlainConnection final : public ClientConnection
{
public:
    PlainConnection(QWebSocket *socket, Shard &shard, int pingIntervalMs, int pongTimeoutMs);
    ~PlainConnection() override;

    void push(const EncodedEvent &event) override;
    void reply(const ReplyTo &to, const QJsonObject &data) override;
    void replyError(const ReplyTo &to, const QString &code, const QString &message) override;
    void closeWith(int code, const QString &reason) override;
    void abortConnection() override;
    qint64 bytesToWrite() const override;
    bool heartbeat(qint64 nowMs) override;
    void activated() override;

    QWebSocket *socket() const { return m_socket; }

private:
    void send(const QString &text);
    void onText(const QString &text);

    QPointer<QWebSocket> m_socket;
    Shard &m_shard;
    int m_pingIntervalMs;
    int m_pongTimeoutMs;
    qint64 m_lastPingMs = 0;
    bool m_pingOutstanding = false;
    QStringList m_early; // messages received while the credential was being checked
};

} // namespace notify
