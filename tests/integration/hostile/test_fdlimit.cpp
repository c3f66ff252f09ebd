// docs/security.md, "Connections and heads", at the descriptor limit, against a spawned notifyd whose RLIMIT_NOFILE is
// 256. Before, the first accept() that failed with EMFILE paused QTcpServer for good: the
// client port never accepted again, and the API port (/healthz) met the same fate.
// Bounds: with the automatic cap (the limit minus a reserve of 64) /healthz answers while
// 300 sockets crowd the client port; with the cap set past the limit, accepting pauses and
// resumes by itself once descriptors are free again.
#include "hostile.h"

#include <QDir>
#include <QProcess>
#include <QRegularExpression>

#include <sys/resource.h>

using namespace notify;
using namespace notify::test;

namespace {

constexpr rlim_t fdLimit = 256;

class SpawnedServer
{
public:
    explicit SpawnedServer(const QStringList &extraArgs)
    {
        process.setProcessChannelMode(QProcess::SeparateChannels);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("NOTIFY_JWT_SECRET"), QString::fromLatin1(testSecret));
        env.insert(QStringLiteral("NOTIFY_API_KEYS"), testApiKey);
        process.setProcessEnvironment(env);
        process.setChildProcessModifier([] {
            rlimit limit {fdLimit, fdLimit};
            ::setrlimit(RLIMIT_NOFILE, &limit);
        });
        process.start(QStringLiteral(NOTIFYD_BINARY),
                      QStringList {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                   QStringLiteral("--api-listen"), QStringLiteral("127.0.0.1:0"),
                                   QStringLiteral("--data-dir"), dir.path(),
                                   QStringLiteral("--threads"), QStringLiteral("2"),
                                   QStringLiteral("--max-pending-per-address"), QStringLiteral("0"),
                                   QStringLiteral("--log-level"), QStringLiteral("info")}
                          + extraArgs);
    }
    ~SpawnedServer()
    {
        // Not a shutdown test: a graceful stop would wait for the sessions opened here.
        process.kill();
        process.waitForFinished(10000);
    }
    bool waitListening()
    {
        if (!process.waitForStarted(5000))
            return false;
        return QTest::qWaitFor(
            [&] {
                log += QString::fromUtf8(process.readAllStandardError());
                const auto m = QRegularExpression(
                                   QStringLiteral("clients on \\S+:(\\d+) API on \\S+:(\\d+)"))
                                   .match(log);
                if (m.hasMatch()) {
                    clientPort = quint16(m.captured(1).toUInt());
                    apiPort = quint16(m.captured(2).toUInt());
                }
                return clientPort != 0;
            },
            15000);
    }
    int openDescriptors() const
    {
        return int(QDir(QStringLiteral("/proc/%1/fd").arg(process.processId()))
                       .entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::System)
                       .size());
    }
    // The status of GET /healthz, 0 without an answer within 5 s.
    int healthz()
    {
        RawConn c(apiPort);
        c.writeAll("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        c.waitFor([&] { return c.ended || c.in.contains("\r\n\r\n"); }, 5000);
        return statusOf(c.in);
    }

    QTemporaryDir dir;
    QProcess process;
    QString log;
    quint16 clientPort = 0;
    quint16 apiPort = 0;
};

std::vector<std::unique_ptr<RawConn>> crowd(quint16 port, int count)
{
    std::vector<std::unique_ptr<RawConn>> conns;
    for (int i = 0; i < count; ++i)
        conns.push_back(std::make_unique<RawConn>(port));
    return conns;
}

} // namespace

class TestFdLimit : public QObject
{
    Q_OBJECT
private slots:
    void reserveKeepsTheApiPortAnswering();
    void acceptPausesAndResumesAtEmfile();
    void apiFloodLeavesDescriptorsForTheRest();
};

void TestFdLimit::reserveKeepsTheApiPortAnswering()
{
    SpawnedServer server({});
    QVERIFY(server.waitListening());
    auto conns = crowd(server.clientPort, 300);
    // The server holds what the cap allows (256 - 64 = 192 client sockets) and closes the
    // rest at accept; it never reaches the limit.
    QTRY_VERIFY_WITH_TIMEOUT(server.openDescriptors() >= 192, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(server.healthz(), 200, 10000);
    QVERIFY(server.openDescriptors() < int(fdLimit));
    conns.clear();
    int status = 0;
    QVERIFY(QTest::qWaitFor(
        [&] { return !openPollingSession(server.clientPort, "127.0.0.1", &status).isEmpty(); },
        15000));
}

void TestFdLimit::acceptPausesAndResumesAtEmfile()
{
    SpawnedServer server({QStringLiteral("--max-connections"), QStringLiteral("100000")});
    QVERIFY(server.waitListening());
    auto conns = crowd(server.clientPort, 300);
    // Without a cap below the limit the server runs out of descriptors...
    const bool paused = QTest::qWaitFor(
        [&] {
            server.log += QString::fromUtf8(server.process.readAllStandardError());
            return server.log.contains(QStringLiteral("accept failed"));
        },
        15000);
    QVERIFY2(paused,
             qPrintable(QStringLiteral("%1 descriptors open; log: %2")
                            .arg(server.openDescriptors())
                            .arg(server.log.right(1500))));
    // ...and, once they are free again, accepts again by itself.
    conns.clear();
    QVERIFY(
        QTest::qWaitFor([&] { return !openPollingSession(server.clientPort).isEmpty(); }, 20000));
    QTRY_COMPARE_WITH_TIMEOUT(server.healthz(), 200, 10000);
    QVERIFY(server.process.state() == QProcess::Running);
}

// The API port has a cap of its own (half of what the client port's cap leaves: 32 here), so
// a flood of sockets to it cannot take the descriptors the client port and the store need.
// Before, QTcpServer accepted until EMFILE and then spun.
void TestFdLimit::apiFloodLeavesDescriptorsForTheRest()
{
    SpawnedServer server({});
    QVERIFY(server.waitListening());
    const int baseline = server.openDescriptors();
    RawConn publisher(server.apiPort); // opened before the flood, used after it
    auto conns = crowd(server.apiPort, 300);
    QTRY_VERIFY_WITH_TIMEOUT(server.openDescriptors() >= baseline + 30, 15000);
    QVERIFY2(server.openDescriptors() <= baseline + 40,
             qPrintable(QString::number(server.openDescriptors() - baseline)));
    // The client port still accepts, and the store still writes.
    int status = 0;
    QVERIFY(QTest::qWaitFor(
        [&] { return !openPollingSession(server.clientPort, "127.0.0.1", &status).isEmpty(); },
        15000));
    const QByteArray body = R"({"orgId":"o","userIds":["u"],"type":"T","title":"after the flood"})";
    publisher.writeAll("POST /api/v1/notifications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                       + testApiKey.toUtf8() + "\r\nContent-Type: application/json\r\n"
                       + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    publisher.waitFor([&] { return publisher.ended || publisher.in.contains("\r\n\r\n"); }, 10000);
    QCOMPARE(statusOf(publisher.in), 201);
    conns.clear();
    QTRY_COMPARE_WITH_TIMEOUT(server.healthz(), 200, 10000);
}

QTEST_GUILESS_MAIN(TestFdLimit)
#include "test_fdlimit.moc"
