// docs/security.md, "Cross-shard requests": Engine.IO polling requests whose sid names the other shard, each on a
// fresh TCP connection, while both shards are busy. The old hand-over moved a live
// connection object to the other thread from inside its own read callback (a
// heap-use-after-free, SIGSEGV within a few hundred requests). Now only the descriptor and
// the bytes read travel. Bound: every one of the requests is answered correctly, and the
// server (this process) is alive and serving afterwards.
#include "hostile.h"

#include "server/metrics/metrics.h"

using namespace notify;
using namespace notify::test;

class TestHandOver : public QObject
{
    Q_OBJECT
private slots:
    void foreignSidsOnFreshConnections();
};

void TestHandOver::foreignSidsOnFreshConnections()
{
    TestServer s([](ServerConfig &c) {
        c.threads = 2;
        c.sioPingIntervalMs = 600000; // no heartbeat traffic during the test
        c.rateLimit = RateLimit {0, 0};
    });
    const quint16 port = s.server->clientPort();

    // A connected session on each shard: the sid's first letter names the shard.
    QByteArray sids[2];
    QVERIFY(QTest::qWaitFor(
        [&] {
            const QByteArray sid = openPollingSession(port);
            if (sid.startsWith('A') && sids[0].isEmpty())
                sids[0] = sid;
            if (sid.startsWith('B') && sids[1].isEmpty())
                sids[1] = sid;
            return !sids[0].isEmpty() && !sids[1].isEmpty();
        },
        10000));
    const QByteArray token = mintToken("o1", "u1");
    for (const QByteArray &sid : sids) {
        const QByteArray reply = roundTrip(
            port, httpRequest("POST", pollingTarget(sid), "40{\"token\":\"" + token + "\"}"));
        QCOMPARE(statusOf(reply), 200);
    }
    QTRY_COMPARE(s.server->metrics().connectionsSocketIo.load(), 2);

    // Three kinds of request, 64 connections at a time; about half of them reach the shard
    // that does not own the sid and are handed over.
    constexpr int batch = 64;
    constexpr int total = 47 * batch; // 3008
    int answered = 0;
    for (int done = 0; done < total; done += batch) {
        std::vector<std::unique_ptr<RawConn>> conns;
        std::vector<int> kinds;
        for (int i = 0; i < batch; ++i) {
            const int n = done + i;
            const int kind = n % 3;
            auto c = std::make_unique<RawConn>(port);
            QByteArray request;
            if (kind == 0) { // an unknown sid that names a shard
                request = httpRequest(
                    "GET", pollingTarget(QByteArray(1, n % 2 ? 'B' : 'A') + QByteArray(19, 'x')));
            } else if (kind == 1) { // a real session, a noop packet
                request = httpRequest("POST", pollingTarget(sids[n % 2]), "6");
            } else { // two pipelined requests for sessions of both shards
                request = httpRequest("POST", pollingTarget(sids[n % 2]), "6", false)
                    + httpRequest("POST", pollingTarget(sids[(n + 1) % 2]), "6");
            }
            QVERIFY(c->writeSome(request) == request.size());
            conns.push_back(std::move(c));
            kinds.push_back(kind);
        }
        QVERIFY(QTest::qWaitFor(
            [&] {
                bool all = true;
                for (auto &c : conns) {
                    c->readAvailable();
                    all = all && c->ended;
                }
                return all;
            },
            20000));
        for (size_t i = 0; i < conns.size(); ++i) {
            const QByteArray &in = conns[i]->in;
            switch (kinds[i]) {
            case 0:
                QCOMPARE(statusOf(in), 400);
                QVERIFY2(in.contains("\"code\":1"), in.constData());
                break;
            case 1:
                QCOMPARE(statusOf(in), 200);
                QVERIFY(in.endsWith("\r\n\r\nok"));
                break;
            default:
                QCOMPARE(in.count("HTTP/1.1 200 OK"), 2);
                QCOMPARE(in.count("\r\n\r\nok"), 2);
                break;
            }
            ++answered;
        }
    }
    QCOMPARE(answered, total);

    // Both sessions still work: a publish reaches each through a GET on a fresh connection.
    QCOMPARE(s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("hi")).status,
             201);
    for (const QByteArray &sid : sids) {
        QByteArray received;
        QVERIFY(QTest::qWaitFor(
            [&] {
                received += roundTrip(port, httpRequest("GET", pollingTarget(sid)));
                return received.contains("notification:new");
            },
            10000));
    }
    QCOMPARE(s.request("GET", QStringLiteral("/healthz"), {}, {}).status, 200);
}

QTEST_GUILESS_MAIN(TestHandOver)
#include "test_handover.moc"
