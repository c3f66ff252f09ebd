#include "shared/auth/base64url.h"
#include "shared/auth/jwt.h"
#include "shared/auth/sessiontoken.h"

#include <QSet>
#include <QTest>

using namespace notify;

class TestSessionToken : public QObject
{
    Q_OBJECT

private slots:
    void generatedTokenHasTheDocumentedShape();
    void tokensDiffer();
    void hashIsLowerHexSha256();
    void hashMatchesKnownVector();
    void hashDependsOnTheToken();
    void shapeCheckRejects_data();
    void shapeCheckRejects();
};

void TestSessionToken::generatedTokenHasTheDocumentedShape()
{
    const QByteArray token = generateSessionToken();
    QCOMPARE(token.size(), 43);
    QVERIFY(looksLikeSessionToken(token));
    const auto raw = base64UrlDecode(token);
    QVERIFY(raw.has_value());
    QCOMPARE(raw->size(), 32);
}

void TestSessionToken::tokensDiffer()
{
    QSet<QByteArray> seen;
    for (int i = 0; i < 100; ++i)
        seen.insert(generateSessionToken());
    QCOMPARE(seen.size(), 100);
}

void TestSessionToken::hashIsLowerHexSha256()
{
    const QByteArray hash = hashSessionToken(generateSessionToken());
    QCOMPARE(hash.size(), 64);
    for (const char c : hash)
        QVERIFY2((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'), hash.constData());
}

void TestSessionToken::hashMatchesKnownVector()
{
    // FIPS 180-2 example: SHA-256("abc").
    QCOMPARE(hashSessionToken("abc"),
             QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    QCOMPARE(hashSessionToken(""),
             QByteArray("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

void TestSessionToken::hashDependsOnTheToken()
{
    const QByteArray token = generateSessionToken();
    QCOMPARE(hashSessionToken(token), hashSessionToken(QByteArray(token)));
    QByteArray other = token;
    other[0] = other[0] == 'A' ? 'B' : 'A';
    QVERIFY(hashSessionToken(token) != hashSessionToken(other));
}

void TestSessionToken::shapeCheckRejects_data()
{
    QTest::addColumn<QByteArray>("token");
    const QByteArray good = generateSessionToken();
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("42 chars") << good.left(42);
    QTest::newRow("44 chars") << good + 'A';
    QTest::newRow("plus") << QByteArray(42, 'A') + '+';
    QTest::newRow("slash") << QByteArray(42, 'A') + '/';
    QTest::newRow("padding") << QByteArray(42, 'A') + '=';
    QTest::newRow("space") << QByteArray(42, 'A') + ' ';
    QTest::newRow("dot") << QByteArray(21, 'A') + '.' + QByteArray(21, 'A');
    JwtClaims claims;
    claims.subject = QStringLiteral("u");
    claims.org = QStringLiteral("o");
    claims.expiresAt = QDateTime::fromSecsSinceEpoch(1704067200, Qt::UTC);
    QTest::newRow("jwt") << mintJwt(claims, "secret");
    // Even a JWT-like string cut to 43 characters contains dots.
    QTest::newRow("jwt prefix") << mintJwt(claims, "secret").left(43);
}

void TestSessionToken::shapeCheckRejects()
{
    QFETCH(QByteArray, token);
    QVERIFY(!looksLikeSessionToken(token));
}

QTEST_APPLESS_MAIN(TestSessionToken)
#include "test_sessiontoken.moc"
