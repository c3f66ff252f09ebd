#include "server/websocket/websocket.h"

#include "server/util/socketcall.h"

#include <QDateTime>
#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace notify {

namespace {

constexpr qsizetype readChunk = 64 * 1024;
// A shard flushes a connection once per delivery batch (up to 256 KiB of small frames):
// Linux's IOV_MAX, so that a batch is one sendmsg() however many frames it has.
constexpr int maxIovecs = 1024;
// Reads per readiness report: a client that floods does not starve the others.
constexpr int maxReadsPerWakeUp = 4;

// One read buffer per thread, shared by all its connections: an idle connection holds none,
// and a complete frame is parsed where it was read.
char *scratchBuffer()
{
    thread_local std::unique_ptr<char[]> buffer(new char[readChunk]);
    return buffer.get();
}

const QByteArray &pingFrame()
{
    static const QByteArray frame = ws::encodeFrame(ws::Opcode::Ping, {});
    return frame;
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

WebSocket::WebSocket(int descriptor, qint64 maxMessageBytes, QObject *parent)
    : QObject(parent)
    , m_fd(descriptor)
    , m_maxMessageBytes(maxMessageBytes)
{
    const int flags = ::fcntl(m_fd, F_GETFL);
    if (flags >= 0 && !(flags & O_NONBLOCK))
        ::fcntl(m_fd, F_SETFL, flags | O_NONBLOCK);
    // Frames are batched into one sendmsg() already; Nagle would only hold the next batch
    // back until the peer's (possibly delayed) ACK.
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

WebSocket::~WebSocket()
{
    if (m_fd >= 0) {
        // Notifiers off before the close: the dispatcher must never see a reused number.
        delete m_readNotifier;
        delete m_writeNotifier;
        ::close(m_fd);
    }
}

void WebSocket::start(QByteArray alreadyRead)
{
    if (m_fd < 0)
        return;
    m_readNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &WebSocket::onReadable);
    if (!alreadyRead.isEmpty()) {
        processInput(alreadyRead.data(), alreadyRead.size());
        flush();
    }
}

void WebSocket::queue(const QByteArray &frame)
{
    if (m_state == State::Open)
        enqueueBounded(frame);
}

void WebSocket::sendRaw(const QByteArray &bytes)
{
    send(bytes);
}

void WebSocket::setControlRateLimit(double perSecond, int burst)
{
    m_pongBurst = perSecond > 0 ? qMax(1, burst) : 0;
    m_pongBucket.configure(perSecond, qMax(1, burst), nowMs());
}

bool WebSocket::enqueueBounded(const QByteArray &bytes)
{
    if (m_maxOutBytes > 0 && m_outBytes + bytes.size() > m_maxOutBytes) {
        overflow();
        return false;
    }
    enqueue(bytes);
    return true;
}

void WebSocket::overflow()
{
    if (m_overflowed || m_state == State::Closed)
        return;
    m_overflowed = true;
    // Keep only a frame already begun (the stream stays well-formed), then the Close frame:
    // a peer that reads again learns why; one that never does is cut at the close timeout.
    const size_t keep = m_outHead + (m_outOffset > 0 ? 1 : 0);
    for (size_t i = keep; i < m_out.size(); ++i)
        m_outBytes -= m_out[i].size();
    m_out.resize(keep);
    if (m_state == State::Open)
        fail(ws::closecode::policyViolation, QStringLiteral("output limit exceeded"));
    if (m_handler)
        m_handler->onWebSocketOverflow(*this);
}

void WebSocket::enqueue(const QByteArray &bytes)
{
    if (m_fd < 0 || bytes.isEmpty())
        return;
    m_out.push_back(bytes);
    m_outBytes += bytes.size();
}

void WebSocket::flush()
{
    while (m_fd >= 0 && m_outHead < m_out.size()) {
        iovec iov[maxIovecs];
        int count = 0;
        for (size_t i = m_outHead; i < m_out.size() && count < maxIovecs; ++i, ++count) {
            const qsizetype skip = i == m_outHead ? m_outOffset : 0;
            iov[count].iov_base = const_cast<char *>(m_out[i].constData()) + skip;
            iov[count].iov_len = size_t(m_out[i].size() - skip);
        }
        msghdr msg {};
        msg.msg_iov = iov;
        msg.msg_iovlen = size_t(count);
        const ssize_t sent
            = retryInterrupted([&] { return ::sendmsg(m_fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT); });
        if (sent < 0) {
            if (wouldBlock()) {
                setWriteInterest(true);
                return;
            }
            finish(ws::closecode::abnormal, QString::fromLocal8Bit(std::strerror(errno)));
            return;
        }
        m_outBytes -= sent;
        qsizetype left = sent;
        while (left > 0) {
            const qsizetype rest = m_out[m_outHead].size() - m_outOffset;
            if (left < rest) {
                m_outOffset += left;
                break;
            }
            left -= rest;
            m_out[m_outHead++] = QByteArray(); // drop the reference now, not at compaction
            m_outOffset = 0;
        }
        if (m_outHead > 64 && m_outHead * 2 > m_out.size()) {
            m_out.erase(m_out.begin(), m_out.begin() + qsizetype(m_outHead));
            m_outHead = 0;
        }
    }
    if (m_fd < 0)
        return;
    m_out.clear();
    m_outHead = 0;
    m_outOffset = 0;
    if (m_out.capacity() > 16)
        std::vector<QByteArray>().swap(m_out);
    setWriteInterest(false);
    if (m_state == State::Draining) {
        if (!m_discardInput) {
            finish(m_closeCode, m_closeReason);
        } else if (!m_writeShutdown) {
            // Our Close is out; a FIN after it, and the rest of the peer's input read and
            // dropped until its FIN, so that no RST overtakes the Close frame.
            m_writeShutdown = true;
            ::shutdown(m_fd, SHUT_WR);
        }
    }
}

void WebSocket::setWriteInterest(bool on)
{
    if (!m_writeNotifier) {
        if (!on)
            return;
        m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
        connect(m_writeNotifier, &QSocketNotifier::activated, this, &WebSocket::flush);
    }
    if (m_writeNotifier->isEnabled() != on)
        m_writeNotifier->setEnabled(on);
}

void WebSocket::ping()
{
    if (m_state != State::Open || m_rawStream)
        return;
    m_pingSentMs = nowMs();
    send(pingFrame());
}

void WebSocket::close(int code, QByteArrayView reason)
{
    if (m_state != State::Open)
        return;
    if (m_rawStream) {
        fail(code, QString::fromUtf8(reason));
        return;
    }
    enqueue(ws::encodeCloseFrame(code, reason));
    startClosing(State::Closing, code, QString::fromUtf8(reason));
    flush();
}

void WebSocket::abort()
{
    if (m_state != State::Closed)
        finish(ws::closecode::abnormal, QStringLiteral("aborted"));
}

void WebSocket::retire(WebSocket *ws, bool graceful, int code, QByteArrayView reason)
{
    if (!ws)
        return;
    ws->m_handler = nullptr;
    ws->setParent(nullptr);
    ws->m_deleteWhenClosed = true;
    if (ws->m_state == State::Closed)
        ws->deleteLater();
    else if (!graceful)
        ws->abort();
    else
        ws->close(code, reason);
}

void WebSocket::refuse(WebSocket *ws, int code, QByteArrayView reason)
{
    ws->start();
    ws->close(code, reason);
    retire(ws, true);
}

void WebSocket::startClosing(State state, int code, const QString &reason)
{
    m_state = state;
    m_closeCode = code;
    m_closeReason = reason;
    m_message.clear();
    m_messageOpcode = 0;
    // A peer that never answers (or never stops sending) does not keep the descriptor.
    QTimer::singleShot(closeTimeoutMs, this, [this] {
        if (m_state != State::Closed)
            finish(m_closeCode, m_closeReason);
    });
}

void WebSocket::fail(int code, const QString &message)
{
    if (m_state == State::Closed)
        return;
    if (m_state != State::Open) {
        finish(m_closeCode, m_closeReason);
        return;
    }
    if (!m_rawStream)
        enqueue(ws::encodeCloseFrame(code, message.toUtf8()));
    m_discardInput = true;
    m_in = QByteArray();
    startClosing(State::Draining, code, message);
    flush();
}

void WebSocket::finish(int code, const QString &reason)
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    if (m_fd >= 0) {
        if (m_readNotifier)
            m_readNotifier->setEnabled(false);
        if (m_writeNotifier)
            m_writeNotifier->setEnabled(false);
        ::close(m_fd);
        m_fd = -1;
    }
    m_ticket.release();
    m_in = QByteArray();
    m_message = QByteArray();
    std::vector<QByteArray>().swap(m_out);
    m_outHead = 0;
    m_outOffset = 0;
    m_outBytes = 0;
    if (WebSocketHandler *handler = std::exchange(m_handler, nullptr))
        handler->onWebSocketClosed(*this, code, reason);
    if (m_deleteWhenClosed)
        deleteLater();
}

void WebSocket::onReadable()
{
    char *buffer = scratchBuffer();
    for (int round = 0; round < maxReadsPerWakeUp && m_fd >= 0; ++round) {
        const ssize_t n
            = retryInterrupted([&] { return ::recv(m_fd, buffer, size_t(readChunk), 0); });
        if (n > 0) {
            if (!m_discardInput)
                processInput(buffer, n);
            if (n < readChunk)
                break;
            continue;
        }
        if (n == 0) {
            // EOF: after a close handshake that is the normal end, otherwise the peer left.
            if (m_state == State::Open)
                finish(ws::closecode::abnormal, {});
            else
                finish(m_closeCode, m_closeReason);
            return;
        }
        if (wouldBlock())
            break;
        finish(ws::closecode::abnormal, QString::fromLocal8Bit(std::strerror(errno)));
        return;
    }
    flush(); // pongs, the answer to a Close, and whatever the handler queued
}

void WebSocket::processInput(char *data, qsizetype size)
{
    if (m_rawStream)
        return; // nothing is expected from the peer; only its EOF matters
    char *begin = data;
    if (!m_in.isEmpty()) {
        m_in.append(data, size);
        begin = m_in.data();
        size = m_in.size();
    }
    qsizetype pos = 0;
    while (m_state != State::Closed && !m_discardInput) {
        const quint64 allowance = quint64(qMax<qint64>(0, m_maxMessageBytes - m_message.size()));
        auto parsed
            = ws::parseClientFrameHeader(QByteArrayView(begin + pos, size - pos), allowance);
        if (!parsed.ok()) {
            const ws::FrameError &error = parsed.error();
            // The parser sees only what is left of this message's allowance; the client needs
            // the limit itself.
            fail(error.closeCode,
                 error.closeCode == ws::closecode::tooBig
                     ? QStringLiteral("message larger than %1 bytes").arg(m_maxMessageBytes)
                     : error.message);
            return;
        }
        if (!parsed.value())
            break;
        const ws::FrameHeader header = *parsed.value();
        const quint64 frameSize = quint64(header.headerLength) + header.payloadLength;
        if (quint64(size - pos) < frameSize)
            break;
        char *payload = begin + pos + header.headerLength;
        ws::unmask(payload, qsizetype(header.payloadLength), header.mask);
        pos += qsizetype(frameSize);
        handleFrame(header, payload); // may close or finish: m_in may be gone after it
    }
    if (m_state == State::Closed || m_discardInput)
        return;
    if (begin == data) {
        if (pos < size)
            m_in = QByteArray(begin + pos, size - pos);
    } else if (pos == size) {
        m_in = QByteArray(); // release the buffer: idle connections hold none
    } else if (pos > 0) {
        m_in.remove(0, pos);
    }
}

void WebSocket::handleFrame(const ws::FrameHeader &header, char *payload)
{
    const qsizetype length = qsizetype(header.payloadLength);
    switch (header.opcode) {
    case ws::Opcode::Ping:
        if (m_state != State::Open)
            return;
        if (m_pongBurst > 0 && !m_pongBucket.take(nowMs())) {
            // RFC 6455 lets a pong answer only the latest of several pings; a peer that
            // only pings, faster than requests are allowed, is told to stop.
            if (++m_pongsRefusedInARow >= m_pongBurst)
                fail(4029, QStringLiteral("rate limit exceeded repeatedly"));
            return;
        }
        m_pongsRefusedInARow = 0;
        enqueueBounded(ws::encodeFrame(ws::Opcode::Pong, QByteArrayView(payload, length)));
        return;
    case ws::Opcode::Pong:
        if (m_pingSentMs != 0 && m_state == State::Open) {
            const qint64 rtt = nowMs() - std::exchange(m_pingSentMs, 0);
            if (m_handler)
                m_handler->onWebSocketPong(*this, rtt);
        }
        return;
    case ws::Opcode::Close: {
        if (m_state != State::Open) {
            finish(m_closeCode, m_closeReason); // the answer to our Close
            return;
        }
        auto parsed = ws::parseClosePayload(QByteArrayView(payload, length));
        if (!parsed.ok()) {
            fail(parsed.error().closeCode, parsed.error().message);
            return;
        }
        const ws::CloseInfo &info = parsed.value();
        enqueue(info.code == ws::closecode::noStatus ? ws::encodeFrame(ws::Opcode::Close, {})
                                                     : ws::encodeCloseFrame(info.code, {}));
        startClosing(State::Draining, info.code, QString::fromUtf8(info.reason));
        return; // flushed (and finished) by onReadable
    }
    case ws::Opcode::Text:
    case ws::Opcode::Binary:
        if (m_state != State::Open)
            return;
        if (m_messageOpcode != 0) {
            fail(ws::closecode::protocolError,
                 QStringLiteral("a new message began inside a fragmented one"));
            return;
        }
        if (header.fin) {
            deliver(quint8(header.opcode), QByteArray(payload, length));
        } else {
            m_messageOpcode = quint8(header.opcode);
            m_message = QByteArray(payload, length);
        }
        return;
    case ws::Opcode::Continuation:
        if (m_state != State::Open)
            return;
        if (m_messageOpcode == 0) {
            fail(ws::closecode::protocolError,
                 QStringLiteral("a continuation frame without a message to continue"));
            return;
        }
        m_message.append(payload, length);
        if (header.fin)
            deliver(std::exchange(m_messageOpcode, 0), std::exchange(m_message, {}));
        return;
    }
}

void WebSocket::deliver(quint8 opcode, QByteArray message)
{
    if (opcode == quint8(ws::Opcode::Text)) {
        if (!ws::isValidUtf8(message)) {
            fail(ws::closecode::invalidPayload, QStringLiteral("text message is not valid UTF-8"));
            return;
        }
        if (m_handler)
            m_handler->onWebSocketText(*this, std::move(message));
    } else if (m_handler) {
        m_handler->onWebSocketBinary(*this, std::move(message));
    }
}

} // namespace notify
