// The SQLite database file in trouble, against the real notifyd binary: a damaged, locked or
// read-only database, or one missing beside its write-ahead log, stops the start with exit
// status 2 and one line naming the file and the problem (never a crash, never a new empty
// database); `notifyd check` says what it found; `notifyd backup` copies a running database,
// and the copy, restored, has every notification back (docs/operations.md, "When things
// fail" and "Back up the SQLite database").
#include "httpclient.h"
#include "notifydprocess.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>

using namespace notify::test;

namespace {

constexpr int userCount = 4;

struct Run
{
    int exitCode = -1;
    bool finished = false;
    QString out;
    QString err;
};

// notifyd with a subcommand or options, to its end (the event loop runs meanwhile, so that
// the test's own publishes go on).
Run runNotifyd(const QStringList &args, int ms = 30000)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("NOTIFY_JWT_SECRET"),
               QStringLiteral("test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"));
    env.insert(QStringLiteral("NOTIFY_API_KEYS"), QString::fromLatin1(processApiKey));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(NOTIFYD_BINARY), args);
    Run r;
    r.finished = p.waitForStarted(5000)
        && QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, ms);
    if (!r.finished) {
        p.kill();
        p.waitForFinished(5000);
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

// A start that must fail: exit status 2 and one line on stderr.
Run startMustFail(const QString &dataDir, int ms = 30000)
{
    return runNotifyd({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                       QStringLiteral("--api-listen"), QStringLiteral("127.0.0.1:0"),
                       QStringLiteral("--data-dir"), dataDir, QStringLiteral("--log-format"),
                       QStringLiteral("text")},
                      ms);
}

QString oneLine(const Run &r)
{
    const QStringList lines = r.err.trimmed().split(QLatin1Char('\n'));
    // The start-up log line (the configuration) comes first; the failure is the last line.
    return lines.isEmpty() ? QString() : lines.last();
}

QByteArray publishBody(int n)
{
    return QJsonDocument(QJsonObject {{QStringLiteral("orgId"), QStringLiteral("bk")},
                                      {QStringLiteral("userIds"),
                                       QJsonArray {QStringLiteral("u%1").arg(n % userCount)}},
                                      {QStringLiteral("type"), QStringLiteral("BACKUP")},
                                      {QStringLiteral("title"), QStringLiteral("n%1").arg(n)},
                                      {QStringLiteral("body"), QString(300, QLatin1Char('b'))}})
        .toJson(QJsonDocument::Compact);
}

// Publishes count notifications one at a time; returns the ids answered 201 by title.
QMap<QString, QString> publishSome(NotifydProcess &server, int from, int count)
{
    QNetworkAccessManager api;
    QMap<QString, QString> ids;
    for (int n = from; n < from + count; ++n) {
        const HttpResponse r = httpRequest(api, server.url(QStringLiteral("/api/v1/notifications")),
                                           "POST", publishBody(n), processApiKey);
        if (r.status == 201)
            ids.insert(QStringLiteral("n%1").arg(n), r.notificationIds().value(0));
    }
    return ids;
}

// Every notification of every user, by title: id and seq; seqs checked gap-free.
bool readAll(NotifydProcess &server, QMap<QString, QPair<QString, qint64>> *out, QString *why)
{
    QNetworkAccessManager api;
    for (int u = 0; u < userCount; ++u) {
        QList<qint64> seqs;
        qint64 beforeSeq = 0;
        for (int page = 0; page < 1000; ++page) {
            QString query
                = QStringLiteral("/api/v1/notifications?orgId=bk&userId=u%1&limit=100").arg(u);
            if (beforeSeq > 0)
                query += QStringLiteral("&beforeSeq=%1").arg(beforeSeq);
            const HttpResponse r = httpRequest(api, server.url(query), "GET", {}, processApiKey);
            if (r.status != 200) {
                *why = QStringLiteral("inbox read answered %1").arg(r.status);
                return false;
            }
            for (const QJsonValue &v : r.json.value(QStringLiteral("notifications")).toArray()) {
                const QJsonObject o = v.toObject();
                beforeSeq = o.value(QStringLiteral("seq")).toInteger();
                seqs.append(beforeSeq);
                out->insert(o.value(QStringLiteral("title")).toString(),
                            {o.value(QStringLiteral("id")).toString(), beforeSeq});
            }
            if (!r.json.value(QStringLiteral("hasMore")).toBool())
                break;
        }
        for (qsizetype i = 0; i < seqs.size(); ++i) {
            if (seqs[i] != seqs.size() - i) {
                *why = QStringLiteral("u%1's sequence has a gap at %2").arg(u).arg(seqs[i]);
                return false;
            }
        }
    }
    return true;
}

// Starts notifyd on dataDir, publishes count, stops it cleanly (SIGTERM): a database with
// rows, its log checkpointed into the file.
bool makeDatabase(const QString &dataDir, int count, QString *log)
{
    NotifydProcess server(dataDir);
    if (!server.waitListening()) {
        *log = server.log;
        return false;
    }
    if (publishSome(server, 0, count).size() != count)
        return false;
    server.process.terminate();
    if (!server.process.waitForFinished(15000))
        return false;
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("make"));
    db.setDatabaseName(QDir(dataDir).filePath(QStringLiteral("notify.db")));
    bool ok = db.open();
    if (ok) {
        QSqlQuery q(db);
        ok = q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("make"));
    return ok;
}

} // namespace

class TestStoreFiles : public QObject
{
    Q_OBJECT

private slots:
    void damagedDatabaseStopsTheStart();
    void missingDatabaseBesideItsLogStopsTheStart();
    void lockedDatabaseStopsTheStart();
    void readOnlyDatabaseStopsTheStart();
    void checkSaysWhatItFound();
    void backupOfARunningDatabaseRestoresEverything();
};

void TestStoreFiles::damagedDatabaseStopsTheStart()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("notify.db"));
    QByteArray garbage;
    for (int i = 0; i < 512; ++i)
        garbage += "this is not a database. ";
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(garbage);
    }
    const Run r = startMustFail(dir.path());
    QVERIFY(r.finished);
    QCOMPARE(r.exitCode, 2);
    const QString line = oneLine(r);
    QVERIFY2(line.contains(path) && line.contains(QLatin1String("damaged")), qPrintable(r.err));
    // Left as it was: not replaced, not "repaired" into an empty database.
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), garbage);

    const Run check
        = runNotifyd({QStringLiteral("check"), QStringLiteral("--data-dir"), dir.path()});
    QCOMPARE(check.exitCode, 1);
    QVERIFY2(check.out.contains(QLatin1String("damaged")), qPrintable(check.out + check.err));
}

void TestStoreFiles::missingDatabaseBesideItsLogStopsTheStart()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("notify.db"));
    {
        QFile wal(path + QStringLiteral("-wal"));
        QVERIFY(wal.open(QIODevice::WriteOnly));
        wal.write(QByteArray(4096, 'w'));
    }
    const Run r = startMustFail(dir.path());
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(oneLine(r).contains(path) && oneLine(r).contains(QLatin1String("missing")),
             qPrintable(r.err));
    QVERIFY(!QFile::exists(path));

    const Run check
        = runNotifyd({QStringLiteral("check"), QStringLiteral("--data-dir"), dir.path()});
    QCOMPARE(check.exitCode, 2);
    QVERIFY(!QFile::exists(path));
}

void TestStoreFiles::lockedDatabaseStopsTheStart()
{
    QTemporaryDir dir;
    QString log;
    QVERIFY2(makeDatabase(dir.path(), 3, &log), qPrintable(log));
    const QString path = dir.filePath(QStringLiteral("notify.db"));
    {
        // Another process's write transaction, as an operator's sqlite3 left open would be.
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("holder"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY2(q.exec(QStringLiteral("BEGIN IMMEDIATE")), qPrintable(q.lastError().text()));
        const Run r = startMustFail(dir.path());
        QVERIFY(r.finished);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(oneLine(r).contains(path) && oneLine(r).contains(QLatin1String("locked")),
                 qPrintable(r.err));
        QVERIFY(q.exec(QStringLiteral("ROLLBACK")));
        q = QSqlQuery();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("holder"));
    // Once the other process lets go, the start goes through.
    NotifydProcess server(dir.path());
    QVERIFY2(server.waitListening(), qPrintable(server.log));
}

void TestStoreFiles::readOnlyDatabaseStopsTheStart()
{
    QTemporaryDir base;
    QString dataDir = base.filePath(QStringLiteral("data"));
    QVERIFY(QDir().mkpath(dataDir));
    // root writes through file modes: a file system mounted read-only is what refuses it.
    const bool root = ::geteuid() == 0;
    bool mounted = false;
    const QByteArray mountPoint = QFile::encodeName(dataDir);
    if (root) {
        if (::mount("tmpfs", mountPoint.constData(), "tmpfs", 0, "size=8m") != 0)
            QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs: %1")
                                 .arg(QString::fromLocal8Bit(std::strerror(errno)))));
        mounted = true;
    }
    auto unmount = qScopeGuard([&] {
        if (mounted)
            ::umount2(mountPoint.constData(), MNT_DETACH);
    });
    QString log;
    QVERIFY2(makeDatabase(dataDir, 3, &log), qPrintable(log));
    const QString path = QDir(dataDir).filePath(QStringLiteral("notify.db"));
    if (root) {
        QVERIFY2(
            ::mount("tmpfs", mountPoint.constData(), "tmpfs", MS_REMOUNT | MS_RDONLY, "size=8m")
                == 0,
            std::strerror(errno));
    } else {
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0444) == 0);
        QVERIFY(::chmod(mountPoint.constData(), 0555) == 0);
    }
    const Run r = startMustFail(dataDir);
    if (!root)
        ::chmod(mountPoint.constData(), 0755);
    QVERIFY(r.finished);
    QCOMPARE(r.exitCode, 2);
    const QString line = oneLine(r);
    QVERIFY2(line.contains(path)
                 && (line.contains(QLatin1String("read-only"))
                     || line.contains(QLatin1String("not writable"))),
             qPrintable(r.err));
}

void TestStoreFiles::checkSaysWhatItFound()
{
    QTemporaryDir dir;
    QString log;
    QVERIFY2(makeDatabase(dir.path(), 40, &log), qPrintable(log));
    const QString path = dir.filePath(QStringLiteral("notify.db"));
    const QStringList checkArgs {QStringLiteral("check"), QStringLiteral("--data-dir"), dir.path()};

    const Run clean = runNotifyd(checkArgs);
    QCOMPARE(clean.exitCode, 0);
    QVERIFY2(clean.out.contains(QLatin1String("integrity_check: ok"))
                 && clean.out.contains(QLatin1String("40 notifications of 4 recipients"))
                 && clean.out.contains(QLatin1String("no problems found")),
             qPrintable(clean.out + clean.err));

    // A counter that disagrees with the rows.
    {
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("edit"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("UPDATE recipients SET unread_count = unread_count + 1"
                                      " WHERE user_id = 'u1'")));
        QVERIFY(q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
        q = QSqlQuery();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("edit"));
    const Run counted = runNotifyd(checkArgs);
    QCOMPARE(counted.exitCode, 1);
    QVERIFY2(counted.out.contains(QLatin1String(
                 "PROBLEM: 1 recipients whose unread count differs from their unread rows")),
             qPrintable(counted.out + counted.err));

    // Pages overwritten behind the first (the schema's): the engine's check finds it.
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        const qint64 size = f.size();
        QVERIFY(size > 4 * 4096);
        QVERIFY(f.seek(4096));
        QVERIFY(f.write(QByteArray(size - 4096, char(0xA5))) == size - 4096);
    }
    const Run damaged = runNotifyd(checkArgs);
    QCOMPARE(damaged.exitCode, 1);
    QVERIFY2(damaged.out.contains(QLatin1String("PROBLEM"))
                 || damaged.out.contains(QLatin1String("damaged")),
             qPrintable(damaged.out + damaged.err));
}

void TestStoreFiles::backupOfARunningDatabaseRestoresEverything()
{
    QTemporaryDir dir;
    auto server = std::make_unique<NotifydProcess>(dir.path());
    QVERIFY2(server->waitListening(), qPrintable(server->log));
    const QMap<QString, QString> before = publishSome(*server, 0, 200);
    QCOMPARE(before.size(), 200);

    // Publishing goes on while the backup runs.
    QNetworkAccessManager api;
    int next = 200, during = 0;
    bool stop = false;
    std::function<void()> publishNext = [&] {
        if (stop)
            return;
        QNetworkRequest req(server->url(QStringLiteral("/api/v1/notifications")));
        req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        req.setRawHeader("Authorization", "Bearer " + processApiKey);
        QNetworkReply *reply = api.post(req, publishBody(next++));
        QObject::connect(reply, &QNetworkReply::finished, [&, reply] {
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 201)
                ++during;
            reply->deleteLater();
            publishNext();
        });
    };
    publishNext();
    const QString copy = QDir(dir.path()).filePath(QStringLiteral("copy.db"));
    const Run backup = runNotifyd({QStringLiteral("backup"), QStringLiteral("--to"), copy,
                                   QStringLiteral("--data-dir"), dir.path()});
    QCOMPARE(backup.exitCode, 0);
    QVERIFY2(backup.out.contains(QLatin1String("quick_check ok")),
             qPrintable(backup.out + backup.err));
    stop = true;
    QVERIFY(QTest::qWaitFor([&] { return during > 0; }, 10000));
    QVERIFY(!QFile::exists(copy + QStringLiteral(".partial")));

    // A backup never overwrites.
    const Run again = runNotifyd({QStringLiteral("backup"), QStringLiteral("--to"), copy,
                                  QStringLiteral("--data-dir"), dir.path()});
    QCOMPARE(again.exitCode, 1);
    QVERIFY2(again.err.contains(QLatin1String("exists")), qPrintable(again.err));
    server.reset();

    // Restore: the copy as the database of a new data directory (docs/operations.md).
    QTemporaryDir restored;
    QVERIFY(QFile::copy(copy, restored.filePath(QStringLiteral("notify.db"))));
    const Run check
        = runNotifyd({QStringLiteral("check"), QStringLiteral("--data-dir"), restored.path()});
    QCOMPARE(check.exitCode, 0);
    server = std::make_unique<NotifydProcess>(restored.path());
    QVERIFY2(server->waitListening(), qPrintable(server->log));
    QMap<QString, QPair<QString, qint64>> stored;
    QString why;
    QVERIFY2(readAll(*server, &stored, &why), qPrintable(why));
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        QVERIFY2(stored.contains(it.key()), qPrintable(it.key()));
        QCOMPARE(stored.value(it.key()).first, it.value());
    }
    // What was published during the backup is in the copy up to one moment: a prefix.
    QVERIFY(stored.size() >= before.size());
    QVERIFY(stored.size() <= next);
    qInfo("before the backup: %d, during it: %d answered, in the copy: %d", int(before.size()),
          during, int(stored.size()));
}

QTEST_MAIN(TestStoreFiles)
#include "test_storefiles.moc"
