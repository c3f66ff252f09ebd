#include "net/acceptor.h"

#include "net/shard.h"

namespace notify {

Acceptor::Acceptor(std::vector<Shard *> shards, QObject *parent)
    : QTcpServer(parent)
    , m_shards(std::move(shards))
{
    setListenBacklogSize(kListenBacklog);
}

void Acceptor::incomingConnection(qintptr descriptor)
{
    m_shards[m_next]->adoptDescriptor(descriptor);
    m_next = (m_next + 1) % m_shards.size();
}

} // namespace notify
