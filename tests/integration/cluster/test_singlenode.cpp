// SQLite is single-node: a second notifyd on the same database refuses to start (exit 2)
// and says why, while the first keeps running; once the first is gone, a new one starts.
#include "testserver.h"

#include <QProcess>
#include <QRegularExpression>

using namespace notify;
using namespace notify::test;

class TestSingleNode : public QObject
{
    Q_OBJECT

private slots:
    void secondNodeOnOneSqliteFileIsRefused();
};

namespace {
void startNode(QProcess &p, const QString &dataDir)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("NOTIFY_JWT_SECRET"), QString::fromLatin1(testSecret));
    env.insert(QStringLiteral("NOTIFY_API_KEYS"), testApiKey);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(NOTIFYD_BINARY),
            {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
             QStringLiteral("--api-listen"), QStringLiteral("127.0.0.1:0"),
             QStringLiteral("--data-dir"), dataDir, QStringLiteral("--log-format"),
             QStringLiteral("text")});
}

bool waitListening(QProcess &p, QString &log)
{
    return QTest::qWaitFor(
               [&] {
                   log += QString::fromUtf8(p.readAllStandardError());
                   return log.contains(QStringLiteral("clients on"))
                       || p.state() == QProcess::NotRunning;
               },
               10000)
        && log.contains(QStringLiteral("clients on"));
}
} // namespace

void TestSingleNode::secondNodeOnOneSqliteFileIsRefused()
{
    QTemporaryDir dir;
    QProcess first;
    startNode(first, dir.path());
    QString log;
    QVERIFY2(waitListening(first, log), qPrintable(log));

    QProcess second;
    startNode(second, dir.path());
    QVERIFY(second.waitForFinished(10000));
    QCOMPARE(second.exitStatus(), QProcess::NormalExit);
    QCOMPARE(second.exitCode(), 2);
    const QString why = QString::fromUtf8(second.readAllStandardError());
    QVERIFY2(why.contains(QStringLiteral("single-node")), qPrintable(why));
    QVERIFY2(why.contains(QStringLiteral("pid %1").arg(first.processId())), qPrintable(why));
    QCOMPARE(first.state(), QProcess::Running);

    first.terminate();
    QVERIFY(first.waitForFinished(10000));
    QProcess third;
    startNode(third, dir.path());
    QString log3;
    QVERIFY2(waitListening(third, log3), qPrintable(log3));
    third.terminate();
    QVERIFY(third.waitForFinished(10000));
    QCOMPARE(third.exitCode(), 0);
}

QTEST_MAIN(TestSingleNode)
#include "test_singlenode.moc"
