#include "server/delivery/roomdirectory.h"

namespace notify {

bool RoomDirectory::tryJoin(const QStringList &rooms, int limit, int shard)
{
    Q_ASSERT(shard >= 0 && shard < maxShards);
    QMutexLocker lock(&m_mutex);
    if (!rooms.isEmpty() && limit > 0 && m_rooms.value(rooms.first()).members >= limit)
        return false;
    if (size_t(shard) >= m_perShard.size())
        m_perShard.resize(size_t(shard) + 1);
    QHash<QString, int> &mine = m_perShard[size_t(shard)];
    for (const QString &room : rooms) {
        Entry &entry = m_rooms[room];
        ++entry.members;
        if (++mine[room] == 1)
            entry.shards |= ShardMask(1) << shard;
    }
    return true;
}

void RoomDirectory::leave(const QStringList &rooms, int shard)
{
    QMutexLocker lock(&m_mutex);
    if (size_t(shard) >= m_perShard.size())
        return;
    QHash<QString, int> &mine = m_perShard[size_t(shard)];
    for (const QString &room : rooms) {
        auto here = mine.find(room);
        auto it = m_rooms.find(room);
        if (here == mine.end() || it == m_rooms.end())
            continue;
        if (--here.value() <= 0) {
            mine.erase(here);
            it->shards &= ~(ShardMask(1) << shard);
        }
        if (--it->members <= 0)
            m_rooms.erase(it);
    }
}

int RoomDirectory::members(const QString &room) const
{
    QMutexLocker lock(&m_mutex);
    return m_rooms.value(room).members;
}

std::vector<RoomDirectory::ShardMask> RoomDirectory::holders(const std::vector<QString> &rooms,
                                                             std::vector<int> *members) const
{
    std::vector<ShardMask> out(rooms.size());
    if (members)
        members->assign(rooms.size(), 0);
    QMutexLocker lock(&m_mutex);
    for (size_t i = 0; i < rooms.size(); ++i) {
        if (rooms[i].isEmpty())
            continue;
        const auto it = m_rooms.constFind(rooms[i]);
        if (it != m_rooms.cend()) {
            out[i] = it->shards;
            if (members)
                (*members)[i] = it->members;
        }
    }
    return out;
}

int RoomDirectory::roomCount() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_rooms.size());
}

int RoomDirectory::membersOf(const QStringList &rooms) const
{
    QMutexLocker lock(&m_mutex);
    int total = 0;
    for (const QString &room : rooms)
        total += m_rooms.value(room).members;
    return total;
}

QHash<QString, int> RoomDirectory::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    QHash<QString, int> counts;
    counts.reserve(m_rooms.size());
    for (auto it = m_rooms.cbegin(); it != m_rooms.cend(); ++it)
        counts.insert(it.key(), it->members);
    return counts;
}

} // namespace notify
