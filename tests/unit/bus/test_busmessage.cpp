// The cluster bus's wire format: every message round-trips, every payload stays under
// PostgreSQL's NOTIFY limit, and large messages split or chunk without losing anything.
#include "shared/bus/busmessage.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace notify;
using namespace notify::bus;

class TestBusMessage : public QObject
{
    Q_OBJECT

private slots:
    void createdRoundTrip();
    void bigGroupSplitsByRecipient();
    void readAllSplitsIds();
    void bigAnnouncementIsChunked();
    void garbageIsRejected();
    void connectionsQueryAndReplyRoundTrip();
    void traceSubscribeAndRecordsRoundTrip();
    void watchSubscribeAndActivityRoundTrip();
    void splitIntoPartsFitsEachPayload();
    void seenAndUnseenCountsRoundTrip();
};

static Message decodeOne(const QByteArray &payload)
{
    Decoder decoder;
    QString error;
    auto m = decoder.feed(payload, &error);
    if (!m)
        qFatal("decode failed: %s", qPrintable(error));
    return *m;
}

void TestBusMessage::createdRoundTrip()
{
    Message m;
    m.node = QStringLiteral("node-a");
    m.kind = Kind::Created;
    m.created.push_back({{QStringLiteral("o1"), QStringLiteral("ü-user")}, 5, 7, 12, 9});
    const auto payloads = encode(m);
    QCOMPARE(payloads.size(), size_t(1));
    const Message back = decodeOne(payloads[0]);
    QCOMPARE(back.node, m.node);
    QCOMPARE(back.kind, Kind::Created);
    QCOMPARE(back.created.size(), size_t(1));
    QCOMPARE(back.created[0].recipient.userId, QStringLiteral("ü-user"));
    QCOMPARE(back.created[0].firstSeq, 5);
    QCOMPARE(back.created[0].lastSeq, 7);
    QCOMPARE(back.created[0].unreadAfter, 12);
    QCOMPARE(back.created[0].unseenAfter, 9);
}

// The seen change and the unseen counts (docs/protocol.md, "Inbox states") cross the bus; a
// range from a node without the unseen count reads it as the unread one.
void TestBusMessage::seenAndUnseenCountsRoundTrip()
{
    Message m;
    m.node = QStringLiteral("n");
    m.kind = Kind::Seen;
    m.recipient = {QStringLiteral("o"), QStringLiteral("u")};
    m.ids = {QStringLiteral("a"), QStringLiteral("b")};
    m.unreadCount = 5;
    m.unseenCount = 2;
    m.atMs = 1234;
    const auto payloads = encode(m);
    QCOMPARE(payloads.size(), size_t(1));
    const Message back = decodeOne(payloads[0]);
    QCOMPARE(back.kind, Kind::Seen);
    QCOMPARE(back.ids, m.ids);
    QCOMPARE(back.unreadCount, 5);
    QCOMPARE(back.unseenCount, 2);
    QCOMPARE(back.atMs, 1234);

    const Message old = decodeOne(R"({"n":"x","k":"new","c":[["o","u",1,2,7]]})");
    QCOMPARE(old.created.size(), size_t(1));
    QCOMPARE(old.created[0].unseenAfter, 7);
}

void TestBusMessage::bigGroupSplitsByRecipient()
{
    Message m;
    m.node = QStringLiteral("n");
    for (int i = 0; i < 2000; ++i)
        m.created.push_back(
            {{QStringLiteral("org-%1").arg(i % 7), QStringLiteral("user-%1").arg(i)},
             qint64(i) + 1,
             qint64(i) + 3,
             100000});
    const auto payloads = encode(m);
    QVERIFY(payloads.size() > 1);
    size_t total = 0;
    for (const QByteArray &p : payloads) {
        QVERIFY2(p.size() < 8000, qPrintable(QString::number(p.size())));
        const Message back = decodeOne(p);
        for (const CreatedRange &c : back.created)
            QCOMPARE(c.recipient.userId, QStringLiteral("user-%1").arg(total++));
    }
    QCOMPARE(total, size_t(2000));
}

void TestBusMessage::readAllSplitsIds()
{
    Message m;
    m.node = QStringLiteral("n");
    m.kind = Kind::Read;
    m.recipient = {QStringLiteral("o"), QStringLiteral("u")};
    m.unreadCount = 0;
    for (int i = 0; i < 1000; ++i)
        m.ids.append(QStringLiteral("0190c0de-0000-7000-8000-%1").arg(i, 12, 10, QLatin1Char('0')));
    const auto payloads = encode(m);
    QVERIFY(payloads.size() > 1);
    QStringList ids;
    for (const QByteArray &p : payloads) {
        QVERIFY(p.size() < 8000);
        const Message back = decodeOne(p);
        QCOMPARE(back.kind, Kind::Read);
        QCOMPARE(back.recipient.userId, QStringLiteral("u"));
        ids += back.ids;
    }
    QCOMPARE(ids, m.ids);
}

void TestBusMessage::bigAnnouncementIsChunked()
{
    Message m;
    m.node = QStringLiteral("n");
    m.kind = Kind::Announcement;
    m.room = QStringLiteral("org:o1");
    // 4000 four-byte characters: 16 KB of UTF-8, cut only between characters.
    QString body;
    for (int i = 0; i < 4000; ++i)
        body += QString::fromUcs4(U"\U0001F600", 1);
    m.announcement = {{QStringLiteral("body"), body}};
    const auto payloads = encode(m);
    QVERIFY(payloads.size() >= 3);
    Decoder decoder;
    std::optional<Message> back;
    for (size_t i = 0; i < payloads.size(); ++i) {
        QVERIFY(payloads[i].size() < 8000);
        // Each chunk is valid UTF-8 on its own (a NOTIFY payload is text).
        QCOMPARE(QString::fromUtf8(payloads[i]).toUtf8(), payloads[i]);
        back = decoder.feed(payloads[i]);
        QCOMPARE(back.has_value(), i + 1 == payloads.size());
    }
    QCOMPARE(back->announcement.value(QStringLiteral("body")).toString(), body);
    QCOMPARE(back->room, m.room);
}

void TestBusMessage::garbageIsRejected()
{
    Decoder decoder;
    QString error;
    QVERIFY(!decoder.feed("not json", &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!decoder.feed(R"({"n":"x","k":"bogus"})", &error));
    QVERIFY(!decoder.feed(R"({"n":"x","k":"new","c":[["o","u",0,1,1]]})", &error));
    QVERIFY(!decoder.feed("~abc:1:3:xyz", &error)); // a chunk out of order
}

void TestBusMessage::connectionsQueryAndReplyRoundTrip()
{
    Message q;
    q.node = QStringLiteral("node-a");
    q.kind = Kind::ConnectionsQuery;
    q.queryId = QStringLiteral("q1");
    const Message qBack = decodeOne(encode(q).at(0));
    QCOMPARE(qBack.kind, Kind::ConnectionsQuery);
    QCOMPARE(qBack.queryId, QStringLiteral("q1"));

    Message r;
    r.node = QStringLiteral("node-b");
    r.kind = Kind::ConnectionsReply;
    r.queryId = QStringLiteral("q1");
    r.targetNode = QStringLiteral("node-a");
    r.part = 1;
    r.parts = 3;
    r.items = QJsonArray {QJsonObject {{QStringLiteral("id"), 7},
                                       {QStringLiteral("userId"), QStringLiteral("alice")}}};
    const auto payloads = encode(r);
    QCOMPARE(payloads.size(), size_t(1));
    const Message back = decodeOne(payloads[0]);
    QCOMPARE(back.kind, Kind::ConnectionsReply);
    QCOMPARE(back.targetNode, QStringLiteral("node-a"));
    QCOMPARE(back.part, 1);
    QCOMPARE(back.parts, 3);
    QCOMPARE(back.items, r.items);

    // The refused connections ride on the same query and reply, named by `reason`, with
    // the user they are about; a plain connections query carries neither.
    Message rq = q;
    rq.reason = QStringLiteral("refusals");
    rq.recipient = {QStringLiteral("o1"), QStringLiteral("alice")};
    const Message rqBack = decodeOne(encode(rq).at(0));
    QCOMPARE(rqBack.kind, Kind::ConnectionsQuery);
    QCOMPARE(rqBack.reason, QStringLiteral("refusals"));
    QCOMPARE(rqBack.recipient.userId, QStringLiteral("alice"));
    QCOMPARE(rqBack.recipient.orgId, QStringLiteral("o1"));
    QVERIFY(qBack.reason.isEmpty());
    Message rr = r;
    rr.reason = QStringLiteral("refusals");
    QCOMPARE(decodeOne(encode(rr).at(0)).reason, QStringLiteral("refusals"));
    QVERIFY(back.reason.isEmpty());

    // A part outside its count is not a message.
    Decoder decoder;
    QString error;
    QVERIFY(!decoder.feed(R"({"n":"x","k":"cr","q":"q","d":"a","p":3,"z":3,"l":[]})", &error));
}

void TestBusMessage::traceSubscribeAndRecordsRoundTrip()
{
    Message sub;
    sub.node = QStringLiteral("node-a");
    sub.kind = Kind::TraceSubscribe;
    sub.count = 15000;
    const Message subBack = decodeOne(encode(sub).at(0));
    QCOMPARE(subBack.kind, Kind::TraceSubscribe);
    QCOMPARE(subBack.node, QStringLiteral("node-a"));
    QCOMPARE(subBack.count, 15000);

    Message records;
    records.node = QStringLiteral("node-b");
    records.kind = Kind::TraceRecords;
    records.targetNode = QStringLiteral("node-a");
    records.count = 3; // dropped
    records.items
        = QJsonArray {QJsonArray {QStringLiteral("n1"), QStringLiteral("Invoice ready"),
                                  QStringLiteral("org:o:user:u"), 2, qint64(1700000000000)}};
    const auto payloads = encode(records);
    QCOMPARE(payloads.size(), size_t(1));
    const Message back = decodeOne(payloads[0]);
    QCOMPARE(back.kind, Kind::TraceRecords);
    QCOMPARE(back.targetNode, QStringLiteral("node-a"));
    QCOMPARE(back.count, 3);
    QCOMPARE(back.items, records.items);

    // A negative subscription time is not a message.
    Decoder decoder;
    QString error;
    QVERIFY(!decoder.feed(R"({"n":"x","k":"ts","y":-1})", &error));
}

void TestBusMessage::watchSubscribeAndActivityRoundTrip()
{
    Message sub;
    sub.node = QStringLiteral("node-a");
    sub.kind = Kind::WatchSubscribe;
    sub.count = 15000;
    sub.items = QJsonArray {QJsonArray {QStringLiteral("o1"), QStringLiteral("alice")}};
    const Message subBack = decodeOne(encode(sub).at(0));
    QCOMPARE(subBack.kind, Kind::WatchSubscribe);
    QCOMPARE(subBack.node, QStringLiteral("node-a"));
    QCOMPARE(subBack.count, 15000);
    QCOMPARE(subBack.items, sub.items);

    Message activity;
    activity.node = QStringLiteral("node-b");
    activity.kind = Kind::WatchActivity;
    activity.targetNode = QStringLiteral("node-a");
    activity.items
        = QJsonArray {QJsonArray {QStringLiteral("o1"), QStringLiteral("alice"),
                                  QStringLiteral("receipt"), QJsonArray {QStringLiteral("n1")}}};
    const Message back = decodeOne(encode(activity).at(0));
    QCOMPARE(back.kind, Kind::WatchActivity);
    QCOMPARE(back.targetNode, QStringLiteral("node-a"));
    QCOMPARE(back.items, activity.items);

    // A negative subscription time is not a message.
    Decoder decoder;
    QString error;
    QVERIFY(!decoder.feed(R"({"n":"x","k":"wsub","y":-1,"l":[]})", &error));
}

void TestBusMessage::splitIntoPartsFitsEachPayload()
{
    QCOMPARE(bus::splitIntoParts({}).size(), size_t(1));
    QVERIFY(bus::splitIntoParts({}).front().isEmpty());

    QJsonArray items;
    for (int i = 0; i < 60; ++i)
        items.append(QJsonObject {{QStringLiteral("id"), i},
                                  {QStringLiteral("text"), QString(400, QLatin1Char('x'))}});
    const std::vector<QJsonArray> parts = bus::splitIntoParts(items);
    QVERIFY(parts.size() > 1);
    QJsonArray joined;
    for (size_t i = 0; i < parts.size(); ++i) {
        bus::Message m;
        m.kind = bus::Kind::ConnectionsReply;
        m.node = QStringLiteral("n1");
        m.queryId = QStringLiteral("q");
        m.targetNode = QStringLiteral("n2");
        m.part = int(i);
        m.parts = int(parts.size());
        m.items = parts[i];
        // Each part is one payload: not chunked by encode().
        const std::vector<QByteArray> payloads = bus::encode(m);
        QCOMPARE(payloads.size(), size_t(1));
        QVERIFY(payloads.front().size() < bus::maxPayloadBytes);
        for (const QJsonValue &v : parts[i])
            joined.append(v);
    }
    QCOMPARE(joined, items);
}

QTEST_MAIN(TestBusMessage)
#include "test_busmessage.moc"
