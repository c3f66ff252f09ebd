// docs/security.md, "Output queued per connection": output queued for one peer that never reads. Every byte queued for a
// client counts against one bound (ServerConfig::maxOutputBytes, 4 MiB by default; 1 MiB
// here); past it the client is closed (WebSocket: Close 1008 "output limit exceeded") and
// counted in notify_dropped_connections_total. Answers a client provokes without a request
// (pongs, error replies) are rate-limited like requests: Close 4029 after a burst.
//
// Bounds stated per test: while the attacker sends tens of MB, this process's resident set
// (the server runs in it) grows by less than 32 MiB, the attacker is closed with the code,
// and a normal client keeps receiving while /healthz answers.
#include "hostile.h"

#include "server/metrics/metrics.h"

using namespace notify;
using namespace notify::test;

namespace {

constexpr qint64 outputBound = 1024 * 1024;
constexpr qint64 rssBoundKiB = 32 * 1024;

void bounded(ServerConfig &c)
{
    c.threads = 2;
    c.maxOutputBytes = outputBound;
    c.sioPingIntervalMs = 600000;
}

// Sends `frame` repeatedly until `totalBytes` went out, the server stopped taking them or
// `stop` holds (the server has acted: no need to push on), sampling this process's RSS;
// returns the largest growth seen, in KiB.
qint64 flood(RawConn &attacker, const QByteArray &frame, qint64 totalBytes, qint64 *sent,
             const std::function<bool()> &stop)
{
    QByteArray chunk;
    while (chunk.size() < 64 * 1024)
        chunk += frame;
    const qint64 before = rssKiB();
    qint64 peak = before;
    *sent = 0;
    qsizetype offset = 0;
    (void)QTest::qWaitFor(
        [&] {
            for (int i = 0; i < 64 && *sent < totalBytes; ++i) {
                const qint64 n = attacker.writeSome(QByteArrayView(chunk).sliced(offset));
                if (n <= 0)
                    return n < 0;
                *sent += n;
                offset = (offset + n) % chunk.size();
            }
            peak = qMax(peak, rssKiB());
            return *sent >= totalBytes || stop();
        },
        30000);
    return qMax<qint64>(0, peak - before);
}

// A plain-protocol attacker with a small receive buffer that has completed its handshake.
std::unique_ptr<RawConn> plainAttacker(TestServer &s, const QByteArray &user)
{
    auto a = std::make_unique<RawConn>(s.server->clientPort(), "127.0.0.1", 4096);
    a->writeAll(wsHandshake("/ws/notifications?token=" + mintToken("o1", user)));
    if (!a->waitFor([&] { return a->in.contains("\r\n\r\n"); }))
        return nullptr;
    return a;
}

void normalClientStillServed(TestServer &s, WsClient &normal, int expected)
{
    QCOMPARE(
        s.publish(QStringLiteral("o1"), {QStringLiteral("normal")}, QStringLiteral("n")).status,
        201);
    QVERIFY(normal.waitForEvents(QStringLiteral("notification:new"), expected));
    QCOMPARE(s.request("GET", QStringLiteral("/healthz"), {}, {}).status, 200);
}

} // namespace

class TestOutputBounds : public QObject
{
    Q_OBJECT
private slots:
    void pingFloodMeetsTheOutputBound();
    void pingFloodIsRateLimited();
    void binaryFloodIsRateLimited();
    void engineIoPingsOverWebSocket();
    void pollingPingsWithoutGet();
    void pollingGetBodyIsCapped();
};

void TestOutputBounds::pingFloodMeetsTheOutputBound()
{
    TestServer s([](ServerConfig &c) {
        bounded(c);
        c.rateLimit = RateLimit {0, 0}; // only the output bound stands in the way
    });
    WsClient normal(s.wsUrl(mintToken("o1", "normal")));
    QVERIFY(normal.waitConnected());
    auto attacker = plainAttacker(s, "attacker");
    QVERIFY(attacker);
    const quint64 droppedBefore = s.server->metrics().dropped.load();

    // 48 MB of pings with 125-byte payloads: unbounded, as many bytes of pongs were held.
    qint64 sent = 0;
    const qint64 growth
        = flood(*attacker, clientFrame(kFin | kPing, QByteArray(125, 'p')), 48 * 1000 * 1000, &sent,
                [&] { return s.server->metrics().dropped.load() > droppedBefore; });
    QVERIFY2(growth < rssBoundKiB, qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(growth)));
    QTRY_COMPARE(s.server->metrics().dropped.load(), droppedBefore + 1);
    QVERIFY(attacker->waitEnded(15000));
    const QList<ServerFrame> frames = parseServerFrames(attacker->in);
    const auto close = closeFrameOf(frames);
    QVERIFY2(close,
             qPrintable(QStringLiteral("%1 bytes, %2 frames, last opcode %3")
                            .arg(attacker->in.size())
                            .arg(frames.size())
                            .arg(frames.isEmpty() ? -1 : frames.last().opcode)));
    QCOMPARE(close->closeCode(), 1008);
    QVERIFY(close->payload.contains("output limit exceeded"));
    normalClientStillServed(s, normal, 1);
}

void TestOutputBounds::pingFloodIsRateLimited()
{
    TestServer s(bounded); // the default rate limit: 20/s, burst 40
    auto attacker = plainAttacker(s, "attacker");
    QVERIFY(attacker);
    QByteArray pings;
    for (int i = 0; i < 10000; ++i)
        pings += clientFrame(kFin | kPing, "x");
    attacker->writeAll(pings);
    QVERIFY(attacker->waitEnded(15000));
    const QList<ServerFrame> frames = parseServerFrames(attacker->in);
    const auto close = closeFrameOf(frames);
    QVERIFY(close);
    QCOMPARE(close->closeCode(), 4029);
    // Bound: at most a burst's worth of pongs (plus what refilled meanwhile) of 10,000 pings.
    const auto pongs = std::count_if(frames.begin(), frames.end(),
                                     [](const ServerFrame &f) { return f.opcode == kPong; });
    QVERIFY2(pongs <= 200, qPrintable(QString::number(pongs)));
}

void TestOutputBounds::binaryFloodIsRateLimited()
{
    TestServer s(bounded);
    WsClient normal(s.wsUrl(mintToken("o1", "normal")));
    QVERIFY(normal.waitConnected());
    auto attacker = plainAttacker(s, "attacker");
    QVERIFY(attacker);
    QVERIFY(attacker->waitFor([&] { return attacker->in.contains("unread_count"); }));
    // Empty binary frames, each once answered with an error and never rate-limited.
    qint64 sent = 0;
    const qint64 growth = flood(*attacker, clientFrame(kFin | kBinary, {}), 6 * 1000 * 1000, &sent,
                                [&] { return s.server->metrics().rateLimited.load() >= 40; });
    QVERIFY2(growth < rssBoundKiB, qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(growth)));
    QVERIFY(attacker->waitEnded(15000));
    const QList<ServerFrame> frames = parseServerFrames(attacker->in);
    const auto close = closeFrameOf(frames);
    QVERIFY(close);
    QCOMPARE(close->closeCode(), 4029);
    const auto errors = std::count_if(frames.begin(), frames.end(), [](const ServerFrame &f) {
        return f.opcode == kText && f.payload.contains("\"type\":\"error\"");
    });
    QVERIFY2(errors <= 200, qPrintable(QString::number(errors)));
    normalClientStillServed(s, normal, 1);
}

void TestOutputBounds::engineIoPingsOverWebSocket()
{
    TestServer s(bounded);
    // No credential at all: an Engine.IO session on websocket, then "2" packets only.
    RawConn attacker(s.server->clientPort(), "127.0.0.1", 4096);
    attacker.writeAll(wsHandshake("/socket.io/?EIO=4&transport=websocket"));
    QVERIFY(attacker.waitFor([&] { return attacker.in.contains("\"sid\""); }));
    QByteArray pings;
    for (int i = 0; i < 10000; ++i)
        pings += clientFrame(kFin | kText, "2");
    attacker.writeAll(pings);
    QVERIFY(attacker.waitEnded(15000));
    const QList<ServerFrame> frames = parseServerFrames(attacker.in);
    const auto close = closeFrameOf(frames);
    QVERIFY(close);
    QCOMPARE(close->closeCode(), 4029);
    const auto pongs = std::count_if(frames.begin(), frames.end(), [](const ServerFrame &f) {
        return f.opcode == kText && f.payload == "3";
    });
    QVERIFY2(pongs <= 200, qPrintable(QString::number(pongs)));
}

void TestOutputBounds::pollingPingsWithoutGet()
{
    TestServer s([](ServerConfig &c) {
        bounded(c);
        c.rateLimit = RateLimit {0, 0}; // only the output bound
    });
    const quint16 port = s.server->clientPort();
    const QByteArray sid = openPollingSession(port);
    QVERIFY(!sid.isEmpty());
    const quint64 droppedBefore = s.server->metrics().dropped.load();
    // POSTs of pings, never a GET: before, every pong was kept for a GET.
    // 1000 pings (the most one POST may carry) with 900-byte payloads.
    QByteArray body = "2" + QByteArray(900, 'p');
    for (int i = 1; i < 1000; ++i)
        body += "\x1e"
                "2"
            + QByteArray(900, 'p');
    const qint64 before = rssKiB();
    qint64 peak = before;
    int posts = 0;
    int lastStatus = 200;
    while (posts < 40 && lastStatus == 200) {
        lastStatus = statusOf(roundTrip(port, httpRequest("POST", pollingTarget(sid), body)));
        peak = qMax(peak, rssKiB());
        ++posts;
    }
    QVERIFY2(peak - before < rssBoundKiB,
             qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(peak - before)));
    QCOMPARE(lastStatus, 400); // the session was dropped: its sid is unknown
    QCOMPARE(s.server->metrics().dropped.load(), droppedBefore + 1);
}

void TestOutputBounds::pollingGetBodyIsCapped()
{
    TestServer s([](ServerConfig &c) {
        bounded(c);
        c.maxOutputBytes = 8 * 1024 * 1024;
        c.rateLimit = RateLimit {0, 0};
    });
    const quint16 port = s.server->clientPort();
    const QByteArray sid = openPollingSession(port);
    QVERIFY(!sid.isEmpty());
    // Pings with 1000-byte payloads: 3 MB of pongs waiting, under the output bound.
    QByteArray body;
    for (int i = 0; i < 900; ++i)
        body += (body.isEmpty() ? "" : "\x1e") + ("2" + QByteArray(1000, 'd'));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(statusOf(roundTrip(port, httpRequest("POST", pollingTarget(sid), body))), 200);
    // Each GET carries at most maxPayload (1,000,000) bytes of packets; all arrive in turn.
    int pongs = 0;
    int gets = 0;
    while (pongs < 2700 && gets < 10) {
        const QByteArray reply = roundTrip(port, httpRequest("GET", pollingTarget(sid)));
        QCOMPARE(statusOf(reply), 200);
        const QByteArray payload = reply.mid(reply.indexOf("\r\n\r\n") + 4);
        QVERIFY2(payload.size() <= 1000000, qPrintable(QString::number(payload.size())));
        pongs += int(payload.count("3ddd"));
        ++gets;
    }
    QCOMPARE(pongs, 2700);
    QVERIFY(gets >= 3);
}

QTEST_GUILESS_MAIN(TestOutputBounds)
#include "test_outputbounds.moc"
