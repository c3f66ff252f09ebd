#include "server/cluster/seqgate.h"

#include <algorithm>

namespace notify {

namespace {
// A user's held seqs are bounded: past this, the oldest gap is given up (skipped) rather
// than holding a growing backlog for a seq that never comes.
constexpr size_t maxHeld = 4096;
} // namespace

std::vector<SeqGate::Item> SeqGate::offer(const Recipient &r, std::vector<Item> items,
                                          qint64 resolvedFrom, qint64 resolvedTo, bool *gap,
                                          bool start)
{
    std::sort(items.begin(), items.end(), [](const Item &a, const Item &b) {
        return a.outcome.notification.seq < b.outcome.notification.seq;
    });
    QMutexLocker lock(&m_mutex);
    UserState &state = m_users[r];
    if (state.next == 0 && !start) {
        for (Item &item : items) {
            const qint64 seq = item.outcome.notification.seq;
            auto [it, inserted] = state.held.try_emplace(seq, std::move(item));
            if (!inserted && !it->second)
                it->second = std::move(item);
        }
        if (gap)
            *gap = true;
        return {};
    }
    if (state.next == 0) {
        qint64 first = resolvedFrom;
        if (!items.empty())
            first = first > 0 ? std::min(first, items.front().outcome.notification.seq)
                              : items.front().outcome.notification.seq;
        if (!state.held.empty())
            first = first > 0 ? std::min(first, state.held.begin()->first)
                              : state.held.begin()->first;
        state.next = std::max<qint64>(1, first);
    }
    for (Item &item : items) {
        const qint64 seq = item.outcome.notification.seq;
        if (seq < state.next)
            continue;
        // A row read back from the store does not replace the item its own commit offered
        // (which carries the exact unread count).
        auto [it, inserted] = state.held.try_emplace(seq, std::move(item));
        if (!inserted && !it->second)
            it->second = std::move(item);
    }
    for (qint64 seq = std::max(resolvedFrom, state.next); resolvedFrom > 0 && seq <= resolvedTo;
         ++seq) {
        state.held.try_emplace(seq, std::nullopt);
    }

    std::vector<Item> out;
    auto release = [&] {
        while (!state.held.empty() && state.held.begin()->first <= state.next) {
            auto node = state.held.extract(state.held.begin());
            if (node.key() == state.next) {
                if (node.mapped())
                    out.push_back(std::move(*node.mapped()));
                ++state.next;
            }
        }
    };
    release();
    while (state.held.size() > maxHeld) {
        state.next = state.held.begin()->first;
        release();
    }
    if (gap)
        *gap = !state.held.empty();
    return out;
}

qint64 SeqGate::nextSeq(const Recipient &r, qint64 *lowestHeld) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_users.constFind(r);
    if (lowestHeld)
        *lowestHeld = (it == m_users.cend() || it->held.empty()) ? 0 : it->held.begin()->first;
    return it == m_users.cend() ? 0 : it->next;
}

void SeqGate::forget(const Recipient &r)
{
    QMutexLocker lock(&m_mutex);
    m_users.remove(r);
}

std::vector<Recipient> SeqGate::tracked() const
{
    QMutexLocker lock(&m_mutex);
    std::vector<Recipient> out;
    out.reserve(size_t(m_users.size()));
    for (auto it = m_users.cbegin(); it != m_users.cend(); ++it)
        out.push_back(it.key());
    return out;
}

} // namespace notify
