#include "server/http/apiconnection.h"

#include "server/http/apilistener.h"
#include "server/http/apirequest.h"
#include "server/http/httpreply.h"
#include "server/http/httputil.h"
#include "server/websocket/handshake.h"

#include <QTcpSocket>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace notify {

namespace {

// A chunk-size line with its extensions; anything longer is not an honest client.
constexpr qsizetype maxChunkLineBytes = 1024;

QByteArray reason(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 401:
        return "Unauthorized";
    case 409:
        return "Conflict";
    case 415:
        return "Unsupported Media Type";
    case 429:
        return "Too Many Requests";
    default:
        return http1::reasonPhrase(status);
    }
}

QString codeFor(int status)
{
    switch (status) {
    case 408:
        return http::codes::requestTimeout;
    case 413:
        return http::codes::payloadTooLarge;
    case 414:
    case 431:
        return http::codes::headTooLarge;
    case 501:
    case 505:
        return http::codes::notImplemented;
    default:
        return http::codes::badRequest;
    }
}

std::optional<qint64> parseChunkSize(QByteArrayView line)
{
    const qsizetype semicolon = line.indexOf(';');
    QByteArrayView digits = semicolon < 0 ? line : line.first(semicolon);
    while (!digits.isEmpty() && (digits.back() == ' ' || digits.back() == '\t'))
        digits.chop(1);
    if (digits.isEmpty() || digits.size() > 15)
        return std::nullopt;
    qint64 n = 0;
    for (char c : digits) {
        int v = -1;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        if (v < 0)
            return std::nullopt;
        n = n * 16 + v;
    }
    return n;
}

} // namespace

ApiConnection::ApiConnection(QTcpSocket *socket, ApiListener *listener)
    : QObject(listener)
    , m_socket(socket)
    , m_listener(listener)
    , m_limits(listener->limits())
{
    socket->setParent(this);
    // Qt's own buffer stops reading from the kernel at this size; past it, TCP flow control
    // holds the client back instead of our memory.
    socket->setReadBufferSize(m_limits.maxHeadBytes);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ApiConnection::onTimeout);
    connect(socket, &QTcpSocket::readyRead, this, &ApiConnection::onReadyRead);
    connect(socket, &QTcpSocket::bytesWritten, this, &ApiConnection::onBytesWritten);
    connect(socket, &QTcpSocket::disconnected, this, &ApiConnection::onDisconnected);
    connect(socket, &QTcpSocket::errorOccurred, this, [this] {
        if (m_socket->state() == QAbstractSocket::UnconnectedState)
            onDisconnected();
    });
}

ApiConnection::~ApiConnection() = default;

void ApiConnection::start()
{
    arm(m_limits.headTimeoutMs);
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        onDisconnected();
        return;
    }
    process();
}

void ApiConnection::arm(int ms)
{
    m_timer.start(qMax(1, ms));
}

void ApiConnection::onReadyRead()
{
    if (m_state == State::Lingering) {
        // Discarded, never kept: the client is still sending what it was refused for.
        m_socket->skip(m_socket->bytesAvailable());
        return;
    }
    process();
}

void ApiConnection::scheduleProcess()
{
    if (m_processQueued)
        return;
    m_processQueued = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_processQueued = false;
            process();
        },
        Qt::QueuedConnection);
}

void ApiConnection::process()
{
    for (;;) {
        switch (m_state) {
        case State::ReadingHead:
            if (!readHead())
                return;
            break;
        case State::ReadingBody:
            if (!readBody())
                return;
            break;
        case State::ReadingChunks:
            if (!readChunks())
                return;
            break;
        case State::Dispatched:
        case State::Lingering:
        case State::Closed:
            return;
        }
    }
}

bool ApiConnection::readHead()
{
    // Bounded pipelining: a client that does not read its answers gets no more of them.
    if (m_socket->bytesToWrite() > m_limits.maxUnsentBytes)
        return false;
    if (m_in.size() < m_limits.maxHeadBytes && m_socket->bytesAvailable() > 0)
        m_in += m_socket->read(m_limits.maxHeadBytes - m_in.size());
    if (m_in.isEmpty())
        return false;
    if (!m_headStarted) {
        m_headStarted = true;
        arm(m_limits.headTimeoutMs);
    }
    http1::Limits limits;
    limits.maxHeadBytes = m_limits.maxHeadBytes;
    // A line that alone fills the head is reported as such (414 for the request line).
    limits.maxLineBytes = m_limits.maxHeadBytes - 2;
    limits.maxHeaders = 200;
    limits.maxBodyBytes = m_limits.maxBodyBytes;
    limits.acceptChunked = true;
    auto parsed = http1::parseRequestHead(m_in, limits);
    if (!parsed.ok()) {
        const http1::ParseError &e = parsed.error();
        fail(e.status, codeFor(e.status),
             e.status == 413 ? QStringLiteral("the request body is larger than %1 bytes")
                                   .arg(m_limits.maxBodyBytes)
                             : e.message);
        return false;
    }
    if (!parsed.value())
        return false; // incomplete, and the parser has checked it is still within the limits
    m_head = std::move(*parsed.value());
    m_in.remove(0, m_head.headLength);
    m_body.clear();

    if (m_head.webSocketUpgrade && m_listener->upgradeHandler(m_head.path())) {
        upgrade();
        return false;
    }
    const bool hasBody = m_head.chunked || m_head.contentLength > 0;
    // Asked only once the head passed every check: a refused body is never invited.
    if (hasBody && m_head.minorVersion == 1
        && m_head.header("expect").compare("100-continue", Qt::CaseInsensitive) == 0)
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    if (m_head.chunked) {
        m_state = State::ReadingChunks;
        m_chunkStep = ChunkStep::Size;
        arm(m_limits.bodyTimeoutMs);
    } else if (m_head.contentLength > 0) {
        m_state = State::ReadingBody;
        m_body.reserve(m_head.contentLength);
        arm(m_limits.bodyTimeoutMs);
    } else {
        dispatch();
    }
    return true;
}

bool ApiConnection::readBody()
{
    qint64 missing = m_head.contentLength - m_body.size();
    if (!m_in.isEmpty()) {
        const qsizetype take = qsizetype(qMin<qint64>(missing, m_in.size()));
        m_body += QByteArrayView(m_in).first(take);
        m_in.remove(0, take);
        missing -= take;
    }
    if (missing > 0)
        m_body += m_socket->read(missing);
    if (m_body.size() < m_head.contentLength)
        return false;
    dispatch();
    return true;
}

bool ApiConnection::readChunks()
{
    for (;;) {
        if (m_chunkStep == ChunkStep::Data) {
            if (m_in.isEmpty() && m_chunkLeft > 0) {
                const QByteArray chunk = m_socket->read(m_chunkLeft);
                if (chunk.isEmpty())
                    return false;
                m_body += chunk;
                m_chunkLeft -= chunk.size();
            } else {
                const qsizetype take = qsizetype(qMin<qint64>(m_chunkLeft, m_in.size()));
                m_body += QByteArrayView(m_in).first(take);
                m_in.remove(0, take);
                m_chunkLeft -= take;
            }
            if (m_chunkLeft > 0)
                continue;
            m_chunkStep = ChunkStep::DataEnd;
            continue;
        }
        // Every other step reads a line: the size line, the CRLF after data, trailer lines.
        if (m_in.size() < maxChunkLineBytes && m_socket->bytesAvailable() > 0)
            m_in += m_socket->read(maxChunkLineBytes - m_in.size());
        const qsizetype lf = m_in.indexOf('\n');
        if (lf < 0) {
            if (m_in.size() >= maxChunkLineBytes) {
                fail(400, http::codes::badRequest, QStringLiteral("malformed chunked body"));
                return false;
            }
            return false;
        }
        if (lf == 0 || m_in.at(lf - 1) != '\r') {
            fail(400, http::codes::badRequest, QStringLiteral("malformed chunked body"));
            return false;
        }
        const QByteArray line = m_in.left(lf - 1);
        m_in.remove(0, lf + 1);
        switch (m_chunkStep) {
        case ChunkStep::Size: {
            const std::optional<qint64> size = parseChunkSize(line);
            if (!size) {
                fail(400, http::codes::badRequest, QStringLiteral("malformed chunk size"));
                return false;
            }
            // Counted before the chunk is read: a declared size over the limit reads nothing.
            if (m_body.size() + *size > m_limits.maxBodyBytes) {
                fail(413, http::codes::payloadTooLarge,
                     QStringLiteral("the request body is larger than %1 bytes")
                         .arg(m_limits.maxBodyBytes));
                return false;
            }
            m_chunkLeft = *size;
            m_chunkStep = *size == 0 ? ChunkStep::Trailer : ChunkStep::Data;
            break;
        }
        case ChunkStep::DataEnd:
            if (!line.isEmpty()) {
                fail(400, http::codes::badRequest, QStringLiteral("malformed chunked body"));
                return false;
            }
            m_chunkStep = ChunkStep::Size;
            break;
        case ChunkStep::Trailer:
            if (line.isEmpty()) {
                dispatch(); // trailers are read and ignored
                return true;
            }
            break;
        case ChunkStep::Data:
            break;
        }
    }
}

void ApiConnection::dispatch()
{
    m_state = State::Dispatched;
    m_timer.stop();
    const quint64 serial = ++m_serial;
    m_keepAlive = m_head.keepAlive;
    m_http10 = m_head.minorVersion == 0;
    const ApiRequest request(std::move(m_head), std::exchange(m_body, QByteArray()));
    m_head = {};
    m_listener->handleRequest(request, http::HttpReply(this, serial));
}

void ApiConnection::upgrade()
{
    auto accept = ws::checkOpeningHandshake(m_head);
    if (!accept.ok()) {
        const ws::HandshakeError &e = accept.error();
        write(e.status, "text/plain; charset=UTF-8", e.message, e.extraHeaders, false);
        closeAfterWrite();
        return;
    }
    ApiListener::Upgrade up;
    up.head = std::move(m_head);
    up.acceptValue = accept.value();
    up.peerAddress = m_socket->peerAddress().toString();
    up.afterHead = std::exchange(m_in, QByteArray()) + m_socket->readAll();
    // QAbstractSocket cannot release its descriptor, so keep a duplicate: its abort() turns
    // its notifiers off and closes only its own number, never the connection.
    up.descriptor = ::fcntl(int(m_socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    disconnect(m_socket, nullptr, this, nullptr);
    m_socket->abort();
    m_state = State::Closed;
    m_timer.stop();
    const ApiListener::UpgradeHandler *handler = m_listener->upgradeHandler(up.head.path());
    if (up.descriptor >= 0 && handler)
        (*handler)(std::move(up));
    else if (up.descriptor >= 0)
        ::close(up.descriptor);
    deleteLater();
}

void ApiConnection::respond(quint64 serial, int status, QByteArrayView contentType,
                            QByteArrayView body, QByteArrayView extraHeaders)
{
    if (m_state != State::Dispatched || serial != m_serial)
        return;
    const bool keepAlive = m_keepAlive;
    write(status, contentType, body, extraHeaders, keepAlive);
    if (!keepAlive) {
        closeAfterWrite();
        return;
    }
    m_state = State::ReadingHead;
    m_headStarted = false;
    arm(m_limits.idleTimeoutMs);
    // A pipelined request may be waiting; read it on the next turn of the loop, not from
    // inside whoever answered.
    if (!m_in.isEmpty() || m_socket->bytesAvailable() > 0)
        scheduleProcess();
}

void ApiConnection::write(int status, QByteArrayView contentType, QByteArrayView body,
                          QByteArrayView extraHeaders, bool keepAlive)
{
    QByteArray out;
    out.reserve(200 + extraHeaders.size() + body.size());
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason(status) + "\r\n";
    if (!contentType.isEmpty()) {
        out += "Content-Type: ";
        out += contentType;
        out += "\r\n";
    }
    if (status != 204 && status != 304)
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    if (!keepAlive)
        out += "Connection: close\r\n";
    else if (m_http10)
        out += "Connection: keep-alive\r\n";
    out += extraHeaders;
    out += "\r\n";
    out += body;
    m_socket->write(out);
    // Sent now rather than when the event loop next finds the socket writable: one turn of
    // the loop (a poll and a wake-up of this thread) less per answer.
    m_socket->flush();
}

void ApiConnection::fail(int status, const QString &code, const QString &message)
{
    const QJsonObject body {
        {QStringLiteral("error"),
         QJsonObject {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}};
    write(status, "application/json", http::compactJson(body), "Cache-Control: no-store\r\n",
          false);
    closeAfterWrite();
}

void ApiConnection::closeAfterWrite()
{
    m_state = State::Lingering;
    m_in = QByteArray();
    m_body = QByteArray();
    arm(m_limits.lingerMs);
    if (m_socket->bytesToWrite() == 0)
        shutdownOutput();
    m_socket->skip(m_socket->bytesAvailable());
}

void ApiConnection::shutdownOutput()
{
    if (m_outputShut)
        return;
    m_outputShut = true;
    // Half-close: the client sees the end of the answer, and what it still sends is read and
    // dropped until it closes or lingerMs pass, so that its unread answer is never reset.
    ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
}

void ApiConnection::onBytesWritten()
{
    if (m_state == State::Lingering) {
        if (m_socket->bytesToWrite() == 0)
            shutdownOutput();
        return;
    }
    if (m_state == State::ReadingHead && m_socket->bytesToWrite() <= m_limits.maxUnsentBytes)
        scheduleProcess();
}

void ApiConnection::onTimeout()
{
    switch (m_state) {
    case State::ReadingHead:
        if (!m_headStarted || m_in.isEmpty()) {
            // Nothing of a request arrived (an idle keep-alive connection, or one that never
            // spoke): closed without a word, as is usual.
            onDisconnected();
            m_socket->abort();
            return;
        }
        fail(408, http::codes::requestTimeout,
             QStringLiteral("the request head did not arrive within %1 ms")
                 .arg(m_limits.headTimeoutMs));
        return;
    case State::ReadingBody:
    case State::ReadingChunks:
        fail(408, http::codes::requestTimeout,
             QStringLiteral("the request body did not arrive within %1 ms")
                 .arg(m_limits.bodyTimeoutMs));
        return;
    case State::Lingering:
        onDisconnected();
        m_socket->abort();
        return;
    case State::Dispatched:
    case State::Closed:
        return;
    }
}

void ApiConnection::onDisconnected()
{
    if (m_gone)
        return;
    m_gone = true;
    m_state = State::Closed;
    m_timer.stop();
    disconnect(m_socket, nullptr, this, nullptr);
    // Parked answers see clientGone() from now on.
    deleteLater();
}

} // namespace notify
