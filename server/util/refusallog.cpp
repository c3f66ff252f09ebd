#include "server/util/refusallog.h"

#include <QMutexLocker>

namespace notify {

namespace {
// Bounds what a client controls (its user agent, origin and claims) in the ring.
constexpr int maxFieldChars = 200;
} // namespace

void RefusalLog::record(Refusal refusal)
{
    for (QString *field : {&refusal.origin, &refusal.userAgent, &refusal.orgId, &refusal.userId,
                           &refusal.remoteAddress})
        field->truncate(maxFieldChars);
    if (!refusal.at.isValid())
        refusal.at = QDateTime::currentDateTimeUtc();
    const QMutexLocker lock(&m_mutex);
    if (int(m_ring.size()) >= capacity)
        m_ring.pop_front();
    m_ring.push_back(std::move(refusal));
    ++m_total;
}

std::vector<Refusal> RefusalLog::recent(const QString &orgId, const QString &userId,
                                        int limit) const
{
    std::vector<Refusal> out;
    const QMutexLocker lock(&m_mutex);
    for (auto it = m_ring.rbegin(); it != m_ring.rend() && int(out.size()) < limit; ++it) {
        if ((!orgId.isEmpty() && it->orgId != orgId) || (!userId.isEmpty() && it->userId != userId))
            continue;
        out.push_back(*it);
    }
    return out;
}

quint64 RefusalLog::total() const
{
    const QMutexLocker lock(&m_mutex);
    return m_total;
}

} // namespace notify
