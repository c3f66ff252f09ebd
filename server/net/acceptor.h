#pragma once

#include <QTcpServer>

#include <vector>

namespace notify {

class Shard;

// Pending connections the kernel queues per listening socket (capped by net.core.somaxconn).
// Qt's default of 50 overflows when hundreds of clients connect at once.
constexpr int kListenBacklog = 4096;

// Accepts on the client port in the main thread and hands each descriptor, untouched, to
// the next shard (round-robin); the shard's thread does the handshake and everything after.
class Acceptor : public QTcpServer
{
public:
    explicit Acceptor(std::vector<Shard *> shards, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    std::vector<Shard *> m_shards;
    size_t m_next = 0;
};

} // namespace notify
