#include "shared/auth/base64url.h"

#include <QTest>

using namespace notify;

class TestBase64Url : public QObject
{
    Q_OBJECT

private slots:
    void encodesRfc4648Vectors_data();
    void encodesRfc4648Vectors();
    void usesUrlSafeAlphabet();
    void agreesWithQtForEveryByte();
    void rejectsNonStrictInput_data();
    void rejectsNonStrictInput();
    void constantTimeEquals_data();
    void constantTimeEquals();
};

void TestBase64Url::encodesRfc4648Vectors_data()
{
    QTest::addColumn<QByteArray>("plain");
    QTest::addColumn<QByteArray>("encoded");
    // RFC 4648 §10, with the padding removed.
    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("f") << QByteArray("f") << QByteArray("Zg");
    QTest::newRow("fo") << QByteArray("fo") << QByteArray("Zm8");
    QTest::newRow("foo") << QByteArray("foo") << QByteArray("Zm9v");
    QTest::newRow("foob") << QByteArray("foob") << QByteArray("Zm9vYg");
    QTest::newRow("fooba") << QByteArray("fooba") << QByteArray("Zm9vYmE");
    QTest::newRow("foobar") << QByteArray("foobar") << QByteArray("Zm9vYmFy");
}

void TestBase64Url::encodesRfc4648Vectors()
{
    QFETCH(QByteArray, plain);
    QFETCH(QByteArray, encoded);
    QCOMPARE(base64UrlEncode(plain), encoded);
    const auto decoded = base64UrlDecode(encoded);
    QVERIFY(decoded.has_value());
    QCOMPARE(*decoded, plain);
}

void TestBase64Url::usesUrlSafeAlphabet()
{
    // 0xfb 0xff is "+/8" in the standard alphabet.
    QCOMPARE(base64UrlEncode(QByteArray("\xfb\xff")), QByteArray("-_8"));
    QCOMPARE(base64UrlDecode("-_8").value_or(QByteArray()), QByteArray("\xfb\xff"));
}

void TestBase64Url::agreesWithQtForEveryByte()
{
    QByteArray all;
    for (int i = 0; i < 256; ++i)
        all.append(char(i));
    const auto options = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
    for (qsizetype length = 0; length <= all.size(); length += 7) {
        const QByteArray plain = all.left(length);
        const QByteArray expected = plain.toBase64(options);
        QCOMPARE(base64UrlEncode(plain), expected);
        QCOMPARE(base64UrlDecode(expected).value_or(QByteArray("<failed>")), plain);
    }
}

void TestBase64Url::rejectsNonStrictInput_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("padding") << QByteArray("Zg==");
    QTest::newRow("single padding") << QByteArray("Zm8=");
    QTest::newRow("plus") << QByteArray("+_8");
    QTest::newRow("slash") << QByteArray("-/8");
    QTest::newRow("space") << QByteArray("Zm9v Yg");
    QTest::newRow("newline") << QByteArray("Zm9v\nYg");
    QTest::newRow("trailing space") << QByteArray("Zm9v ");
    QTest::newRow("nul") << QByteArray("Zm9v\0Yg", 7);
    QTest::newRow("non-ascii") << QByteArray("Zm9v\xc3\xa9");
    QTest::newRow("impossible length") << QByteArray("Zm9vY");
    QTest::newRow("one char") << QByteArray("Z");
    // "Zh" decodes to 'f' too, but with non-zero leftover bits: not the canonical form.
    QTest::newRow("non-canonical two") << QByteArray("Zh");
    QTest::newRow("non-canonical three") << QByteArray("Zm9");
}

void TestBase64Url::rejectsNonStrictInput()
{
    QFETCH(QByteArray, text);
    QVERIFY(!base64UrlDecode(text).has_value());
}

void TestBase64Url::constantTimeEquals_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");
    QTest::newRow("equal") << QByteArray("secret-value") << QByteArray("secret-value") << true;
    QTest::newRow("differs at start") << QByteArray("Xecret-value") << QByteArray("secret-value")
                                      << false;
    QTest::newRow("differs at end") << QByteArray("secret-valuX") << QByteArray("secret-value")
                                    << false;
    QTest::newRow("one bit") << QByteArray("\x01") << QByteArray("\x00", 1) << false;
    QTest::newRow("prefix") << QByteArray("secret") << QByteArray("secret-value") << false;
    QTest::newRow("longer") << QByteArray("secret-value!") << QByteArray("secret-value")
                            << false;
    // A shorter input padded with NULs must not compare equal to the NUL-extended one.
    QTest::newRow("trailing nul") << QByteArray("ab") << QByteArray("ab\0", 3) << false;
    QTest::newRow("both empty") << QByteArray() << QByteArray() << true;
    QTest::newRow("one empty") << QByteArray() << QByteArray("x") << false;
    QTest::newRow("other empty") << QByteArray("x") << QByteArray() << false;
}

void TestBase64Url::constantTimeEquals()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);
    QCOMPARE(notify::constantTimeEquals(a, b), equal);
    QCOMPARE(notify::constantTimeEquals(b, a), equal);
}

QTEST_APPLESS_MAIN(TestBase64Url)
#include "test_base64url.moc"
