// Hostile clients on the API port (docs/security.md, "The API port"): oversized bodies and heads,
// slow heads, idle keep-alive connections, pipelining, the optional /metrics bearer. Real
// sockets on loopback against an in-process notifyd; every wait is on a signal or condition.
#include "testserver.h"

#include <QFile>
#include <QTcpSocket>

#include <functional>
#include <optional>

using namespace notify;
using namespace notify::test;

namespace {

// Resident memory of this process (server and clients), in bytes.
qint64 residentBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
}

struct ParsedResponse
{
    int status = 0;
    QByteArray head;
    QByteArray body;
    qsizetype end = 0; // where the next response starts
};

// The response starting at `from`, once complete (Content-Length framed, as the server does).
std::optional<ParsedResponse> parseResponse(const QByteArray &data, qsizetype from = 0)
{
    const qsizetype headEnd = data.indexOf("\r\n\r\n", from);
    if (headEnd < 0)
        return std::nullopt;
    ParsedResponse r;
    r.head = data.mid(from, headEnd - from);
    r.status = r.head.mid(9, 3).toInt();
    qint64 length = 0;
    for (const QByteArray &line : r.head.split('\n')) {
        if (line.toLower().startsWith("content-length:"))
            length = line.mid(15).trimmed().toLongLong();
    }
    const qsizetype bodyStart = headEnd + 4;
    if (data.size() - bodyStart < length)
        return std::nullopt;
    r.body = data.mid(bodyStart, length);
    r.end = bodyStart + length;
    return r;
}

QList<ParsedResponse> parseAll(const QByteArray &data)
{
    QList<ParsedResponse> out;
    qsizetype at = 0;
    while (auto r = parseResponse(data, at)) {
        out.append(*r);
        at = r->end;
    }
    return out;
}

QString errorCode(const ParsedResponse &r)
{
    return QJsonDocument::fromJson(r.body)
        .object()
        .value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("code"))
        .toString();
}

// A raw HTTP client that records what it receives and when the server closed.
class RawClient
{
public:
    explicit RawClient(quint16 port)
    {
        QObject::connect(&socket, &QTcpSocket::readyRead, [this] { received += socket.readAll(); });
        QObject::connect(&socket, &QTcpSocket::disconnected, [this] { closed = true; });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    bool waitConnected() { return socket.waitForConnected(5000); }
    std::optional<ParsedResponse> response() const { return parseResponse(received); }

    // Sends `total` bytes of `pattern` repeated, never more than 256 KiB ahead of what the
    // kernel took (so the client holds little), until a response is complete, the server
    // closed, or everything is sent. `sent` counts what was handed to the socket.
    void pump(const QByteArray &pattern, qint64 total)
    {
        const QByteArray chunk = pattern.repeated(qMax<qsizetype>(1, 65536 / pattern.size()));
        const auto done = [this, total] {
            return response().has_value() || closed || sent >= total;
        };
        const auto feed = [this, &chunk, total, &done] {
            while (!done() && socket.state() == QAbstractSocket::ConnectedState
                   && socket.bytesToWrite() < 256 * 1024) {
                const qint64 n = qMin<qint64>(chunk.size(), total - sent);
                socket.write(chunk.constData(), n);
                sent += n;
            }
        };
        const auto connection = QObject::connect(&socket, &QTcpSocket::bytesWritten, feed);
        feed();
        QTRY_VERIFY_WITH_TIMEOUT(done(), 120000);
        QObject::disconnect(connection);
    }

    QTcpSocket socket;
    QByteArray received;
    bool closed = false;
    qint64 sent = 0;
};

const QByteArray host = "Host: 127.0.0.1\r\n";

} // namespace

class TestApiHostile : public QObject
{
    Q_OBJECT

private slots:
    void declaredBodyOverLimitIs413BeforeItIsRead();
    void chunkedBodyIsCountedAsItArrives();
    void oversizedHeadIsRefusedWhileReading_data();
    void oversizedHeadIsRefusedWhileReading();
    void trickledHeadIsClosedAtTheDeadline();
    void silentConnectionIsClosedAtTheDeadline();
    void idleKeepAliveIsClosed();
    void pipelinedRequestsAreAnsweredInOrder();
    void slowReaderGetsEveryAnswerInOrder();
    void expectContinue();
    void metricsBearer();
};

// 150 MB declared: the 413 arrives while the client is still sending, and the server keeps
// none of it.
void TestApiHostile::declaredBodyOverLimitIs413BeforeItIsRead()
{
    TestServer s;
    const qint64 declared = 150LL * 1000 * 1000;
    const qint64 rssBefore = residentBytes();
    RawClient c(s.server->apiPort());
    QVERIFY(c.waitConnected());
    c.socket.write("POST /api/v1/notifications HTTP/1.1\r\n" + host + "Authorization: Bearer "
                   + testApiKey.toUtf8() + "\r\nContent-Type: application/json\r\nContent-Length: "
                   + QByteArray::number(declared) + "\r\n\r\n");
    c.pump("x", declared);
    const auto r = c.response();
    QVERIFY(r);
    QCOMPARE(r->status, 413);
    QCOMPARE(errorCode(*r), QStringLiteral("payload_too_large"));
    QVERIFY(r->head.contains("Connection: close"));
    QVERIFY2(c.sent < declared / 10, qPrintable(QString::number(c.sent)));
    const qint64 growth = residentBytes() - rssBefore;
    QVERIFY2(growth < 16 * 1024 * 1024, qPrintable(QStringLiteral("RSS grew by %1").arg(growth)));
    // The server closes after its lingering time whatever the client does.
    QTRY_VERIFY_WITH_TIMEOUT(c.closed, 10000);
    QCOMPARE(s.request("GET", QStringLiteral("/healthz"), {}, {}).status, 200);
}

void TestApiHostile::chunkedBodyIsCountedAsItArrives()
{
    TestServer s;
    {
        // A good chunked publish is served like a Content-Length one.
        RawClient c(s.server->apiPort());
        QVERIFY(c.waitConnected());
        const QByteArray json = R"({"orgId":"o","userIds":["u"],"type":"T","title":"chunked"})";
        c.socket.write("POST /api/v1/notifications HTTP/1.1\r\n" + host + "Authorization: Bearer "
                       + testApiKey.toUtf8() + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                       + QByteArray::number(10, 16) + "\r\n" + json.left(10) + "\r\n"
                       + QByteArray::number(json.size() - 10, 16) + "\r\n" + json.mid(10)
                       + "\r\n0\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(c.response().has_value(), 10000);
        QCOMPARE(c.response()->status, 201);
    }
    {
        // One chunk that declares 150 MB: refused before its data, none of it is kept.
        const qint64 rssBefore = residentBytes();
        RawClient c(s.server->apiPort());
        QVERIFY(c.waitConnected());
        c.socket.write("POST /api/v1/notifications HTTP/1.1\r\n" + host + "Authorization: Bearer "
                       + testApiKey.toUtf8() + "\r\nTransfer-Encoding: chunked\r\n\r\n8F0D180\r\n");
        c.pump("x", 150LL * 1000 * 1000);
        QVERIFY(c.response());
        QCOMPARE(c.response()->status, 413);
        QVERIFY(c.sent < 15LL * 1000 * 1000);
        QVERIFY(residentBytes() - rssBefore < 16 * 1024 * 1024);
    }
    {
        // Many small chunks add up: refused once the sum crosses 1 MiB.
        RawClient c(s.server->apiPort());
        QVERIFY(c.waitConnected());
        c.socket.write("POST /api/v1/notifications HTTP/1.1\r\n" + host + "Authorization: Bearer "
                       + testApiKey.toUtf8() + "\r\nTransfer-Encoding: chunked\r\n\r\n");
        c.pump("400\r\n" + QByteArray(1024, 'x') + "\r\n", 150LL * 1000 * 1000);
        QVERIFY(c.response());
        QCOMPARE(c.response()->status, 413);
        QVERIFY(c.sent < 15LL * 1000 * 1000);
    }
}

void TestApiHostile::oversizedHeadIsRefusedWhileReading_data()
{
    QTest::addColumn<QByteArray>("prefix");
    QTest::addColumn<QByteArray>("pattern");
    QTest::addColumn<qint64>("total");
    QTest::addColumn<int>("status");
    QTest::newRow("200 MB header line")
        << QByteArray("GET /healthz HTTP/1.1\r\n" + host + "X-Big: ") << QByteArray("a")
        << 200LL * 1000 * 1000 << 431;
    QTest::newRow("200 MB request line")
        << QByteArray("GET /healthz?") << QByteArray("a") << 200LL * 1000 * 1000 << 414;
    QTest::newRow("80,000 header lines") << QByteArray("GET /healthz HTTP/1.1\r\n" + host)
                                         << QByteArray("X-A: b\r\n") << 80000LL * 8 << 431;
}

// The head limit holds while the head arrives: the answer comes after about 16 KiB, the
// client cannot make the server hold its 200 MB.
void TestApiHostile::oversizedHeadIsRefusedWhileReading()
{
    QFETCH(QByteArray, prefix);
    QFETCH(QByteArray, pattern);
    QFETCH(qint64, total);
    QFETCH(int, status);
    TestServer s;
    const qint64 rssBefore = residentBytes();
    RawClient c(s.server->apiPort());
    QVERIFY(c.waitConnected());
    c.socket.write(prefix);
    c.pump(pattern, total);
    const auto r = c.response();
    QVERIFY2(r, c.received.left(200).constData());
    QCOMPARE(r->status, status);
    QVERIFY(r->head.contains("Connection: close"));
    QVERIFY2(c.sent < qMax<qint64>(total / 10, 1024 * 1024), qPrintable(QString::number(c.sent)));
    const qint64 growth = residentBytes() - rssBefore;
    QVERIFY2(growth < 16 * 1024 * 1024, qPrintable(QStringLiteral("RSS grew by %1").arg(growth)));
    QTRY_VERIFY_WITH_TIMEOUT(c.closed, 10000);
}

// One byte now and then never completes a head: the deadline counts from accept, not from
// the last byte.
void TestApiHostile::trickledHeadIsClosedAtTheDeadline()
{
    TestServer s([](ServerConfig &c) { c.apiHeadTimeoutMs = 400; });
    RawClient c(s.server->apiPort());
    QVERIFY(c.waitConnected());
    c.socket.write("GET /healthz HTTP/1.1\r\n");
    int trickled = 0;
    QTimer trickle;
    QObject::connect(&trickle, &QTimer::timeout, [&] {
        if (c.socket.state() == QAbstractSocket::ConnectedState) {
            c.socket.write("X");
            ++trickled;
        }
    });
    trickle.start(50);
    QTRY_VERIFY_WITH_TIMEOUT(c.closed, 10000);
    QVERIFY(trickled > 0);
    const auto r = c.response();
    QVERIFY(r);
    QCOMPARE(r->status, 408);
    QCOMPARE(errorCode(*r), QStringLiteral("request_timeout"));
}

void TestApiHostile::silentConnectionIsClosedAtTheDeadline()
{
    TestServer s([](ServerConfig &c) { c.apiHeadTimeoutMs = 300; });
    RawClient c(s.server->apiPort());
    QVERIFY(c.waitConnected());
    QTRY_VERIFY_WITH_TIMEOUT(c.closed, 10000);
    QVERIFY(c.received.isEmpty()); // nothing was asked, nothing is answered
}

void TestApiHostile::idleKeepAliveIsClosed()
{
    TestServer s([](ServerConfig &c) { c.apiIdleTimeoutMs = 300; });
    RawClient c(s.server->apiPort());
    QVERIFY(c.waitConnected());
    c.socket.write("GET /healthz HTTP/1.1\r\n" + host + "\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(c.response().has_value(), 10000);
    QCOMPARE(c.response()->status, 200);
    QVERIFY(!c.response()->head.contains("Connection: close"));
    QVERIFY(!c.closed);
    QTRY_VERIFY_WITH_TIMEOUT(c.closed, 10000);
    QCOMPARE(parseAll(c.received).size(), 1);
}

void TestApiHostile::pipelinedRequestsAreAnsweredInOrder()
{
    TestServer s;
    RawClient c(s.server->apiPort());
    QVERIFY(c.waitConnected());
    const QByteArray json = R"({"orgId":"o","userIds":["u"],"type":"T","title":"pipelined"})";
    // A slow one (the store) before fast ones: answers still come in request order.
    c.socket.write("POST /api/v1/notifications HTTP/1.1\r\n" + host + "Authorization: Bearer "
                   + testApiKey.toUtf8() + "\r\nContent-Length: " + QByteArray::number(json.size())
                   + "\r\n\r\n" + json + "GET /healthz HTTP/1.1\r\n" + host + "\r\n"
                   + "GET /nothing-here HTTP/1.1\r\n" + host + "\r\n"
                   + "DELETE /healthz HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n"
                   + "GET /healthz HTTP/1.1\r\n" + host + "\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(c.closed, 10000);
    const QList<ParsedResponse> answers = parseAll(c.received);
    QCOMPARE(answers.size(), 4); // nothing after Connection: close
    QCOMPARE(answers[0].status, 201);
    QCOMPARE(answers[1].status, 200);
    QCOMPARE(answers[2].status, 404);
    QCOMPARE(answers[3].status, 405);
    QVERIFY(answers[3].head.contains("Connection: close"));
}

// A client that stops reading while it pipelines: the answers the kernel does not take wait in
// the connection (its write notifier), the requests behind them wait in the kernel once more
// than the unsent-output cap is queued, and when the client reads again every answer arrives
// whole and in order. About 21 MB of answers, past what the loopback buffers hold (the
// client's receive buffer grows to 6 MB at most, the server's send buffer to 4 MB).
void TestApiHostile::slowReaderGetsEveryAnswerInOrder()
{
    TestServer s;
    QTcpSocket socket;
    socket.setReadBufferSize(4096); // Qt takes no more than this from the kernel
    socket.connectToHost(QHostAddress::LocalHost, s.server->apiPort());
    QVERIFY(socket.waitForConnected(5000));
    constexpr int count = 4000;
    QByteArray requests;
    for (int i = 0; i < count; ++i)
        requests += "GET /metrics HTTP/1.1\r\n" + host + "\r\n";
    requests += "GET /healthz HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n";
    socket.write(requests);
    // Not reading: Qt's buffer fills, then the kernel's, then the server's.
    QTRY_COMPARE_WITH_TIMEOUT(socket.bytesAvailable(), qint64(4096), 10000);

    QByteArray received;
    bool closed = false;
    QObject::connect(&socket, &QTcpSocket::disconnected, [&] { closed = true; });
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] { received += socket.readAll(); });
    received += socket.readAll();
    QTRY_VERIFY_WITH_TIMEOUT(closed, 120000);
    const QList<ParsedResponse> answers = parseAll(received);
    QCOMPARE(answers.size(), count + 1);
    for (int i = 0; i < count; ++i) {
        QCOMPARE(answers[i].status, 200);
        QVERIFY(answers[i].body.startsWith("# "));
    }
    QCOMPARE(answers[count].status, 200);
    QVERIFY(answers[count].head.contains("Connection: close"));
}

void TestApiHostile::expectContinue()
{
    TestServer s;
    const QByteArray json = R"({"orgId":"o","userIds":["u"],"type":"T","title":"expect"})";
    {
        RawClient c(s.server->apiPort());
        QVERIFY(c.waitConnected());
        c.socket.write("POST /api/v1/notifications HTTP/1.1\r\n" + host + "Authorization: Bearer "
                       + testApiKey.toUtf8() + "\r\nExpect: 100-continue\r\nContent-Length: "
                       + QByteArray::number(json.size()) + "\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(c.response().has_value(), 10000);
        QCOMPARE(c.response()->status, 100);
        c.socket.write(json);
        QTRY_COMPARE_WITH_TIMEOUT(parseAll(c.received).size(), 2, 10000);
        QCOMPARE(parseAll(c.received)[1].status, 201);
    }
    {
        // Over the limit: refused at once, never invited.
        RawClient c(s.server->apiPort());
        QVERIFY(c.waitConnected());
        c.socket.write("POST /api/v1/notifications HTTP/1.1\r\n" + host
                       + "Expect: 100-continue\r\nContent-Length: 2000000\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(c.response().has_value(), 10000);
        QCOMPARE(c.response()->status, 413);
        QCOMPARE(parseAll(c.received).size(), 1);
    }
}

void TestApiHostile::metricsBearer()
{
    {
        TestServer open;
        QCOMPARE(open.request("GET", QStringLiteral("/metrics"), {}, {}).status, 200);
    }
    TestServer s([](ServerConfig &c) { c.metricsToken = QStringLiteral("scrape-token"); });
    auto r = s.request("GET", QStringLiteral("/metrics"), {}, {});
    QCOMPARE(r.status, 401);
    QCOMPARE(r.code(), QStringLiteral("unauthorized"));
    QCOMPARE(s.request("GET", QStringLiteral("/metrics"), {}, "wrong").status, 401);
    // An API key is not the metrics token.
    QCOMPARE(s.request("GET", QStringLiteral("/metrics"), {}, testApiKey.toUtf8()).status, 401);
    r = s.request("GET", QStringLiteral("/metrics"), {}, "scrape-token");
    QCOMPARE(r.status, 200);
    QVERIFY(r.body.contains("notify_notifications_created_total"));
    // Liveness stays open.
    QCOMPARE(s.request("GET", QStringLiteral("/healthz"), {}, {}).status, 200);
}

#ifdef NOTIFY_TEST_EPOLL_MAIN
// test_apihostile_epoll: the same tests with the main thread on the epoll dispatcher, as
// notifyd runs it (Server::installMainThreadDispatcher).
int main(int argc, char *argv[])
{
    notify::Server::installMainThreadDispatcher();
    QCoreApplication app(argc, argv);
    TestApiHostile test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#else
QTEST_GUILESS_MAIN(TestApiHostile)
#endif
#include "test_apihostile.moc"
