#pragma once

#include <QHash>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <vector>

namespace notify {

// Node-wide membership counts: room name → live connections in it, across all shards.
// The shards keep the real member lists on their own threads; this is only the tally the
// API (presence, deliveredConnections, stats) and the per-user connection limit need.
class RoomDirectory
{
public:
    // Joins rooms[0] (the user's room) only if it has fewer than limit members (limit <= 0:
    // no limit), then the other rooms. false: the limit was reached, nothing joined.
    bool tryJoin(const QStringList &rooms, int limit);
    void leave(const QStringList &rooms);

    int members(const QString &room) const;
    int roomCount() const;
    // For each room, whether it has a member (one lock for all: the writer asks per commit).
    std::vector<bool> occupied(const std::vector<QString> &rooms) const;
    // Sum of members over rooms (a connection in two of them counts twice).
    int membersOf(const QStringList &rooms) const;
    QHash<QString, int> snapshot() const;

private:
    mutable QMutex m_mutex;
    QHash<QString, int> m_counts;
};

} // namespace notify
