// The WAL-batching VFS (shared/store/walbatchvfs.h): a commit's frames reach the WAL file in
// few write calls, and whatever another connection can see is in the file. The second
// connection opens on SQLite's plain "unix" VFS, so it reads the file itself, never the
// shim's buffer.
#include "shared/store/walbatchvfs.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace notify::storedetail;

namespace {

class Connection
{
public:
    Connection(const QString &path, const char *vfs)
    {
        m_rc = sqlite3_open_v2(path.toUtf8().constData(), &m_db,
                               SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
    }
    ~Connection() { sqlite3_close(m_db); }
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    bool ok() const { return m_rc == SQLITE_OK; }
    QString error() const { return QString::fromUtf8(sqlite3_errmsg(m_db)); }
    const char *vfsName() const
    {
        sqlite3_vfs *vfs = nullptr;
        sqlite3_file_control(m_db, "main", SQLITE_FCNTL_VFS_POINTER, &vfs);
        return vfs != nullptr ? vfs->zName : "";
    }

    bool exec(const char *sql)
    {
        char *message = nullptr;
        const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &message);
        if (rc != SQLITE_OK)
            qWarning("%s: %s", sql, message != nullptr ? message : "?");
        sqlite3_free(message);
        return rc == SQLITE_OK;
    }

    // The first column of the first row as text, or "error: ..." when the statement fails.
    QByteArray scalar(const char *sql)
    {
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v2(m_db, sql, -1, &stmt, nullptr) != SQLITE_OK)
            return "error: " + error().toUtf8();
        QByteArray value;
        const int rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW)
            value = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0));
        else if (rc != SQLITE_DONE)
            value = "error: " + error().toUtf8();
        sqlite3_finalize(stmt);
        return value;
    }

    // Rows of 3,000 random bytes, so that every row is most of a page: `count` rows are
    // about as many WAL frames.
    bool insertRows(int first, int count)
    {
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v2(m_db, "INSERT INTO t (k, v) VALUES (?, randomblob(3000))", -1, &stmt,
                               nullptr)
            != SQLITE_OK) {
            return false;
        }
        bool ok = true;
        for (int k = first; ok && k < first + count; ++k) {
            sqlite3_bind_int(stmt, 1, k);
            ok = sqlite3_step(stmt) == SQLITE_DONE;
            sqlite3_reset(stmt);
        }
        sqlite3_finalize(stmt);
        return ok;
    }

private:
    sqlite3 *m_db = nullptr;
    int m_rc = SQLITE_ERROR;
};

// Write system calls of this process so far (Linux's per-process I/O accounting).
qint64 writeCalls()
{
    QFile io(QStringLiteral("/proc/self/io"));
    if (!io.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : io.readAll().split('\n')) {
        if (line.startsWith("syscw:"))
            return line.mid(6).trimmed().toLongLong();
    }
    return -1;
}

} // namespace

class TestWalBatchVfs : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(installWalBatchingVfs());
        QCOMPARE(QByteArray(sqlite3_vfs_find(nullptr)->zName), QByteArray(walBatchingVfsName));
        QVERIFY(m_dir.isValid());
    }

    void init()
    {
        m_path = m_dir.filePath(QStringLiteral("%1.db").arg(++m_serial));
        m_writer = std::make_unique<Connection>(m_path, nullptr);
        QVERIFY2(m_writer->ok(), qPrintable(m_writer->error()));
        QCOMPARE(QByteArray(m_writer->vfsName()), QByteArray(walBatchingVfsName));
        QVERIFY(m_writer->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                               " PRAGMA wal_autocheckpoint = 0;"
                               " CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL)"));
        m_reader = std::make_unique<Connection>(m_path, "unix");
        QVERIFY2(m_reader->ok(), qPrintable(m_reader->error()));
    }

    void cleanup()
    {
        m_reader.reset();
        m_writer.reset();
    }

    void aCommitIsFewWriteCalls()
    {
        // 100 rows are about 100 frames: SQLite alone writes each with two calls.
        QVERIFY(m_writer->exec("BEGIN"));
        QVERIFY(m_writer->insertRows(0, 100));
        const qint64 before = writeCalls();
        QVERIFY(before >= 0);
        QVERIFY(m_writer->exec("COMMIT"));
        const qint64 calls = writeCalls() - before;
        QVERIFY2(calls < 20, qPrintable(QStringLiteral("%1 write calls").arg(calls)));
        QCOMPARE(m_reader->scalar("SELECT count(*) FROM t"), QByteArray("100"));
    }

    void everyCommitIsInTheFile()
    {
        // Commits of one frame up to several buffers' worth: each visible, whole, at once,
        // and written before its sync (a durable commit), not at the later barrier.
        const WalFlushCounts before = walFlushCounts();
        int rows = 0;
        for (int size : {1, 2, 30, 31, 32, 100, 3}) {
            QVERIFY(m_writer->exec("BEGIN"));
            QVERIFY(m_writer->insertRows(rows, size));
            QVERIFY(m_writer->exec("COMMIT"));
            rows += size;
            QCOMPARE(m_reader->scalar("SELECT count(*) FROM t"), QByteArray::number(rows));
            QCOMPARE(m_reader->scalar("SELECT sum(length(v)) FROM t"),
                     QByteArray::number(qint64(rows) * 3000));
        }
        QCOMPARE(walFlushCounts().beforeSync - before.beforeSync, 7ULL);
        QCOMPARE(walFlushCounts().atBarrier, before.atBarrier);
        QCOMPARE(m_reader->scalar("PRAGMA integrity_check"), QByteArray("ok"));
    }

    void aCommitWithoutSyncIsVisible()
    {
        // synchronous=OFF commits without syncing the WAL: the frames must still be in the
        // file before SQLite tells readers about them.
        QVERIFY(m_writer->exec("PRAGMA synchronous = OFF"));
        const WalFlushCounts before = walFlushCounts();
        for (int k = 0; k < 5; ++k) {
            QVERIFY(m_writer->insertRows(k, 1)); // one autocommit transaction each
            QCOMPARE(m_reader->scalar("SELECT max(k) FROM t"), QByteArray::number(k));
        }
        QCOMPARE(walFlushCounts().atBarrier - before.atBarrier, 5ULL);
        QCOMPARE(m_reader->scalar("PRAGMA integrity_check"), QByteArray("ok"));
    }

    void aSpilledTransactionRollsBack()
    {
        QVERIFY(m_writer->insertRows(0, 10));
        // A cache of 10 pages spills a large transaction into the WAL before its commit,
        // and SQLite reads those frames back while it goes on.
        QVERIFY(m_writer->exec("PRAGMA cache_size = 10"));
        QVERIFY(m_writer->exec("BEGIN"));
        QVERIFY(m_writer->insertRows(10, 300));
        QCOMPARE(m_writer->scalar("SELECT sum(k) FROM t WHERE k % 7 = 0"),
                 QByteArray::number(sumMultiplesOf7(310)));
        QVERIFY(m_writer->exec("ROLLBACK"));
        QCOMPARE(m_reader->scalar("SELECT count(*) FROM t"), QByteArray("10"));
        QVERIFY(m_writer->exec("BEGIN"));
        QVERIFY(m_writer->insertRows(10, 300));
        QVERIFY(m_writer->exec("COMMIT"));
        QCOMPARE(m_reader->scalar("SELECT count(*) FROM t"), QByteArray("310"));
        QCOMPARE(m_reader->scalar("PRAGMA integrity_check"), QByteArray("ok"));
    }

    void theLogStartsOverAfterACheckpoint()
    {
        QVERIFY(m_writer->insertRows(0, 50));
        QCOMPARE(m_writer->scalar("PRAGMA wal_checkpoint(RESTART)").left(1), QByteArray("0"));
        // The next commit writes the WAL from its header again, over the old frames.
        QVERIFY(m_writer->exec("BEGIN"));
        QVERIFY(m_writer->insertRows(50, 40));
        QVERIFY(m_writer->exec("COMMIT"));
        QCOMPARE(m_reader->scalar("SELECT count(*) FROM t"), QByteArray("90"));
        m_writer.reset();
        m_reader.reset();
        // Reopened on the plain VFS: the file alone holds everything.
        Connection again(m_path, "unix");
        QVERIFY(again.ok());
        QCOMPARE(again.scalar("SELECT count(*) FROM t"), QByteArray("90"));
        QCOMPARE(again.scalar("PRAGMA integrity_check"), QByteArray("ok"));
    }

private:
    static qint64 sumMultiplesOf7(int below)
    {
        qint64 total = 0;
        for (int k = 0; k < below; k += 7)
            total += k;
        return total;
    }

    QTemporaryDir m_dir;
    QString m_path;
    int m_serial = 0;
    std::unique_ptr<Connection> m_writer;
    std::unique_ptr<Connection> m_reader;
};

QTEST_GUILESS_MAIN(TestWalBatchVfs)
#include "test_walbatchvfs.moc"
