// createdEventJson must write exactly what QJsonDocument makes of notificationToClientJson:
// clients see the same bytes whichever path built them.

#include "server/delivery/eventjson.h"
#include "shared/codec/wirecodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

using namespace notify;

namespace {

QByteArray viaQJsonDocument(const Notification &n, const QString &timestamp)
{
    return QJsonDocument(QJsonObject {{QStringLiteral("notification"), notificationToClientJson(n)},
                                      {QStringLiteral("timestamp"), timestamp}})
        .toJson(QJsonDocument::Compact);
}

// Strings that exercise every escaping rule: control characters, quote, backslash, DEL,
// two- and three-byte UTF-8, U+FFFF, a surrogate pair and unpaired surrogates.
QString randomString(QRandomGenerator &g)
{
    static const char16_t pool[]
        = {u'a',  u'Z',   u'0',   u' ',   u'"',   u'\\',  u'/',   0x00,  0x01,
           0x08,  0x09,   0x0a,   0x0c,   0x0d,   0x1f,   0x7f,   0xe9,  0x7ff,
           0x800, 0x20ac, 0xfffd, 0xffff, 0xd83d, 0xde00, 0xdbff, 0xdc00};
    const int kind = g.bounded(8);
    if (kind == 0)
        return QString(); // null
    if (kind == 1)
        return QStringLiteral("");
    QString s;
    const int length = g.bounded(1, 12);
    for (int i = 0; i < length; ++i) {
        if (g.bounded(5) == 0) {
            s += QStringView(u"\xd83d\xde00"); // a valid pair
            continue;
        }
        s += QChar(pool[g.bounded(int(std::size(pool)))]);
    }
    return s;
}

QJsonValue randomValue(QRandomGenerator &g, int depth)
{
    switch (g.bounded(depth > 1 ? 5 : 7)) {
    case 0:
        return randomString(g);
    case 1:
        return qint64(g.bounded(-1000000, 1000000));
    case 2:
        return g.bounded(2) == 0;
    case 3:
        return QJsonValue(QJsonValue::Null);
    case 4:
        return g.generateDouble() * 1000;
    case 5: {
        QJsonArray a;
        for (int i = 0; i < g.bounded(3); ++i)
            a.append(randomValue(g, depth + 1));
        return a;
    }
    default: {
        QJsonObject o;
        for (int i = 0; i < g.bounded(3); ++i)
            o.insert(randomString(g), randomValue(g, depth + 1));
        return o;
    }
    }
}

QDateTime randomTime(QRandomGenerator &g)
{
    if (g.bounded(3) == 0)
        return QDateTime();
    return QDateTime::fromMSecsSinceEpoch(qint64(g.bounded(2000000000)) * 1000 + g.bounded(1000),
                                          Qt::UTC);
}

} // namespace

class TestEventJson : public QObject
{
    Q_OBJECT

private slots:
    void typicalNotification();
    void matchesQJsonDocumentOnRandomInput();
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

QTEST_GUILESS_MAIN(TestEventJson)
#include "test_eventjson.moc"
