// docs/security.md, "Engine.IO sessions": sessions that never complete a Socket.IO CONNECT. Bounds: at
// most maxPendingPerAddress of them per address and maxPendingSessions in all (refused with
// 503 past that), each living at most sioConnectTimeoutMs; sessions with a granted CONNECT
// do not count.
#include "hostile.h"

#include "server/metrics/metrics.h"

using namespace notify;
using namespace notify::test;

namespace {
// `count` handshake GETs pipelined on one keep-alive connection (the last one closes it):
// the statuses of the answers, in order.
QList<int> handshakesOnOneConnection(quint16 port, int count, const char *source = "127.0.0.1")
{
    RawConn c(port, source);
    QByteArray requests;
    for (int i = 0; i < count; ++i)
        requests += httpRequest("GET", "/socket.io/?EIO=4&transport=polling", {}, i == count - 1);
    c.writeAll(requests);
    c.waitEnded();
    QList<int> statuses;
    for (qsizetype at = c.in.indexOf("HTTP/1.1 "); at >= 0; at = c.in.indexOf("HTTP/1.1 ", at + 1))
        statuses.append(statusOf(QByteArrayView(c.in).sliced(at)));
    return statuses;
}
} // namespace

class TestSessionFlood : public QObject
{
    Q_OBJECT
private slots:
    void pendingSessionsPerAddress();
    void pendingSessionsInTotal();
    void pendingSessionsLiveShort();
    void connectedSessionsDoNotCount();
};

void TestSessionFlood::pendingSessionsPerAddress()
{
    TestServer s([](ServerConfig &c) { c.maxPendingPerAddress = 16; });
    const quint16 port = s.server->clientPort();
    // Before, one connection created sessions as fast as it asked (477,450 in 40 s).
    const QList<int> statuses = handshakesOnOneConnection(port, 40);
    QCOMPARE(statuses.size(), 40);
    QCOMPARE(statuses.count(200), 16);
    QCOMPARE(statuses.count(503), 24);
    QCOMPARE(s.server->metrics().sessionsRefused.load(), quint64(24));
    // Over websocket too: refused with Close 1013.
    RawConn ws(port);
    ws.writeAll(wsHandshake("/socket.io/?EIO=4&transport=websocket"));
    QVERIFY(ws.waitEnded());
    const auto close = closeFrameOf(parseServerFrames(ws.in));
    QVERIFY(close);
    QCOMPARE(close->closeCode(), 1013);
    // Another address has its own allowance.
    QVERIFY(!openPollingSession(port, "127.0.0.2").isEmpty());
}

void TestSessionFlood::pendingSessionsInTotal()
{
    TestServer s([](ServerConfig &c) {
        c.maxPendingPerAddress = 0;
        c.maxPendingSessions = 20;
    });
    const quint16 port = s.server->clientPort();
    int created = 0;
    for (const char *source : {"127.0.0.2", "127.0.0.3", "127.0.0.4"})
        created += int(handshakesOnOneConnection(port, 10, source).count(200));
    QCOMPARE(created, 20);
    QCOMPARE(s.server->metrics().sessionsRefused.load(), quint64(10));
}

void TestSessionFlood::pendingSessionsLiveShort()
{
    TestServer s([](ServerConfig &c) {
        c.maxPendingPerAddress = 1;
        c.sioConnectTimeoutMs = 1000;
    });
    const quint16 port = s.server->clientPort();
    const QByteArray sid = openPollingSession(port);
    QVERIFY(!sid.isEmpty());
    // With one place per address the sockets count too: a request may meet the previous
    // socket's place not yet given back (status 0) and is simply made again.
    int status = 0;
    QVERIFY(QTest::qWaitFor(
        [&] { return openPollingSession(port, "127.0.0.1", &status).isEmpty() && status == 503; },
        5000));
    // Bound: ended about 1 s after it opened (before: its heartbeat kept it 45 s); its GET
    // gets the close packet, or the sid is already gone.
    QByteArray last;
    QVERIFY(QTest::qWaitFor(
        [&] {
            return statusOf(last = roundTrip(port, httpRequest("GET", pollingTarget(sid)))) != 0;
        },
        5000));
    QVERIFY2(last.endsWith("\r\n\r\n1") || statusOf(last) == 400, last.constData());
    QCOMPARE(s.server->metrics().sessionsExpired.load(), quint64(1));
    QVERIFY(QTest::qWaitFor([&] { return !openPollingSession(port).isEmpty(); }, 5000));
}

void TestSessionFlood::connectedSessionsDoNotCount()
{
    TestServer s([](ServerConfig &c) { c.maxPendingPerAddress = 4; });
    const quint16 port = s.server->clientPort();
    const QByteArray token = mintToken("o1", "u1");
    for (int i = 0; i < 6; ++i) {
        const QByteArray sid = openPollingSession(port);
        QVERIFY2(!sid.isEmpty(), qPrintable(QString::number(i)));
        QCOMPARE(
            statusOf(roundTrip(
                port, httpRequest("POST", pollingTarget(sid), "40{\"token\":\"" + token + "\"}"))),
            200);
        QByteArray got;
        QVERIFY(QTest::qWaitFor(
            [&] {
                got += roundTrip(port, httpRequest("GET", pollingTarget(sid)));
                return got.contains("40{\"sid\"");
            },
            10000));
    }
    QTRY_COMPARE(s.server->metrics().connectionsSocketIo.load(), quint64(6));
}

QTEST_GUILESS_MAIN(TestSessionFlood)
#include "test_sessionflood.moc"
