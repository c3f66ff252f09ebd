// createdEventJson must write exactly what QJsonDocument makes of notificationToClientJson:
// clients see the same bytes whichever path built them.

#include "server/delivery/encodedevent.h"
#include "server/delivery/eventjson.h"
#include "server/websocket/frame.h"
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"

#include "randomjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

using namespace notify;
using test::randomString;
using test::randomValue;

namespace {

QByteArray viaQJsonDocument(const Notification &n, const QString &timestamp)
{
    return QJsonDocument(QJsonObject {{QStringLiteral("notification"), notificationToClientJson(n)},
                                      {QStringLiteral("timestamp"), timestamp}})
        .toJson(QJsonDocument::Compact);
}

// Any millisecond from year -300000 to 300000, or one near the edges of the directly
// formatted range (the epoch, the end of 9999), leap days and ends of months.
qint64 randomMs(QRandomGenerator &g)
{
    constexpr qint64 end9999 = 253402300800000;
    switch (g.bounded(4)) {
    case 0:
        return qint64(g.generate64() % (2 * 9467280000000000ULL)) - 9467280000000000LL;
    case 1:
        return (g.bounded(2) ? 0 : end9999) + g.bounded(-100000, 100000);
    case 2:
        return qint64(g.generate64() % quint64(end9999));
    default:
        // Around midnight of a random day: month and year boundaries, 29 February.
        return qint64(g.bounded(2932897)) * 86400000 + g.bounded(-2000, 2000);
    }
}

QDateTime randomTime(QRandomGenerator &g)
{
    switch (g.bounded(4)) {
    case 0:
        return QDateTime();
    case 1:
        // Another time spec: the wire format is UTC whatever the value's zone.
        return QDateTime::fromMSecsSinceEpoch(randomMs(g), Qt::OffsetFromUTC, 3600 * 5 + 1800);
    case 2:
        return QDateTime::fromMSecsSinceEpoch(randomMs(g), Qt::UTC);
    default:
        return QDateTime::fromMSecsSinceEpoch(
            qint64(g.bounded(2000000000)) * 1000 + g.bounded(1000), Qt::UTC);
    }
}

} // namespace

class TestEventJson : public QObject
{
    Q_OBJECT

private slots:
    void typicalNotification();
    void matchesQJsonDocumentOnRandomInput();
    void timestampsMatchFormatTimestamp();
    void framesMatchConcatenatedPayload();
};

void TestEventJson::typicalNotification()
{
    Notification n;
    n.id = QStringLiteral("0b7c6a64-3f5e-4a55-9d43-3f1e1f3a0c11");
    n.seq = 42;
    n.content.type = QStringLiteral("claim.approved");
    n.content.title = QStringLiteral("Claim \"#1\" approved");
    n.content.body = QStringLiteral("Zahlung: 12,50 €\nDanke");
    n.content.priority = Priority::High;
    n.content.actionUrl = QStringLiteral("/claims/1");
    n.content.metadata = QJsonObject {{QStringLiteral("amount"), 1250},
                                      {QStringLiteral("currency"), QStringLiteral("EUR")}};
    n.createdAt = QDateTime::fromMSecsSinceEpoch(1771322400123, Qt::UTC);
    const QString ts = QStringLiteral("2026-02-17T10:00:00.456Z");
    const QByteArray json = createdEventJson(n, ts);
    QCOMPARE(json, viaQJsonDocument(n, ts));
    QVERIFY(json.contains("\"entityId\":null"));
    QVERIFY(json.contains("\"readAt\":null"));
}

void TestEventJson::matchesQJsonDocumentOnRandomInput()
{
    QRandomGenerator g(20260217);
    for (int i = 0; i < 5000; ++i) {
        Notification n;
        n.id = randomString(g);
        n.seq = g.bounded(2) ? qint64(g.bounded(1000)) : qint64(g.generate64() >> 12);
        n.content.type = randomString(g);
        n.content.title = randomString(g);
        n.content.body = randomString(g);
        n.content.priority = Priority(g.bounded(4));
        n.content.actionUrl = randomString(g);
        n.content.entityType = randomString(g);
        n.content.entityId = randomString(g);
        if (g.bounded(2))
            n.content.metadata = randomValue(g, 0).toObject();
        n.createdAt = randomTime(g);
        n.readAt = randomTime(g);
        const QString ts
            = g.bounded(4) == 0 ? randomString(g) : QStringLiteral("2026-02-17T10:00:00.000Z");
        const QByteArray expected = viaQJsonDocument(n, ts);
        const QByteArray actual = createdEventJson(n, ts);
        if (actual != expected)
            QFAIL(qPrintable(QStringLiteral("case %1:\n%2\n%3")
                                 .arg(i)
                                 .arg(QString::fromUtf8(expected.toPercentEncoding(" {}[]:,\"")),
                                      QString::fromUtf8(actual.toPercentEncoding(" {}[]:,\"")))));
    }
}

void TestEventJson::timestampsMatchFormatTimestamp()
{
    QRandomGenerator g(20261127);
    QByteArray out;
    const auto check = [&](const QDateTime &t) {
        out.truncate(0);
        appendTimestampJson(out, t);
        const QByteArray expected = QJsonDocument(QJsonArray {timestampOrNull(t)})
                                        .toJson(QJsonDocument::Compact)
                                        .chopped(1)
                                        .mid(1);
        if (out != expected)
            QFAIL(qPrintable(QStringLiteral("%1 ms: %2, expected %3")
                                 .arg(t.isValid() ? t.toMSecsSinceEpoch() : -1)
                                 .arg(QString::fromUtf8(out), QString::fromUtf8(expected))));
    };
    check(QDateTime());
    check(QDateTime::fromMSecsSinceEpoch(0, Qt::UTC));
    check(QDateTime::fromMSecsSinceEpoch(-1, Qt::UTC));
    check(QDateTime::fromMSecsSinceEpoch(951782400000, Qt::UTC)); // 2000-02-29
    check(QDateTime::fromMSecsSinceEpoch(253402300799999, Qt::UTC)); // 9999-12-31T23:59:59.999
    check(QDateTime::fromMSecsSinceEpoch(253402300800000, Qt::UTC)); // 10000-01-01
    for (int i = 0; i < 200000; ++i)
        check(randomTime(g));
    QCOMPARE(out.isEmpty(), false);
}

void TestEventJson::framesMatchConcatenatedPayload()
{
    // Each frame is written in place from its parts: the same bytes as framing the
    // concatenated text, across the 7- to 16-bit and 16- to 64-bit length boundaries.
    QRandomGenerator g(7);
    const QByteArray name = "notification:new";
    for (qsizetype size :
         {0, 1, 90, 95, 96, 97, 100, 130, 65000, 65500, 65509, 65510, 65511, 65515, 65520, 70000}) {
        QByteArray json(size, Qt::Uninitialized);
        for (char &c : json)
            c = char('a' + g.bounded(26));
        const EncodedEvent e = EncodedEvent::fromJson(name, json);
        QCOMPARE(
            e.plain,
            ws::encodeFrame(ws::Opcode::Text, "{\"type\":\"" + name + "\",\"data\":" + json + '}'));
        QCOMPARE(e.socketIoDefault,
                 ws::encodeFrame(ws::Opcode::Text, "42[\"" + name + "\"," + json + ']'));
        QCOMPARE(
            e.socketIoNotifications,
            ws::encodeFrame(ws::Opcode::Text, "42/notifications,[\"" + name + "\"," + json + ']'));
        // The QString overload and a narrower set of flavours give the same frames.
        const EncodedEvent one = EncodedEvent::fromJson(QString::fromLatin1(name), json,
                                                        EncodedEvent::SocketIoNotifications);
        QVERIFY(one.plain.isEmpty() && one.socketIoDefault.isEmpty());
        QCOMPARE(one.socketIoNotifications, e.socketIoNotifications);
    }
}

QTEST_GUILESS_MAIN(TestEventJson)
#include "test_eventjson.moc"
