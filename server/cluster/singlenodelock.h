#pragma once

#include "shared/model/result.h"

#include <QString>

namespace notify {

// SQLite is single-node: a second notifyd on the same database file would commit fine but
// never deliver the first one's notifications to its own sockets (docs/operations.md,
// "Cluster"). An exclusive fcntl lock on "<database>.lock", held for the life of the
// process, makes the second one refuse to start instead. The kernel drops the lock when
// the process ends, however it ends, so a crash leaves nothing to clean up.
class SingleNodeLock
{
public:
    SingleNodeLock() = default;
    ~SingleNodeLock();
    SingleNodeLock(const SingleNodeLock &) = delete;
    SingleNodeLock &operator=(const SingleNodeLock &) = delete;

    // Locks the file next to sqlitePath; an error says which process holds it.
    Result<Done, QString> acquire(const QString &sqlitePath);

private:
    int m_fd = -1;
};

} // namespace notify
