#pragma once

#include "shared/store/store.h"

#include <vector>

namespace notify {

// The hop from the store to delivery: what the writer hands each committed group of new
// notifications to, on the writer thread right after the commit and before the jobs'
// callbacks, so nothing is pushed before it is durable. One sink per node, chosen once at
// start-up (server/app/server.cpp): the DeliveryHub on a single node, the ClusterNode on a
// cluster (which puts the group in order with the other nodes' commits, then hands it to the
// hub). docs/architecture.md, "One notification", names it.
class CommitSink
{
public:
    virtual ~CommitSink() = default;
    // Every outcome of the group, created or not (a duplicate idempotency key is not); each
    // created one's unreadCountAfter is its recipient's count right after that notification.
    // Returns, per outcome, the connections of this node it went to (0 for one not created),
    // or nothing when that is decided later (a cluster orders the group first): the publish
    // answer's deliveredConnections, without naming the rooms a second time.
    virtual std::vector<int> committed(const std::vector<InsertOutcome> &outcomes,
                                       qint64 committedAtNs)
        = 0;
};

} // namespace notify
