#include "server/socketio/socketioconnection.h"

#include "server/protocol/connectionhost.h"
#include "server/protocol/dialectrequests.h"
#include "server/socketio/enginesession.h"
#include "shared/codec/errorcodes.h"
#include "shared/codec/jsonvalue.h"

#include <QRandomGenerator>

namespace notify {

namespace {
constexpr int maxEarlyEvents = 16;

QByteArray compactJson(const QJsonObject &o)
{
    QByteArray out;
    json::appendObject(out, o);
    return out;
}

// The Socket.IO socket id of the CONNECT reply: public, random, not a secret.
QByteArray newSocketId()
{
    static const char alphabet[]
        = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    QByteArray id(20, Qt::Uninitialized);
    for (char &c : id)
        c = alphabet[QRandomGenerator::global()->bounded(64)];
    return id;
}
} // namespace

SocketIoConnection::SocketIoConnection(EngineSession *session, ConnectionHost &shard,
                                       QByteArray nsp)
    : ClientConnection(ClientProtocol::SocketIo)
    , m_session(session)
    , m_shard(shard)
    , m_nsp(std::move(nsp))
{
    flavour = m_nsp == "/" ? EncodedEvent::SocketIoDefault : EncodedEvent::SocketIoNotifications;
}

SocketIoConnection::~SocketIoConnection()
{
    if (m_session)
        m_session->namespaceGone(m_nsp, this);
}

void SocketIoConnection::send(const QByteArray &frame)
{
    if (!m_session || closing)
        return;
    m_session->send(frame);
    ++info.framesOut;
    info.bytesOut += quint64(frame.size());
}

void SocketIoConnection::push(const EncodedEvent &event)
{
    if (!m_session || closing || !m_granted)
        return;
    const QByteArray &frame = flavour == EncodedEvent::SocketIoDefault
        ? event.socketIoDefault
        : event.socketIoNotifications;
    m_session->queueFrame(frame);
    ++info.framesOut;
    info.bytesOut += quint64(frame.size());
}

void SocketIoConnection::flush()
{
    if (m_session)
        m_session->flush();
}

void SocketIoConnection::reply(const ReplyTo &to, const QJsonObject &data)
{
    // Without an ack id there is nobody to answer (get_recent turns into an event instead).
    if (to.ackId >= 0)
        send(sio::encodeAckFrame(m_nsp, to.ackId, compactJson(data)));
}

void SocketIoConnection::replyError(const ReplyTo &to, const QString &code, const QString &message)
{
    const QJsonObject error {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (to.ackId >= 0) {
        send(sio::encodeAckFrame(
            m_nsp, to.ackId,
            compactJson({{QStringLiteral("ok"), false}, {QStringLiteral("error"), error}})));
    } else {
        send(sio::encodeEventFrame(m_nsp, "error", compactJson(error)));
    }
}

void SocketIoConnection::closeWith(int code, const QString &reason)
{
    if (closing)
        return;
    EngineSession *session = m_session;
    if (session && m_granted && code == 1001) {
        // Shutting down: end the session without DISCONNECT, so that clients reconnect (to
        // this node once it is back, or to another) as socket.io's own servers have them do.
        session->close(code, reason);
        return;
    }
    if (session) {
        if (!m_granted) {
            const QString message = code == 4001 ? QStringLiteral("unauthorized") : reason;
            session->send(sio::encodeConnectErrorFrame(m_nsp, message.toUtf8()));
        } else {
            session->send(sio::encodeDisconnectFrame(m_nsp));
        }
    }
    detach(code, reason);
    // Refused before the CONNECT was granted, the client may try again on the same session;
    // a connected namespace that the server ends takes the session with it when it was the
    // last one (docs/protocol.md, "Socket.IO": DISCONNECT for the namespace, then close).
    if (session && m_granted)
        session->namespaceClosed();
}

void SocketIoConnection::detach(int code, const QString &reason)
{
    closing = true;
    if (EngineSession *session = m_session) {
        m_session = nullptr;
        session->namespaceGone(m_nsp, this);
    }
    if (!m_dropped) {
        m_dropped = true;
        m_shard.dropConnection(info.id, code, reason);
    }
}

void SocketIoConnection::abortConnection()
{
    closing = true;
    if (EngineSession *session = m_session)
        session->abort(1006, QStringLiteral("aborted"));
    detach(1006, QStringLiteral("aborted"));
}

qint64 SocketIoConnection::bytesToWrite() const
{
    return m_session ? m_session->bytesToWrite() : 0;
}

bool SocketIoConnection::heartbeat(qint64)
{
    return true;
}

void SocketIoConnection::activated()
{
    if (!m_session || closing)
        return;
    m_granted = true;
    m_session->namespaceGranted();
    send(sio::encodeConnectFrame(m_nsp, newSocketId()));
    const QList<sio::Packet> early = std::exchange(m_early, {});
    for (const sio::Packet &p : early)
        onEvent(p);
}

void SocketIoConnection::onEvent(const sio::Packet &packet)
{
    if (closing)
        return;
    if (!authenticated) {
        // Events emitted right after connect() wait for the credential check, within reason.
        if (m_early.size() >= maxEarlyEvents)
            closeWith(1008, QStringLiteral("too many messages before authentication"));
        else
            m_early.append(packet);
        return;
    }
    ++info.framesIn;
    ReplyTo to;
    to.ackId = packet.id.value_or(-1);
    if (!m_shard.admit(*this)) {
        // admit() sent the `error` event; an ack callback must not wait forever either.
        if (!closing && to.ackId >= 0)
            replyError(to, codes::rateLimited, QStringLiteral("too many messages"));
        return;
    }
    const QJsonArray args = packet.eventArgs();
    const QJsonValue data = args.isEmpty() ? QJsonValue() : args.first();
    if (dialect != Dialect::Standard) {
        handleDialectEvent(m_shard, *this, packet.eventName(), data, to);
        return;
    }
    if (!data.isUndefined() && !data.isNull() && !data.isObject()) {
        replyError(to, codes::invalidPayload, QStringLiteral("data: must be a JSON object"));
        return;
    }
    m_shard.handleRequest(*this, packet.eventName(), data.toObject(), to);
}

} // namespace notify
