#pragma once

#include <QHash>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <limits>
#include <vector>

namespace notify {

// Node-wide membership counts: room name → live connections in it, across all shards, and
// which shards hold them. The shards keep the real member lists on their own threads; this
// is only the tally the API (presence, deliveredConnections, stats), the per-user
// connection limit and the routing of deliveries to shards need.
class RoomDirectory
{
public:
    // Shards are numbered from 0 (the hub's sinks, in order); a mask has one bit per shard.
    using ShardMask = std::uint64_t;
    static constexpr int maxShards = std::numeric_limits<ShardMask>::digits;

    // Joins rooms[0] (the user's room) only if it has fewer than limit members (limit <= 0:
    // no limit), then the other rooms, for a connection of `shard`. false: the limit was
    // reached, nothing joined.
    bool tryJoin(const QStringList &rooms, int limit, int shard = 0);
    void leave(const QStringList &rooms, int shard = 0);

    int members(const QString &room) const;
    int roomCount() const;
    // For each room, the shards with a member in it, 0 for none (one lock for all: the
    // writer asks per commit), and when asked, its members.
    std::vector<ShardMask> holders(const std::vector<QString> &rooms,
                                   std::vector<int> *members = nullptr) const;
    // Sum of members over rooms (a connection in two of them counts twice).
    int membersOf(const QStringList &rooms) const;
    QHash<QString, int> snapshot() const;

private:
    struct Entry
    {
        int members = 0;
        ShardMask shards = 0;
    };
    mutable QMutex m_mutex;
    QHash<QString, Entry> m_rooms;
    // Per shard: room → that shard's members, to know when a shard no longer holds a room.
    std::vector<QHash<QString, int>> m_perShard;
};

} // namespace notify
