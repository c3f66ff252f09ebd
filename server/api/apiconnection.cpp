#include "server/api/apiconnection.h"

#include "server/api/apilistener.h"
#include "server/api/apirequest.h"
#include "server/api/httpreply.h"
#include "server/api/httputil.h"
#include "server/util/peeraddress.h"
#include "server/util/socketcall.h"
#include "server/websocket/handshake.h"

#include <sys/socket.h>
#include <unistd.h>

namespace notify {

namespace {

// A chunk-size line with its extensions; anything longer is not an honest client.
constexpr qsizetype maxChunkLineBytes = 1024;

// One read() takes at most this much; a level-triggered notifier reports the rest.
constexpr qsizetype readChunkBytes = 16 * 1024;

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

ApiConnection::ApiConnection(int descriptor, ApiListener *listener)
    : QObject(listener)
    , m_fd(descriptor)
    , m_listener(listener)
    , m_limits(listener->limits())
    , m_readNotifier(descriptor, QSocketNotifier::Read)
    , m_writeNotifier(descriptor, QSocketNotifier::Write)
{
    m_writeNotifier.setEnabled(false);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ApiConnection::onTimeout);
    connect(&m_readNotifier, &QSocketNotifier::activated, this, &ApiConnection::onReadable);
    connect(&m_writeNotifier, &QSocketNotifier::activated, this, &ApiConnection::onWritable);
}

ApiConnection::~ApiConnection()
{
    closeDescriptor();
}

void ApiConnection::closeDescriptor()
{
    if (m_fd < 0)
        return;
    m_readNotifier.setEnabled(false);
    m_writeNotifier.setEnabled(false);
    ::close(m_fd);
    m_fd = -1;
}

void ApiConnection::start()
{
    arm(m_limits.headTimeoutMs);
    process();
}

void ApiConnection::arm(int ms)
{
    m_timer.start(qMax(1, ms));
}

bool ApiConnection::fill()
{
    const qsizetype room = qMin(m_limits.maxHeadBytes - m_in.size(), readChunkBytes);
    if (room <= 0)
        return true;
    char buffer[readChunkBytes];
    const ssize_t n = retryInterrupted([&] { return ::read(m_fd, buffer, size_t(room)); });
    if (n > 0) {
        m_in.append(buffer, qsizetype(n));
        return true;
    }
    if (n < 0 && wouldBlock())
        return true;
    // The end of the stream or a reset: the client is gone, with whatever it was waiting for.
    onDisconnected();
    return false;
}

void ApiConnection::onReadable()
{
    if (m_state == State::Lingering) {
        // Discarded, never kept: the client is still sending what it was refused for.
        char buffer[readChunkBytes];
        const ssize_t n = retryInterrupted([&] { return ::read(m_fd, buffer, sizeof buffer); });
        if (n == 0 || (n < 0 && !wouldBlock()))
            onDisconnected();
        return;
    }
    if (!fill())
        return;
    process();
}

void ApiConnection::updateReadNotifier()
{
    if (m_fd < 0)
        return;
    // Off while the input buffer is full: nothing more is taken from the kernel until the
    // request it holds has been answered (and while Dispatched a well-behaved client sends
    // nothing, so the notifier stays on without firing and no toggling is paid per request).
    const bool wanted = m_state == State::Lingering
        || (m_state != State::Closed && m_in.size() < m_limits.maxHeadBytes);
    if (m_readNotifier.isEnabled() != wanted)
        m_readNotifier.setEnabled(wanted);
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
        bool more = false;
        switch (m_state) {
        case State::ReadingHead:
            more = readHead();
            break;
        case State::ReadingBody:
            more = readBody();
            break;
        case State::ReadingChunks:
            more = readChunks();
            break;
        case State::Dispatched:
        case State::Lingering:
        case State::Closed:
            break;
        }
        if (!more)
            break;
    }
    updateReadNotifier();
}

bool ApiConnection::readHead()
{
    // Bounded pipelining: a client that does not read its answers gets no more of them.
    if (m_out.size() > m_limits.maxUnsentBytes)
        return false;
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
        && m_head.header("expect").compare("100-continue", Qt::CaseInsensitive) == 0) {
        send(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
        if (m_state == State::Closed)
            return false;
    }
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
    const qint64 missing = m_head.contentLength - m_body.size();
    const qsizetype take = qsizetype(qMin<qint64>(missing, m_in.size()));
    if (take > 0) {
        m_body += QByteArrayView(m_in).first(take);
        m_in.remove(0, take);
    }
    if (m_body.size() < m_head.contentLength)
        return false;
    dispatch();
    return true;
}

bool ApiConnection::readChunks()
{
    for (;;) {
        if (m_chunkStep == ChunkStep::Data) {
            const qsizetype take = qsizetype(qMin<qint64>(m_chunkLeft, m_in.size()));
            if (take > 0) {
                m_body += QByteArrayView(m_in).first(take);
                m_in.remove(0, take);
                m_chunkLeft -= take;
            }
            if (m_chunkLeft > 0)
                return false;
            m_chunkStep = ChunkStep::DataEnd;
            continue;
        }
        // Every other step reads a line: the size line, the CRLF after data, trailer lines.
        const qsizetype lf
            = QByteArrayView(m_in).first(qMin(m_in.size(), maxChunkLineBytes)).indexOf('\n');
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
    up.peerAddress = peerAddressOf(m_fd).toString();
    up.afterHead = std::exchange(m_in, QByteArray());
    // The descriptor itself changes hands; what was not sent yet of earlier answers is
    // dropped, as an abort would.
    m_readNotifier.setEnabled(false);
    m_writeNotifier.setEnabled(false);
    up.descriptor = std::exchange(m_fd, -1);
    m_out = QByteArray();
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
    if (m_state == State::Closed)
        return;
    if (!keepAlive) {
        closeAfterWrite();
        return;
    }
    m_state = State::ReadingHead;
    m_headStarted = false;
    arm(m_limits.idleTimeoutMs);
    // A pipelined request may be waiting; read it on the next turn of the loop, not from
    // inside whoever answered.
    if (!m_in.isEmpty())
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
    send(std::move(out));
}

void ApiConnection::send(QByteArray out)
{
    if (m_fd < 0)
        return;
    if (!m_out.isEmpty()) {
        m_out += out; // in order, after what the kernel has not taken yet
        return;
    }
    // Sent now, in one call, rather than when the event loop next finds the socket writable:
    // one turn of the loop (a poll and a wake-up of this thread) less per answer.
    const ssize_t n = retryInterrupted(
        [&] { return ::send(m_fd, out.constData(), size_t(out.size()), MSG_NOSIGNAL); });
    if (n == out.size())
        return;
    if (n < 0 && !wouldBlock()) {
        onDisconnected();
        return;
    }
    out.remove(0, n > 0 ? qsizetype(n) : 0);
    m_out = std::move(out);
    m_writeNotifier.setEnabled(true);
}

void ApiConnection::onWritable()
{
    const ssize_t n = retryInterrupted(
        [&] { return ::send(m_fd, m_out.constData(), size_t(m_out.size()), MSG_NOSIGNAL); });
    if (n < 0) {
        if (!wouldBlock())
            onDisconnected();
        return;
    }
    m_out.remove(0, qsizetype(n));
    if (m_out.isEmpty()) {
        m_out = QByteArray();
        m_writeNotifier.setEnabled(false);
    }
    afterOutputWritten();
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
    if (m_state == State::Closed)
        return; // the write found the client gone
    m_state = State::Lingering;
    m_in = QByteArray();
    m_body = QByteArray();
    arm(m_limits.lingerMs);
    if (m_out.isEmpty())
        shutdownOutput();
    updateReadNotifier();
}

void ApiConnection::shutdownOutput()
{
    if (m_outputShut || m_fd < 0)
        return;
    m_outputShut = true;
    // Half-close: the client sees the end of the answer, and what it still sends is read and
    // dropped until it closes or lingerMs pass, so that its unread answer is never reset.
    ::shutdown(m_fd, SHUT_WR);
}

void ApiConnection::afterOutputWritten()
{
    if (m_state == State::Lingering) {
        if (m_out.isEmpty())
            shutdownOutput();
        return;
    }
    if (m_state == State::ReadingHead && m_out.size() <= m_limits.maxUnsentBytes)
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
    m_out = QByteArray();
    closeDescriptor();
    // Parked answers see clientGone() from now on.
    deleteLater();
}

} // namespace notify
