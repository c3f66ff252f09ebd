// Graceful shutdown: every request answered 201 is committed, clients get 1001, and the
// real binary exits 0 on SIGTERM.
#include "testserver.h"

#include "shared/store/store.h"

#include <QProcess>
#include <QRegularExpression>

#include <csignal>

using namespace notify;
using namespace notify::test;

class TestShutdown : public QObject
{
    Q_OBJECT

private slots:
    void noAnsweredNotificationIsLost();
    void sigtermClosesClientsAndExitsZero();
};

void TestShutdown::noAnsweredNotificationIsLost()
{
    auto s = std::make_unique<TestServer>();
    const QString dbPath = s->config.db;
    WsClient client(s->wsUrl(mintToken("o1", "watcher")));
    QVERIFY(client.waitForEvents(QStringLiteral("notification:unread_count"), 1));

    // Several client connections publishing at once, well past the moment of shutdown.
    std::vector<std::unique_ptr<QNetworkAccessManager>> nams;
    for (int i = 0; i < 4; ++i)
        nams.push_back(std::make_unique<QNetworkAccessManager>());
    QStringList answeredIds;
    int answered = 0, refused = 0, failed = 0, total = 0;
    for (int i = 0; i < 400; ++i) {
        QNetworkRequest req(s->apiUrl(QStringLiteral("/api/v1/notifications")));
        req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        req.setRawHeader("Authorization", "Bearer " + testApiKey.toUtf8());
        const QByteArray body = QStringLiteral(
            R"({"orgId":"o1","userIds":["u%1"],"type":"T","title":"n%2"})").arg(i % 10).arg(i).toUtf8();
        QNetworkReply *reply = nams[size_t(i % 4)]->post(req, body);
        ++total;
        QObject::connect(reply, &QNetworkReply::finished, [&, reply] {
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status == 201) {
                ++answered;
                const auto doc = QJsonDocument::fromJson(reply->readAll()).object();
                for (const QJsonValue &v : doc.value(QStringLiteral("notifications")).toArray())
                    answeredIds.append(v.toObject().value(QStringLiteral("id")).toString());
            } else if (status == 503) {
                ++refused;
            } else {
                ++failed; // connection closed by the shutdown before an answer: not answered
            }
            reply->deleteLater();
        });
    }
    QVERIFY(QTest::qWaitFor([&] { return answered >= 50; }, 15000));
    QSignalSpy stopped(s->server.get(), &Server::stopped);
    s->server->shutdown();
    QVERIFY(stopped.wait(5000));
    QVERIFY(client.waitClosed());
    QCOMPARE(int(client.socket.closeCode()), 1001);
    QVERIFY(QTest::qWaitFor([&] { return answered + refused + failed == total; }, 15000));
    QCOMPARE(answeredIds.size(), answered);
    s->server.reset();

    auto config = StoreConfig::parse(dbPath);
    QVERIFY(config.ok());
    auto store = Store::open(config.value(), QStringLiteral("verify"));
    QVERIFY(store.ok());
    int found = 0;
    for (int u = 0; u < 10; ++u) {
        auto page = store.value()->afterSeq(Recipient{QStringLiteral("o1"), QStringLiteral("u%1").arg(u)}, 0, 100);
        QVERIFY(page.ok());
        for (const Notification &n : page.value().notifications)
            found += answeredIds.contains(n.id) ? 1 : 0;
    }
    QCOMPARE(found, answeredIds.size());
    qInfo("answered %d, refused %d, cut off %d", answered, refused, failed);
}

void TestShutdown::sigtermClosesClientsAndExitsZero()
{
    QTemporaryDir dir;
    QProcess server;
    server.setProcessChannelMode(QProcess::SeparateChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("NOTIFY_JWT_SECRET"), QString::fromLatin1(testSecret));
    env.insert(QStringLiteral("NOTIFY_API_KEYS"), testApiKey);
    server.setProcessEnvironment(env);
    server.start(QStringLiteral(NOTIFYD_BINARY),
                 {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                  QStringLiteral("--api-listen"), QStringLiteral("127.0.0.1:0"),
                  QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--log-format"),
                  QStringLiteral("text")});
    QVERIFY(server.waitForStarted(5000));
    // The start-up log line names both ports.
    QString log;
    quint16 clientPort = 0;
    QVERIFY(QTest::qWaitFor([&] {
        log += QString::fromUtf8(server.readAllStandardError());
        const auto m = QRegularExpression(QStringLiteral("clients on \\S+:(\\d+)")).match(log);
        if (m.hasMatch())
            clientPort = quint16(m.captured(1).toUInt());
        return clientPort != 0;
    }, 10000));
    WsClient client(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/notifications?token=%2")
                             .arg(clientPort).arg(QString::fromLatin1(mintToken("o1", "u1")))));
    QVERIFY(client.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    ::kill(pid_t(server.processId()), SIGTERM);
    QVERIFY(client.waitClosed());
    QCOMPARE(int(client.socket.closeCode()), 1001);
    QVERIFY(server.waitForFinished(5000));
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.exitCode(), 0);
    const QString rest = log + QString::fromUtf8(server.readAllStandardError());
    QVERIFY(!rest.contains(QString::fromLatin1(testSecret))); // secrets never logged
}

QTEST_MAIN(TestShutdown)
#include "test_shutdown.moc"
