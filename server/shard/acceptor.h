#pragma once

#include "server/shard/listener.h"
#include "server/util/acceptgate.h"

#include <QObject>

#include <vector>

namespace notify {

class Metrics;
class Shard;

// Pending connections the kernel queues per listening socket (capped by net.core.somaxconn).
// Qt's default of 50 overflows when hundreds of clients connect at once.
constexpr int kListenBacklog = 4096;

// Accepts on the client port in the main thread and hands each descriptor, untouched, to
// the next shard (round-robin); the shard's thread does the handshake and everything after.
// Every descriptor first passes the gate (a total cap below the descriptor limit, a cap per
// address on unauthenticated ones); a refused one is closed at once, before a byte is read.
// At the descriptor limit the Listener pauses and retries instead of spinning.
class Acceptor : public QObject
{
public:
    Acceptor(std::vector<Shard *> shards, AcceptGate gate, Metrics &metrics,
             QObject *parent = nullptr);

    // Sockets from these peers are admitted without counting against their address: their
    // requests name the client (HttpConnection charges the ticket then).
    void setTrustedProxies(QList<QPair<QHostAddress, int>> ranges)
    {
        m_trusted = std::move(ranges);
    }
    bool listen(const QHostAddress &address, quint16 port);
    void close() { m_listener.close(); }
    quint16 serverPort() const { return m_listener.serverPort(); }
    QString errorString() const { return m_listener.errorString(); }

private:
    void accepted(int descriptor);

    std::vector<Shard *> m_shards;
    AcceptGate m_gate;
    Metrics &m_metrics;
    QList<QPair<QHostAddress, int>> m_trusted;
    size_t m_next = 0;
    Listener m_listener;
};

} // namespace notify
