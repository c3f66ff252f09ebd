// The SQLite database in trouble while notifyd runs, against the real binary (test_storefiles
// covers the same troubles at start):
// - locked: another process (this test, through its own connection) holds the database's
//   write lock. Publishes answer 503 storage_locked within --store-timeout, /readyz and
//   /metrics say why, reads go on (WAL), and once the lock is let go publishing resumes by
//   itself; every 201 is complete, counts and sequences exact, nothing refused is stored.
// - damaged: the root pages of the notifications table and its indexes overwritten in the
//   file. The reads and writes that touch them answer 503 storage_damaged, /readyz and
//   /metrics say so until a restart, the process stays up; `notifyd check` afterwards
//   reports it, and the operator's restore of a `notifyd backup` copy brings back every
//   notification published before it (docs/operations.md, "When things fail").
// SQLite keeps pages in each connection's cache, so the damage is made deterministic: the
// write-ahead log is checkpointed and truncated first (a TRUNCATE checkpoint rewrites the
// WAL index's header, which makes every connection of notifyd drop its cached pages at its
// next transaction), then the bytes are overwritten in the database file itself.
#include "httpclient.h"
#include "notifydprocess.h"
#include "storedinboxes.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <memory>

using namespace notify::test;

namespace {

constexpr int userCount = 4;
constexpr int storeTimeoutMs = 2000;

QByteArray body(int n, const QString &org, const QString &user)
{
    return QJsonDocument(QJsonObject {{QStringLiteral("orgId"), org},
                                      {QStringLiteral("userIds"), QJsonArray {user}},
                                      {QStringLiteral("type"), QStringLiteral("FAULT")},
                                      {QStringLiteral("title"), QStringLiteral("n%1").arg(n)},
                                      {QStringLiteral("body"), QString(500, QLatin1Char('b'))}})
        .toJson(QJsonDocument::Compact);
}

struct Run
{
    int exitCode = -1;
    QString out;
};

// notifyd with a subcommand, to its end.
Run runNotifyd(const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("NOTIFY_JWT_SECRET"),
               QStringLiteral("test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"));
    env.insert(QStringLiteral("NOTIFY_API_KEYS"), QString::fromLatin1(processApiKey));
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral(NOTIFYD_BINARY), args);
    Run r;
    if (!p.waitForStarted(5000)
        || !QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 60000)) {
        p.kill();
        p.waitForFinished(5000);
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAll());
    return r;
}

// One server and what it answered 201, by id: the title.
class Publisher
{
public:
    Publisher(NotifydProcess &server, QString org)
        : m_server(server)
        , m_org(std::move(org))
    { }

    HttpResponse publish()
    {
        const int n = m_next++;
        const HttpResponse r
            = httpRequest(m_api, m_server.url(QStringLiteral("/api/v1/notifications")), "POST",
                          body(n, m_org, QStringLiteral("u%1").arg(n % userCount)), processApiKey);
        note(r, n);
        return r;
    }
    // count publishes at once (one group for the writer), each answer in answers.
    void publishAtOnce(int count, std::vector<HttpResponse> *answers, std::vector<qint64> *ms)
    {
        int left = count;
        for (int i = 0; i < count; ++i) {
            const int n = m_next++;
            QNetworkRequest req(m_server.url(QStringLiteral("/api/v1/notifications")));
            req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
            req.setRawHeader("Authorization", "Bearer " + processApiKey);
            auto timer = std::make_shared<QElapsedTimer>();
            timer->start();
            QNetworkReply *reply
                = m_api.post(req, body(n, m_org, QStringLiteral("u%1").arg(n % userCount)));
            QObject::connect(reply, &QNetworkReply::finished, [=, this, &left] {
                HttpResponse r;
                r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                r.body = reply->readAll();
                r.json = QJsonDocument::fromJson(r.body).object();
                r.retryAfter = reply->rawHeader("Retry-After");
                note(r, n);
                answers->push_back(r);
                ms->push_back(timer->elapsed());
                reply->deleteLater();
                --left;
            });
        }
        (void)QTest::qWaitFor([&] { return left == 0; }, 60000);
    }
    HttpResponse get(const QString &pathAndQuery)
    {
        return httpRequest(m_api, m_server.url(pathAndQuery), "GET", {}, processApiKey);
    }

    // Every inbox holds exactly what was answered 201, complete, with gap-free sequences.
    QString checkInboxes()
    {
        return checkStoredInboxes(m_api, m_server, m_org, userCount, stored, 500);
    }

    std::map<QString, QString> stored; // id -> title, every publish answered 201
    std::map<QString, int> perUser; // user -> publishes answered 201

private:
    void note(const HttpResponse &r, int n)
    {
        if (r.status != 201)
            return;
        for (const QJsonValue &v : r.json.value(QStringLiteral("notifications")).toArray())
            stored[v.toObject().value(QStringLiteral("id")).toString()]
                = QStringLiteral("n%1").arg(n);
        ++perUser[QStringLiteral("u%1").arg(n % userCount)];
    }

    NotifydProcess &m_server;
    QString m_org;
    QNetworkAccessManager m_api;
    int m_next = 0;
};

// A connection of this process to the database, beside the running notifyd (as an
// operator's sqlite3 would be).
class Beside
{
public:
    explicit Beside(const QString &path, const QString &name)
        : m_name(name)
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.open();
    }
    ~Beside()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }

private:
    QString m_name;
};

} // namespace

class TestStoreRunning : public QObject
{
    Q_OBJECT

private slots:
    void lockedWhileRunning();
    void damagedWhileRunning();
};

void TestStoreRunning::lockedWhileRunning()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("notify.db"));
    NotifydProcess server(
        dir.path(),
        {QStringLiteral("--store-timeout"), QStringLiteral("%1ms").arg(storeTimeoutMs)});
    QVERIFY2(server.waitListening(), qPrintable(server.log));
    Publisher p(server, QStringLiteral("lk"));
    for (int i = 0; i < 20; ++i)
        QCOMPARE(p.publish().status, 201);

    Beside holder(path, QStringLiteral("holder"));
    QVERIFY2(holder.db().isOpen(), qPrintable(holder.db().lastError().text()));
    {
        // Another process takes the write lock and keeps it, as an sqlite3 shell left in a
        // transaction would.
        QSqlQuery q(holder.db());
        QVERIFY2(q.exec(QStringLiteral("BEGIN EXCLUSIVE")), qPrintable(q.lastError().text()));
        QVERIFY2(q.exec(QStringLiteral("UPDATE schema_migrations SET applied_at = applied_at")),
                 qPrintable(q.lastError().text()));
    }

    // One at a time, then many at once: each refused, naming the lock, within the timeout.
    qint64 slowestMs = 0;
    for (int i = 0; i < 3; ++i) {
        QElapsedTimer t;
        t.start();
        const HttpResponse r = p.publish();
        slowestMs = qMax(slowestMs, t.elapsed());
        QVERIFY2(r.status == 503 && r.code() == QStringLiteral("storage_locked"),
                 qPrintable(QStringLiteral("%1 %2").arg(r.status).arg(QString::fromUtf8(r.body))));
        QVERIFY(r.retryAfter.toInt() > 0);
    }
    std::vector<HttpResponse> answers;
    std::vector<qint64> ms;
    p.publishAtOnce(12, &answers, &ms);
    QCOMPARE(answers.size(), size_t(12));
    for (size_t i = 0; i < answers.size(); ++i) {
        QVERIFY2(answers[i].status == 503 && answers[i].code() == QStringLiteral("storage_locked"),
                 qPrintable(QStringLiteral("%1 %2")
                                .arg(answers[i].status)
                                .arg(QString::fromUtf8(answers[i].body))));
        slowestMs = qMax(slowestMs, ms[i]);
    }
    // No hang: within the timeout, with a margin for a loaded machine's scheduling.
    QVERIFY2(slowestMs < storeTimeoutMs + 1500, qPrintable(QString::number(slowestMs)));
    qInfo("slowest refusal while locked: %lld ms (--store-timeout %d ms)", slowestMs,
          storeTimeoutMs);

    const HttpResponse ready = p.get(QStringLiteral("/readyz"));
    QCOMPARE(ready.status, 503);
    QCOMPARE(ready.code(), QStringLiteral("storage_locked"));
    QVERIFY2(ready.message().contains(QLatin1String("locked")), ready.body.constData());
    const HttpResponse metrics = p.get(QStringLiteral("/metrics"));
    QVERIFY2(metrics.body.contains("notify_store_fault{kind=\"locked\"} 1\n"),
             metrics.body.constData());
    QCOMPARE(p.get(QStringLiteral("/healthz")).status, 200);
    QCOMPARE(server.process.state(), QProcess::Running);
    // Reads go on beside another process's write transaction (WAL).
    QString problem = p.checkInboxes();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    // The other process lets go: publishing resumes by itself, and readiness with it.
    {
        QSqlQuery q(holder.db());
        QVERIFY2(q.exec(QStringLiteral("ROLLBACK")), qPrintable(q.lastError().text()));
    }
    const HttpResponse resumed = p.publish();
    QVERIFY2(resumed.status == 201,
             qPrintable(
                 QStringLiteral("%1 %2").arg(resumed.status).arg(QString::fromUtf8(resumed.body))));
    QTRY_COMPARE_WITH_TIMEOUT(p.get(QStringLiteral("/readyz")).status, 200, 10000);
    QVERIFY(
        p.get(QStringLiteral("/metrics")).body.contains("notify_store_fault{kind=\"locked\"} 0\n"));
    for (int i = 0; i < 5; ++i)
        QCOMPARE(p.publish().status, 201);
    QCOMPARE(p.stored.size(), size_t(26));
    problem = p.checkInboxes();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    // The counters committed with the rows are exact; nothing refused left a row behind.
    QSqlQuery q(holder.db());
    for (const auto &[user, count] : p.perUser) {
        QVERIFY(q.prepare(QStringLiteral("SELECT last_seq, unread_count FROM recipients"
                                         " WHERE org_id = 'lk' AND user_id = ?")));
        q.addBindValue(user);
        QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), count);
        QCOMPARE(q.value(1).toInt(), count);
    }
    QVERIFY(q.exec(QStringLiteral("SELECT (SELECT COUNT(*) FROM notifications),"
                                  " (SELECT COUNT(*) FROM notification_contents)")));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toInt(), int(p.stored.size()));
    QCOMPARE(q.value(1).toInt(), int(p.stored.size()));
}

void TestStoreRunning::damagedWhileRunning()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("notify.db"));
    auto server = std::make_unique<NotifydProcess>(dir.path());
    QVERIFY2(server->waitListening(), qPrintable(server->log));
    auto p = std::make_unique<Publisher>(*server, QStringLiteral("dm"));
    for (int i = 0; i < 40; ++i)
        QCOMPARE(p->publish().status, 201);
    const std::map<QString, QString> backedUp = p->stored;
    const QString copy = QDir(dir.path()).filePath(QStringLiteral("backup.db"));
    const Run backup = runNotifyd({QStringLiteral("backup"), QStringLiteral("--to"), copy,
                                   QStringLiteral("--data-dir"), dir.path()});
    QVERIFY2(backup.exitCode == 0, qPrintable(backup.out));

    // Where the notifications table and its indexes begin, then every page in the file
    // itself (the WAL checkpointed into it and truncated).
    QList<qint64> roots;
    qint64 pageSize = 0;
    {
        Beside editor(path, QStringLiteral("editor"));
        QVERIFY2(editor.db().isOpen(), qPrintable(editor.db().lastError().text()));
        QSqlQuery q(editor.db());
        QVERIFY(q.exec(QStringLiteral("PRAGMA page_size")) && q.next());
        pageSize = q.value(0).toLongLong();
        QVERIFY(q.exec(QStringLiteral("SELECT rootpage FROM sqlite_master"
                                      " WHERE tbl_name = 'notifications' AND rootpage > 1")));
        while (q.next())
            roots.append(q.value(0).toLongLong());
        QVERIFY(!roots.isEmpty());
        // A notifyd connection in a read transaction makes the checkpoint report busy; none
        // stays in one while no request runs.
        QVERIFY(QTest::qWaitFor(
            [&] {
                return q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")) && q.next()
                    && q.value(0).toInt() == 0;
            },
            10000));
        q.finish();
    }
    QCOMPARE(QFileInfo(path + QStringLiteral("-wal")).size(), 0);
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        for (const qint64 root : roots) {
            // The b-tree page's type byte: 0xFF is none of the four kinds.
            QVERIFY(f.seek((root - 1) * pageSize));
            QCOMPARE(f.write(QByteArray(1, char(0xFF))), qint64(1));
        }
    }

    // A read that touches the damage, then a write: refused for it, the process up.
    HttpResponse r = p->get(QStringLiteral("/api/v1/notifications?orgId=dm&userId=u1"));
    QVERIFY2(r.status == 503 && r.code() == QStringLiteral("storage_damaged"),
             qPrintable(QStringLiteral("%1 %2").arg(r.status).arg(QString::fromUtf8(r.body))));
    QVERIFY(r.retryAfter.toInt() > 0);
    // The reader's find is the node's: readiness and metrics say so before any write (the
    // reader tells the writer right after its answer left).
    QTRY_COMPARE_WITH_TIMEOUT(p->get(QStringLiteral("/readyz")).code(),
                              QStringLiteral("storage_damaged"), 5000);
    HttpResponse ready = p->get(QStringLiteral("/readyz"));
    QCOMPARE(ready.status, 503);
    QVERIFY(p->get(QStringLiteral("/metrics"))
                .body.contains("notify_store_fault{kind=\"damaged\"} 1\n"));
    r = p->publish();
    QVERIFY2(r.status == 503 && r.code() == QStringLiteral("storage_damaged"),
             qPrintable(QStringLiteral("%1 %2").arg(r.status).arg(QString::fromUtf8(r.body))));
    // A write elsewhere that goes through does not make the node ready: damage stays.
    QNetworkAccessManager api;
    const HttpResponse session
        = httpRequest(api, server->url(QStringLiteral("/api/v1/sessions")), "POST",
                      QJsonDocument(QJsonObject {{QStringLiteral("orgId"), QStringLiteral("dm")},
                                                 {QStringLiteral("userId"), QStringLiteral("u1")},
                                                 {QStringLiteral("ttlSeconds"), 60}})
                          .toJson(QJsonDocument::Compact),
                      processApiKey);
    QCOMPARE(session.status, 201);
    ready = p->get(QStringLiteral("/readyz"));
    QCOMPARE(ready.status, 503);
    QCOMPARE(ready.code(), QStringLiteral("storage_damaged"));
    QCOMPARE(p->get(QStringLiteral("/healthz")).status, 200);
    QCOMPARE(server->process.state(), QProcess::Running);
    server->readLog();
    QVERIFY2(server->log.contains(QLatin1String("store fault: damaged")), qPrintable(server->log));

    // The operator: stop, check, restore the last backup, check, start.
    p.reset();
    server->process.terminate();
    QVERIFY(
        QTest::qWaitFor([&] { return server->process.state() == QProcess::NotRunning; }, 30000));
    QCOMPARE(server->process.exitStatus(), QProcess::NormalExit);
    server.reset();
    const Run check
        = runNotifyd({QStringLiteral("check"), QStringLiteral("--data-dir"), dir.path()});
    QCOMPARE(check.exitCode, 1);
    QVERIFY2(check.out.contains(QLatin1String("PROBLEM"))
                 || check.out.contains(QLatin1String("damaged")),
             qPrintable(check.out));
    QVERIFY(QFile::rename(path, path + QStringLiteral(".damaged")));
    QFile::remove(path + QStringLiteral("-wal"));
    QFile::remove(path + QStringLiteral("-shm"));
    QVERIFY(QFile::copy(copy, path));
    const Run recheck
        = runNotifyd({QStringLiteral("check"), QStringLiteral("--data-dir"), dir.path()});
    QVERIFY2(recheck.exitCode == 0, qPrintable(recheck.out));
    server = std::make_unique<NotifydProcess>(dir.path());
    QVERIFY2(server->waitListening(), qPrintable(server->log));
    p = std::make_unique<Publisher>(*server, QStringLiteral("dm"));
    p->stored = backedUp;
    const QString problem = p->checkInboxes();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(p->get(QStringLiteral("/readyz")).status, 200);
}

QTEST_MAIN(TestStoreRunning)
#include "test_storerunning.moc"
