#include "server/shard/acceptor.h"

#include "server/log/logging.h"
#include "server/metrics/metrics.h"
#include "server/shard/shard.h"
#include "server/util/peeraddress.h"

#include <QDateTime>
#include <QLoggingCategory>

#include <sys/socket.h>
#include <unistd.h>

namespace notify {

Acceptor::Acceptor(std::vector<Shard *> shards, AcceptGate gate, Metrics &metrics, QObject *parent)
    : QObject(parent)
    , m_shards(std::move(shards))
    , m_gate(std::move(gate))
    , m_metrics(metrics)
    , m_listener([this](int descriptor) { accepted(descriptor); })
{
    m_listener.setPauseObserver([this](const QString &why, int retryMs) {
        bump(m_metrics.acceptPauses);
        qCWarning(lcNet).noquote()
            << "client port: accept failed (" + why + "); paused, retrying in" << retryMs << "ms";
    });
}

bool Acceptor::listen(const QHostAddress &address, quint16 port)
{
    return m_listener.listen(address, port, kListenBacklog);
}

void Acceptor::accepted(int descriptor)
{
    const QHostAddress address = peerAddressOf(descriptor);
    AcceptGate::Refusal why = AcceptGate::Refusal::None;
    AcceptGate::Ticket ticket = m_gate.admit(address, &why, !isTrustedProxy(m_trusted, address));
    if (!ticket) {
        // Closed before a byte is read: the cheapest answer, and one that holds nothing.
        bump(why == AcceptGate::Refusal::Total ? m_metrics.refusedTotal
                                               : m_metrics.refusedPerAddress);
        ::close(descriptor);
        return;
    }
    m_shards[m_next]->adoptDescriptor(descriptor, std::move(ticket),
                                      QDateTime::currentMSecsSinceEpoch());
    m_next = (m_next + 1) % m_shards.size();
}

} // namespace notify
