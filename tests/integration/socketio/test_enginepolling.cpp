// Engine.IO long-polling against a real in-process notifyd, with raw HTTP/1.1 on QTcpSocket:
// each request on a new TCP connection, so that the shards' routing by sid is exercised
// (connections are spread round-robin over two shards). Runs without Node.js; the interop
// tests cover the real socket.io-client.
#include "testserver.h"

#include "server/metrics/metrics.h"

#include <QTcpSocket>

using namespace notify;
using namespace notify::test;

namespace {

struct HttpReply
{
    int status = 0;
    QByteArray body;
};

// One request on its own connection (Connection: close); the reply is read to EOF.
HttpReply rawHttp(quint16 port, const QByteArray &method, const QByteArray &target,
                  const QByteArray &body = {}, const QByteArray &extraHeaders = {})
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                 + extraHeaders + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n"
                 + body);
    QByteArray raw;
    (void)QTest::qWaitFor(
        [&] {
            raw += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        },
        10000);
    raw += socket.readAll();
    HttpReply reply;
    const qsizetype split = raw.indexOf("\r\n\r\n");
    if (!raw.startsWith("HTTP/1.1 ") || split < 0)
        return reply;
    reply.status = raw.mid(9, 3).toInt();
    reply.body = raw.mid(split + 4);
    return reply;
}

// Polls, each GET on a new connection, until `text` was received `times` times (or 10 s
// passed): what was received, packets separated by the record separator.
QByteArray pollUntil(quint16 port, const QByteArray &path, const QByteArray &text, int times)
{
    QByteArray received;
    (void)QTest::qWaitFor(
        [&] {
            received += rawHttp(port, "GET", path).body + '\x1e';
            return received.count(text) >= times;
        },
        10000);
    return received;
}

// A body with CONNECTs to "/notifications" and "/", both with `token`.
QByteArray connectBoth(const QByteArray &token)
{
    // (The separator is a literal of its own: "\x1e40" would read as one hex escape.)
    return "40/notifications,{\"token\":\"" + token + "\"}\x1e" + "40{\"token\":\"" + token + "\"}";
}

// A new polling session: its sid.
QByteArray openSession(quint16 port)
{
    const HttpReply open = rawHttp(port, "GET", "/socket.io/?EIO=4&transport=polling");
    return QJsonDocument::fromJson(open.body.mid(1))
        .object()
        .value(QStringLiteral("sid"))
        .toString()
        .toLatin1();
}

// A GET the server holds (nothing is queued for the session); read with readAll() later.
bool holdGet(QTcpSocket &socket, quint16 port, const QByteArray &path)
{
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return false;
    socket.write("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    return socket.waitForBytesWritten(5000);
}

} // namespace

class TestEnginePolling : public QObject
{
    Q_OBJECT
private slots:
    void pollingSessionAcrossConnections();
    void errors();
    void overlappingPollsEndTheSession();
    void silentPollingSessionExpires();
    void invalidPayloadDropsTheSessionAtOnce();
    void clientCloseAnswersHeldGetWithNoop();
    void binaryPacketGetsAnErrorAndTheSessionStays();
};

void TestEnginePolling::pollingSessionAcrossConnections()
{
    TestServer s;
    const quint16 port = s.server->clientPort();
    const HttpReply open = rawHttp(port, "GET", "/socket.io/?EIO=4&transport=polling");
    QCOMPARE(open.status, 200);
    QVERIFY(open.body.startsWith("0{"));
    const QJsonObject info = QJsonDocument::fromJson(open.body.mid(1)).object();
    const QByteArray sid = info.value(QStringLiteral("sid")).toString().toLatin1();
    QCOMPARE(sid.size(), 20);
    QCOMPARE(info.value(QStringLiteral("pingInterval")).toInt(), 25000);
    QCOMPARE(info.value(QStringLiteral("pingTimeout")).toInt(), 20000);
    const QByteArray path = "/socket.io/?EIO=4&transport=polling&sid=" + sid;

    // CONNECT to two namespaces in one body; the answers come batched in one GET.
    const QByteArray token = mintToken("o1", "u1");
    const HttpReply post = rawHttp(port, "POST", path, connectBoth(token));
    QCOMPARE(post.status, 200);
    QCOMPARE(post.body, QByteArray("ok"));
    QByteArray received = pollUntil(port, path, "notification:unread_count", 2);
    QCOMPARE(received.count("notification:unread_count"), 2);
    QVERIFY(received.contains("40/notifications,{\"sid\":\""));
    QVERIFY(received.contains("40{\"sid\":\""));
    QTRY_COMPARE(s.server->metrics().connectionsSocketIo.load(), 2);

    // A publish reaches both namespaces, pre-encoded per namespace.
    QCOMPARE(s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("hi")).status,
             201);
    received = pollUntil(port, path, "notification:new", 2);
    QCOMPARE(received.count("notification:new"), 2);
    QVERIFY(received.contains("42/notifications,[\"notification:new\",{"));
    QVERIFY(received.contains("42[\"notification:new\",{"));

    // An EVENT with an ack id gets the ACK.
    QCOMPARE(rawHttp(port, "POST", path, "42/notifications,7[\"get_unread_count\",{}]").status,
             200);
    received.clear();
    QVERIFY(QTest::qWaitFor(
        [&] {
            received += rawHttp(port, "GET", path).body;
            return received.contains("43/notifications,7[");
        },
        10000));
    QVERIFY(received.contains("43/notifications,7[{\"ok\":true,\"unreadCount\":1,\"unseenCount\":1}]"));

    // The client's close packet ends the session at once (clientCloseAnswersHeldGetWithNoop).
    QCOMPARE(rawHttp(port, "POST", path, "1").status, 200);
    QTRY_COMPARE(s.server->metrics().connectionsSocketIo.load(), 0);
    QCOMPARE(rawHttp(port, "GET", path).status, 400);
}

void TestEnginePolling::errors()
{
    TestServer s;
    const quint16 port = s.server->clientPort();
    auto expect = [&](const QByteArray &method, const QByteArray &target, int status, int code) {
        const HttpReply r = rawHttp(port, method, target);
        QCOMPARE(r.status, status);
        QCOMPARE(QJsonDocument::fromJson(r.body).object().value(QStringLiteral("code")).toInt(-1),
                 code);
    };
    expect("GET", "/socket.io/?EIO=4&transport=carrier-pigeon", 400, 0);
    expect("GET", "/socket.io/?EIO=4&transport=polling&sid=BBBBBBBBBBBBBBBBBBBB", 400, 1);
    expect("GET", "/socket.io/?EIO=4&transport=polling&sid=a%20b", 400, 1);
    expect("POST", "/socket.io/?EIO=4&transport=polling", 400, 2);
    expect("GET", "/socket.io/?EIO=4&transport=websocket", 400, 3);
    expect("GET", "/socket.io/?EIO=3&transport=polling", 400, 5);
    QCOMPARE(rawHttp(port, "GET", "/elsewhere").status, 404);
    // Broken HTTP gets a plain status, never a crash.
    QTcpSocket raw;
    raw.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(raw.waitForConnected(5000));
    raw.write("GET /socket.io/ HTTP/1.1\nHost: x\n\n");
    QVERIFY(QTest::qWaitFor(
        [&] { return raw.bytesAvailable() > 0 || raw.state() != QAbstractSocket::ConnectedState; },
        5000));
    QVERIFY(raw.readAll().startsWith("HTTP/1.1 400 "));
    QVERIFY(
        QTest::qWaitFor([&] { return raw.state() == QAbstractSocket::UnconnectedState; }, 5000));
    // A TLS ClientHello on this plain port is answered at once, not at the head's deadline
    // (10 s here): its first byte cannot begin a request line.
    QTcpSocket tls;
    tls.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(tls.waitForConnected(5000));
    tls.write(QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
    QVERIFY(QTest::qWaitFor([&] { return tls.bytesAvailable() > 0; }, 5000));
    QVERIFY(tls.readAll().startsWith("HTTP/1.1 400 "));
}

void TestEnginePolling::overlappingPollsEndTheSession()
{
    TestServer s;
    const quint16 port = s.server->clientPort();
    const HttpReply open = rawHttp(port, "GET", "/socket.io/?EIO=4&transport=polling");
    const QByteArray sid = QJsonDocument::fromJson(open.body.mid(1))
                               .object()
                               .value(QStringLiteral("sid"))
                               .toString()
                               .toLatin1();
    const QByteArray request
        = "GET /socket.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: x\r\n\r\n";
    // Two GETs at once: whichever arrives second overlaps the held one, gets 400, and ends
    // the session, which answers the held one with the close packet.
    QTcpSocket first;
    QTcpSocket second;
    for (QTcpSocket *socket : {&first, &second}) {
        socket->connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(socket->waitForConnected(5000));
        socket->write(request);
    }
    QByteArray replies[2];
    QVERIFY(QTest::qWaitFor(
        [&] {
            replies[0] += first.readAll();
            replies[1] += second.readAll();
            return replies[0].contains("\r\n\r\n") && replies[1].contains("\r\n\r\n")
                && (replies[0].endsWith("\r\n\r\n1") || replies[1].endsWith("\r\n\r\n1"));
        },
        10000));
    const int held = replies[0].endsWith("\r\n\r\n1") ? 0 : 1;
    QVERIFY(replies[held].startsWith("HTTP/1.1 200 "));
    QVERIFY(replies[1 - held].startsWith("HTTP/1.1 400 "));
}

void TestEnginePolling::silentPollingSessionExpires()
{
    TestServer s([](ServerConfig &c) {
        c.sioPingIntervalMs = 200;
        c.sioPingTimeoutMs = 200;
    });
    const quint16 port = s.server->clientPort();
    const HttpReply open = rawHttp(port, "GET", "/socket.io/?EIO=4&transport=polling");
    const QByteArray sid = QJsonDocument::fromJson(open.body.mid(1))
                               .object()
                               .value(QStringLiteral("sid"))
                               .toString()
                               .toLatin1();
    const QByteArray path = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
    // The client never polls again: no pong, so the session ends and its sid is unknown.
    QTRY_COMPARE_WITH_TIMEOUT(s.server->metrics().heartbeatTimeouts.load(), 1u, 5000);
    QTRY_COMPARE(rawHttp(port, "GET", path).status, 400);
}

void TestEnginePolling::invalidPayloadDropsTheSessionAtOnce()
{
    // engine.io-protocol's test suite, "closes the session upon invalid packet format": the
    // POST is refused and the very next GET finds no session (not its close packet).
    TestServer s;
    const quint16 port = s.server->clientPort();
    const QByteArray path = "/socket.io/?EIO=4&transport=polling&sid=" + openSession(port);
    QCOMPARE(rawHttp(port, "POST", path, "abc").status, 400);
    const HttpReply next = rawHttp(port, "GET", path);
    QCOMPARE(next.status, 400);
    QCOMPARE(QJsonDocument::fromJson(next.body).object().value(QStringLiteral("code")).toInt(-1),
             1);
}

void TestEnginePolling::clientCloseAnswersHeldGetWithNoop()
{
    // engine.io-protocol's test suite, "forcefully closes the session": the held GET ends
    // with a noop, and the session is gone for the next one. One shard: the GET, written
    // before the POST's connection is even opened, is read and held first (with two, a
    // hand-over between shards could let the POST overtake it).
    TestServer s([](ServerConfig &c) { c.threads = 1; });
    const quint16 port = s.server->clientPort();
    const QByteArray path = "/socket.io/?EIO=4&transport=polling&sid=" + openSession(port);
    QTcpSocket held;
    QVERIFY(holdGet(held, port, path));
    const HttpReply post = rawHttp(port, "POST", path, "1");
    QCOMPARE(post.status, 200);
    QCOMPARE(post.body, QByteArray("ok"));
    QByteArray reply;
    QVERIFY(QTest::qWaitFor(
        [&] {
            reply += held.readAll();
            return reply.contains("\r\n\r\n") && !reply.endsWith("\r\n\r\n");
        },
        5000));
    QVERIFY(reply.startsWith("HTTP/1.1 200 "));
    QVERIFY2(reply.endsWith("\r\n\r\n6"), reply.constData());
    QCOMPARE(rawHttp(port, "GET", path).status, 400);
}

void TestEnginePolling::binaryPacketGetsAnErrorAndTheSessionStays()
{
    // A "b<base64>" packet in a POST is answered like a binary frame on the websocket: an
    // `error` event, and the session with its namespaces stays (docs/protocol.md).
    TestServer s;
    const quint16 port = s.server->clientPort();
    const QByteArray path = "/socket.io/?EIO=4&transport=polling&sid=" + openSession(port);
    QCOMPARE(rawHttp(port, "POST", path, connectBoth(mintToken("o1", "u1"))).status, 200);
    QCOMPARE(
        pollUntil(port, path, "notification:unread_count", 2).count("notification:unread_count"),
        2);
    const HttpReply post
        = rawHttp(port, "POST", path, QByteArray("42[\"x\",{}]\x1e") + "bAQIDBA==");
    QCOMPARE(post.status, 200);
    QCOMPARE(post.body, QByteArray("ok"));
    const QByteArray received = pollUntil(port, path, "invalid_payload", 2);
    QCOMPARE(received.count("invalid_payload"), 2);
    QVERIFY(received.contains("42/notifications,[\"error\",{"));
    QVERIFY(received.contains("binary packets are not supported"));
    QCOMPARE(s.server->metrics().connectionsSocketIo.load(), 2);
    QCOMPARE(s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("hi")).status,
             201);
    QCOMPARE(pollUntil(port, path, "notification:new", 2).count("notification:new"), 2);
}

QTEST_MAIN(TestEnginePolling)
#include "test_enginepolling.moc"
