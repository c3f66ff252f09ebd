#include "shared/codec/timestamp.h"

#include <QTest>
#include <QTimeZone>

using namespace notify;

namespace {

QDateTime utc(int h, int m, int s, int ms = 0, QDate date = QDate(2026, 2, 17))
{
    return QDateTime(date, QTime(h, m, s, ms), Qt::UTC);
}

} // namespace

class TestTimestamp : public QObject
{
    Q_OBJECT

private slots:
    void formatsUtcWithMillisecondsAndZ();
    void formatsOtherZonesAsUtc();
    void nullBecomesJsonNull();
    void parses_data();
    void parses();
    void rejects_data();
    void rejects();
    void roundTrips();
};

void TestTimestamp::formatsUtcWithMillisecondsAndZ()
{
    QCOMPARE(formatTimestamp(utc(10, 0, 0)), QStringLiteral("2026-02-17T10:00:00.000Z"));
    QCOMPARE(formatTimestamp(utc(9, 5, 7, 42)), QStringLiteral("2026-02-17T09:05:07.042Z"));
    QCOMPARE(formatTimestamp(QDateTime()), QString());
}

void TestTimestamp::formatsOtherZonesAsUtc()
{
    const QDateTime plusOne(QDate(2026, 2, 17), QTime(11, 0), Qt::OffsetFromUTC, 3600);
    QCOMPARE(formatTimestamp(plusOne), QStringLiteral("2026-02-17T10:00:00.000Z"));
    const QDateTime tokyo(QDate(2026, 2, 18), QTime(1, 30, 0, 5),
                          QTimeZone(QByteArrayLiteral("Asia/Tokyo")));
    QCOMPARE(formatTimestamp(tokyo), QStringLiteral("2026-02-17T16:30:00.005Z"));
}

void TestTimestamp::nullBecomesJsonNull()
{
    QVERIFY(timestampOrNull(QDateTime()).isNull());
    QCOMPARE(timestampOrNull(utc(10, 0, 0)),
             QJsonValue(QStringLiteral("2026-02-17T10:00:00.000Z")));
}

void TestTimestamp::parses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");

    QTest::newRow("Z with ms") << "2026-02-17T10:00:00.000Z" << utc(10, 0, 0);
    QTest::newRow("Z without ms") << "2026-02-17T10:00:00Z" << utc(10, 0, 0);
    QTest::newRow("Z ms value") << "2026-02-17T10:00:00.250Z" << utc(10, 0, 0, 250);
    QTest::newRow("one fraction digit") << "2026-02-17T10:00:00.5Z" << utc(10, 0, 0, 500);
    QTest::newRow("micros truncated") << "2026-02-17T10:00:00.123999Z" << utc(10, 0, 0, 123);
    QTest::newRow("plus offset") << "2026-02-17T11:00:00+01:00" << utc(10, 0, 0);
    QTest::newRow("plus offset ms") << "2026-02-17T11:00:00.007+01:00" << utc(10, 0, 0, 7);
    QTest::newRow("minus half hour") << "2026-02-17T05:30:00-04:30" << utc(10, 0, 0);
    QTest::newRow("compact offset") << "2026-02-17T11:00:00+0100" << utc(10, 0, 0);
    QTest::newRow("zero offset") << "2026-02-17T10:00:00+00:00" << utc(10, 0, 0);
    QTest::newRow("next day") << "2026-02-17T23:30:00-01:00"
                              << utc(0, 30, 0, 0, QDate(2026, 2, 18));
    QTest::newRow("leap day") << "2028-02-29T00:00:00Z" << utc(0, 0, 0, 0, QDate(2028, 2, 29));
}

void TestTimestamp::parses()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);
    const auto parsed = parseTimestamp(text);
    QVERIFY(parsed.has_value());
    QCOMPARE(*parsed, expected);
    QCOMPARE(parsed->timeSpec(), Qt::UTC);
}

void TestTimestamp::rejects_data()
{
    QTest::addColumn<QString>("text");

    QTest::newRow("empty") << QString();
    QTest::newRow("garbage") << QStringLiteral("yesterday");
    QTest::newRow("date only") << QStringLiteral("2026-02-17");
    QTest::newRow("no zone") << QStringLiteral("2026-02-17T10:00:00");
    QTest::newRow("no seconds") << QStringLiteral("2026-02-17T10:00Z");
    QTest::newRow("space separator") << QStringLiteral("2026-02-17 10:00:00Z");
    QTest::newRow("lowercase z") << QStringLiteral("2026-02-17T10:00:00z");
    QTest::newRow("empty fraction") << QStringLiteral("2026-02-17T10:00:00.Z");
    QTest::newRow("trailing newline") << QStringLiteral("2026-02-17T10:00:00Z\n");
    QTest::newRow("leading space") << QStringLiteral(" 2026-02-17T10:00:00Z");
    QTest::newRow("Feb 30") << QStringLiteral("2026-02-30T10:00:00Z");
    QTest::newRow("month 13") << QStringLiteral("2026-13-01T10:00:00Z");
    QTest::newRow("hour 24") << QStringLiteral("2026-02-17T24:00:00Z");
    QTest::newRow("second 60") << QStringLiteral("2026-02-17T10:00:60Z");
    QTest::newRow("offset hour 24") << QStringLiteral("2026-02-17T10:00:00+24:00");
    QTest::newRow("offset minute 60") << QStringLiteral("2026-02-17T10:00:00+01:60");
    QTest::newRow("arabic digits") << QStringLiteral("٢٠٢٦-02-17T10:00:00Z");
    QTest::newRow("year 0") << QStringLiteral("0000-01-01T00:00:00Z");
}

void TestTimestamp::rejects()
{
    QFETCH(QString, text);
    QVERIFY(!parseTimestamp(text).has_value());
}

void TestTimestamp::roundTrips()
{
    const QString text = QStringLiteral("2026-02-17T10:00:00.123Z");
    const auto parsed = parseTimestamp(text);
    QVERIFY(parsed);
    QCOMPARE(formatTimestamp(*parsed), text);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QCOMPARE(parseTimestamp(formatTimestamp(now)), std::optional(now));
}

QTEST_GUILESS_MAIN(TestTimestamp)
#include "test_timestamp.moc"
