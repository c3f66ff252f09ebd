// docs/protocol.md, "Server-Sent Events": GET /sse/notifications on the client port, read
// over a raw socket as a browser's EventSource would, and attacked as a client that never
// reads. Each test states what must be refused before the stream starts and which limits of
// the sockets hold for the stream too.
#include "hostile.h"

#include "server/metrics/metrics.h"
#include "server/websocket/websocket.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace notify;
using namespace notify::test;

namespace {

const QByteArray ssePath = "/sse/notifications";

// A GET of the stream; the connection is kept for reading.
std::unique_ptr<RawConn> openStream(quint16 port, const QByteArray &target,
                                    const QList<QByteArray> &headers = {}, int receiveBuffer = 0)
{
    auto c = std::make_unique<RawConn>(port, "127.0.0.1", receiveBuffer);
    QByteArray request
        = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
    for (const QByteArray &h : headers)
        request += h + "\r\n";
    c->writeAll(request + "\r\n");
    return c;
}

struct SseEvent
{
    QByteArray id;
    QByteArray event;
    QByteArray data;
};

// The events in the body of `raw` (after the response head); comments are skipped.
QList<SseEvent> eventsOf(const QByteArray &raw)
{
    QList<SseEvent> events;
    const qsizetype start = raw.indexOf("\r\n\r\n");
    if (start < 0)
        return events;
    const QList<QByteArray> blocks = raw.mid(start + 4).split('\n');
    SseEvent current;
    bool any = false;
    for (const QByteArray &line : blocks) {
        if (line.isEmpty()) {
            if (any && !current.event.isEmpty())
                events.append(current);
            current = {};
            any = false;
            continue;
        }
        if (line.startsWith(':'))
            continue;
        any = true;
        if (line.startsWith("id: "))
            current.id = line.mid(4);
        else if (line.startsWith("event: "))
            current.event = line.mid(7);
        else if (line.startsWith("data: "))
            current.data = line.mid(6);
    }
    return events;
}

int countEvents(const QByteArray &raw, QByteArrayView name)
{
    int n = 0;
    for (const SseEvent &e : eventsOf(raw))
        n += e.event == name ? 1 : 0;
    return n;
}

QByteArray tokenQuery(const QByteArray &token)
{
    return ssePath + "?token=" + token;
}

} // namespace

class TestSse : public QObject
{
    Q_OBJECT
private slots:
    void refusedBeforeTheStream();
    void streamsTheEventsOfThePlainProtocol();
    void lastEventIdRecovers();
    void heartbeatComment();
    void expiryAndRevocationCloseTheStream();
    void perUserConnectionLimit();
    void aClientThatNeverReadsIsDropped();
    void corsForAListedOrigin();
};

void TestSse::refusedBeforeTheStream()
{
    TestServer s;
    const quint16 port = s.server->clientPort();
    const QList<QByteArray> targets {
        ssePath,
        tokenQuery("not-a-token"),
        tokenQuery(mintToken("o1", "u1", {}, -120)),
    };
    for (const QByteArray &target : targets) {
        auto c = openStream(port, target);
        QVERIFY(c->waitFor([&] { return c->in.contains("\r\n\r\n"); }));
        QCOMPARE(statusOf(c->in), 401);
        QVERIFY(!c->in.contains("text/event-stream"));
        QVERIFY(c->in.contains("WWW-Authenticate: Bearer"));
    }
    for (const QByteArray &bad : {QByteArray("abc"), QByteArray("-1"), QByteArray("1.5"),
                                  QByteArray("99999999999999999999999")}) {
        auto c = openStream(port, tokenQuery(mintToken("o1", "u1")), {"Last-Event-ID: " + bad});
        QVERIFY(c->waitFor([&] { return statusOf(c->in) != 0; }));
        QCOMPARE(statusOf(c->in), 400);
        auto q = openStream(port, tokenQuery(mintToken("o1", "u1")) + "&lastSeq=" + bad);
        QVERIFY(q->waitFor([&] { return statusOf(q->in) != 0; }));
        QCOMPARE(statusOf(q->in), 400);
    }
    RawConn p(port);
    p.writeAll(httpRequest("POST", tokenQuery(mintToken("o1", "u1"))));
    QVERIFY(p.waitEnded());
    QCOMPARE(statusOf(p.in), 405);
}

void TestSse::streamsTheEventsOfThePlainProtocol()
{
    TestServer s;
    const quint16 port = s.server->clientPort();
    auto c = openStream(port, tokenQuery(mintToken("o1", "u1")));
    QVERIFY(c->waitFor([&] { return countEvents(c->in, "notification:unread_count") == 1; }));
    QCOMPARE(statusOf(c->in), 200);
    QVERIFY(c->in.contains("\r\nContent-Type: text/event-stream\r\n"));
    QVERIFY(c->in.contains("\r\nCache-Control: no-store\r\n"));
    QTRY_COMPARE(s.server->metrics().connectionsSse.load(), quint64(1));
    QVERIFY(
        s.server->metrics().prometheusText().contains("notify_connections{protocol=\"sse\"} 1"));

    WsClient plain(s.wsUrl(mintToken("o1", "u1")));
    QVERIFY(plain.waitConnected());
    QCOMPARE(
        s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("hello")).status,
        201);
    QVERIFY(c->waitFor([&] { return countEvents(c->in, "notification:new") == 1; }));
    QVERIFY(plain.waitForEvents(QStringLiteral("notification:new"), 1));
    SseEvent created;
    for (const SseEvent &e : eventsOf(c->in)) {
        if (e.event == "notification:new")
            created = e;
    }
    // The same data object as the plain protocol's, and the notification's seq as the id.
    const QJsonObject data = QJsonDocument::fromJson(created.data).object();
    QCOMPARE(data, plain.events(QStringLiteral("notification:new")).at(0));
    QCOMPARE(created.id,
             QByteArray::number(data.value(QStringLiteral("notification"))
                                    .toObject()
                                    .value(QStringLiteral("seq"))
                                    .toInteger()));
    QVERIFY(c->waitFor([&] { return countEvents(c->in, "notification:unread_count") == 2; }));

    // A read elsewhere reaches the stream.
    plain.call(QStringLiteral("mark_all_read"));
    QVERIFY(c->waitFor([&] { return countEvents(c->in, "notification:marked_read") == 1; }));
    c.reset();
    QTRY_COMPARE(s.server->metrics().connectionsSse.load(), quint64(0));
}

void TestSse::lastEventIdRecovers()
{
    TestServer s;
    const quint16 port = s.server->clientPort();
    for (int i = 0; i < 3; ++i)
        QCOMPARE(
            s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("n")).status,
            201);
    for (const bool viaHeader : {true, false}) {
        auto c = viaHeader
            ? openStream(port, tokenQuery(mintToken("o1", "u1")), {"Last-Event-ID: 1"})
            : openStream(port, tokenQuery(mintToken("o1", "u1")) + "&lastSeq=1");
        QVERIFY(c->waitFor([&] { return countEvents(c->in, "notification:recent") == 1; }));
        for (const SseEvent &e : eventsOf(c->in)) {
            if (e.event != "notification:recent")
                continue;
            const QJsonArray recovered = QJsonDocument::fromJson(e.data)
                                             .object()
                                             .value(QStringLiteral("notifications"))
                                             .toArray();
            QCOMPARE(recovered.size(), 2);
            QCOMPARE(e.id, QByteArray("3"));
        }
    }
}

void TestSse::heartbeatComment()
{
    TestServer s([](ServerConfig &c) { c.pingIntervalMs = 300; });
    auto c = openStream(s.server->clientPort(), tokenQuery(mintToken("o1", "u1")));
    QVERIFY(c->waitFor([&] { return c->in.count("\n: ping\n") >= 2; }));
    QVERIFY(!c->ended);
}

void TestSse::expiryAndRevocationCloseTheStream()
{
    TestServer s;
    const quint16 port = s.server->clientPort();
    const auto session = [&](int ttl) {
        const TestServer::Response r
            = s.request("POST", QStringLiteral("/api/v1/sessions"),
                        QByteArray(R"({"orgId":"o1","userId":"u1","ttlSeconds":)")
                            + QByteArray::number(ttl) + "}");
        return r.json.value(QStringLiteral("token")).toString().toUtf8();
    };
    const QByteArray shortLived = session(2);
    auto expiring = openStream(port, ssePath, {"Cookie: session_id=" + shortLived});
    QVERIFY(expiring->waitFor(
        [&] { return countEvents(expiring->in, "notification:unread_count") == 1; }));
    QVERIFY(expiring->waitEnded(10000));
    QCOMPARE(countEvents(expiring->in, "close"), 1);
    QVERIFY(expiring->in.contains("\"code\":4001"));
    QVERIFY(expiring->in.contains("session expired"));

    const QByteArray revoked = session(600);
    auto stream = openStream(port, tokenQuery(revoked));
    QVERIFY(
        stream->waitFor([&] { return countEvents(stream->in, "notification:unread_count") == 1; }));
    QCOMPARE(s.request("DELETE", QStringLiteral("/api/v1/sessions/") + QString::fromUtf8(revoked))
                 .status,
             204);
    QVERIFY(stream->waitEnded(10000));
    QCOMPARE(countEvents(stream->in, "close"), 1);
    QVERIFY(stream->in.contains("\"code\":4001"));
}

void TestSse::perUserConnectionLimit()
{
    TestServer s([](ServerConfig &c) { c.maxConnectionsPerUser = 1; });
    const quint16 port = s.server->clientPort();
    auto first = openStream(port, tokenQuery(mintToken("o1", "u1")));
    QVERIFY(
        first->waitFor([&] { return countEvents(first->in, "notification:unread_count") == 1; }));
    auto second = openStream(port, tokenQuery(mintToken("o1", "u1")));
    QVERIFY(second->waitEnded());
    QCOMPARE(statusOf(second->in), 429);
    QVERIFY(!second->in.contains("text/event-stream"));
    first->readAvailable();
    QVERIFY(!first->ended);
}

void TestSse::aClientThatNeverReadsIsDropped()
{
    TestServer s([](ServerConfig &c) { c.maxOutputBytes = 64 * 1024; });
    const quint16 port = s.server->clientPort();
    WsClient normal(s.wsUrl(mintToken("o1", "normal")));
    QVERIFY(normal.waitConnected());
    auto attacker = openStream(port, tokenQuery(mintToken("o1", "slow")), {}, 4096);
    QVERIFY(attacker->waitFor([&] { return attacker->in.contains("notification:unread_count"); }));
    const quint64 droppedBefore = s.server->metrics().dropped.load();
    const QJsonObject big {{QStringLiteral("body"), QString(1500, u'x')}};
    int published = 0;
    // Published to the reader that never reads until the server gives up on it; the bound
    // (plus what the kernel holds) is reached long before 2000 notifications.
    while (s.server->metrics().dropped.load() == droppedBefore && published < 2000) {
        QCOMPARE(s.publish(QStringLiteral("o1"), {QStringLiteral("slow")}, QStringLiteral("n"), big)
                     .status,
                 201);
        ++published;
    }
    QVERIFY2(s.server->metrics().dropped.load() > droppedBefore,
             qPrintable(QStringLiteral("%1 published").arg(published)));
    // Gone once what was queued could not be delivered within the close timeout, as a
    // WebSocket's is.
    QTRY_COMPARE_WITH_TIMEOUT(s.server->metrics().connectionsSse.load(), quint64(0),
                              WebSocket::closeTimeoutMs + 5000);
    QCOMPARE(
        s.publish(QStringLiteral("o1"), {QStringLiteral("normal")}, QStringLiteral("n")).status,
        201);
    QVERIFY(normal.waitForEvents(QStringLiteral("notification:new"), 1));
}

void TestSse::corsForAListedOrigin()
{
    const QByteArray origin = "https://app.example.com";
    TestServer s([&](ServerConfig &c) { c.allowedOrigins = {QString::fromLatin1(origin)}; });
    const quint16 port = s.server->clientPort();
    auto ok = openStream(port, tokenQuery(mintToken("o1", "u1")), {"Origin: " + origin});
    QVERIFY(ok->waitFor([&] { return countEvents(ok->in, "notification:unread_count") == 1; }));
    QVERIFY(ok->in.contains("\r\nAccess-Control-Allow-Origin: " + origin + "\r\n"));
    QVERIFY(ok->in.contains("\r\nAccess-Control-Allow-Credentials: true\r\n"));
    auto foreign
        = openStream(port, tokenQuery(mintToken("o1", "u1")), {"Origin: https://evil.example.com"});
    QVERIFY(foreign->waitEnded() || statusOf(foreign->in) != 0);
    QCOMPARE(statusOf(foreign->in), 403);
    QVERIFY(!foreign->in.contains("Access-Control-Allow-Origin"));
}

QTEST_MAIN(TestSse)
#include "test_sse.moc"
