#pragma once

#include <QByteArray>
#include <QString>

#include <atomic>

namespace notify {

// Keeps notifyd below its memory limit (docs/operations.md, "Memory limits"): sampled from a
// timer on the main thread (never per accept), it compares the process's resident memory with
// the limit, and above the high-water mark tells the client port to refuse new connections
// with a reason (WebSocket close 1013, HTTP 503 `memory_limit`) until the use falls below the
// low-water mark (ten points lower), so that the kernel's OOM killer never has to end the
// process and the connections already open keep working.
//
// The limit is --memory-limit, or with `auto` (the default) the smallest memory.max /
// memory.high (cgroup v2) or memory.limit_in_bytes (cgroup v1) of the process's cgroup and
// its ancestors, re-read at every sample so that `systemctl set-property notifyd
// MemoryMax=...` applies without a restart. No limit found: nothing is refused.
class MemoryWatch
{
public:
    // configuredBytes: > 0 a fixed limit, 0 off, -1 auto (the cgroup's).
    MemoryWatch(qint64 configuredBytes, int highWaterPercent);

    // Main thread. Reads the limit and the resident size; true when refusal began or ended.
    bool sample();

    // Any thread.
    bool refusing() const { return m_refusing.load(std::memory_order_relaxed); }
    qint64 limitBytes() const { return m_limit.load(std::memory_order_relaxed); }
    qint64 residentBytes() const { return m_resident.load(std::memory_order_relaxed); }
    int highWaterPercent() const { return m_high; }
    int lowWaterPercent() const { return m_high - 10; }
    // What a refused client and /readyz are told.
    QString reason() const;
    // A counter of refused connections, for /metrics.
    void countRefusal() { m_refused.fetch_add(1, std::memory_order_relaxed); }
    quint64 refusals() const { return m_refused.load(std::memory_order_relaxed); }
    // The notify_memory_* lines of /metrics.
    QByteArray prometheusText() const;
    // The error code of a refusal (HTTP 503) and of /readyz meanwhile.
    static QString refusalCode() { return QStringLiteral("memory_limit"); }

    // The hysteresis: refusing from above high% of the limit until below low%.
    static bool nextState(bool refusing, qint64 used, qint64 limit, int high, int low);
    // The smallest memory limit of the cgroup named in procCgroup (the text of
    // /proc/self/cgroup) and its ancestors, under the cgroup file systems at root; 0: none.
    static qint64 cgroupLimit(const QByteArray &procCgroup,
                              const QString &root = QStringLiteral("/sys/fs/cgroup"));
    // This process's resident set size (/proc/self/statm), in bytes; 0 when unknown.
    static qint64 processResidentBytes();

private:
    const qint64 m_configured;
    const int m_high;
    std::atomic<bool> m_refusing {false};
    std::atomic<qint64> m_limit {0};
    std::atomic<qint64> m_resident {0};
    std::atomic<quint64> m_refused {0};
};

} // namespace notify
