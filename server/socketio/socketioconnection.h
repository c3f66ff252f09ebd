#pragma once

#include "server/protocol/clientconnection.h"
#include "server/socketio/socketcodec.h"

#include <QList>
#include <QPointer>

namespace notify {

class EngineSession;
class ConnectionHost;

// One Socket.IO namespace ("/" or "/notifications") of one Engine.IO session: to the shard
// it is a client connection like any other (own id, rooms, rate limit, expiry). Its bytes
// travel through the session, which may carry several namespaces.
class SocketIoConnection final : public ClientConnection
{
public:
    SocketIoConnection(EngineSession *session, ConnectionHost &shard, QByteArray nsp);
    ~SocketIoConnection() override;

    const QByteArray &nsp() const { return m_nsp; }
    EngineSession *session() const { return m_session; }

    void push(const EncodedEvent &event) override;
    void flush() override;
    void reply(const ReplyTo &to, const QJsonObject &data) override;
    void replyError(const ReplyTo &to, const QString &code, const QString &message) override;
    // Before the CONNECT was granted: CONNECT_ERROR {"message": "unauthorized" or the reason};
    // after: DISCONNECT for the namespace, then the session closes once no namespace is left.
    void closeWith(int code, const QString &reason) override;
    void abortConnection() override;
    qint64 bytesToWrite() const override;
    // The Engine.IO session pings for all its namespaces (EngineSession::tick).
    bool heartbeat(qint64 nowMs) override;
    void activated() override;

    // An EVENT for this namespace from the client.
    void onEvent(const sio::Packet &packet);
    // The client's DISCONNECT, or the end of the session: leaves quietly.
    void detach(int code, const QString &reason);

private:
    void send(const QByteArray &frame);

    QPointer<EngineSession> m_session;
    ConnectionHost &m_shard;
    QByteArray m_nsp;
    bool m_granted = false; // the CONNECT was answered
    bool m_dropped = false; // the shard was asked to remove it
    QList<sio::Packet> m_early; // events received while the credential was being checked
};

} // namespace notify
