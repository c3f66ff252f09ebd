// MemoryWatch (docs/operations.md, "Memory limits"): the limit found in a cgroup tree the test
// writes (v1 and v2 layouts, a parent's limit smaller than the child's, "max" and v1's
// "no limit" number), and the hysteresis between the high- and low-water marks.
#include "server/util/memorywatch.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace notify;

namespace {
void put(const QString &path, const QByteArray &text)
{
    QVERIFY(QDir().mkpath(QFileInfo(path).path()));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}
} // namespace

class TestMemoryWatch : public QObject
{
    Q_OBJECT
private slots:
    void cgroupV2TakesTheSmallestUpwards()
    {
        QTemporaryDir root;
        put(root.filePath("cgroup.controllers"), "memory pids\n");
        put(root.filePath("system.slice/memory.max"), "2147483648\n");
        put(root.filePath("system.slice/notifyd.service/memory.max"), "max\n");
        put(root.filePath("system.slice/notifyd.service/memory.high"), "939524096\n");
        QCOMPARE(MemoryWatch::cgroupLimit("0::/system.slice/notifyd.service\n", root.path()),
                 qint64(939524096));
        put(root.filePath("system.slice/memory.max"), "104857600\n");
        QCOMPARE(MemoryWatch::cgroupLimit("0::/system.slice/notifyd.service\n", root.path()),
                 qint64(104857600));
    }
    void cgroupV2UnderHybridMount()
    {
        QTemporaryDir root;
        put(root.filePath("unified/cgroup.controllers"), "\n");
        put(root.filePath("unified/app/memory.max"), "536870912\n");
        QCOMPARE(MemoryWatch::cgroupLimit("1:name=systemd:/app\n0::/app\n", root.path()),
                 qint64(536870912));
    }
    void cgroupV1()
    {
        QTemporaryDir root;
        put(root.filePath("memory/memory.limit_in_bytes"), "9223372036854771712\n");
        put(root.filePath("memory/box/memory.limit_in_bytes"), "9223372036854771712\n");
        QCOMPARE(MemoryWatch::cgroupLimit("4:memory:/box\n0::/\n", root.path()), qint64(0));
        put(root.filePath("memory/box/memory.limit_in_bytes"), "268435456\n");
        QCOMPARE(MemoryWatch::cgroupLimit("4:memory:/box\n0::/\n", root.path()), qint64(268435456));
        QCOMPARE(MemoryWatch::cgroupLimit("4:cpu,memory:/box\n", root.path()), qint64(268435456));
    }
    void noCgroup()
    {
        QTemporaryDir root;
        QCOMPARE(MemoryWatch::cgroupLimit("", root.path()), qint64(0));
        QCOMPARE(MemoryWatch::cgroupLimit("0::/x\n", root.path()), qint64(0));
    }
    void hysteresis()
    {
        QVERIFY(!MemoryWatch::nextState(false, 90, 100, 90, 80));
        QVERIFY(MemoryWatch::nextState(false, 91, 100, 90, 80));
        QVERIFY(MemoryWatch::nextState(true, 85, 100, 90, 80));
        QVERIFY(MemoryWatch::nextState(true, 80, 100, 90, 80));
        QVERIFY(!MemoryWatch::nextState(true, 79, 100, 90, 80));
        QVERIFY(!MemoryWatch::nextState(true, 1000, 0, 90, 80)); // no limit: never
    }
    void configuredLimitAndFigures()
    {
        MemoryWatch tiny(1024 * 1024, 90); // below any process's resident size
        QVERIFY(tiny.sample());
        QVERIFY(tiny.refusing());
        QCOMPARE(tiny.limitBytes(), qint64(1024 * 1024));
        QVERIFY(tiny.residentBytes() > 1024 * 1024);
        QVERIFY(tiny.reason().contains(QLatin1String("memory limit")));
        QVERIFY(tiny.prometheusText().contains("notify_memory_refusing 1\n"));
        QVERIFY(!tiny.sample()); // no change
        MemoryWatch off(0, 90);
        QVERIFY(!off.sample());
        QVERIFY(!off.refusing());
    }
};

QTEST_GUILESS_MAIN(TestMemoryWatch)
#include "test_memorywatch.moc"
