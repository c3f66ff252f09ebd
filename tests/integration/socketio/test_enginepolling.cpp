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

} // namespace

class TestEnginePolling : public QObject
{
    Q_OBJECT
private slots:
    void pollingSessionAcrossConnections();
    void errors();
    void overlappingPollsEndTheSession();
    void silentPollingSessionExpires();
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
    const HttpReply post = rawHttp(port, "POST", path,
                                   "40/notifications,{\"token\":\"" + token
                                       + "\"}\x1e"
                                         "40{\"token\":\""
                                       + token + "\"}");
    QCOMPARE(post.status, 200);
    QCOMPARE(post.body, QByteArray("ok"));
    QByteArray received;
    QVERIFY(QTest::qWaitFor(
        [&] {
            received += rawHttp(port, "GET", path).body + '\x1e';
            return received.count("notification:unread_count") == 2;
        },
        10000));
    QVERIFY(received.contains("40/notifications,{\"sid\":\""));
    QVERIFY(received.contains("40{\"sid\":\""));
    QTRY_COMPARE(s.server->metrics().connectionsSocketIo.load(), 2);

    // A publish reaches both namespaces, pre-encoded per namespace.
    QCOMPARE(s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("hi")).status,
             201);
    received.clear();
    QVERIFY(QTest::qWaitFor(
        [&] {
            received += rawHttp(port, "GET", path).body + '\x1e';
            return received.count("notification:new") == 2;
        },
        10000));
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
    QVERIFY(received.contains("43/notifications,7[{\"ok\":true,\"unreadCount\":1}]"));

    // The client's close packet ends the session: the next GET gets "1", then the sid is gone.
    QCOMPARE(rawHttp(port, "POST", path, "1").status, 200);
    QTRY_COMPARE(s.server->metrics().connectionsSocketIo.load(), 0);
    const HttpReply gone = rawHttp(port, "GET", path);
    QVERIFY(gone.status == 400 || gone.body == "1");
    QTRY_COMPARE(rawHttp(port, "GET", path).status, 400);
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

QTEST_MAIN(TestEnginePolling)
#include "test_enginepolling.moc"
