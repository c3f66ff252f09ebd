#include "shared/codec/jsonstring.h"
#include "shared/codec/jsonvalue.h"
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"

#include "randomjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <limits>

using namespace notify;

namespace {

QDateTime at(const char *text)
{
    return *parseTimestamp(QString::fromLatin1(text));
}

Notification sampleNotification()
{
    Notification n;
    n.id = QStringLiteral("6f1c2a9e-0b7d-4c1e-9a55-3f0e5d1b2c3a");
    n.recipient = Recipient {QStringLiteral("org-1"), QStringLiteral("user-42")};
    n.seq = 42;
    n.content.type = QStringLiteral("CLAIM_REJECTED");
    n.content.title = QStringLiteral("Claim rejected");
    n.content.body = QStringLiteral("Your claim for Dr. Smith has been rejected.");
    n.content.priority = Priority::High;
    n.content.actionUrl = QStringLiteral("/claims/abc123");
    n.content.entityType = QStringLiteral("claim");
    n.content.entityId = QStringLiteral("abc123");
    n.content.metadata = QJsonObject {{QStringLiteral("amount"), 120.5},
                                      {QStringLiteral("tags"), QJsonArray {"a", "b"}}};
    n.idempotencyKey = QStringLiteral("idem-1");
    n.createdAt = at("2026-02-17T10:00:00.000Z");
    n.deliveredAt = at("2026-02-17T10:00:00.120Z");
    n.deletedAt = at("2026-02-18T10:00:00.000Z");
    return n;
}

QSet<QString> keysOf(const QJsonObject &json)
{
    const QStringList keys = json.keys();
    return QSet<QString>(keys.begin(), keys.end());
}

QSet<QString> setOf(std::initializer_list<const char *> names)
{
    QSet<QString> set;
    for (const char *name : names)
        set.insert(QString::fromLatin1(name));
    return set;
}

ConnectionInfo sampleConnection()
{
    ConnectionInfo c;
    c.id = 9007199254740991ULL; // 2^53 - 1: the largest id a JSON number keeps exactly
    c.orgId = QStringLiteral("org-1");
    c.userId = QStringLiteral("user-42");
    c.role = QStringLiteral("clinician");
    c.protocol = ClientProtocol::SocketIo;
    c.remoteAddress = QStringLiteral("127.0.0.1");
    c.userAgent = QStringLiteral("Mozilla/5.0");
    c.origin = QStringLiteral("https://app.example.com");
    c.connectedAt = at("2026-02-17T10:00:00.000Z");
    c.lastPongAt = at("2026-02-17T10:00:30.015Z");
    c.rttMs = 15;
    c.framesIn = 3;
    c.framesOut = 1200;
    c.bytesOut = 5000000000ULL; // above 2^32
    c.rooms = QStringList {QStringLiteral("org:org-1"), QStringLiteral("org:org-1:user:user-42")};
    c.tokenIssuer = QStringLiteral("https://idp.example.com/");
    c.tokenAlgorithm = QStringLiteral("RS256");
    c.tokenKeyId = QStringLiteral("key-2026");
    c.expiresAt = at("2026-02-17T11:00:30.000Z");
    return c;
}

QJsonObject parseCompact(const QByteArray &bytes)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return {};
    return doc.object();
}

} // namespace

class TestCodec : public QObject
{
    Q_OBJECT

private slots:
    void clientJsonHasExactlyTheProtocolFields();
    void clientJsonValues();
    void clientJsonReadAtAndEmptyReferences();
    void adminJsonAddsOwnerAndDelivery();
    void notificationRoundTripsThroughAdminJson();
    void notificationRoundTripsThroughBytes();
    void notificationFromClientJsonHasNoOwner();
    void notificationFromJsonRejects_data();
    void notificationFromJsonRejects();
    void notificationListKeepsOrder();

    void protocolNames();
    void connectionJsonFields();
    void connectionRoundTrips();
    void connectionWithoutRttOrPong();
    void connectionFromJsonRejects_data();
    void connectionFromJsonRejects();

    void countersUseProtocolNames();
    void countersRoundTrip();
    void countersFromJsonIsLenient();

    void envelopeIsCompact();
    void replyCarriesReplyTo();
    void errorOmitsEmptyReplyTo();

    void qtStringIsWhatQJsonDocumentWrites();
    void valueIsWhatQJsonDocumentWrites();
    void deepValueIsWhatQJsonDocumentWrites();
};

void TestCodec::clientJsonHasExactlyTheProtocolFields()
{
    const QJsonObject json = notificationToClientJson(sampleNotification());
    QCOMPARE(keysOf(json),
             setOf({"id", "seq", "type", "title", "body", "priority", "actionUrl", "entityType",
                    "entityId", "metadata", "createdAt", "readAt"}));
    for (const char *hidden : {"orgId", "userId", "idempotencyKey", "deliveredAt", "deletedAt"})
        QVERIFY2(!json.contains(QLatin1String(hidden)), hidden);
    // Neither may the owner leak through any value.
    const QByteArray bytes = QJsonDocument(json).toJson(QJsonDocument::Compact);
    QVERIFY(!bytes.contains("org-1"));
    QVERIFY(!bytes.contains("user-42"));
    QVERIFY(!bytes.contains("idem-1"));
}

void TestCodec::clientJsonValues()
{
    const Notification n = sampleNotification();
    const QJsonObject json = notificationToClientJson(n);
    QCOMPARE(json.value(QStringLiteral("id")).toString(), n.id);
    QVERIFY(json.value(QStringLiteral("seq")).isDouble());
    QCOMPARE(json.value(QStringLiteral("seq")).toInteger(), 42);
    QCOMPARE(json.value(QStringLiteral("type")).toString(), QStringLiteral("CLAIM_REJECTED"));
    QCOMPARE(json.value(QStringLiteral("title")).toString(), n.content.title);
    QCOMPARE(json.value(QStringLiteral("body")).toString(), n.content.body);
    QCOMPARE(json.value(QStringLiteral("priority")).toString(), QStringLiteral("high"));
    QCOMPARE(json.value(QStringLiteral("actionUrl")).toString(), n.content.actionUrl);
    QCOMPARE(json.value(QStringLiteral("entityType")).toString(), QStringLiteral("claim"));
    QCOMPARE(json.value(QStringLiteral("entityId")).toString(), QStringLiteral("abc123"));
    QCOMPARE(json.value(QStringLiteral("metadata")).toObject(), n.content.metadata);
    QCOMPARE(json.value(QStringLiteral("createdAt")).toString(),
             QStringLiteral("2026-02-17T10:00:00.000Z"));
    QVERIFY(json.value(QStringLiteral("readAt")).isNull());
}

void TestCodec::clientJsonReadAtAndEmptyReferences()
{
    Notification n = sampleNotification();
    n.readAt = at("2026-02-17T10:05:00.500Z");
    n.content.actionUrl.clear();
    n.content.entityType.clear();
    n.content.entityId.clear();
    n.content.body.clear();
    const QJsonObject json = notificationToClientJson(n);
    QCOMPARE(json.value(QStringLiteral("readAt")).toString(),
             QStringLiteral("2026-02-17T10:05:00.500Z"));
    QVERIFY(json.value(QStringLiteral("actionUrl")).isNull());
    QVERIFY(json.value(QStringLiteral("entityType")).isNull());
    QVERIFY(json.value(QStringLiteral("entityId")).isNull());
    QCOMPARE(json.value(QStringLiteral("body")), QJsonValue(QString()));
}

void TestCodec::adminJsonAddsOwnerAndDelivery()
{
    const QJsonObject client = notificationToClientJson(sampleNotification());
    const QJsonObject admin = notificationToAdminJson(sampleNotification());
    // The sample is deleted: the admin form says when (the console's user view shows it).
    QCOMPARE(keysOf(admin),
             keysOf(client) | setOf({"orgId", "userId", "deliveredAt", "deletedAt"}));
    QCOMPARE(admin.value(QStringLiteral("orgId")).toString(), QStringLiteral("org-1"));
    QCOMPARE(admin.value(QStringLiteral("userId")).toString(), QStringLiteral("user-42"));
    QCOMPARE(admin.value(QStringLiteral("deliveredAt")).toString(),
             QStringLiteral("2026-02-17T10:00:00.120Z"));
    QVERIFY(!admin.contains(QStringLiteral("idempotencyKey")));
    QCOMPARE(admin.value(QStringLiteral("deletedAt")).toString(),
             QStringLiteral("2026-02-18T10:00:00.000Z"));
    Notification live = sampleNotification();
    live.deletedAt = QDateTime();
    QVERIFY(!notificationToAdminJson(live).contains(QStringLiteral("deletedAt")));
}

namespace {
// Compares what the admin JSON carries (not idempotencyKey, which it omits).
void compareTransmitted(const Notification &actual, const Notification &expected)
{
    QCOMPARE(actual.id, expected.id);
    QCOMPARE(actual.recipient, expected.recipient);
    QCOMPARE(actual.seq, expected.seq);
    QCOMPARE(actual.content.type, expected.content.type);
    QCOMPARE(actual.content.title, expected.content.title);
    QCOMPARE(actual.content.body, expected.content.body);
    QCOMPARE(actual.content.priority, expected.content.priority);
    QCOMPARE(actual.content.actionUrl, expected.content.actionUrl);
    QCOMPARE(actual.content.entityType, expected.content.entityType);
    QCOMPARE(actual.content.entityId, expected.content.entityId);
    QCOMPARE(actual.content.metadata, expected.content.metadata);
    QCOMPARE(actual.createdAt, expected.createdAt);
    QCOMPARE(actual.readAt, expected.readAt);
    QCOMPARE(actual.deliveredAt, expected.deliveredAt);
    QVERIFY(actual.idempotencyKey.isEmpty());
    QCOMPARE(actual.deletedAt, expected.deletedAt);
}
} // namespace

void TestCodec::notificationRoundTripsThroughAdminJson()
{
    Notification n = sampleNotification();
    for (bool read : {false, true}) {
        n.readAt = read ? at("2026-02-17T11:00:00.001Z") : QDateTime();
        const auto parsed = notificationFromJson(notificationToAdminJson(n));
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message()));
        compareTransmitted(*parsed, n);
        QCOMPARE(parsed->isRead(), read);
    }
}

void TestCodec::notificationRoundTripsThroughBytes()
{
    Notification n = sampleNotification();
    n.seq = 9007199254740991LL;
    n.content.actionUrl.clear();
    n.content.priority = Priority::Low;
    const QByteArray bytes
        = QJsonDocument(notificationToAdminJson(n)).toJson(QJsonDocument::Compact);
    const auto parsed = notificationFromJson(parseCompact(bytes));
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message()));
    compareTransmitted(*parsed, n);
}

void TestCodec::notificationFromClientJsonHasNoOwner()
{
    const auto parsed = notificationFromJson(notificationToClientJson(sampleNotification()));
    QVERIFY(parsed.ok());
    QVERIFY(parsed->recipient.orgId.isEmpty());
    QVERIFY(parsed->recipient.userId.isEmpty());
    QVERIFY(!parsed->deliveredAt.isValid());
    QCOMPARE(parsed->seq, 42);
}

void TestCodec::notificationFromJsonRejects_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QJsonValue>("value"); // Undefined: remove the key
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("reason");

    const QString count = QStringLiteral("must be a non-negative integer");
    const QString timestamp = QStringLiteral("must be an ISO-8601 timestamp");
    const QJsonValue removed(QJsonValue::Undefined);
    QTest::newRow("id missing") << "id" << removed << "id"
                                << "is required";
    QTest::newRow("id number") << "id" << QJsonValue(5) << "id"
                               << "must be a string";
    QTest::newRow("id empty") << "id" << QJsonValue("") << "id"
                              << "must not be empty";
    QTest::newRow("seq missing") << "seq" << removed << "seq"
                                 << "is required";
    QTest::newRow("seq string") << "seq" << QJsonValue("42") << "seq" << count;
    QTest::newRow("seq negative") << "seq" << QJsonValue(-1) << "seq" << count;
    QTest::newRow("seq fraction") << "seq" << QJsonValue(1.5) << "seq" << count;
    QTest::newRow("seq huge") << "seq" << QJsonValue(1e300) << "seq" << count;
    QTest::newRow("title long") << "title" << QJsonValue(QString(201, u'x')) << "title"
                                << "must be 1 to 200 characters";
    QTest::newRow("priority bad") << "priority" << QJsonValue("HIGH") << "priority"
                                  << "must be one of low, normal, high, urgent";
    QTest::newRow("orgId number") << "orgId" << QJsonValue(1) << "orgId"
                                  << "must be a string";
    QTest::newRow("userId control") << "userId" << QJsonValue("a\u0001") << "userId"
                                    << "must not contain control characters";
    QTest::newRow("createdAt missing") << "createdAt" << removed << "createdAt"
                                       << "is required";
    QTest::newRow("createdAt garbage")
        << "createdAt" << QJsonValue("now") << "createdAt" << timestamp;
    QTest::newRow("readAt number") << "readAt" << QJsonValue(0) << "readAt"
                                   << "must be an ISO-8601 timestamp or null";
    QTest::newRow("deliveredAt local")
        << "deliveredAt" << QJsonValue("2026-02-17T10:00:00") << "deliveredAt"
        << "must be an ISO-8601 timestamp or null";
}

void TestCodec::notificationFromJsonRejects()
{
    QFETCH(QString, key);
    QFETCH(QJsonValue, value);
    QFETCH(QString, field);
    QFETCH(QString, reason);
    QJsonObject json = notificationToAdminJson(sampleNotification());
    if (value.isUndefined())
        json.remove(key);
    else
        json.insert(key, value);
    const auto parsed = notificationFromJson(json);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error(), (ValidationError {field, reason}));
}

void TestCodec::notificationListKeepsOrder()
{
    std::vector<Notification> list(3, sampleNotification());
    list[0].seq = 3;
    list[1].seq = 1;
    list[2].seq = 2;
    const QJsonArray array = notificationsToClientJson(list);
    QCOMPARE(array.size(), 3);
    QCOMPARE(array.at(0).toObject().value(QStringLiteral("seq")).toInteger(), 3);
    QCOMPARE(array.at(1).toObject().value(QStringLiteral("seq")).toInteger(), 1);
    QCOMPARE(array.at(2).toObject().value(QStringLiteral("seq")).toInteger(), 2);
    QVERIFY(!array.at(0).toObject().contains(QStringLiteral("orgId")));
    QCOMPARE(notificationsToClientJson({}), QJsonArray());
}

void TestCodec::protocolNames()
{
    QCOMPARE(protocolName(ClientProtocol::Plain), QStringLiteral("plain"));
    QCOMPARE(protocolName(ClientProtocol::SocketIo), QStringLiteral("socket.io"));
}

void TestCodec::connectionJsonFields()
{
    const QJsonObject json = connectionToJson(sampleConnection());
    QCOMPARE(keysOf(json),
             setOf({"id", "orgId", "userId", "role", "protocol", "remoteAddress", "userAgent",
                    "origin", "connectedAt", "lastPongAt", "rttMs", "framesIn", "framesOut",
                    "bytesOut", "rooms", "tokenIssuer", "tokenAlgorithm", "tokenKeyId",
                    "expiresAt"}));
    QCOMPARE(json.value(QStringLiteral("protocol")).toString(), QStringLiteral("socket.io"));
    QCOMPARE(json.value(QStringLiteral("id")).toInteger(), 9007199254740991LL);
    QCOMPARE(json.value(QStringLiteral("lastPongAt")).toString(),
             QStringLiteral("2026-02-17T10:00:30.015Z"));
    QCOMPARE(json.value(QStringLiteral("rttMs")).toInteger(), 15);
    QCOMPARE(json.value(QStringLiteral("rooms")).toArray().size(), 2);
}

void TestCodec::connectionRoundTrips()
{
    const ConnectionInfo c = sampleConnection();
    const auto direct = connectionFromJson(connectionToJson(c));
    QVERIFY2(direct.ok(), qPrintable(direct.ok() ? QString() : direct.error().message()));
    QCOMPARE(*direct, c);

    const QByteArray bytes = QJsonDocument(connectionToJson(c)).toJson(QJsonDocument::Compact);
    const auto viaBytes = connectionFromJson(parseCompact(bytes));
    QVERIFY(viaBytes.ok());
    QCOMPARE(*viaBytes, c);
}

void TestCodec::connectionWithoutRttOrPong()
{
    ConnectionInfo c = sampleConnection();
    c.protocol = ClientProtocol::Plain;
    c.rttMs = -1;
    c.lastPongAt = QDateTime();
    c.rooms.clear();
    c.origin.clear();
    c.expiresAt = QDateTime(); // a credential that never expires
    const QJsonObject json = connectionToJson(c);
    QVERIFY(json.value(QStringLiteral("expiresAt")).isNull());
    QVERIFY(json.value(QStringLiteral("rttMs")).isNull());
    QVERIFY(json.value(QStringLiteral("lastPongAt")).isNull());
    QCOMPARE(json.value(QStringLiteral("protocol")).toString(), QStringLiteral("plain"));
    const auto parsed = connectionFromJson(json);
    QVERIFY(parsed.ok());
    QCOMPARE(*parsed, c);
}

void TestCodec::connectionFromJsonRejects_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("field");

    const QJsonValue removed(QJsonValue::Undefined);
    QTest::newRow("id missing") << "id" << removed << "id";
    QTest::newRow("id string") << "id" << QJsonValue("7") << "id";
    QTest::newRow("id negative") << "id" << QJsonValue(-7) << "id";
    QTest::newRow("protocol missing") << "protocol" << removed << "protocol";
    QTest::newRow("protocol unknown") << "protocol" << QJsonValue("ws") << "protocol";
    QTest::newRow("protocol case") << "protocol" << QJsonValue("Plain") << "protocol";
    QTest::newRow("orgId number") << "orgId" << QJsonValue(1) << "orgId";
    QTest::newRow("connectedAt bad") << "connectedAt" << QJsonValue("x") << "connectedAt";
    QTest::newRow("rttMs string") << "rttMs" << QJsonValue("15") << "rttMs";
    QTest::newRow("rttMs too big") << "rttMs" << QJsonValue(1e12) << "rttMs";
    QTest::newRow("framesIn fraction") << "framesIn" << QJsonValue(0.5) << "framesIn";
    QTest::newRow("bytesOut missing") << "bytesOut" << removed << "bytesOut";
    QTest::newRow("rooms object") << "rooms" << QJsonValue(QJsonObject()) << "rooms";
    QTest::newRow("rooms numbers") << "rooms" << QJsonValue(QJsonArray {1}) << "rooms";
}

void TestCodec::connectionFromJsonRejects()
{
    QFETCH(QString, key);
    QFETCH(QJsonValue, value);
    QFETCH(QString, field);
    QJsonObject json = connectionToJson(sampleConnection());
    if (value.isUndefined())
        json.remove(key);
    else
        json.insert(key, value);
    const auto parsed = connectionFromJson(json);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().field, field);
    QVERIFY(!parsed.error().reason.isEmpty());
}

void TestCodec::countersUseProtocolNames()
{
    Counters c;
    c.created = 1;
    c.sent = 2;
    c.acked = 3;
    c.read = 4;
    c.failed = 5;
    c.dropped = 6;
    c.authFailures = 7;
    c.heartbeatTimeouts = 8;
    c.rateLimited = 9;
    const QJsonObject json = countersToJson(c);
    QCOMPARE(keysOf(json),
             setOf({"created", "sent", "acked", "read", "failed", "dropped", "authFailures",
                    "heartbeatTimeouts", "rateLimited"}));
    QCOMPARE(json.value(QStringLiteral("created")).toInteger(), 1);
    QCOMPARE(json.value(QStringLiteral("read")).toInteger(), 4);
    QCOMPARE(json.value(QStringLiteral("authFailures")).toInteger(), 7);
    QCOMPARE(json.value(QStringLiteral("rateLimited")).toInteger(), 9);
}

void TestCodec::countersRoundTrip()
{
    Counters c;
    c.created = 10;
    c.sent = 20000000000ULL;
    c.acked = 30;
    c.read = 40;
    c.failed = 50;
    c.dropped = 60;
    c.authFailures = 70;
    c.heartbeatTimeouts = 80;
    c.rateLimited = 90;
    QCOMPARE(countersFromJson(countersToJson(c)), c);
    const QByteArray bytes = QJsonDocument(countersToJson(c)).toJson(QJsonDocument::Compact);
    QCOMPARE(countersFromJson(parseCompact(bytes)), c);
    QCOMPARE(countersFromJson(countersToJson(Counters())), Counters());
}

void TestCodec::countersFromJsonIsLenient()
{
    const QJsonObject json {{QStringLiteral("created"), 5},
                            {QStringLiteral("sent"), QStringLiteral("7")},
                            {QStringLiteral("acked"), -3},
                            {QStringLiteral("read"), 2.5},
                            {QStringLiteral("unknown"), 99}};
    Counters expected;
    expected.created = 5;
    QCOMPARE(countersFromJson(json), expected);
}

void TestCodec::envelopeIsCompact()
{
    const QJsonObject data {{QStringLiteral("unreadCount"), 3},
                            {QStringLiteral("timestamp"), QStringLiteral("t")}};
    const QByteArray bytes = encodeEnvelope(QStringLiteral("notification:unread_count"), data);
    QVERIFY(!bytes.contains('\n'));
    QVERIFY(!bytes.contains(' '));
    const QJsonObject json = parseCompact(bytes);
    QCOMPARE(keysOf(json), setOf({"type", "data"}));
    QCOMPARE(json.value(QStringLiteral("type")).toString(),
             QStringLiteral("notification:unread_count"));
    QCOMPARE(json.value(QStringLiteral("data")).toObject(), data);
}

void TestCodec::replyCarriesReplyTo()
{
    const QJsonObject data {{QStringLiteral("ok"), true}, {QStringLiteral("updated"), 2}};
    const QByteArray bytes = encodeReply(QStringLiteral("r1"), data);
    QVERIFY(!bytes.contains('\n'));
    const QJsonObject json = parseCompact(bytes);
    QCOMPARE(keysOf(json), setOf({"type", "replyTo", "data"}));
    QCOMPARE(json.value(QStringLiteral("type")).toString(), QStringLiteral("reply"));
    QCOMPARE(json.value(QStringLiteral("replyTo")).toString(), QStringLiteral("r1"));
    QCOMPARE(json.value(QStringLiteral("data")).toObject(), data);
}

void TestCodec::errorOmitsEmptyReplyTo()
{
    const QJsonObject withId = parseCompact(encodeError(
        QStringLiteral("r2"), QStringLiteral("not_found"), QStringLiteral("no such id")));
    QCOMPARE(keysOf(withId), setOf({"type", "replyTo", "data"}));
    QCOMPARE(withId.value(QStringLiteral("type")).toString(), QStringLiteral("error"));
    QCOMPARE(withId.value(QStringLiteral("replyTo")).toString(), QStringLiteral("r2"));
    const QJsonObject data = withId.value(QStringLiteral("data")).toObject();
    QCOMPARE(data,
             (QJsonObject {{QStringLiteral("code"), QStringLiteral("not_found")},
                           {QStringLiteral("message"), QStringLiteral("no such id")}}));

    const QByteArray bytes
        = encodeError(QString(), QStringLiteral("invalid_json"), QStringLiteral("bad \"quote\"\n"));
    QVERIFY(!bytes.contains('\n')); // the message's newline is escaped
    const QJsonObject withoutId = parseCompact(bytes);
    QCOMPARE(keysOf(withoutId), setOf({"type", "data"}));
    QCOMPARE(withoutId.value(QStringLiteral("data")).toObject().value(QStringLiteral("message")),
             QJsonValue(QStringLiteral("bad \"quote\"\n")));
}

void TestCodec::qtStringIsWhatQJsonDocumentWrites()
{
    const auto qt = [](const QString &s) {
        const QByteArray array = QJsonDocument(QJsonArray {s}).toJson(QJsonDocument::Compact);
        return array.mid(1, array.size() - 2); // without [ ]
    };
    const auto ours = [](const QString &s) {
        QByteArray out = "x"; // appended after what is already there
        json::appendQtString(out, s);
        return out.mid(1);
    };
    QCOMPARE(ours(QString()), QByteArray("\"\""));
    QCOMPARE(ours(QStringLiteral("plain ascii ~")), qt(QStringLiteral("plain ascii ~")));
    // Every UTF-16 code unit alone, at the start, after a run of plain ASCII and before one
    // (the run is copied on a fast path), and a surrogate pair after a run.
    for (uint u = 0; u <= 0xffff; ++u) {
        const QChar c {char16_t(u)};
        for (const QString &s : {QString(c), QStringLiteral("run") + c, c + QStringLiteral("run"),
                                 QStringLiteral("ab") + c + u'd'}) {
            if (ours(s) != qt(s))
                QFAIL(qPrintable(QStringLiteral("differs for U+%1").arg(u, 4, 16, QChar(u'0'))));
        }
    }
    const QString pair = QStringLiteral("run") + QString::fromUtf16(u"\U0001F600") + u'"';
    QCOMPARE(ours(pair), qt(pair));
}

namespace {

// What QJsonDocument (compact) writes for `value`: it writes only arrays and objects, so a
// value of another type is written inside an array and the brackets are taken off.
QByteArray viaQJsonDocument(const QJsonValue &value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    const QByteArray array = QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

QByteArray printable(const QByteArray &json)
{
    return json.toPercentEncoding(" {}[]:,\"");
}

} // namespace

void TestCodec::valueIsWhatQJsonDocumentWrites()
{
    const auto ours = [](const QJsonValue &v) {
        QByteArray out = "x"; // appended after what is already there
        json::appendValue(out, v);
        return out.mid(1);
    };
    // Every type at the top level (undefined too: QJsonDocument writes it as null), and
    // numbers QJsonValue keeps as integers next to the same values as doubles.
    QCOMPARE(ours(QJsonValue(QJsonValue::Undefined)), QByteArray("null"));
    QCOMPARE(ours(QJsonValue(QJsonValue::Null)), QByteArray("null"));
    QCOMPARE(ours(true), QByteArray("true"));
    QCOMPARE(ours(false), QByteArray("false"));
    QCOMPARE(ours(QJsonValue(qint64(9007199254740993))), QByteArray("9007199254740993"));
    QCOMPARE(ours(9007199254740993.0), viaQJsonDocument(9007199254740993.0));
    QCOMPARE(ours(2.5), QByteArray("2.5"));
    QCOMPARE(ours(std::numeric_limits<double>::quiet_NaN()), QByteArray("null"));
    QCOMPARE(ours(QJsonArray {}), QByteArray("[]"));
    QCOMPARE(ours(QJsonObject {}), QByteArray("{}"));
    QCOMPARE(ours(QJsonArray {1, QJsonValue(QJsonValue::Undefined), "a"}),
             viaQJsonDocument(QJsonArray {1, QJsonValue(QJsonValue::Undefined), "a"}));

    QRandomGenerator g(20261127);
    for (int i = 0; i < 20000; ++i) {
        const QJsonValue v = test::randomValue(g, 0, 4);
        const QByteArray expected = viaQJsonDocument(v);
        const QByteArray actual = ours(v);
        if (actual != expected)
            QFAIL(qPrintable(QStringLiteral("case %1:\n%2\n%3")
                                 .arg(i)
                                 .arg(QString::fromUtf8(printable(expected)),
                                      QString::fromUtf8(printable(actual)))));
        // An object or an array held as such gives the same bytes.
        QByteArray held;
        if (v.isObject())
            json::appendObject(held, v.toObject());
        else if (v.isArray())
            json::appendArray(held, v.toArray());
        else
            continue;
        QCOMPARE(held, expected);
    }
}

void TestCodec::deepValueIsWhatQJsonDocumentWrites()
{
    // Nesting as deep as QJsonDocument reads (1024 levels), arrays and objects alternating.
    QJsonValue v = QStringLiteral("leaf");
    for (int depth = 0; depth < 1000; ++depth) {
        if (depth % 2)
            v = QJsonArray {depth, v};
        else
            v = QJsonObject {{QStringLiteral("d"), depth}, {QStringLiteral("v"), v}};
    }
    QByteArray out;
    json::appendValue(out, v);
    QCOMPARE(out, viaQJsonDocument(v));
}

QTEST_GUILESS_MAIN(TestCodec)
#include "test_codec.moc"
