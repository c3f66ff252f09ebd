#include "shared/store/sqlitefile.h"

#include "shared/store/store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace notify::sqlitefile {

namespace {

// One sqlite3 connection, closed on scope exit.
class Connection
{
public:
    Connection(const QString &path, int flags)
    {
        Store::prepareSqlite();
        rc = sqlite3_open_v2(QFile::encodeName(path).constData(), &db, flags, nullptr);
    }
    ~Connection() { sqlite3_close_v2(db); }
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    QString message() const
    {
        return db ? QString::fromUtf8(sqlite3_errmsg(db)) : QString::fromUtf8(sqlite3_errstr(rc));
    }
    int exec(const char *sql) { return rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr); }
    // The first column of each row, up to `limit` rows.
    QStringList rows(const char *sql, int limit)
    {
        QStringList out;
        sqlite3_stmt *stmt = nullptr;
        rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
        while (rc == SQLITE_OK || rc == SQLITE_ROW) {
            rc = sqlite3_step(stmt);
            if (rc != SQLITE_ROW)
                break;
            if (out.size() < limit)
                out.append(QString::fromUtf8(
                    reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0))));
        }
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
        sqlite3_finalize(stmt);
        return out;
    }

    sqlite3 *db = nullptr;
    int rc = SQLITE_OK;
};

bool damagedCode(int rc)
{
    return (rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT;
}

QString restoreHint()
{
    return QStringLiteral(
        "; restore it from a backup (docs/operations.md, \"Back up the SQLite database\")");
}

// fsync of a file or directory; false with errno set on failure.
bool syncPath(const QString &path, bool directory)
{
    const int fd = ::open(QFile::encodeName(path).constData(),
                          (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::fsync(fd) == 0;
    const int error = errno;
    ::close(fd);
    errno = error;
    return ok;
}

} // namespace

Result<bool, QString> preflight(const QString &path)
{
    const QFileInfo file(path);
    const QString dir = file.absolutePath();
    if (!file.exists()) {
        // A log without its database: starting would make a new, empty database beside it.
        if (QFileInfo::exists(path + QStringLiteral("-wal")))
            return QStringLiteral("the database %1 is missing but its write-ahead log %1-wal is "
                                  "there: put the database file back, or move %1-wal away to "
                                  "start with an empty database")
                .arg(path);
        // The store would make the directory; the lock file beside the database needs it first.
        if (!QDir().mkpath(dir))
            return QStringLiteral("cannot create the directory %1 for the database %2")
                .arg(dir, path);
        return false;
    }
    if (!file.isFile())
        return QStringLiteral("the database %1 is not a regular file").arg(path);
    if (::access(QFile::encodeName(dir).constData(), W_OK) != 0)
        return QStringLiteral("the directory %1 of the database %2 is not writable (%3): SQLite "
                              "keeps its write-ahead log there")
            .arg(dir, path, QString::fromLocal8Bit(std::strerror(errno)));

    // Read-write without create: SQLite falls back to read-only when the file refuses writes.
    Connection c(path, SQLITE_OPEN_READWRITE);
    if (c.rc != SQLITE_OK)
        return QStringLiteral("cannot open the database %1: %2").arg(path, c.message());
    if (sqlite3_db_readonly(c.db, "main") == 1)
        return QStringLiteral("the database %1 is read-only: its file or file system refuses "
                              "writes (check its owner and mode, and that its file system is "
                              "mounted read-write)")
            .arg(path);
    sqlite3_busy_timeout(c.db, 1000);
    // Reading the schema reads the header and the first pages: a file that is not a
    // database, or whose schema is damaged, fails here.
    c.rows("SELECT count(*) FROM sqlite_master", 1);
    if (damagedCode(c.rc))
        return QStringLiteral("the database %1 is damaged: %2").arg(path, c.message())
            + restoreHint();
    if (c.rc != SQLITE_OK && (c.rc & 0xff) != SQLITE_BUSY)
        return QStringLiteral("cannot read the database %1: %2").arg(path, c.message());
    return true;
}

Result<Done, QString> checkNotLocked(const QString &path, int timeoutMs)
{
    if (!QFileInfo::exists(path))
        return Done {};
    Connection c(path, SQLITE_OPEN_READWRITE);
    if (c.rc != SQLITE_OK)
        return QStringLiteral("cannot open the database %1: %2").arg(path, c.message());
    sqlite3_busy_timeout(c.db, timeoutMs);
    if (c.exec("BEGIN IMMEDIATE") != SQLITE_OK) {
        const int code = c.rc & 0xff;
        const QString message = c.message();
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
            return QStringLiteral("the database %1 is locked by another process (no write for "
                                  "%2 ms): %3; find it with: fuser %1")
                .arg(path)
                .arg(timeoutMs)
                .arg(message);
        if (damagedCode(c.rc))
            return QStringLiteral("the database %1 is damaged: %2").arg(path, message)
                + restoreHint();
        return QStringLiteral("cannot write the database %1: %2").arg(path, message);
    }
    c.exec("ROLLBACK");
    return Done {};
}

Result<Copied, QString> backup(const QString &source, const QString &target)
{
    if (!QFileInfo(source).isFile())
        return QStringLiteral("no database at %1").arg(source);
    if (QFileInfo::exists(target))
        return QStringLiteral("%1 exists: choose a new file (a backup never overwrites)")
            .arg(target);
    const QString partial = target + QStringLiteral(".partial");
    QFile::remove(partial);

    qint64 pages = 0;
    {
        Connection from(source, SQLITE_OPEN_READONLY);
        if (from.rc != SQLITE_OK)
            return QStringLiteral("cannot open %1: %2").arg(source, from.message());
        sqlite3_busy_timeout(from.db, 5000);
        Connection to(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        if (to.rc != SQLITE_OK)
            return QStringLiteral("cannot create %1: %2").arg(partial, to.message());
        sqlite3_backup *b = sqlite3_backup_init(to.db, "main", from.db, "main");
        if (!b)
            return QStringLiteral("cannot start the backup: %1").arg(to.message());
        // All pages in one step, within one read transaction of the source: a consistent
        // snapshot, whatever notifyd commits meanwhile. Copying in several steps would
        // start over after each of notifyd's commits and might never finish under load.
        int rc = SQLITE_OK;
        for (int attempt = 0; attempt < 50; ++attempt) {
            rc = sqlite3_backup_step(b, -1);
            if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
                break;
            sqlite3_sleep(100);
        }
        pages = sqlite3_backup_pagecount(b);
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE) {
            const QString message = QString::fromUtf8(sqlite3_errstr(rc));
            QFile::remove(partial);
            return QStringLiteral("the backup of %1 failed: %2").arg(source, message);
        }
        // The copy keeps the source's WAL mode; one file is what an operator moves around.
        to.exec("PRAGMA journal_mode = DELETE");
        const QStringList check = to.rows("PRAGMA quick_check", 10);
        if (to.rc != SQLITE_OK || check != QStringList {QStringLiteral("ok")}) {
            const QString found = to.rc != SQLITE_OK ? to.message() : check.join(u"; ");
            QFile::remove(partial);
            return QStringLiteral("the copy failed its check: %1").arg(found);
        }
    }
    if (!syncPath(partial, false))
        return QStringLiteral("cannot sync %1: %2")
            .arg(partial, QString::fromLocal8Bit(std::strerror(errno)));
    if (::rename(QFile::encodeName(partial).constData(), QFile::encodeName(target).constData())
        != 0) {
        return QStringLiteral("cannot rename %1 to %2: %3")
            .arg(partial, target, QString::fromLocal8Bit(std::strerror(errno)));
    }
    syncPath(QFileInfo(target).absolutePath(), true);
    return Copied {QStringLiteral("copied %1 pages (%2 bytes) of %3 to %4; quick_check ok")
                       .arg(pages)
                       .arg(QFileInfo(target).size())
                       .arg(source, target)};
}

} // namespace notify::sqlitefile
