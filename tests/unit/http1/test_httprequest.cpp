#include "server/http1/httprequest.h"

#include <QRandomGenerator>
#include <QTest>

using namespace notify;
using http1::Limits;
using http1::parseRequestHead;

class TestHttpRequest : public QObject
{
    Q_OBJECT
private slots:
    void pollingGet();
    void postWithBody();
    void webSocketUpgrade();
    void incompleteHeadAsksForMore();
    void hopelessRequestLineIsRefusedEarly_data();
    void hopelessRequestLineIsRefusedEarly();
    void keepAliveRules_data();
    void keepAliveRules();
    void rejects_data();
    void rejects();
    void limits();
    void chunkedOnlyWhenAccepted();
    void formatsResponses();
    void fuzz();
};

void TestHttpRequest::pollingGet()
{
    const QByteArray raw = "GET /socket.io/?EIO=4&transport=polling&t=N8hyd6w HTTP/1.1\r\n"
                           "Host: localhost:8080\r\n"
                           "User-Agent:  node-XMLHttpRequest \r\n"
                           "Accept: */*\r\n\r\n";
    auto r = parseRequestHead(raw + "GET /next");
    QVERIFY(r.ok());
    QVERIFY(r.value().has_value());
    const http1::RequestHead &h = *r.value();
    QCOMPARE(h.method, QByteArray("GET"));
    QCOMPARE(h.path(), QByteArray("/socket.io/"));
    QCOMPARE(h.query(), QByteArray("EIO=4&transport=polling&t=N8hyd6w"));
    QCOMPARE(h.minorVersion, 1);
    QCOMPARE(h.headLength, raw.size());
    QCOMPARE(h.header("user-agent"), QByteArray("node-XMLHttpRequest"));
    QCOMPARE(h.header("host"), QByteArray("localhost:8080"));
    QVERIFY(h.header("cookie").isNull());
    QVERIFY(h.keepAlive);
    QVERIFY(!h.webSocketUpgrade);
    QCOMPARE(h.contentLength, 0);
}

void TestHttpRequest::postWithBody()
{
    auto r = parseRequestHead("POST /socket.io/?EIO=4&transport=polling&sid=abc HTTP/1.1\r\n"
                              "Host: x\r\nContent-Type: text/plain;charset=UTF-8\r\n"
                              "CONTENT-LENGTH: 8\r\n\r\n40{\"a\":1}");
    QVERIFY(r.ok() && r.value());
    QCOMPARE(r.value()->contentLength, 8);
    QCOMPARE(r.value()->header("content-type"), QByteArray("text/plain;charset=UTF-8"));
}

void TestHttpRequest::webSocketUpgrade()
{
    auto r = parseRequestHead("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                              "Host: x\r\nConnection: keep-alive, Upgrade\r\nUpgrade: WebSocket\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                              "Sec-WebSocket-Version: 13\r\n\r\n");
    QVERIFY(r.ok() && r.value());
    QVERIFY(r.value()->webSocketUpgrade);
    // An Upgrade header without the Connection token is not an upgrade, nor is a POST.
    r = parseRequestHead("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n");
    QVERIFY(r.ok() && r.value() && !r.value()->webSocketUpgrade);
    r = parseRequestHead("POST / HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\n"
                         "Upgrade: websocket\r\n\r\n");
    QVERIFY(r.ok() && r.value() && !r.value()->webSocketUpgrade);
}

void TestHttpRequest::incompleteHeadAsksForMore()
{
    const QByteArray full = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    for (qsizetype n = 0; n < full.size(); ++n) {
        auto r = parseRequestHead(full.left(n));
        QVERIFY2(r.ok(), qPrintable(QString::number(n)));
        QVERIFY2(!r.value().has_value(), qPrintable(QString::number(n)));
    }
    QVERIFY(parseRequestHead(full).value().has_value());
}

void TestHttpRequest::hopelessRequestLineIsRefusedEarly_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::newRow("TLS ClientHello") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc", 9);
    QTest::newRow("NUL") << QByteArray("\0", 1);
    QTest::newRow("leading space") << QByteArray(" GET");
    QTest::newRow("bad method byte") << QByteArray("G(T /partial");
    QTest::newRow("CR in the method") << QByteArray("GE\r");
    QTest::newRow("high byte") << QByteArray("GET\xff");
}

void TestHttpRequest::hopelessRequestLineIsRefusedEarly()
{
    // Incomplete (no line end yet), but no end can make it a request: 400 at once, and the
    // same status as the complete line gets.
    QFETCH(QByteArray, raw);
    auto r = parseRequestHead(raw);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().status, 400);
    auto whole = parseRequestHead(raw + " / HTTP/1.1\r\nHost: x\r\n\r\n");
    QVERIFY(!whole.ok());
    QCOMPARE(whole.error().status, 400);
    // What can still become a request waits for more.
    for (const QByteArray &prefix : {QByteArray("G"), QByteArray("GET"), QByteArray("M-SEARCH"),
                                     QByteArray("GET /a?b=c"), QByteArray("GET / HTTP/1.1\r")}) {
        auto partial = parseRequestHead(prefix);
        QVERIFY2(partial.ok() && !partial.value(), prefix.constData());
    }
}

void TestHttpRequest::keepAliveRules_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<bool>("keepAlive");
    QTest::newRow("1.1 default") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << true;
    QTest::newRow("1.1 close") << QByteArray(
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n")
                               << false;
    QTest::newRow("1.0 default") << QByteArray("GET / HTTP/1.0\r\n\r\n") << false;
    QTest::newRow("1.0 keep-alive")
        << QByteArray("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << true;
}

void TestHttpRequest::keepAliveRules()
{
    QFETCH(QByteArray, raw);
    QFETCH(bool, keepAlive);
    auto r = parseRequestHead(raw);
    QVERIFY(r.ok() && r.value());
    QCOMPARE(r.value()->keepAlive, keepAlive);
}

void TestHttpRequest::rejects_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("status");
    QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\nHost: x\n\n") << 400;
    QTest::newRow("bare LF in headers") << QByteArray("GET / HTTP/1.1\r\nHost: x\n\r\n") << 400;
    QTest::newRow("leading blank line")
        << QByteArray("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
    QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
    QTest::newRow("missing version") << QByteArray("GET /\r\nHost: x\r\n\r\n") << 400;
    QTest::newRow("absolute form")
        << QByteArray("GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
    QTest::newRow("space in target") << QByteArray("GET /a b HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
    QTest::newRow("bad method") << QByteArray("G(T / HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
    QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\nHost: x\r\n\r\n") << 505;
    QTest::newRow("HTTP/1.2") << QByteArray("GET / HTTP/1.2\r\nHost: x\r\n\r\n") << 505;
    QTest::newRow("lowercase http") << QByteArray("GET / http/1.1\r\nHost: x\r\n\r\n") << 400;
    QTest::newRow("no host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("two hosts") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
    QTest::newRow("space before colon") << QByteArray("GET / HTTP/1.1\r\nHost : x\r\n\r\n") << 400;
    QTest::newRow("folding") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n c\r\n\r\n")
                             << 400;
    QTest::newRow("control char") << QByteArray("GET / HTTP/1.1\r\nHost: x\x01y\r\n\r\n") << 400;
    QTest::newRow("NUL") << QByteArray("GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n", 28) << 400;
    QTest::newRow("stray CR") << QByteArray("GET / HTTP/1.1\r\nHost: x\ry\r\n\r\n") << 400;
    QTest::newRow("chunked") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\n"
                                           "Transfer-Encoding: chunked\r\n\r\n")
                             << 501;
    QTest::newRow("bad length") << QByteArray(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n")
                                << 400;
    QTest::newRow("negative length")
        << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n") << 400;
    QTest::newRow("two lengths") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                                               "Content-Length: 2\r\n\r\n")
                                 << 400;
    QTest::newRow("list length") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\n"
                                               "Content-Length: 1, 1\r\n\r\n")
                                 << 400;
    QTest::newRow("body too large")
        << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000001\r\n\r\n") << 413;
}

void TestHttpRequest::rejects()
{
    QFETCH(QByteArray, raw);
    QFETCH(int, status);
    auto r = parseRequestHead(raw);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().status, status);
    QVERIFY(!r.error().message.isEmpty());
}

void TestHttpRequest::limits()
{
    Limits limits;
    limits.maxHeadBytes = 256;
    limits.maxLineBytes = 64;
    limits.maxHeaders = 3;
    // A request line over the line limit is 414, whether or not its end has arrived.
    const QByteArray longTarget = "GET /" + QByteArray(80, 'a');
    QCOMPARE(parseRequestHead(longTarget, limits).error().status, 414);
    QCOMPARE(parseRequestHead(longTarget + " HTTP/1.1\r\n", limits).error().status, 414);
    // A header line over it is 431.
    const QByteArray start = "GET / HTTP/1.1\r\nHost: x\r\n";
    QCOMPARE(parseRequestHead(start + "A: " + QByteArray(70, 'b'), limits).error().status, 431);
    // More headers than allowed.
    QCOMPARE(parseRequestHead(start + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits).error().status, 431);
    QVERIFY(parseRequestHead(start + "A: 1\r\nB: 2\r\n\r\n", limits).value().has_value());
    // A head that never ends within maxHeadBytes, in short lines.
    QByteArray endless = start;
    while (endless.size() < 300)
        endless += "A: 1\r\n";
    limits.maxHeaders = 1000;
    QCOMPARE(parseRequestHead(endless, limits).error().status, 431);
}

// The API port takes chunked bodies (Limits::acceptChunked); the client port never does.
void TestHttpRequest::chunkedOnlyWhenAccepted()
{
    const QByteArray chunked = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    QCOMPARE(parseRequestHead(chunked).error().status, 501);
    Limits limits;
    limits.acceptChunked = true;
    auto head = parseRequestHead(chunked, limits);
    QVERIFY(head.ok() && head.value());
    QVERIFY(head.value()->chunked);
    QCOMPARE(head.value()->contentLength, 0);
    // Both framings (a smuggling vector), other codings, and chunked on HTTP/1.0 are refused.
    QCOMPARE(parseRequestHead("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                              "Content-Length: 5\r\n\r\n",
                              limits)
                 .error()
                 .status,
             400);
    QCOMPARE(parseRequestHead("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, "
                              "chunked\r\n\r\n",
                              limits)
                 .error()
                 .status,
             501);
    QCOMPARE(parseRequestHead("POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", limits)
                 .error()
                 .status,
             400);
}

void TestHttpRequest::formatsResponses()
{
    QCOMPARE(http1::formatResponse(200, "text/plain; charset=UTF-8", "ok", true),
             QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                        "Content-Length: 2\r\n\r\nok"));
    QCOMPARE(http1::formatResponse(400, "application/json", "{}", false, "Vary: Origin\r\n"),
             QByteArray("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
                        "Content-Length: 2\r\nConnection: close\r\nVary: Origin\r\n\r\n{}"));
    QCOMPARE(http1::formatResponse(204, {}, {}, true),
             QByteArray("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"));
}

// Fixed-seed mutation fuzzing: never a crash, every error a known status, every accepted
// head consistent with the bytes it came from.
void TestHttpRequest::fuzz()
{
    const QList<QByteArray> seeds {
        "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /socket.io/?EIO=4&transport=polling&sid=x HTTP/1.1\r\nHost: a\r\n"
        "Content-Length: 5\r\nConnection: keep-alive\r\n\r\n4abcd",
        "GET /ws/notifications?token=t HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: k\r\nSec-WebSocket-Version: 13\r\n\r\n",
        "GET / HTTP/1.0\r\n\r\n",
    };
    const QByteArray tokens = QByteArray("\r\n :/?&=,HTTP1.0") + QByteArray("\x00\x7f\xff\t", 4);
    QRandomGenerator rng(20260217);
    Limits limits;
    limits.maxHeadBytes = 512;
    limits.maxLineBytes = 128;
    limits.maxHeaders = 8;
    const QList<int> statuses {400, 413, 414, 431, 501, 505};
    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < 20000; ++i) {
        QByteArray input = seeds.at(rng.bounded(int(seeds.size())));
        const int rounds = 1 + rng.bounded(4);
        for (int r = 0; r < rounds; ++r) {
            const qsizetype at = input.isEmpty() ? 0 : rng.bounded(int(input.size()));
            const char byte = rng.bounded(2) ? tokens.at(rng.bounded(int(tokens.size())))
                                             : char(rng.bounded(256));
            switch (rng.bounded(5)) {
            case 0:
                if (!input.isEmpty())
                    input[at] = byte;
                break;
            case 1:
                input.insert(at, byte);
                break;
            case 2:
                input.remove(at, 1 + rng.bounded(8));
                break;
            case 3:
                input.insert(at, input.mid(at, rng.bounded(200)));
                break;
            default:
                input.truncate(at);
                break;
            }
        }
        auto r = parseRequestHead(input, limits);
        // A refused prefix stays refused: more bytes never turn an error into a request.
        if (!input.isEmpty()) {
            auto prefix = parseRequestHead(input.first(rng.bounded(int(input.size()))), limits);
            if (!prefix.ok())
                QVERIFY2(!r.ok(), qPrintable(prefix.error().message));
        }
        if (!r.ok()) {
            QVERIFY2(statuses.contains(r.error().status), qPrintable(r.error().message));
            ++rejected;
            continue;
        }
        if (!r.value())
            continue;
        ++accepted;
        const http1::RequestHead &h = *r.value();
        QVERIFY(h.headLength <= input.size() && h.headLength <= limits.maxHeadBytes);
        QVERIFY(input.left(h.headLength).endsWith("\r\n\r\n"));
        QVERIFY(h.target.startsWith('/'));
        QVERIFY(h.headers.size() <= limits.maxHeaders);
        QVERIFY(h.contentLength >= 0 && h.contentLength <= limits.maxBodyBytes);
    }
    QVERIFY(accepted > 100);
    QVERIFY(rejected > 100);
}

QTEST_APPLESS_MAIN(TestHttpRequest)
#include "test_httprequest.moc"
