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
    virtual void committed(const std::vector<InsertOutcome> &outcomes, qint64 committedAtNs) = 0;
};

// For each created outcome of one committed group, its recipient's unread count right after
// it: the count after the whole group (what the store reports in unreadCountAfter) less that
// recipient's notifications later in the group; 0 for an outcome not created.
std::vector<qint64> unreadCountsAfterEach(const std::vector<InsertOutcome> &outcomes);

} // namespace notify
