#pragma once

// Helpers of the hostile-client suite: an attacker on a raw POSIX socket (no Qt buffering,
// so that "never reads" really leaves the bytes in the kernel), client frames, a parser for
// the server's frames, Engine.IO polling by hand and the process's resident memory. Every
// wait is on a condition with a timeout (QTest::qWaitFor), never a sleep.

#include "testserver.h"

#include <QFile>
#include <QRandomGenerator>
#include <QtEndian>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace notify::test {

// A resident-set figure of this process (or of `pid`) from /proc/<pid>/status, in KiB.
inline qint64 statusKiB(const char *field, qint64 pid = 0)
{
    QFile f(pid > 0 ? QStringLiteral("/proc/%1/status").arg(pid)
                    : QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field) + 1).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}
inline qint64 rssKiB(qint64 pid = 0)
{
    return statusKiB("VmRSS", pid);
}

// A masked client frame with the shortest length form.
inline QByteArray clientFrame(quint8 b0, QByteArrayView payload)
{
    QByteArray out;
    out.append(char(b0));
    const quint64 n = quint64(payload.size());
    if (n < 126) {
        out.append(char(0x80 | n));
    } else if (n <= 0xFFFF) {
        out.append(char(0x80 | 126));
        char be[2];
        qToBigEndian(quint16(n), be);
        out.append(be, 2);
    } else {
        out.append(char(0x80 | 127));
        char be[8];
        qToBigEndian(n, be);
        out.append(be, 8);
    }
    const char key[4] = {0x11, 0x22, 0x33, 0x44};
    out.append(key, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        out.append(char(payload[i] ^ key[i % 4]));
    return out;
}

constexpr quint8 kFin = 0x80;
constexpr quint8 kText = 0x1;
constexpr quint8 kBinary = 0x2;
constexpr quint8 kClose = 0x8;
constexpr quint8 kPing = 0x9;
constexpr quint8 kPong = 0xA;

struct ServerFrame
{
    quint8 opcode = 0;
    QByteArray payload;
    int closeCode() const
    {
        return payload.size() >= 2 ? qFromBigEndian<quint16>(payload.constData()) : 1005;
    }
};

// The server's frames in `in` (after the 101 head); stops at an incomplete frame.
inline QList<ServerFrame> parseServerFrames(QByteArrayView in)
{
    QList<ServerFrame> frames;
    const qsizetype headEnd = in.indexOf("\r\n\r\n");
    qsizetype pos = headEnd < 0 ? 0 : headEnd + 4;
    for (;;) {
        if (in.size() - pos < 2)
            return frames;
        const auto *p = reinterpret_cast<const uchar *>(in.data() + pos);
        quint64 length = p[1] & 0x7F;
        qsizetype header = 2;
        if (length == 126) {
            if (in.size() - pos < 4)
                return frames;
            length = qFromBigEndian<quint16>(p + 2);
            header = 4;
        } else if (length == 127) {
            if (in.size() - pos < 10)
                return frames;
            length = qFromBigEndian<quint64>(p + 2);
            header = 10;
        }
        if (quint64(in.size() - pos - header) < length)
            return frames;
        frames.append(ServerFrame {quint8(p[0] & 0x0F),
                                   in.sliced(pos + header, qsizetype(length)).toByteArray()});
        pos += header + qsizetype(length);
    }
}

inline std::optional<ServerFrame> closeFrameOf(const QList<ServerFrame> &frames)
{
    for (const ServerFrame &f : frames) {
        if (f.opcode == kClose)
            return f;
    }
    return std::nullopt;
}

inline QByteArray wsHandshake(const QByteArray &target)
{
    return "GET " + target
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

inline QByteArray httpRequest(const QByteArray &method, const QByteArray &target,
                              const QByteArray &body = {}, bool close = true)
{
    return method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + (close ? QByteArray("Connection: close\r\n") : QByteArray())
        + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

// A TCP client on a bare non-blocking descriptor from `source` (any 127.0.0.0/8 address
// works on Linux loopback). It writes without ever blocking and reads only when told to.
class RawConn
{
public:
    explicit RawConn(quint16 port, const char *source = "127.0.0.1", int receiveBuffer = 0)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (receiveBuffer > 0)
            ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
        sockaddr_in from {};
        from.sin_family = AF_INET;
        ::inet_pton(AF_INET, source, &from.sin_addr);
        ::bind(m_fd, reinterpret_cast<sockaddr *>(&from), sizeof from);
        sockaddr_in to {};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
        // Loopback: the kernel completes the handshake whether or not notifyd accepts yet.
        connected = ::connect(m_fd, reinterpret_cast<sockaddr *>(&to), sizeof to) == 0;
        ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    }
    ~RawConn()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    RawConn(const RawConn &) = delete;
    RawConn &operator=(const RawConn &) = delete;

    int fd() const { return m_fd; }

    // What the kernel takes now; -1 once the connection is gone.
    qint64 writeSome(QByteArrayView bytes)
    {
        const ssize_t n = ::send(m_fd, bytes.data(), size_t(bytes.size()), MSG_NOSIGNAL);
        if (n >= 0)
            return n;
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    }
    // All of it, waiting for the kernel to take it; false when the connection went away.
    bool writeAll(QByteArrayView bytes, int ms = 10000)
    {
        qsizetype done = 0;
        bool gone = false;
        const bool ok = QTest::qWaitFor(
            [&] {
                const qint64 n = writeSome(bytes.sliced(done));
                gone = n < 0;
                done += qMax<qint64>(0, n);
                return gone || done == bytes.size();
            },
            ms);
        return ok && !gone;
    }
    // Appends what has arrived; sets `ended` at EOF or a reset.
    void readAvailable()
    {
        char buffer[65536];
        for (;;) {
            const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                in.append(buffer, n);
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
                ended = true;
            return;
        }
    }
    bool waitEnded(int ms = 10000)
    {
        return QTest::qWaitFor(
            [&] {
                readAvailable();
                return ended;
            },
            ms);
    }
    bool waitFor(const std::function<bool()> &condition, int ms = 10000)
    {
        return QTest::qWaitFor(
            [&] {
                readAvailable();
                return condition();
            },
            ms);
    }
    // Whether the kernel would take more within `ms` (a wait on the descriptor, not a sleep).
    bool writableWithin(int ms)
    {
        pollfd p {m_fd, POLLOUT, 0};
        return ::poll(&p, 1, ms) > 0 && (p.revents & POLLOUT);
    }

    QByteArray in;
    bool ended = false;
    bool connected = false;

private:
    int m_fd = -1;
};

// The status line's code of the first response in `raw`, 0 if none yet.
inline int statusOf(QByteArrayView raw)
{
    return raw.startsWith("HTTP/1.1 ") && raw.size() >= 12 ? raw.sliced(9, 3).toInt() : 0;
}

// Engine.IO: the handshake GET on its own connection; the sid, empty when refused.
inline QByteArray openPollingSession(quint16 port, const char *source = "127.0.0.1",
                                     int *status = nullptr)
{
    RawConn c(port, source);
    c.writeAll(httpRequest("GET", "/socket.io/?EIO=4&transport=polling"));
    c.waitEnded();
    if (status)
        *status = statusOf(c.in);
    const qsizetype at = c.in.indexOf("\"sid\":\"");
    return statusOf(c.in) == 200 && at > 0 ? c.in.mid(at + 7, 20) : QByteArray();
}

inline QByteArray pollingTarget(const QByteArray &sid)
{
    return "/socket.io/?EIO=4&transport=polling&sid=" + sid;
}

// One request on its own connection; the whole raw response.
inline QByteArray roundTrip(quint16 port, const QByteArray &request,
                            const char *source = "127.0.0.1")
{
    RawConn c(port, source);
    c.writeAll(request);
    c.waitEnded();
    return c.in;
}

} // namespace notify::test
