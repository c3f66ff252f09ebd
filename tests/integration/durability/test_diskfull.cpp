// A full disk under SQLite: notifyd's data directory is a 6 MiB tmpfs mounted by the test
// (as root), publishers run until it fills. The publishes that cannot be stored must answer
// 503 storage_full with Retry-After, the process stays up, /readyz and /metrics name the
// fault, every publish answered 201 is complete in its inbox with exact sequences and
// counts, nothing refused is half stored, and once space returns publishing resumes without
// a restart (docs/operations.md, "When things fail").
//
// What fills the file system is the write-ahead log: it grows until its checkpoint
// (--wal_autocheckpoint of 16,384 pages, storeconnection.cpp) while the database file keeps
// its size, so this is also the case of a WAL that cannot grow with its checkpoint pending.
#include "httpclient.h"
#include "notifydprocess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <vector>

using namespace notify::test;

namespace {

constexpr int clientCount = 4;
constexpr int inFlightPerClient = 4;
constexpr int userCount = 8;
constexpr int refusalsWanted = 30; // 503s before the burst stops
constexpr int maxRequests = 20000; // a bound in case the file system never fills
constexpr qint64 fillerBytes = 2 * 1024 * 1024; // freed later: the space that returns

// A size-limited tmpfs, unmounted (lazily) on destruction.
class SmallFileSystem
{
public:
    explicit SmallFileSystem(const QString &path)
        : m_path(path.toLocal8Bit())
    {
        if (::mount("tmpfs", m_path.constData(), "tmpfs", MS_NOSUID | MS_NODEV, "size=6m") != 0)
            error = QString::fromLocal8Bit(std::strerror(errno));
        else
            mounted = true;
    }
    ~SmallFileSystem()
    {
        if (mounted)
            ::umount2(m_path.constData(), MNT_DETACH);
    }
    bool mounted = false;
    QString error;

private:
    QByteArray m_path;
};

QByteArray body(int n, const QString &user)
{
    // A body of a few KiB: the file system fills after a few hundred publishes.
    return QJsonDocument(
               QJsonObject {{QStringLiteral("orgId"), QStringLiteral("df")},
                            {QStringLiteral("userIds"), QJsonArray {user}},
                            {QStringLiteral("type"), QStringLiteral("FULL")},
                            {QStringLiteral("title"), QStringLiteral("n%1").arg(n)},
                            {QStringLiteral("body"), QString(2000, QLatin1Char('a' + n % 26))}})
        .toJson(QJsonDocument::Compact);
}

struct Answered
{
    QString id;
    QString user;
    qint64 seq = 0;
    QString title;
};

} // namespace

class TestDiskFull : public QObject
{
    Q_OBJECT

private slots:
    void fullDiskRefusesCleanlyAndRecovers();
};

void TestDiskFull::fullDiskRefusesCleanlyAndRecovers()
{
    if (::geteuid() != 0)
        QSKIP("needs root to mount a size-limited tmpfs (mount -t tmpfs -o size=6m)");
    QTemporaryDir base;
    QVERIFY(base.isValid());
    const QString mountPoint = base.filePath(QStringLiteral("fs"));
    QVERIFY(QDir().mkpath(mountPoint));
    SmallFileSystem fs(mountPoint);
    if (!fs.mounted)
        QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs on %1: %2 (a container without "
                                        "CAP_SYS_ADMIN?)")
                             .arg(mountPoint, fs.error)));

    // Space taken now and given back later.
    const QString fillerPath = QDir(mountPoint).filePath(QStringLiteral("filler"));
    {
        QFile filler(fillerPath);
        QVERIFY(filler.open(QIODevice::WriteOnly));
        QCOMPARE(filler.write(QByteArray(fillerBytes, 'x')), fillerBytes);
    }

    const QString dataDir = QDir(mountPoint).filePath(QStringLiteral("data"));
    auto server = std::make_unique<NotifydProcess>(dataDir);
    QVERIFY2(server->waitListening(), qPrintable(server->log));

    std::vector<std::unique_ptr<QNetworkAccessManager>> clients;
    for (int i = 0; i < clientCount; ++i)
        clients.push_back(std::make_unique<QNetworkAccessManager>());
    std::vector<Answered> answered;
    int sent = 0, finished = 0, refused = 0;
    QStringList unexpected;
    qint64 slowestRefusalMs = 0;

    auto check503 = [&](int status, const QJsonObject &json, const QByteArray &retryAfter) {
        const QJsonObject error = json.value(QStringLiteral("error")).toObject();
        if (status != 503 || error.value(QStringLiteral("code")).toString() != u"storage_full"
            || !error.value(QStringLiteral("message")).toString().contains(u"storage is full")
            || retryAfter.toInt() <= 0) {
            unexpected.append(
                QStringLiteral("%1 %2 Retry-After '%3'")
                    .arg(status)
                    .arg(QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact)))
                    .arg(QString::fromLatin1(retryAfter)));
        }
    };
    auto record201 = [&](const QJsonObject &json, const QString &title) {
        for (const QJsonValue &v : json.value(QStringLiteral("notifications")).toArray()) {
            const QJsonObject o = v.toObject();
            answered.push_back(Answered {o.value(QStringLiteral("id")).toString(),
                                         o.value(QStringLiteral("userId")).toString(),
                                         o.value(QStringLiteral("seq")).toInteger(), title});
        }
    };

    // Each finished request starts the next on the same client until enough were refused.
    std::function<void(int)> publish = [&](int client) {
        if (refused >= refusalsWanted || sent >= maxRequests)
            return;
        const int n = sent++;
        const QString user = QStringLiteral("u%1").arg(n % userCount);
        QNetworkRequest req(server->url(QStringLiteral("/api/v1/notifications")));
        req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        req.setRawHeader("Authorization", "Bearer " + processApiKey);
        auto timer = std::make_shared<QElapsedTimer>();
        timer->start();
        QNetworkReply *reply = clients[size_t(client)]->post(req, body(n, user));
        QObject::connect(reply, &QNetworkReply::finished, [&, reply, client, n, timer] {
            ++finished;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
            if (status == 201) {
                record201(json, QStringLiteral("n%1").arg(n));
            } else {
                ++refused;
                slowestRefusalMs = qMax(slowestRefusalMs, timer->elapsed());
                check503(status, json, reply->rawHeader("Retry-After"));
            }
            reply->deleteLater();
            publish(client);
        });
    };
    for (int c = 0; c < clientCount; ++c)
        for (int k = 0; k < inFlightPerClient; ++k)
            publish(c);
    // No hang: every request ends, refused or stored.
    QVERIFY2(
        QTest::qWaitFor([&] { return refused >= refusalsWanted || sent >= maxRequests; }, 120000),
        qPrintable(QStringLiteral("sent %1, answered %2, refused %3")
                       .arg(sent)
                       .arg(answered.size())
                       .arg(refused)));
    QVERIFY(QTest::qWaitFor([&] { return finished == sent; }, 30000));
    QVERIFY2(unexpected.isEmpty(), qPrintable(unexpected.value(0)));
    QVERIFY2(refused >= refusalsWanted, "the file system never filled");
    QVERIFY2(answered.size() > 20, "too little was stored before the disk filled");
    qInfo("sent %d, answered 201: %d, refused 503: %d, slowest refusal %lld ms", sent,
          int(answered.size()), refused, slowestRefusalMs);
    QCOMPARE(server->process.state(), QProcess::Running);

    // The WAL is what filled: its checkpoint is still pending.
    const QFileInfo wal(QDir(dataDir).filePath(QStringLiteral("notify.db-wal")));
    const QFileInfo db(QDir(dataDir).filePath(QStringLiteral("notify.db")));
    QVERIFY2(
        wal.size() > db.size(),
        qPrintable(QStringLiteral("wal %1 bytes, database %2").arg(wal.size()).arg(db.size())));

    // One publisher alone until it is refused (a small write may still fit in what a failed
    // one left): then the node says why it is not ready.
    QNetworkAccessManager api;
    HttpResponse last;
    for (int i = 0; i < 200; ++i) {
        const QString user = QStringLiteral("u%1").arg(i % userCount);
        last = httpRequest(api, server->url(QStringLiteral("/api/v1/notifications")), "POST",
                           body(sent, user), processApiKey);
        if (last.status != 201)
            break;
        record201(last.json, QStringLiteral("n%1").arg(sent++));
    }
    QCOMPARE(last.status, 503);
    QCOMPARE(last.code(), QStringLiteral("storage_full"));
    QVERIFY(last.retryAfter.toInt() > 0);

    const HttpResponse ready
        = httpRequest(api, server->url(QStringLiteral("/readyz")), "GET", {}, {});
    QCOMPARE(ready.status, 503);
    QCOMPARE(ready.code(), QStringLiteral("storage_full"));
    QVERIFY2(ready.message().contains(u"storage is full"), qPrintable(ready.message()));
    const HttpResponse metrics
        = httpRequest(api, server->url(QStringLiteral("/metrics")), "GET", {}, {});
    QCOMPARE(metrics.status, 200);
    QVERIFY2(metrics.body.contains("notify_store_fault{kind=\"full\"} 1\n"),
             metrics.body.constData());
    const HttpResponse health
        = httpRequest(api, server->url(QStringLiteral("/healthz")), "GET", {}, {});
    QCOMPARE(health.status, 200);
    QVERIFY2(server->readLog().contains(QLatin1String("store fault: full")),
             qPrintable(server->log));

    // Reads still work on a full disk: every answered notification is there, complete, and
    // nothing else (a refused publish left nothing behind).
    std::map<QString, std::vector<const Answered *>> byUser;
    for (const Answered &a : answered)
        byUser[a.user].push_back(&a);
    auto readInbox = [&](const QString &user) {
        QHash<QString, QJsonObject> rows;
        QList<qint64> seqs;
        qint64 beforeSeq = 0;
        for (int page = 0; page < 100; ++page) {
            QString query
                = QStringLiteral("/api/v1/notifications?orgId=df&userId=%1&limit=100").arg(user);
            if (beforeSeq > 0)
                query += QStringLiteral("&beforeSeq=%1").arg(beforeSeq);
            const HttpResponse r = httpRequest(api, server->url(query), "GET", {}, processApiKey);
            if (r.status != 200)
                return std::make_pair(rows, QList<qint64> {-1});
            for (const QJsonValue &v : r.json.value(QStringLiteral("notifications")).toArray()) {
                const QJsonObject o = v.toObject();
                rows.insert(o.value(QStringLiteral("id")).toString(), o);
                beforeSeq = o.value(QStringLiteral("seq")).toInteger();
                seqs.append(beforeSeq);
            }
            if (!r.json.value(QStringLiteral("hasMore")).toBool())
                break;
        }
        return std::make_pair(rows, seqs);
    };
    for (int u = 0; u < userCount; ++u) {
        const QString user = QStringLiteral("u%1").arg(u);
        const auto [rows, seqs] = readInbox(user);
        const std::vector<const Answered *> &mine = byUser[user];
        QCOMPARE(rows.size(), qsizetype(mine.size()));
        for (qsizetype i = 0; i < seqs.size(); ++i)
            QCOMPARE(seqs[i], qint64(seqs.size() - i)); // newest first, gap-free from 1
        for (const Answered *a : mine) {
            QVERIFY2(rows.contains(a->id), qPrintable(a->id));
            const QJsonObject &o = rows[a->id];
            QCOMPARE(o.value(QStringLiteral("seq")).toInteger(), a->seq);
            QCOMPARE(o.value(QStringLiteral("title")).toString(), a->title);
            QCOMPARE(o.value(QStringLiteral("body")).toString().size(), 2000);
        }
    }

    // Space returns: the writer's probe finds it and the node is ready again by itself.
    QVERIFY(QFile::remove(fillerPath));
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     return httpRequest(api, server->url(QStringLiteral("/readyz")), "GET", {}, {})
                                .status
                         == 200;
                 },
                 20000),
             qPrintable(server->readLog()));
    const HttpResponse metricsAfter
        = httpRequest(api, server->url(QStringLiteral("/metrics")), "GET", {}, {});
    QVERIFY(metricsAfter.body.contains("notify_store_fault{kind=\"full\"} 0\n"));
    const HttpResponse resumed
        = httpRequest(api, server->url(QStringLiteral("/api/v1/notifications")), "POST",
                      body(sent, QStringLiteral("u0")), processApiKey);
    QCOMPARE(resumed.status, 201);
    const qint64 resumedSeq = resumed.json.value(QStringLiteral("notifications"))
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value(QStringLiteral("seq"))
                                  .toInteger();
    QCOMPARE(resumedSeq, qint64(byUser[QStringLiteral("u0")].size() + 1));
    QCOMPARE(server->process.state(), QProcess::Running);

    // The counters committed with the rows are exact, and no content row is left without
    // its notification (read beside the running server, as an operator's sqlite3 would).
    {
        QSqlDatabase check = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"),
                                                       QStringLiteral("diskfull-check"));
        check.setDatabaseName(db.absoluteFilePath());
        QVERIFY2(check.open(), qPrintable(check.lastError().text()));
        for (int u = 0; u < userCount; ++u) {
            const QString user = QStringLiteral("u%1").arg(u);
            const qint64 expected = qint64(byUser[user].size()) + (u == 0 ? 1 : 0);
            QSqlQuery q(check);
            QVERIFY(q.prepare(QStringLiteral("SELECT last_seq, unread_count FROM recipients"
                                             " WHERE org_id = 'df' AND user_id = ?")));
            q.addBindValue(user);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toLongLong(), expected);
            QCOMPARE(q.value(1).toLongLong(), expected);
        }
        QSqlQuery orphans(check);
        QVERIFY2(orphans.exec(QStringLiteral(
                     "SELECT COUNT(*) FROM notification_contents WHERE content_id NOT IN"
                     " (SELECT content_id FROM notifications)")),
                 qPrintable(orphans.lastError().text()));
        QVERIFY(orphans.next());
        QCOMPARE(orphans.value(0).toLongLong(), 0);
        QSqlQuery total(check);
        QVERIFY(total.exec(QStringLiteral("SELECT COUNT(*) FROM notifications")));
        QVERIFY(total.next());
        QCOMPARE(total.value(0).toLongLong(), qint64(answered.size()) + 1);
        check.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("diskfull-check"));

    // Stopped before the file system goes.
    server.reset();
}

QTEST_MAIN(TestDiskFull)
#include "test_diskfull.moc"
