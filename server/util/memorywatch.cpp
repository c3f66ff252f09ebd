#include "server/util/memorywatch.h"

#include <QByteArray>
#include <QFile>
#include <QList>

#include <unistd.h>

#include <algorithm>

namespace notify {

namespace {

// "max" and the huge numbers cgroup v1 writes for "no limit" mean none (0).
qint64 readLimitFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = file.readAll().trimmed();
    bool ok = false;
    const qint64 v = text.toLongLong(&ok);
    if (!ok || v <= 0 || v >= (qint64(1) << 62))
        return 0;
    return v;
}

qint64 smaller(qint64 a, qint64 b)
{
    if (a == 0)
        return b;
    if (b == 0)
        return a;
    return std::min(a, b);
}

// From the cgroup directory up to the hierarchy's root, the smallest of the files named.
qint64 smallestUpwards(const QString &mount, QString cgroupPath, const QStringList &files)
{
    qint64 limit = 0;
    for (;;) {
        const QString dir = mount + cgroupPath;
        for (const QString &f : files)
            limit = smaller(limit, readLimitFile(dir + QLatin1Char('/') + f));
        if (cgroupPath.isEmpty() || cgroupPath == QLatin1String("/"))
            break;
        cgroupPath.truncate(std::max(0, int(cgroupPath.lastIndexOf(QLatin1Char('/')))));
    }
    return limit;
}

} // namespace

MemoryWatch::MemoryWatch(qint64 configuredBytes, int highWaterPercent)
    : m_configured(configuredBytes)
    , m_high(highWaterPercent)
{ }

bool MemoryWatch::nextState(bool refusing, qint64 used, qint64 limit, int high, int low)
{
    if (limit <= 0)
        return false;
    if (refusing)
        return used * 100 >= limit * qint64(low);
    return used * 100 > limit * qint64(high);
}

qint64 MemoryWatch::cgroupLimit(const QByteArray &procCgroup, const QString &root)
{
    qint64 limit = 0;
    for (const QByteArray &line : procCgroup.split('\n')) {
        // hierarchy-ID:controller-list:cgroup-path
        const int first = line.indexOf(':');
        const int second = line.indexOf(':', first + 1);
        if (first < 0 || second < 0)
            continue;
        const QByteArray controllers = line.mid(first + 1, second - first - 1);
        const QString path = QString::fromUtf8(line.mid(second + 1));
        if (line.left(first) == "0" && controllers.isEmpty()) {
            // cgroup v2: mounted at the root (unified) or beside v1 at root/unified (hybrid).
            for (const QString &mount : {root, root + QStringLiteral("/unified")}) {
                if (QFile::exists(mount + QStringLiteral("/cgroup.controllers")))
                    limit = smaller(limit,
                                    smallestUpwards(mount, path,
                                                    {QStringLiteral("memory.max"),
                                                     QStringLiteral("memory.high")}));
            }
        } else if (controllers.split(',').contains("memory")) {
            limit = smaller(limit,
                            smallestUpwards(root + QStringLiteral("/memory"), path,
                                            {QStringLiteral("memory.limit_in_bytes")}));
        }
    }
    return limit;
}

qint64 MemoryWatch::processResidentBytes()
{
    // statm: size resident shared text lib data dt, in pages.
    QFile file(QStringLiteral("/proc/self/statm"));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = file.readAll().split(' ');
    if (fields.size() < 2)
        return 0;
    return fields[1].toLongLong() * qint64(::sysconf(_SC_PAGESIZE));
}

bool MemoryWatch::sample()
{
    qint64 limit = m_configured;
    if (limit < 0) {
        QFile self(QStringLiteral("/proc/self/cgroup"));
        limit = self.open(QIODevice::ReadOnly) ? cgroupLimit(self.readAll()) : 0;
    }
    const qint64 used = processResidentBytes();
    m_limit.store(limit, std::memory_order_relaxed);
    m_resident.store(used, std::memory_order_relaxed);
    const bool was = refusing();
    const bool now = nextState(was, used, limit, m_high, lowWaterPercent());
    m_refusing.store(now, std::memory_order_relaxed);
    return now != was;
}

QString MemoryWatch::reason() const
{
    const qint64 limit = limitBytes();
    const qint64 used = residentBytes();
    return QStringLiteral("the server is near its memory limit (%1 of %2 MiB in use, refusing "
                          "new connections above %3%, until below %4%); retry later")
        .arg(limit > 0 ? QStringLiteral("%1%").arg(used * 100 / limit) : QStringLiteral("?"))
        .arg(limit / (1024 * 1024))
        .arg(m_high)
        .arg(lowWaterPercent());
}

QByteArray MemoryWatch::prometheusText() const
{
    return "# HELP notify_memory_resident_bytes Resident memory of the process, sampled every "
           "second.\n# TYPE notify_memory_resident_bytes gauge\nnotify_memory_resident_bytes "
        + QByteArray::number(residentBytes())
        + "\n# HELP notify_memory_limit_bytes The memory limit new connections are refused near "
          "(--memory-limit or the cgroup's); 0: none.\n# TYPE notify_memory_limit_bytes "
          "gauge\nnotify_memory_limit_bytes "
        + QByteArray::number(limitBytes())
        + "\n# HELP notify_memory_refusing 1 while new client connections are refused for "
          "memory.\n# TYPE notify_memory_refusing gauge\nnotify_memory_refusing "
        + QByteArray(refusing() ? "1" : "0")
        + "\n# HELP notify_memory_refused_total Client connections refused for memory.\n# TYPE "
          "notify_memory_refused_total counter\nnotify_memory_refused_total "
        + QByteArray::number(refusals()) + '\n';
}

} // namespace notify
