// docs/security.md, "Input held per connection" and "Connections and heads": input buffered for one connection, slow heads,
// and connection floods. Bounds stated per test.
#include "hostile.h"

#include "server/metrics/metrics.h"

using namespace notify;
using namespace notify::test;

class TestInputBounds : public QObject
{
    Q_OBJECT
private slots:
    void pipelineBehindAHeldGetIsNotRead();
    void pipelinedRequestsOfAClientThatNeverReads();
    void slowHeadIsCutAtItsDeadline();
    void unauthenticatedSocketsPerAddressAreCapped();
    void totalConnectionsAreCapped();
};

void TestInputBounds::pipelineBehindAHeldGetIsNotRead()
{
    TestServer s([](ServerConfig &c) {
        c.sioPingIntervalMs = 600000;
        c.sioConnectTimeoutMs = 600000;
    });
    WsClient normal(s.wsUrl(mintToken("o1", "normal")));
    QVERIFY(normal.waitConnected());
    const quint16 port = s.server->clientPort();
    const QByteArray sid = openPollingSession(port);
    QVERIFY(!sid.isEmpty());

    // A GET the session holds (nothing to send), then 64 MB pipelined behind it.
    RawConn attacker(port);
    QVERIFY(attacker.writeAll(httpRequest("GET", pollingTarget(sid), {}, false)));
    const QByteArray junk(64 * 1024, 'j');
    const qint64 before = rssKiB();
    qint64 peak = before;
    qint64 sent = 0;
    constexpr qint64 attack = 64 * 1000 * 1000;
    // Pushes until the kernel stops taking bytes for a whole second (TCP backpressure) or
    // the 64 MB are gone: before, notifyd read all of it into memory.
    while (sent < attack) {
        const qint64 n = attacker.writeSome(junk);
        QVERIFY(n >= 0);
        sent += n;
        peak = qMax(peak, rssKiB());
        if (n == 0 && !attacker.writableWithin(1000))
            break;
        if (n == 0)
            QCoreApplication::processEvents();
    }
    // Bound: what the kernel buffers on loopback (a few MB each way) plus 64 KiB in Qt's
    // socket buffer and one request; nothing near the 64 MB offered.
    QVERIFY2(sent < 32 * 1000 * 1000, qPrintable(QStringLiteral("%1 bytes taken").arg(sent)));
    QVERIFY2(peak - before < 16 * 1024,
             qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(peak - before)));
    QCOMPARE(
        s.publish(QStringLiteral("o1"), {QStringLiteral("normal")}, QStringLiteral("n")).status,
        201);
    QVERIFY(normal.waitForEvents(QStringLiteral("notification:new"), 1));
    QCOMPARE(s.request("GET", QStringLiteral("/healthz"), {}, {}).status, 200);
}

void TestInputBounds::pipelinedRequestsOfAClientThatNeverReads()
{
    TestServer s([](ServerConfig &c) {
        c.sioPingIntervalMs = 600000;
        c.sioConnectTimeoutMs = 600000;
    });
    const quint16 port = s.server->clientPort();
    const QByteArray sid = openPollingSession(port);
    QVERIFY(!sid.isEmpty());
    // Small POSTs, each answered, pipelined by a client that never reads its answers: before,
    // the answers piled up in the socket's write buffer while every request was read.
    RawConn attacker(port, "127.0.0.1", 4096);
    QByteArray chunk;
    while (chunk.size() < 64 * 1024)
        chunk += httpRequest("POST", pollingTarget(sid), "6", false);
    const qint64 before = rssKiB();
    qint64 peak = before;
    qint64 sent = 0;
    qsizetype offset = 0;
    constexpr qint64 attack = 64 * 1000 * 1000;
    while (sent < attack) {
        const qint64 n = attacker.writeSome(QByteArrayView(chunk).sliced(offset));
        QVERIFY(n >= 0);
        sent += n;
        offset = (offset + n) % chunk.size();
        peak = qMax(peak, rssKiB());
        if (n == 0 && !attacker.writableWithin(1000))
            break;
        if (n == 0)
            QCoreApplication::processEvents();
    }
    // Bound: reading stops once 64 KiB of answers wait unsent; then TCP pushes back.
    QVERIFY2(sent < 32 * 1000 * 1000, qPrintable(QStringLiteral("%1 bytes taken").arg(sent)));
    QVERIFY2(peak - before < 16 * 1024,
             qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(peak - before)));
    QCOMPARE(s.request("GET", QStringLiteral("/healthz"), {}, {}).status, 200);
}

void TestInputBounds::slowHeadIsCutAtItsDeadline()
{
    TestServer s([](ServerConfig &c) { c.headTimeoutMs = 1000; });
    const quint64 timeoutsBefore = s.server->metrics().requestTimeouts.load();
    RawConn attacker(s.server->clientPort());
    // One byte every 100 ms of a head that would be valid: before, each byte restarted the
    // timer, so the head could trickle for ever.
    const QByteArray head = "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n"
                            "X-Slow: "
        + QByteArray(1000, 'a');
    qsizetype next = 0;
    QTimer trickle;
    QObject::connect(&trickle, &QTimer::timeout, [&] {
        if (next < head.size() && attacker.writeSome(head.mid(next, 1)) == 1)
            ++next;
    });
    trickle.start(100);
    // Bound: cut at 1 s after accept (the sweep runs every 250 ms), whatever arrives.
    QVERIFY(attacker.waitEnded(5000));
    trickle.stop();
    QVERIFY2(next >= 5, qPrintable(QString::number(next))); // bytes kept arriving meanwhile
    QVERIFY(attacker.in.isEmpty()); // cut, not answered
    QCOMPARE(s.server->metrics().requestTimeouts.load(), timeoutsBefore + 1);
}

void TestInputBounds::unauthenticatedSocketsPerAddressAreCapped()
{
    TestServer s([](ServerConfig &c) { c.maxPendingPerAddress = 8; });
    const quint16 port = s.server->clientPort();
    // Authenticated connections from the address do not count against it.
    std::vector<std::unique_ptr<WsClient>> users;
    for (int i = 0; i < 8; ++i) {
        users.push_back(
            std::make_unique<WsClient>(s.wsUrl(mintToken("o1", "u" + QString::number(i)))));
        QVERIFY(users.back()->waitForEvents(QStringLiteral("notification:unread_count"), 1));
    }
    // 20 silent sockets from one address: 8 are kept (until their head deadline), the
    // other 12 are closed at accept without a byte read.
    std::vector<std::unique_ptr<RawConn>> silent;
    for (int i = 0; i < 20; ++i)
        silent.push_back(std::make_unique<RawConn>(port));
    auto endedCount = [&] {
        int n = 0;
        for (auto &c : silent) {
            c->readAvailable();
            n += c->ended ? 1 : 0;
        }
        return n;
    };
    QTRY_COMPARE(endedCount(), 12);
    QCOMPARE(s.server->metrics().refusedPerAddress.load(), quint64(12));
    // Another address is not affected; this one is, until a place is freed.
    int status = 0;
    QVERIFY(!openPollingSession(port, "127.0.0.2", &status).isEmpty());
    QVERIFY(openPollingSession(port, "127.0.0.1", &status).isEmpty());
    QCOMPARE(status, 0);
    silent.clear();
    QVERIFY(
        QTest::qWaitFor([&] { return !openPollingSession(port, "127.0.0.1").isEmpty(); }, 5000));
    for (auto &u : users)
        QVERIFY(!u->closed);
}

void TestInputBounds::totalConnectionsAreCapped()
{
    TestServer s([](ServerConfig &c) { c.maxConnections = 40; });
    const quint16 port = s.server->clientPort();
    std::vector<std::unique_ptr<RawConn>> held;
    for (int i = 0; i < 40; ++i) {
        const QByteArray source = "127.0.1." + QByteArray::number(i + 1);
        held.push_back(std::make_unique<RawConn>(port, source.constData()));
    }
    // The 41st, from yet another address, is closed at accept (the kernel queues them in
    // order); the API port still answers.
    RawConn extra(port, "127.0.2.1");
    QVERIFY(extra.waitEnded());
    QVERIFY(extra.in.isEmpty());
    QCOMPARE(s.server->metrics().refusedTotal.load(), quint64(1));
    QCOMPARE(s.request("GET", QStringLiteral("/healthz"), {}, {}).status, 200);
    held.resize(30);
    QVERIFY(
        QTest::qWaitFor([&] { return !openPollingSession(port, "127.0.2.2").isEmpty(); }, 5000));
}

QTEST_GUILESS_MAIN(TestInputBounds)
#include "test_inputbounds.moc"
