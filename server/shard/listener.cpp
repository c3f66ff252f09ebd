#include "server/shard/listener.h"

#include <QSocketNotifier>

#include <cerrno>
#include <cstring>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace notify {

namespace {
// Connections taken per readiness report, so that a flood of them does not starve the
// rest of the thread's work; the level-triggered notifier reports the remainder.
constexpr int maxAcceptsPerWakeUp = 256;
} // namespace

Listener::Listener(Handler onAccepted, QObject *parent)
    : QObject(parent)
    , m_onAccepted(std::move(onAccepted))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &Listener::resume);
}

Listener::~Listener()
{
    close();
}

bool Listener::listen(const QHostAddress &address, quint16 port, int backlog)
{
    close();
    sockaddr_storage storage {};
    socklen_t length = 0;
    int family = AF_INET;
    bool dualStack = false;
    if (address == QHostAddress::Any || address.protocol() == QAbstractSocket::IPv6Protocol) {
        family = AF_INET6;
        dualStack = address == QHostAddress::Any;
        auto *a = reinterpret_cast<sockaddr_in6 *>(&storage);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = dualStack ? Q_IPV6ADDR {} : address.toIPv6Address();
        std::memcpy(&a->sin6_addr, bytes.c, 16);
        length = sizeof(sockaddr_in6);
    } else {
        auto *a = reinterpret_cast<sockaddr_in *>(&storage);
        a->sin_family = AF_INET;
        a->sin_port = htons(port);
        a->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof(sockaddr_in);
    }
    const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        m_error = QString::fromLocal8Bit(std::strerror(errno));
        return false;
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (family == AF_INET6) {
        const int v6only = dualStack ? 0 : 1;
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
    }
    if (::bind(fd, reinterpret_cast<sockaddr *>(&storage), length) != 0
        || ::listen(fd, backlog) != 0) {
        m_error = QString::fromLocal8Bit(std::strerror(errno));
        ::close(fd);
        return false;
    }
    sockaddr_storage bound {};
    socklen_t boundLength = sizeof bound;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&bound), &boundLength);
    m_port = ntohs(family == AF_INET6 ? reinterpret_cast<sockaddr_in6 *>(&bound)->sin6_port
                                      : reinterpret_cast<sockaddr_in *>(&bound)->sin_port);
    m_fd = fd;
    m_notifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &Listener::onReadable);
    return true;
}

void Listener::close()
{
    m_retry.stop();
    if (m_fd < 0)
        return;
    delete std::exchange(m_notifier, nullptr); // off before the number can be reused
    ::close(std::exchange(m_fd, -1));
}

// No UBSan vptr check in onReadable and resume: they run when the process is out of
// descriptors, where the check itself fails and reports live objects (see
// EpollEventDispatcher, docs/fuzzing.md).
__attribute__((no_sanitize("vptr"))) void Listener::resume()
{
    if (m_notifier)
        m_notifier->setEnabled(true);
}

__attribute__((no_sanitize("vptr"))) void Listener::onReadable()
{
    for (int i = 0; i < maxAcceptsPerWakeUp && m_fd >= 0; ++i) {
        const int fd = ::accept4(m_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            m_retryMs = minRetryMs;
            m_onAccepted(fd);
            continue;
        }
        switch (errno) {
        case EINTR:
        case ECONNABORTED: // the peer gave up while queued: take the next one
        case EPROTO:
            continue;
        case EMFILE:
        case ENFILE:
        case ENOBUFS:
        case ENOMEM: {
            m_notifier->setEnabled(false);
            const int wait = m_retryMs;
            m_retryMs = qMin(maxRetryMs, m_retryMs * 2);
            m_retry.start(wait);
            if (m_onPause)
                m_onPause(QString::fromLocal8Bit(std::strerror(errno)), wait);
            return;
        }
        default: // EAGAIN: nothing more queued
            return;
        }
    }
}

} // namespace notify
