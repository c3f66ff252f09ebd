// The KeyRing's swap and refresh bookkeeping and the JWKS max-age rule (server/tokens),
// without a network: the fetcher's refresh request is a counter here.
#include "server/tokens/jwksfetcher.h"
#include "server/tokens/keyring.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace notify;

class TestKeyRing : public QObject
{
    Q_OBJECT
private slots:
    void maxAgeClamped();
    void localKeysAndReload();
    void unknownKidFetchesAtMostOncePerInterval();
};

void TestKeyRing::maxAgeClamped()
{
    QCOMPARE(jwksMaxAgeSeconds("public, max-age=3600", 300), 3600);
    QCOMPARE(jwksMaxAgeSeconds("max-age=5", 300), 60);
    QCOMPARE(jwksMaxAgeSeconds("max-age=999999", 300), 86400);
    QCOMPARE(jwksMaxAgeSeconds("no-cache", 300), 300);
    QCOMPARE(jwksMaxAgeSeconds("", 300), 300);
    QCOMPARE(jwksMaxAgeSeconds("max-age=abc", 300), 300);
}

void TestKeyRing::localKeysAndReload()
{
    ServerConfig config;
    config.jwtSecrets = {JwtSecretSpec {QStringLiteral("a"), QByteArray(32, 'a')},
                         JwtSecretSpec {QStringLiteral("b"), QByteArray(64, 'b')}};
    KeyRing ring(config);
    QVERIFY(ring.ready()); // no JWKS URL: nothing to wait for
    QVERIFY(ring.loadLocal(config).ok());
    const auto first = ring.verifier();
    QCOMPARE(first->keys().size(), 2);

    // A reload with a broken key changes nothing; a good one swaps the whole verifier, and
    // whoever still holds the old one keeps a consistent set.
    ServerConfig broken = config;
    broken.jwtPublicKeys = {JwtPublicKeySpec {QString(), QStringLiteral("/nonexistent.pem")}};
    QVERIFY(!ring.loadLocal(broken).ok());
    QCOMPARE(ring.verifier(), first);
    ServerConfig fewer = config;
    fewer.jwtSecrets.removeFirst();
    fewer.jwtIssuers = {QStringLiteral("https://idp.example/")};
    QVERIFY(ring.loadLocal(fewer).ok());
    QCOMPARE(ring.verifier()->keys().size(), 1);
    QCOMPARE(ring.verifier()->policy().issuers, fewer.jwtIssuers);
    QCOMPARE(first->keys().size(), 2);

    // A JWKS file joins the local keys.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("jwks.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"keys":[{"kty":"OKP","crv":"Ed25519","kid":"ed",)"
               R"("x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]})");
    file.close();
    fewer.jwtJwksFile = path;
    QVERIFY(ring.loadLocal(fewer).ok());
    QCOMPARE(ring.verifier()->keys().size(), 2);
    QVERIFY(ring.verifier()->keys().hasKid(QStringLiteral("ed")));
}

void TestKeyRing::unknownKidFetchesAtMostOncePerInterval()
{
    ServerConfig config;
    config.jwtJwksUrl = QStringLiteral("http://127.0.0.1:1/jwks");
    config.jwtJwksMinRefreshMs = 60000;
    KeyRing ring(config);
    QVERIFY(!ring.ready()); // until the first set arrives (/readyz 503)
    int requests = 0;
    ring.setRefreshRequest([&requests] { ++requests; });

    int retried = 0;
    QVERIFY(ring.refreshForUnknownKid(this, [&retried] { ++retried; }));
    QVERIFY(ring.refreshForUnknownKid(this, [&retried] { ++retried; })); // joins the fetch
    QCOMPARE(requests, 1);
    ring.setRemote(std::make_shared<const JwtKeySet>());
    ring.fetchEnded();
    QTRY_COMPARE(retried, 2);
    QVERIFY(ring.ready());
    // Within the interval no new fetch: refused at once, never retried.
    QVERIFY(!ring.refreshForUnknownKid(this, [&retried] { ++retried; }));
    QCOMPARE(requests, 1);
    QCOMPARE(ring.unknownKidFetches(), quint64(1));
}

QTEST_GUILESS_MAIN(TestKeyRing)
#include "test_keyring.moc"
