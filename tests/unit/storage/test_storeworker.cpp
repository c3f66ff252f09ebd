// The writer's group commit (server/storage/storeworker.h) on a real SQLite file: inserts
// queued behind a busy writer are merged into transactions, small requests into small ones
// while commits are cheap and large requests into large ones, and each request still gets
// exactly its own rows back.
#include "server/storage/storeworker.h"

#include <QDir>
#include <QMutex>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <numeric>

using namespace notify;

namespace {

StoreConfig sqliteConfig(const QTemporaryDir &dir)
{
    StoreConfig config;
    config.engine = StoreConfig::Engine::Sqlite;
    config.sqlitePath = QDir(dir.path()).filePath(QStringLiteral("notify.db"));
    return config;
}

std::vector<NewNotification> drafts(int request, int rows)
{
    std::vector<NewNotification> items;
    for (int i = 0; i < rows; ++i) {
        NewNotification n;
        n.recipient = Recipient {QStringLiteral("o"), QStringLiteral("u%1").arg(i % 50)};
        n.content.type = QStringLiteral("T");
        n.content.title = QStringLiteral("request %1").arg(request);
        items.push_back(std::move(n));
    }
    return items;
}

} // namespace

class TestStoreWorker : public QObject
{
    Q_OBJECT

private slots:
    void groupsFollowTheFirstRequestsSize_data();
    void groupsFollowTheFirstRequestsSize();

private:
    // Queues `requests` behind a job that holds the writer, then returns the rows of each
    // transaction committed (a negative entry: what failed).
    QList<int> commitGroups(const QList<int> &requests, qint64 sliceCostLimitNs);
};

void TestStoreWorker::groupsFollowTheFirstRequestsSize_data()
{
    QTest::addColumn<QList<int>>("requests"); // rows per request, queued in this order
    QTest::addColumn<QList<int>>("groups"); // rows per committed transaction
    QTest::addColumn<qint64>("sliceCostLimitNs");

    const qint64 cheap = qint64(3600) * 1000'000'000; // any commit counts as cheap
    const qint64 dear = 1; // any measured commit counts as dear
    // Small requests (under 32 rows) share a transaction up to 32 rows; a large request
    // does not join a small group.
    QTest::newRow("small") << QList<int> {10, 10, 10, 10, 10, 10, 10, 100}
                           << QList<int> {30, 30, 10, 100} << cheap;
    QTest::newRow("single rows") << QList<int>(80, 1) << QList<int> {32, 32, 16} << cheap;
    // A group that starts with a large request takes what follows up to 2,000 rows.
    QTest::newRow("large") << QList<int> {100, 100, 100, 1, 10, 32} << QList<int> {343} << cheap;
    QTest::newRow("bound") << QList<int>(25, 100) << QList<int> {2000, 500} << cheap;
    // A request is never split, even one above the bound.
    QTest::newRow("oversize") << QList<int> {2500, 10} << QList<int> {2500, 10} << cheap;
    // With nothing measured yet the first group is a slice; once small groups are seen to
    // commit dearly, the writer takes everything queued, small requests too.
    QTest::newRow("small, dear commits")
        << QList<int> {10, 10, 10, 10, 10, 10, 10, 100} << QList<int> {30, 140} << dear;
    QTest::newRow("single rows, dear commits") << QList<int>(80, 1) << QList<int> {32, 48} << dear;
}

void TestStoreWorker::groupsFollowTheFirstRequestsSize()
{
    QFETCH(QList<int>, requests);
    QFETCH(QList<int>, groups);
    QFETCH(qint64, sliceCostLimitNs);
    QCOMPARE(commitGroups(requests, sliceCostLimitNs), groups);
}

QList<int> TestStoreWorker::commitGroups(const QList<int> &requests, qint64 sliceCostLimitNs)
{
    QTemporaryDir dir;
    if (!dir.isValid())
        return {-1};
    // The groups as the writer hands them to its commit sink; declared first, so that it
    // outlives the writer that calls it.
    struct GroupSizes : CommitSink
    {
        QMutex mutex;
        QList<int> sizes;
        std::vector<int> committed(const std::vector<InsertOutcome> &outcomes, qint64) override
        {
            QMutexLocker lock(&mutex);
            sizes.append(int(outcomes.size()));
            return {};
        }
    } sink;
    StoreWorker writer(sqliteConfig(dir), QStringLiteral("test-writer"));
    writer.setSliceCostLimit(sliceCostLimitNs);
    if (!writer.startAndOpen(true).ok())
        return {-2};

    writer.setCommitSink(&sink);
    QMutex &mutex = sink.mutex;
    QList<int> &committed = sink.sizes;

    // Hold the writer in a job so that every request below is queued when it looks.
    QSemaphore started;
    QSemaphore release;
    writer.post([&](Store &) {
        started.release();
        release.acquire();
    });
    if (!started.tryAcquire(1, 10000))
        return {-3};

    std::atomic<int> replies {0};
    std::atomic<int> wrong {0};
    for (int i = 0; i < requests.size(); ++i) {
        const int rows = requests[i];
        const QString title = QStringLiteral("request %1").arg(i);
        writer.postInsert(drafts(i, rows),
                          [&, rows, title](const StoreResult<StoreWorker::InsertReply> &r) {
                              bool ok = r.ok() && int(r.value().outcomes.size()) == rows;
                              if (ok) {
                                  for (const InsertOutcome &o : r.value().outcomes)
                                      ok = ok && o.notification.content.title == title;
                              }
                              if (!ok)
                                  ++wrong;
                              ++replies;
                          });
    }
    release.release();

    if (!QTest::qWaitFor([&] { return replies.load() == int(requests.size()); }, 30000))
        return {-4};
    if (wrong.load() != 0)
        return {-5};
    QMutexLocker lock(&mutex);
    if (std::accumulate(committed.begin(), committed.end(), 0)
        != std::accumulate(requests.begin(), requests.end(), 0)) {
        return {-6};
    }
    return committed;
}

QTEST_GUILESS_MAIN(TestStoreWorker)
#include "test_storeworker.moc"
