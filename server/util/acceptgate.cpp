#include "server/util/acceptgate.h"

#include <QMutexLocker>

namespace notify {

AcceptGate::Ticket::Ticket(Ticket &&other) noexcept
    : m_state(std::move(other.m_state))
    , m_key(std::move(other.m_key))
    , m_pending(std::exchange(other.m_pending, false))
{ }

AcceptGate::Ticket &AcceptGate::Ticket::operator=(Ticket &&other) noexcept
{
    if (this != &other) {
        release();
        m_state = std::move(other.m_state);
        m_key = std::move(other.m_key);
        m_pending = std::exchange(other.m_pending, false);
    }
    return *this;
}

void AcceptGate::Ticket::authenticated()
{
    if (!m_state || !m_pending)
        return;
    QMutexLocker lock(&m_state->mutex);
    m_pending = false;
    if (m_key.isEmpty())
        return;
    auto it = m_state->pending.find(m_key);
    if (it != m_state->pending.end() && --it.value() <= 0)
        m_state->pending.erase(it);
}

bool AcceptGate::Ticket::chargeAddress(const QHostAddress &client)
{
    if (!m_state || !m_pending || !m_key.isEmpty())
        return true;
    const QByteArray key = addressKey(client);
    QMutexLocker lock(&m_state->mutex);
    const int max = m_state->limits.maxPendingPerAddress;
    auto it = m_state->pending.find(key);
    if (max > 0 && it != m_state->pending.end() && it.value() >= max)
        return false;
    if (it == m_state->pending.end())
        it = m_state->pending.insert(key, 0);
    ++it.value();
    m_key = key;
    return true;
}

void AcceptGate::Ticket::release()
{
    if (!m_state)
        return;
    authenticated();
    {
        QMutexLocker lock(&m_state->mutex);
        --m_state->open;
    }
    m_state.reset();
}

AcceptGate::AcceptGate()
    : AcceptGate(Limits {})
{ }

AcceptGate::AcceptGate(Limits limits)
    : m_state(std::make_shared<Ticket::State>())
{
    m_state->limits = limits;
}

AcceptGate::Limits AcceptGate::limits() const
{
    return m_state->limits;
}

QByteArray AcceptGate::addressKey(const QHostAddress &peer)
{
    bool isV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isV4);
    if (isV4)
        return QByteArray::number(v4);
    const Q_IPV6ADDR v6 = peer.toIPv6Address();
    return QByteArray(reinterpret_cast<const char *>(v6.c), 8);
}

AcceptGate::Ticket AcceptGate::admit(const QHostAddress &peer, Refusal *why,
                                     bool countAddress) const
{
    Ticket ticket;
    const QByteArray key = countAddress ? addressKey(peer) : QByteArray();
    Refusal refusal = Refusal::None;
    {
        QMutexLocker lock(&m_state->mutex);
        const Limits &l = m_state->limits;
        if (l.maxOpen > 0 && m_state->open >= l.maxOpen) {
            refusal = Refusal::Total;
        } else if (!countAddress) {
            ++m_state->open;
        } else {
            int &pending = m_state->pending[key];
            if (l.maxPendingPerAddress > 0 && pending >= l.maxPendingPerAddress) {
                refusal = Refusal::PerAddress;
            } else {
                ++pending;
                ++m_state->open;
            }
            if (pending == 0)
                m_state->pending.remove(key);
        }
    }
    if (why)
        *why = refusal;
    if (refusal == Refusal::None) {
        ticket.m_state = m_state;
        ticket.m_key = key;
        ticket.m_pending = true;
    }
    return ticket;
}

int AcceptGate::open() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->open;
}

int AcceptGate::pending(const QHostAddress &peer) const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->pending.value(addressKey(peer));
}

} // namespace notify
