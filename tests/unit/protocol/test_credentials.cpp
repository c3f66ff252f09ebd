// Where a client credential is found (docs/protocol.md, "Credentials").
#include "server/protocol/credentials.h"

#include <QTest>
#include <QUrlQuery>

using namespace notify;

class TestCredentials : public QObject
{
    Q_OBJECT

private slots:
    void bearerToken_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("token");
        QTest::newRow("plain") << QByteArray("Bearer abc") << QByteArray("abc");
        QTest::newRow("scheme case") << QByteArray("bEaReR abc") << QByteArray("abc");
        QTest::newRow("padding") << QByteArray("  Bearer  abc  ") << QByteArray("abc");
        QTest::newRow("basic") << QByteArray("Basic abc") << QByteArray();
        QTest::newRow("no token") << QByteArray("Bearer ") << QByteArray();
        QTest::newRow("no space") << QByteArray("Bearerabc") << QByteArray();
        QTest::newRow("empty") << QByteArray() << QByteArray();
    }
    void bearerToken()
    {
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, token);
        QCOMPARE(notify::bearerToken(header), token);
    }

    void cookieValueMatchesWholeNamesOnly()
    {
        QCOMPARE(cookieValue("a=1; session_id=xyz; b=2", "session_id"), QByteArray("xyz"));
        QCOMPARE(cookieValue("xsession_id=no; session_id=yes", "session_id"), QByteArray("yes"));
        QCOMPARE(cookieValue("session_idx=no", "session_id"), QByteArray());
        QCOMPARE(cookieValue("", "session_id"), QByteArray());
    }

    void plainOrderIsQueryThenHeaderThenCookie()
    {
        const QUrlQuery withToken(QStringLiteral("token=fromQuery&lastSeq=3"));
        const QUrlQuery without(QStringLiteral("lastSeq=3"));
        QCOMPARE(plainCredential(withToken, "Bearer fromHeader", "session_id=fromCookie"),
                 QByteArray("fromQuery"));
        QCOMPARE(plainCredential(without, "Bearer fromHeader", "session_id=fromCookie"),
                 QByteArray("fromHeader"));
        QCOMPARE(plainCredential(without, "Basic x", "session_id=fromCookie"),
                 QByteArray("fromCookie"));
        QCOMPARE(plainCredential(without, {}, {}), QByteArray());
        // Percent-encoded tokens arrive decoded.
        QCOMPARE(plainCredential(QUrlQuery(QStringLiteral("token=a%2Bb")), {}, {}), QByteArray("a+b"));
    }
};

QTEST_MAIN(TestCredentials)
#include "test_credentials.moc"
