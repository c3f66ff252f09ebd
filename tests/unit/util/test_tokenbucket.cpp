// TokenBucket: one message at a time (client connections) and several units at once (an API
// key's deliveries), with the wait a 429's Retry-After is made of. Times are given, not read.
#include "server/util/tokenbucket.h"

#include <QTest>

using namespace notify;

class TestTokenBucket : public QObject
{
    Q_OBJECT
private slots:
    void oneAtATimeRefills();
    void severalUnitsPassOnAFullBucketThenWaitForTheDebt();
    void offPassesEverything();
};

void TestTokenBucket::oneAtATimeRefills()
{
    TokenBucket b;
    b.configure(2, 3, 0); // 2/s, burst 3
    QVERIFY(b.take(0));
    QVERIFY(b.take(0));
    QVERIFY(b.take(0));
    QVERIFY(!b.take(0));
    QCOMPARE(b.msUntil(0), qint64(501)); // one token at 2/s, rounded up
    QVERIFY(!b.take(250)); // half a token
    QVERIFY(b.take(500));
    QVERIFY(!b.take(500));
}

void TestTokenBucket::severalUnitsPassOnAFullBucketThenWaitForTheDebt()
{
    TokenBucket b;
    b.configure(1, 4, 0); // 1/s, burst 4
    QVERIFY(b.take(0, 3));
    QVERIFY(!b.take(0, 2)); // one left
    QVERIFY(b.take(0, 1));
    // More than the burst passes on a full bucket only, and leaves a debt.
    QVERIFY(!b.take(3000, 10)); // 3 of the 4 needed
    QVERIFY(b.take(4000, 10));
    QVERIFY(!b.take(4000, 1));
    QCOMPARE(b.msUntil(4000, 1), qint64(7001)); // -6 tokens to +1 at 1/s
    QVERIFY(!b.take(10000, 1));
    QVERIFY(b.take(11000, 1));
}

void TestTokenBucket::offPassesEverything()
{
    TokenBucket b;
    b.configure(0, 0, 0);
    for (int i = 0; i < 1000; ++i)
        QVERIFY(b.take(0, 1000));
    QCOMPARE(b.msUntil(0, 5), qint64(0));
}

QTEST_MAIN(TestTokenBucket)
#include "test_tokenbucket.moc"
