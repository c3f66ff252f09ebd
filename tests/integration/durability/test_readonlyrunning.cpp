// The database's file system turning read-only while notifyd runs, against the real binary:
// the data directory on an ext4 image the test loop-mounts with errors=remount-ro (as root),
// then an ext4 error raised through /sys/fs/ext4/<dev>/trigger_fs_error, which remounts it
// read-only under the open database exactly as an I/O error on a real disk would. Publishes
// then answer 503 storage_read_only with Retry-After, in time; /readyz and /metrics say why;
// the process stays up and reads go on; nothing of a refused publish is stored. Linux does
// not let such a file system become writable again while files on it are open (the kernel
// keeps it read-only until it is unmounted and checked), so recovery is what the operator
// does (docs/operations.md, "When things fail"): stop, unmount, e2fsck, mount, start; every
// notification answered 201 is then there, complete, and publishing goes on.
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
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <sys/mount.h>
#include <unistd.h>

#include <map>
#include <memory>

using namespace notify::test;

namespace {

constexpr int userCount = 4;

// A command to its end; its exit code (-1: did not run or finish).
int run(const QString &program, const QStringList &args, QString *output = nullptr)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForStarted(5000) || !p.waitForFinished(60000))
        return -1;
    if (output)
        *output = QString::fromLocal8Bit(p.readAll());
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

QByteArray body(int n, const QString &user)
{
    return QJsonDocument(QJsonObject {{QStringLiteral("orgId"), QStringLiteral("ro")},
                                      {QStringLiteral("userIds"), QJsonArray {user}},
                                      {QStringLiteral("type"), QStringLiteral("RO")},
                                      {QStringLiteral("title"), QStringLiteral("n%1").arg(n)},
                                      {QStringLiteral("body"), QString(500, QLatin1Char('b'))}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

class TestReadOnlyRunning : public QObject
{
    Q_OBJECT
private slots:
    void readOnlyWhileRunningRefusesCleanly();
};

void TestReadOnlyRunning::readOnlyWhileRunningRefusesCleanly()
{
    if (::geteuid() != 0)
        QSKIP("needs root to loop-mount an ext4 image");
    QTemporaryDir base;
    QVERIFY(base.isValid());
    const QString image = base.filePath(QStringLiteral("fs.img"));
    const QString mountPoint = base.filePath(QStringLiteral("fs"));
    QVERIFY(QDir().mkpath(mountPoint));
    {
        QFile img(image);
        QVERIFY(img.open(QIODevice::WriteOnly));
        QVERIFY(img.resize(32 * 1024 * 1024));
    }
    QString out;
    if (run(QStringLiteral("mkfs.ext4"), {QStringLiteral("-q"), QStringLiteral("-F"), image}, &out)
        != 0)
        QSKIP(qPrintable(QStringLiteral("no mkfs.ext4: %1").arg(out)));
    const QStringList mountArgs {QStringLiteral("-o"), QStringLiteral("loop,errors=remount-ro"),
                                 image, mountPoint};
    if (run(QStringLiteral("mount"), mountArgs, &out) != 0)
        QSKIP(qPrintable(QStringLiteral("cannot loop-mount an ext4 image: %1").arg(out)));
    bool mounted = true;
    auto unmount = qScopeGuard([&] {
        if (mounted)
            ::umount2(QFile::encodeName(mountPoint).constData(), MNT_DETACH);
    });
    QVERIFY(run(QStringLiteral("findmnt"),
                {QStringLiteral("-n"), QStringLiteral("-o"), QStringLiteral("SOURCE"), mountPoint},
                &out)
            == 0);
    const QString device = QFileInfo(out.trimmed()).fileName(); // loop0
    const QString trigger = QStringLiteral("/sys/fs/ext4/%1/trigger_fs_error").arg(device);
    if (!QFile::exists(trigger))
        QSKIP(qPrintable(QStringLiteral("no %1 in this kernel").arg(trigger)));

    const QString dataDir = QDir(mountPoint).filePath(QStringLiteral("data"));
    auto server = std::make_unique<NotifydProcess>(dataDir);
    QVERIFY2(server->waitListening(), qPrintable(server->log));
    QNetworkAccessManager api;
    std::map<QString, QString> stored; // id -> title, every publish answered 201
    int n = 0;
    auto publish = [&] {
        const QString user = QStringLiteral("u%1").arg(n % userCount);
        const HttpResponse r
            = httpRequest(api, server->url(QStringLiteral("/api/v1/notifications")), "POST",
                          body(n, user), processApiKey);
        if (r.status == 201)
            for (const QJsonValue &v : r.json.value(QStringLiteral("notifications")).toArray())
                stored[v.toObject().value(QStringLiteral("id")).toString()]
                    = QStringLiteral("n%1").arg(n);
        ++n;
        return r;
    };
    for (int i = 0; i < 20; ++i)
        QCOMPARE(publish().status, 201);

    // The kernel turns the file system read-only under the open database.
    {
        QFile t(trigger);
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write("1");
    }
    // The next publishes are refused, each within the usual time, with the reason.
    HttpResponse refused;
    QElapsedTimer slowest;
    qint64 slowestMs = 0;
    for (int i = 0; i < 5; ++i) {
        slowest.start();
        refused = publish();
        slowestMs = qMax(slowestMs, slowest.elapsed());
        QVERIFY2(refused.status == 503,
                 qPrintable(QStringLiteral("publish %1 after the remount: %2 %3")
                                .arg(i)
                                .arg(refused.status)
                                .arg(QString::fromUtf8(refused.body))));
        QCOMPARE(refused.code(), QStringLiteral("storage_read_only"));
        QVERIFY(refused.retryAfter.toInt() > 0);
    }
    QVERIFY2(slowestMs < 5000, qPrintable(QString::number(slowestMs)));
    const HttpResponse ready
        = httpRequest(api, server->url(QStringLiteral("/readyz")), "GET", {}, {});
    QCOMPARE(ready.status, 503);
    QCOMPARE(ready.code(), QStringLiteral("storage_read_only"));
    const HttpResponse metrics
        = httpRequest(api, server->url(QStringLiteral("/metrics")), "GET", {}, {});
    QVERIFY2(metrics.body.contains("notify_store_fault{kind=\"read_only\"} 1\n"),
             metrics.body.constData());
    QCOMPARE(httpRequest(api, server->url(QStringLiteral("/healthz")), "GET", {}, {}).status, 200);
    QCOMPARE(server->process.state(), QProcess::Running);

    // Reads go on from the read-only file system: every 201 is there, and nothing else.
    auto checkInboxes = [&] {
        return checkStoredInboxes(api, *server, QStringLiteral("ro"), userCount, stored, 500);
    };
    QString problem = checkInboxes();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    // The operator's recovery: stop, unmount, check, mount, start.
    server->process.terminate();
    QVERIFY(
        QTest::qWaitFor([&] { return server->process.state() == QProcess::NotRunning; }, 30000));
    server.reset();
    QVERIFY(::umount2(QFile::encodeName(mountPoint).constData(), 0) == 0);
    mounted = false;
    const int fsck = run(QStringLiteral("e2fsck"), {QStringLiteral("-fy"), image}, &out);
    QVERIFY2(fsck == 0 || fsck == 1, qPrintable(out)); // 1: errors corrected
    QVERIFY2(run(QStringLiteral("mount"), mountArgs, &out) == 0, qPrintable(out));
    mounted = true;
    server = std::make_unique<NotifydProcess>(dataDir);
    QVERIFY2(server->waitListening(), qPrintable(server->log));
    problem = checkInboxes();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(publish().status, 201);
    QCOMPARE(httpRequest(api, server->url(QStringLiteral("/readyz")), "GET", {}, {}).status, 200);
    server.reset();
}

QTEST_MAIN(TestReadOnlyRunning)
#include "test_readonlyrunning.moc"
