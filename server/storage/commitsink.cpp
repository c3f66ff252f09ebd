#include "server/storage/commitsink.h"

#include <QHash>

namespace notify {

std::vector<qint64> unreadCountsAfterEach(const std::vector<InsertOutcome> &outcomes)
{
    // Backwards through the group: a recipient's count after the group is in each of its
    // outcomes, and each earlier notification of that recipient had one fewer unread.
    QHash<Recipient, qint64> remaining;
    std::vector<qint64> countAfter(outcomes.size());
    for (size_t i = outcomes.size(); i-- > 0;) {
        const InsertOutcome &o = outcomes[i];
        if (!o.created)
            continue;
        auto it = remaining.find(o.notification.recipient);
        if (it == remaining.end())
            it = remaining.insert(o.notification.recipient, o.unreadCountAfter);
        countAfter[i] = *it;
        *it = qMax<qint64>(0, *it - 1);
    }
    return countAfter;
}

} // namespace notify
