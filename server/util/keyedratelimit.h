#pragma once

#include "server/util/tokenbucket.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QHash>
#include <QMutex>
#include <QMutexLocker>

namespace notify {

// A token bucket per key (a client credential), shared by every thread that takes from it
// (docs/security.md, "The user's routes on the client port"). Keys are stored as their SHA-1,
// so a long credential costs 20 bytes here and its text is never kept. Bounded: past maxKeys
// the buckets that have refilled (idle for burst/rate seconds) are dropped; if none has, the
// map is cleared, which only ever lets requests through, never refuses a well-behaved key.
class KeyedRateLimit
{
public:
    KeyedRateLimit(double ratePerSecond, int burst, qsizetype maxKeys = 65536)
        : m_rate(ratePerSecond)
        , m_burst(burst)
        , m_maxKeys(maxKeys)
    { }

    // true: the request may pass (one token of key's bucket taken). Any thread.
    bool take(QByteArrayView key, qint64 nowMs)
    {
        if (m_rate <= 0)
            return true;
        const QByteArray digest = QCryptographicHash::hash(key, QCryptographicHash::Sha1);
        QMutexLocker lock(&m_mutex);
        auto it = m_buckets.find(digest);
        if (it == m_buckets.end()) {
            if (m_buckets.size() >= m_maxKeys)
                prune(nowMs);
            it = m_buckets.insert(digest, Entry {});
            it->bucket.configure(m_rate, m_burst, nowMs);
        }
        it->lastMs = nowMs;
        return it->bucket.take(nowMs);
    }

    qsizetype size() const
    {
        QMutexLocker lock(&m_mutex);
        return m_buckets.size();
    }

private:
    struct Entry
    {
        TokenBucket bucket;
        qint64 lastMs = 0;
    };

    void prune(qint64 nowMs)
    {
        const qint64 refillMs = qint64(1000.0 * m_burst / m_rate) + 1;
        m_buckets.removeIf([&](const auto &it) { return nowMs - it.value().lastMs > refillMs; });
        if (m_buckets.size() >= m_maxKeys)
            m_buckets.clear();
    }

    double m_rate;
    int m_burst;
    qsizetype m_maxKeys;
    mutable QMutex m_mutex;
    QHash<QByteArray, Entry> m_buckets;
};

} // namespace notify
