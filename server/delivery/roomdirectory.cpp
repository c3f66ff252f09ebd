#include "server/delivery/roomdirectory.h"

namespace notify {

bool RoomDirectory::tryJoin(const QStringList &rooms, int limit)
{
    QMutexLocker lock(&m_mutex);
    if (!rooms.isEmpty() && limit > 0 && m_counts.value(rooms.first()) >= limit)
        return false;
    for (const QString &room : rooms)
        ++m_counts[room];
    return true;
}

void RoomDirectory::leave(const QStringList &rooms)
{
    QMutexLocker lock(&m_mutex);
    for (const QString &room : rooms) {
        auto it = m_counts.find(room);
        if (it == m_counts.end())
            continue;
        if (--it.value() <= 0)
            m_counts.erase(it);
    }
}

int RoomDirectory::members(const QString &room) const
{
    QMutexLocker lock(&m_mutex);
    return m_counts.value(room);
}

std::vector<bool> RoomDirectory::occupied(const std::vector<QString> &rooms) const
{
    std::vector<bool> out(rooms.size());
    QMutexLocker lock(&m_mutex);
    for (size_t i = 0; i < rooms.size(); ++i)
        out[i] = !rooms[i].isEmpty() && m_counts.contains(rooms[i]);
    return out;
}

int RoomDirectory::roomCount() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_counts.size());
}

int RoomDirectory::membersOf(const QStringList &rooms) const
{
    QMutexLocker lock(&m_mutex);
    int total = 0;
    for (const QString &room : rooms)
        total += m_counts.value(room);
    return total;
}

QHash<QString, int> RoomDirectory::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    return m_counts;
}

} // namespace notify
