#pragma once

#include "shared/store/store.h"

#include <QHash>
#include <QMutex>

#include <map>
#include <optional>
#include <vector>

namespace notify {

// Keeps each user's notification:new events in seq order on one node of a cluster.
//
// A node delivers its own commits at once (from the writer) and the other nodes' commits
// when their bus message arrives (from the bus thread). Per-user seq follows commit order
// across nodes, but the two paths race: a node may commit seq 6 for a user before it has
// read seq 5, committed on another node a moment earlier. The gate holds 6 until 5 has been
// delivered or is known to be gone (deleted), and reports the gap so that the bus thread
// reads the missing rows from the store at once. It also drops what was already delivered,
// which is what makes the catch-up after a bus outage deliver each notification once.
//
// Only users with a connection on this node are tracked (the caller forgets the others).
// The first notification seen for a user is held too: an earlier one may still be on its
// way (committed by another node a moment before, or by this node's writer). The bus
// thread then starts the user's sequence from the store (ClusterBus::fill): what was
// committed for the user in the last seconds before it, then it. Thread-safe.
class SeqGate
{
public:
    struct Item
    {
        InsertOutcome outcome; // unreadCountAfter: the count right after this notification
        qint64 committedAtNs = 0;
    };

    // Offers items of one user (any order) and declares every seq in [resolvedFrom,
    // resolvedTo] known: a seq there without an item was deleted and is skipped. Returns
    // what may now be delivered, in seq order; *gap is set when something is still held.
    // For a user not tracked yet, everything is held (and *gap set) unless start is true:
    // then the user's sequence starts at the lowest seq offered, held or resolved.
    std::vector<Item> offer(const Recipient &r, std::vector<Item> items, qint64 resolvedFrom,
                            qint64 resolvedTo, bool *gap, bool start = false);
    // The next seq this node has not delivered to the user yet (0: not started), and the
    // lowest seq held back (0: none).
    qint64 nextSeq(const Recipient &r, qint64 *lowestHeld = nullptr) const;
    void forget(const Recipient &r);
    std::vector<Recipient> tracked() const;

private:
    struct UserState
    {
        qint64 next = 0; // 0: not started (items wait in held)
        std::map<qint64, std::optional<Item>> held; // nullopt: known to be skipped
    };
    mutable QMutex m_mutex;
    QHash<Recipient, UserState> m_users;
};

} // namespace notify
