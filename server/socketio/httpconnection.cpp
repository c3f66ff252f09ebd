#include "socketio/httpconnection.h"

#include "net/shard.h"
#include "socketio/enginesession.h"

#include <QDateTime>

#include <fcntl.h>

namespace notify {

HttpConnection::HttpConnection(QTcpSocket *socket, Shard *shard)
    : m_socket(socket)
    , m_shard(shard)
{
    socket->setParent(this);
    m_lastActivityMs = QDateTime::currentMSecsSinceEpoch();
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::start()
{
    disconnect(m_socket, nullptr, this, nullptr);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        onDisconnected();
        return;
    }
    if (m_state == State::Dispatched)
        dispatch(); // resumed on the shard that owns the request's session
    else
        onReadyRead();
}

void HttpConnection::onReadyRead()
{
    const http1::Limits limits;
    while (m_state == State::ReadingHead || m_state == State::ReadingBody) {
        if (m_state == State::ReadingHead) {
            const qint64 available = m_socket->bytesAvailable();
            if (available == 0)
                return;
            m_lastActivityMs = QDateTime::currentMSecsSinceEpoch();
            // Peek, not read: the head is consumed only once it is complete.
            const QByteArray peeked = m_socket->peek(qMin<qint64>(available, limits.maxHeadBytes));
            auto parsed = http1::parseRequestHead(peeked, limits);
            if (!parsed.ok()) {
                respondAndClose(parsed.error().status, "text/plain; charset=UTF-8",
                                parsed.error().message.toUtf8());
                return;
            }
            if (!parsed.value())
                return; // incomplete: wait for more
            m_head = std::move(*parsed.value());
            m_body.clear();
            if (m_head.webSocketUpgrade) {
                m_state = State::Dispatched;
                dispatch();
                return;
            }
            m_socket->skip(m_head.headLength);
            m_state = State::ReadingBody;
        }
        const qint64 missing = m_head.contentLength - m_body.size();
        if (missing > 0) {
            const QByteArray chunk = m_socket->read(missing);
            if (chunk.isEmpty())
                return;
            m_lastActivityMs = QDateTime::currentMSecsSinceEpoch();
            m_body += chunk;
            if (m_body.size() < m_head.contentLength)
                return;
        }
        m_state = State::Dispatched;
        dispatch();
    }
}

void HttpConnection::dispatch()
{
    if (m_head.webSocketUpgrade)
        m_shard->httpUpgrade(this);
    else
        m_shard->httpRequest(this);
}

void HttpConnection::respond(int status, QByteArrayView contentType, QByteArrayView body,
                             QByteArrayView extraHeaders)
{
    if (m_state != State::Dispatched)
        return;
    if (!m_head.keepAlive) {
        respondAndClose(status, contentType, body, extraHeaders);
        return;
    }
    m_waiting = nullptr;
    m_socket->write(http1::formatResponse(status, contentType, body, true, extraHeaders));
    ++m_served;
    m_lastActivityMs = QDateTime::currentMSecsSinceEpoch();
    m_state = State::ReadingHead;
    m_head = {};
    m_body.clear();
    // A pipelined request may already be buffered; read it on the next turn of the loop,
    // not from inside whoever called respond().
    if (!m_processingQueued && m_socket->bytesAvailable() > 0) {
        m_processingQueued = true;
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_processingQueued = false;
                onReadyRead();
            },
            Qt::QueuedConnection);
    }
}

void HttpConnection::respondAndClose(int status, QByteArrayView contentType, QByteArrayView body,
                                     QByteArrayView extraHeaders)
{
    if (m_state == State::Closed)
        return;
    m_waiting = nullptr;
    m_socket->write(http1::formatResponse(status, contentType, body, false, extraHeaders));
    ++m_served;
    m_state = State::Closed;
    m_socket->disconnectFromHost();
}

int HttpConnection::takeDescriptor(QByteArray *afterHead)
{
    disconnect(m_socket, nullptr, this, nullptr);
    m_state = State::Closed;
    const QByteArray buffered = m_socket->readAll();
    if (afterHead)
        *afterHead = buffered.sliced(qMin(m_head.headLength, buffered.size()));
    // QAbstractSocket cannot release its descriptor, so keep a duplicate: its close() turns
    // its notifiers off and closes only its own number, never the connection.
    const int fd = ::fcntl(int(m_socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    m_socket->abort();
    return fd;
}

void HttpConnection::abort()
{
    m_state = State::Closed;
    if (m_socket)
        m_socket->abort();
}

void HttpConnection::setWaitingSession(EngineSession *session)
{
    m_waiting = session;
}

EngineSession *HttpConnection::waitingSession() const
{
    return m_waiting;
}

void HttpConnection::onDisconnected()
{
    m_state = State::Closed;
    m_shard->httpClosed(this);
}

} // namespace notify
