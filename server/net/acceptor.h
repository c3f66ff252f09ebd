#pragma once

#include "net/acceptgate.h"

#include <QTcpServer>
#include <QTimer>

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
// address on unauthenticated ones); a refused one is closed at once. When accept() fails for
// lack of descriptors (EMFILE, ENFILE, ENOBUFS) or any other reason QTcpServer stops
// accepting for good; here it pauses and retries on a timer instead, never spinning.
class Acceptor : public QTcpServer
{
public:
    Acceptor(std::vector<Shard *> shards, AcceptGate gate, Metrics &metrics,
             QObject *parent = nullptr);

    static constexpr int minRetryMs = 50;
    static constexpr int maxRetryMs = 1000;

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void onAcceptError(QAbstractSocket::SocketError error);

    std::vector<Shard *> m_shards;
    AcceptGate m_gate;
    Metrics &m_metrics;
    size_t m_next = 0;
    QTimer m_retry;
    int m_retryMs = minRetryMs;
};

} // namespace notify
