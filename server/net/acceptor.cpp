#include "net/acceptor.h"

#include "log/logging.h"
#include "metrics/metrics.h"
#include "net/shard.h"

#include <QDateTime>
#include <QLoggingCategory>

#include <sys/socket.h>
#include <unistd.h>

namespace notify {

Acceptor::Acceptor(std::vector<Shard *> shards, AcceptGate gate, Metrics &metrics,
                   QObject *parent)
    : QTcpServer(parent)
    , m_shards(std::move(shards))
    , m_gate(std::move(gate))
    , m_metrics(metrics)
{
    setListenBacklogSize(kListenBacklog);
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, [this] {
        if (isListening())
            resumeAccepting();
    });
    connect(this, &QTcpServer::acceptError, this, &Acceptor::onAcceptError);
}

void Acceptor::incomingConnection(qintptr descriptor)
{
    m_retryMs = minRetryMs;
    sockaddr_storage peer {};
    socklen_t length = sizeof peer;
    QHostAddress address;
    if (::getpeername(int(descriptor), reinterpret_cast<sockaddr *>(&peer), &length) == 0)
        address.setAddress(reinterpret_cast<const sockaddr *>(&peer));
    AcceptGate::Refusal why = AcceptGate::Refusal::None;
    AcceptGate::Ticket ticket = m_gate.admit(address, &why);
    if (!ticket) {
        // Closed before a byte is read: the cheapest answer, and one that holds nothing.
        bump(why == AcceptGate::Refusal::Total ? m_metrics.refusedTotal
                                               : m_metrics.refusedPerAddress);
        ::close(int(descriptor));
        return;
    }
    m_shards[m_next]->adoptDescriptor(descriptor, std::move(ticket),
                                      QDateTime::currentMSecsSinceEpoch());
    m_next = (m_next + 1) % m_shards.size();
}

void Acceptor::onAcceptError(QAbstractSocket::SocketError error)
{
    // QTcpServer has paused accepting. The pending connections stay queued in the kernel;
    // try again once descriptors may have been freed, backing off while it keeps failing.
    bump(m_metrics.acceptPauses);
    qCWarning(lcNet) << "client port: accept failed (" << error << errorString()
                     << "); retrying in" << m_retryMs << "ms";
    m_retry.start(m_retryMs);
    m_retryMs = qMin(maxRetryMs, m_retryMs * 2);
}

} // namespace notify
