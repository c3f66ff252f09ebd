// docs/security.md, "Behind a reverse proxy": the per-address caps count the client named by
// a trusted proxy, and nobody else's X-Forwarded-For / X-Real-IP is believed.
#include "hostile.h"

#include "server/metrics/metrics.h"

using namespace notify;
using namespace notify::test;

namespace {

constexpr int cap = 4;

// An Engine.IO handshake from `source` carrying `headers`; its status.
int handshake(quint16 port, const char *source, const QByteArray &headers)
{
    RawConn c(port, source);
    c.writeAll("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               "Connection: close\r\n"
               + headers + "\r\n");
    c.waitEnded();
    return statusOf(c.in);
}

} // namespace

class TestTrustedProxies : public QObject
{
    Q_OBJECT
private slots:
    void clientsBehindATrustedProxyAreCountedApart();
    void headersFromOthersAreIgnored();
    void withoutTrustedProxiesNobodyIsBelieved();
    void socketsOfATrustedProxyCountPerClient();
};

void TestTrustedProxies::clientsBehindATrustedProxyAreCountedApart()
{
    TestServer s([](ServerConfig &c) {
        c.maxPendingPerAddress = cap;
        c.sioConnectTimeoutMs = 600000;
        c.trustedProxies = {*parseProxyRange(QStringLiteral("127.0.0.1"))};
    });
    const quint16 port = s.server->clientPort();
    // Three times the cap of pending sessions through the proxy, each from its own client.
    for (int i = 0; i < 3 * cap; ++i) {
        const QByteArray client = "198.51.100." + QByteArray::number(i + 1);
        QCOMPARE(handshake(port, "127.0.0.1", "X-Forwarded-For: " + client + "\r\n"), 200);
    }
    // X-Real-IP when there is no X-Forwarded-For.
    QCOMPARE(handshake(port, "127.0.0.1", "X-Real-IP: 203.0.113.50\r\n"), 200);
    // One client behind the proxy still meets the cap, whatever it puts on the left.
    for (int i = 0; i < cap; ++i) {
        QCOMPARE(
            handshake(port, "127.0.0.1",
                      "X-Forwarded-For: 10.9.9." + QByteArray::number(i) + ", 203.0.113.7\r\n"),
            200);
    }
    const quint64 refusedBefore = s.server->metrics().sessionsRefused.load();
    QCOMPARE(handshake(port, "127.0.0.1", "X-Forwarded-For: 203.0.113.7\r\n"), 503);
    QCOMPARE(s.server->metrics().sessionsRefused.load() - refusedBefore, quint64(1));
}

void TestTrustedProxies::headersFromOthersAreIgnored()
{
    TestServer s([](ServerConfig &c) {
        c.maxPendingPerAddress = cap;
        c.sioConnectTimeoutMs = 600000;
        c.trustedProxies = {*parseProxyRange(QStringLiteral("127.0.0.1"))};
    });
    const quint16 port = s.server->clientPort();
    // 127.0.0.2 is not a proxy: its forged addresses do not spread it over many counts.
    for (int i = 0; i < cap; ++i) {
        QCOMPARE(handshake(port, "127.0.0.2",
                           "X-Forwarded-For: 198.51.100." + QByteArray::number(i + 1)
                               + "\r\nX-Real-IP: 198.51.100.99\r\n"),
                 200);
    }
    QCOMPARE(handshake(port, "127.0.0.2", "X-Forwarded-For: 198.51.100.200\r\n"), 503);
}

void TestTrustedProxies::withoutTrustedProxiesNobodyIsBelieved()
{
    TestServer plain([](ServerConfig &c) {
        c.maxPendingPerAddress = cap;
        c.sioConnectTimeoutMs = 600000;
    });
    for (int i = 0; i < cap; ++i)
        QCOMPARE(handshake(plain.server->clientPort(), "127.0.0.1",
                           "X-Forwarded-For: 198.51.100." + QByteArray::number(i + 1) + "\r\n"),
                 200);
    QCOMPARE(
        handshake(plain.server->clientPort(), "127.0.0.1", "X-Forwarded-For: 198.51.100.77\r\n"),
        503);
}

void TestTrustedProxies::socketsOfATrustedProxyCountPerClient()
{
    TestServer s([](ServerConfig &c) {
        c.maxPendingPerAddress = cap;
        c.trustedProxies = {*parseProxyRange(QStringLiteral("127.0.0.0/24"))};
    });
    const quint16 port = s.server->clientPort();
    // Open sockets from the proxy, each with a complete head naming its client and held (the
    // body never comes): more than the cap in all, at most the cap per client.
    std::vector<std::unique_ptr<RawConn>> held;
    const auto open = [&](const QByteArray &client) {
        auto c = std::make_unique<RawConn>(port, "127.0.0.1");
        c->writeAll("POST /socket.io/?EIO=4&transport=polling&sid=x HTTP/1.1\r\nHost: h\r\n"
                    "Content-Length: 10\r\nX-Forwarded-For: "
                    + client + "\r\n\r\n");
        held.push_back(std::move(c));
        return held.back().get();
    };
    for (int i = 0; i < 3 * cap; ++i)
        open("198.51.100." + QByteArray::number(i / cap + 1) + "" + QByteArray::number(i % cap));
    const quint64 before = s.server->metrics().refusedPerAddress.load();
    // One client more than the cap: whichever of its sockets the server reads last is refused.
    std::vector<RawConn *> lone;
    for (int i = 0; i <= cap; ++i)
        lone.push_back(open("203.0.113.1"));
    RawConn *refused = nullptr;
    QVERIFY(QTest::qWaitFor(
        [&] {
            for (RawConn *c : lone) {
                c->readAvailable();
                if (c->ended)
                    refused = c;
            }
            return refused != nullptr;
        },
        10000));
    QCOMPARE(statusOf(refused->in), 503);
    QCOMPARE(s.server->metrics().refusedPerAddress.load() - before, quint64(1));
    // The others are still open, waiting for their bodies.
    for (const auto &c : held) {
        if (c.get() == refused)
            continue;
        c->readAvailable();
        QVERIFY(!c->ended);
    }
}

QTEST_MAIN(TestTrustedProxies)
#include "test_trustedproxies.moc"
