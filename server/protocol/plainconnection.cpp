#include "protocol/plainconnection.h"

#include "codec/timestamp.h"
#include "codec/wirecodec.h"
#include "net/shard.h"

#include <QDateTime>
#include <QJsonDocument>

namespace notify {

namespace {
constexpr int maxEarlyMessages = 16;
}

PlainConnection::PlainConnection(QWebSocket *socket, Shard &shard, int pingIntervalMs,
                                 int pongTimeoutMs)
    : ClientConnection(ClientProtocol::Plain)
    , m_socket(socket)
    , m_shard(shard)
    , m_pingIntervalMs(pingIntervalMs)
    , m_pongTimeoutMs(pongTimeoutMs)
{
    m_lastPingMs = QDateTime::currentMSecsSinceEpoch();
    QObject::connect(socket, &QWebSocket::textMessageReceived, socket,
                     [this](const QString &text) { onText(text); });
    QObject::connect(socket, &QWebSocket::binaryMessageReceived, socket, [this](const QByteArray &) {
        ++info.framesIn;
        replyError({}, QStringLiteral("invalid_payload"),
                   QStringLiteral("binary frames are not supported; send JSON text"));
    });
    // Removal is queued (dropConnection) so that no connection disappears while a delivery
    // loop is iterating a room.
    QObject::connect(socket, &QWebSocket::disconnected, socket, [this] {
        m_shard.dropConnection(info.id, int(m_socket->closeCode()), m_socket->closeReason());
    });
    QObject::connect(socket, &QWebSocket::pong, socket, [this](quint64 elapsed, const QByteArray &) {
        m_pingOutstanding = false;
        info.rttMs = int(elapsed);
        info.lastPongAt = QDateTime::currentDateTimeUtc();
    });
}

PlainConnection::~PlainConnection()
{
    if (m_socket) {
        m_socket->disconnect();
        m_socket->abort();
        m_socket->deleteLater();
    }
}

void PlainConnection::send(const QString &text)
{
    if (!m_socket || closing)
        return;
    m_socket->sendTextMessage(text);
    ++info.framesOut;
    info.bytesOut += quint64(text.size());
}

void PlainConnection::push(const EncodedEvent &event)
{
    send(event.plain);
}

void PlainConnection::reply(const ReplyTo &to, const QJsonObject &data)
{
    send(QString::fromUtf8(encodeReply(to.requestId, data)));
}

void PlainConnection::replyError(const ReplyTo &to, const QString &code, const QString &message)
{
    send(QString::fromUtf8(encodeError(to.requestId, code, message)));
}

void PlainConnection::closeWith(int code, const QString &reason)
{
    if (!m_socket || closing)
        return;
    closing = true;
    m_socket->close(QWebSocketProtocol::CloseCode(code), reason);
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
    const QStringList early = std::exchange(m_early, {});
    for (const QString &text : early)
        onText(text);
}

void PlainConnection::onText(const QString &text)
{
    if (!authenticated) {
        // Requests sent right after opening wait for the credential check, within reason.
        if (m_early.size() >= maxEarlyMessages)
            closeWith(QWebSocketProtocol::CloseCodePolicyViolated,
                      QStringLiteral("too many messages before authentication"));
        else
            m_early.append(text);
        return;
    }
    ++info.framesIn;
    if (!m_shard.admit(*this))
        return;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        replyError({}, QStringLiteral("invalid_json"),
                   error.error != QJsonParseError::NoError
                       ? QStringLiteral("message is not valid JSON: %1").arg(error.errorString())
                       : QStringLiteral("message must be a JSON object"));
        return;
    }
    const QJsonObject msg = doc.object();
    ReplyTo to;
    const QJsonValue id = msg.value(QStringLiteral("id"));
    if (id.isString())
        to.requestId = id.toString();
    else if (id.isDouble())
        to.requestId = QString::number(id.toDouble(), 'g', 17);
    const QJsonValue type = msg.value(QStringLiteral("type"));
    if (!type.isString()) {
        replyError(to, QStringLiteral("invalid_payload"), QStringLiteral("type: must be a string"));
        return;
    }
    const QJsonValue data = msg.value(QStringLiteral("data"));
    if (!data.isUndefined() && !data.isNull() && !data.isObject()) {
        replyError(to, QStringLiteral("invalid_payload"), QStringLiteral("data: must be a JSON object"));
        return;
    }
    m_shard.handleRequest(*this, type.toString(), data.toObject(), to);
}

} // namespace notify
