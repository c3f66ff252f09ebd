#include "server/socketio/httpconnection.h"

#include "server/metrics/metrics.h"
#include "server/node/nodeservices.h"
#include "server/socketio/enginesession.h"

#include <QDateTime>

#include <fcntl.h>

namespace notify {

namespace {
// Between keep-alive requests a connection may idle this long before its next head starts.
constexpr qint64 keepAliveIdleMs = 60000;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, HttpConnectionHost *shard,
                               AcceptGate::Ticket ticket, qint64 deadlineMs)
    : m_socket(socket)
    , m_shard(shard)
    , m_ticket(std::move(ticket))
    , m_deadlineMs(deadlineMs)
{
    socket->setParent(this);
    // Qt stops reading from the descriptor when this fills up: the kernel's window closes
    // and the client has to wait, instead of this process buffering what it sends.
    socket->setReadBufferSize(socketBufferBytes);
}

HttpConnection::~HttpConnection() = default;

QByteArray HttpConnection::body() const
{
    return m_in.mid(m_head.headLength, m_head.contentLength);
}

void HttpConnection::start(QByteArray alreadyRead, quint64 served)
{
    m_in = std::move(alreadyRead);
    m_served = served;
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_waitingForDrain && m_socket->bytesToWrite() <= maxUnsentResponseBytes) {
            m_waitingForDrain = false;
            queueRead();
        }
    });
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        onDisconnected();
        return;
    }
    onReadyRead();
}

void HttpConnection::fillTo(qint64 bytes)
{
    const qint64 want = bytes - m_in.size();
    if (want > 0 && m_socket->bytesAvailable() > 0)
        m_in += m_socket->read(want);
}

void HttpConnection::onReadyRead()
{
    const http1::Limits limits;
    const qint64 timeoutMs = m_shard->services().config.headTimeoutMs;
    while (m_state == State::ReadingHead || m_state == State::ReadingBody) {
        if (m_state == State::ReadingHead) {
            if (m_socket->bytesToWrite() > maxUnsentResponseBytes) {
                m_waitingForDrain = true; // resumed by bytesWritten
                return;
            }
            fillTo(limits.maxHeadBytes);
            if (m_in.isEmpty())
                return;
            if (!m_headStarted) {
                // The first byte of a kept-alive connection's next request: its head has the
                // same time as a new connection's, counted from here, not restarted by bytes.
                m_headStarted = true;
                m_deadlineMs = nowMs() + timeoutMs;
            }
            auto parsed = http1::parseRequestHead(m_in, limits);
            if (!parsed.ok()) {
                respondAndClose(parsed.error().status, "text/plain; charset=UTF-8",
                                parsed.error().message.toUtf8());
                return;
            }
            if (!parsed.value())
                return; // incomplete: wait for more
            m_head = std::move(*parsed.value());
            // A trusted proxy's socket counts against its client's address from the first
            // head on (docs/security.md, "Behind a reverse proxy").
            if (!m_ticket.chargeAddress(clientAddress())) {
                bump(m_shard->services().metrics.refusedPerAddress);
                respondAndClose(503, "text/plain; charset=UTF-8",
                                "too many unauthenticated connections from this address");
                return;
            }
            if (m_head.webSocketUpgrade) {
                m_state = State::Dispatched;
                dispatch();
                return;
            }
            m_state = State::ReadingBody;
            m_deadlineMs = nowMs() + timeoutMs; // the body gets as long as the head had
        }
        const qint64 need = m_head.headLength + m_head.contentLength;
        fillTo(need);
        if (m_in.size() < need)
            return;
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
    m_in.remove(0, qMin<qint64>(m_in.size(), m_head.headLength + m_head.contentLength));
    m_state = State::ReadingHead;
    m_head = {};
    m_headStarted = false;
    m_deadlineMs = nowMs() + keepAliveIdleMs;
    // A pipelined request may already be buffered; read it on the next turn of the loop,
    // not from inside whoever called respond().
    if (!m_in.isEmpty() || m_socket->bytesAvailable() > 0)
        queueRead();
}

void HttpConnection::queueRead()
{
    if (m_processingQueued)
        return;
    m_processingQueued = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_processingQueued = false;
            onReadyRead();
        },
        Qt::QueuedConnection);
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
    m_in = QByteArray();
    m_socket->disconnectFromHost();
}

int HttpConnection::takeDescriptor(QByteArray *unread, bool includeHead)
{
    disconnect(m_socket, nullptr, this, nullptr);
    m_state = State::Closed;
    // Only what Qt has buffered; the rest stays in the kernel, where the descriptor's next
    // owner reads it.
    QByteArray rest = std::exchange(m_in, {}) + m_socket->read(m_socket->bytesAvailable());
    if (!includeHead)
        rest.remove(0, qMin<qint64>(rest.size(), m_head.headLength));
    if (unread)
        *unread = std::move(rest);
    // QAbstractSocket cannot release its descriptor, so keep a duplicate: its close() turns
    // its notifiers off and closes only its own number, never the connection.
    const int fd = ::fcntl(int(m_socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    m_socket->abort();
    return fd;
}

void HttpConnection::afterFlush(std::function<void()> next)
{
    m_socket->flush();
    if (m_socket->bytesToWrite() == 0) {
        next();
        return;
    }
    m_afterFlush = std::move(next);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_afterFlush && m_socket->bytesToWrite() == 0)
            std::exchange(m_afterFlush, {})();
    });
}

void HttpConnection::abort()
{
    m_state = State::Closed;
    m_in = QByteArray();
    if (m_socket)
        m_socket->abort();
}

QHostAddress HttpConnection::clientAddress() const
{
    const ServerConfig &config = m_shard->services().config;
    const QHostAddress peer = m_socket->peerAddress();
    if (config.trustedProxies.isEmpty())
        return peer;
    QByteArray forwardedFor;
    for (const http1::Header &h : m_head.headers) {
        if (h.name == "x-forwarded-for")
            forwardedFor += (forwardedFor.isEmpty() ? "" : ",") + h.value;
    }
    return clientAddressBehind(config.trustedProxies, peer, forwardedFor,
                               m_head.header("x-real-ip"));
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
    m_ticket.release(); // the descriptor is closed: its place is free now, not at deletion
    m_shard->httpClosed(this);
}

} // namespace notify
