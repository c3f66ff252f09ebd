#include "server/socketio/enginecodec.h"
#include "server/socketio/socketcodec.h"

#include "randomjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace notify;
using namespace notify::sio;

namespace {

using Kind = DecodeError::Kind;

// The data of a packet as compact JSON; "" when the packet has none.
QByteArray dataJson(const QJsonValue &data)
{
    if (data.isUndefined())
        return {};
    const QByteArray wrapped = QJsonDocument(QJsonArray{data}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

QString errorText(const Result<Packet, DecodeError> &r)
{
    return r.ok() ? QString() : r.error().message;
}

} // namespace

class TestSocketCodec : public QObject
{
    Q_OBJECT

private slots:
    void decodeSpecPackets_data();
    void decodeSpecPackets();
    void decodeWireFrames_data();
    void decodeWireFrames();
    void decodeErrors_data();
    void decodeErrors();
    void eventAccessors();
    void namespaceLimit();
    void encodeFrames_data();
    void encodeFrames();
    void eventFrameRoundTrip();
    void eventFrameEscapesName();
    void encodeGeneralPackets_data();
    void encodeGeneralPackets();
    void encodedDataIsWhatQJsonDocumentWrites();
};

void TestSocketCodec::decodeSpecPackets_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("nsp");
    QTest::addColumn<qint64>("id"); // -1: none
    QTest::addColumn<QByteArray>("data");

    // The "Packet encoding" tables of the Socket.IO v5 specification.
    QTest::newRow("0") << QByteArray("0") << 0 << "/" << qint64(-1) << QByteArray();
    QTest::newRow("0{sid}") << QByteArray(R"(0{"sid":"wZX3oN0bSVIhsaknAAAI"})") << 0 << "/"
                            << qint64(-1) << QByteArray(R"({"sid":"wZX3oN0bSVIhsaknAAAI"})");
    QTest::newRow("0/admin,") << QByteArray("0/admin,") << 0 << "/admin" << qint64(-1)
                              << QByteArray();
    QTest::newRow("0/admin,{sid}") << QByteArray(R"(0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"})")
                                   << 0 << "/admin" << qint64(-1)
                                   << QByteArray(R"({"sid":"oSO0OpakMV_3jnilAAAA"})");
    QTest::newRow("0/admin,{token}") << QByteArray(R"(0/admin,{"token":"123"})") << 0 << "/admin"
                                     << qint64(-1) << QByteArray(R"({"token":"123"})");
    QTest::newRow("4{message}") << QByteArray(R"(4{"message":"Not authorized"})") << 4 << "/"
                                << qint64(-1) << QByteArray(R"({"message":"Not authorized"})");
    QTest::newRow("4/admin,{message}") << QByteArray(R"(4/admin,{"message":"Not authorized"})")
                                       << 4 << "/admin" << qint64(-1)
                                       << QByteArray(R"({"message":"Not authorized"})");
    QTest::newRow("4 string (v4 form)") << QByteArray(R"(4"Not authorized")") << 4 << "/"
                                        << qint64(-1) << QByteArray(R"("Not authorized")");
    QTest::newRow("2[\"foo\"]") << QByteArray(R"(2["foo"])") << 2 << "/" << qint64(-1)
                                << QByteArray(R"(["foo"])");
    QTest::newRow("2/admin,[\"bar\"]") << QByteArray(R"(2/admin,["bar"])") << 2 << "/admin"
                                       << qint64(-1) << QByteArray(R"(["bar"])");
    QTest::newRow("2[\"hello\",1]") << QByteArray(R"(2["hello",1])") << 2 << "/" << qint64(-1)
                                    << QByteArray(R"(["hello",1])");
    QTest::newRow("212[\"foo\"]") << QByteArray(R"(212["foo"])") << 2 << "/" << qint64(12)
                                  << QByteArray(R"(["foo"])");
    QTest::newRow("2/admin,13[\"foo\"]") << QByteArray(R"(2/admin,13["foo"])") << 2 << "/admin"
                                         << qint64(13) << QByteArray(R"(["foo"])");
    QTest::newRow("2/admin,456[project:delete]")
        << QByteArray(R"(2/admin,456["project:delete",123])") << 2 << "/admin" << qint64(456)
        << QByteArray(R"(["project:delete",123])");
    QTest::newRow("312[]") << QByteArray("312[]") << 3 << "/" << qint64(12) << QByteArray("[]");
    QTest::newRow("3/admin,13[\"bar\"]") << QByteArray(R"(3/admin,13["bar"])") << 3 << "/admin"
                                         << qint64(13) << QByteArray(R"(["bar"])");
    QTest::newRow("3/admin,456[]") << QByteArray("3/admin,456[]") << 3 << "/admin"
                                   << qint64(456) << QByteArray("[]");
    QTest::newRow("314[\"bar\"]") << QByteArray(R"(314["bar"])") << 3 << "/" << qint64(14)
                                  << QByteArray(R"(["bar"])");
    QTest::newRow("1") << QByteArray("1") << 1 << "/" << qint64(-1) << QByteArray();
    QTest::newRow("1/admin,") << QByteArray("1/admin,") << 1 << "/admin" << qint64(-1)
                              << QByteArray();

    // What socket.io-client sends notifyd.
    QTest::newRow("auth on /notifications")
        << QByteArray(R"(0/notifications,{"token":"eyJ.x.y","lastSeq":12})") << 0
        << "/notifications" << qint64(-1) << QByteArray(R"({"lastSeq":12,"token":"eyJ.x.y"})");
    QTest::newRow("ack id 0 (the client's first)")
        << QByteArray(R"(20["mark_read",{"notificationIds":["a"]}])") << 2 << "/" << qint64(0)
        << QByteArray(R"(["mark_read",{"notificationIds":["a"]}])");
    QTest::newRow("largest ack id") << QByteArray(R"(2/notifications,9007199254740991["x"])") << 2
                                    << "/notifications" << qint64(9007199254740991LL)
                                    << QByteArray(R"(["x"])");
    QTest::newRow("explicit main namespace") << QByteArray("0/,") << 0 << "/" << qint64(-1)
                                             << QByteArray();
    QTest::newRow("non-ASCII namespace") << QByteArray("0/caf\xc3\xa9,") << 0
                                         << QStringLiteral("/caf\u00e9") << qint64(-1)
                                         << QByteArray();
}

void TestSocketCodec::decodeSpecPackets()
{
    QFETCH(QByteArray, text);
    QFETCH(int, type);
    QFETCH(QString, nsp);
    QFETCH(qint64, id);
    QFETCH(QByteArray, data);

    const auto packet = decodePacket(text);
    QVERIFY2(packet.ok(), qPrintable(errorText(packet)));
    QCOMPARE(int(packet->type), type);
    QCOMPARE(packet->nsp, nsp);
    QCOMPARE(packet->id.value_or(-1), id);
    QCOMPARE(dataJson(packet->data), data);

    // Encoding what was decoded decodes to the same packet.
    const auto again = decodePacket(encodePacket(*packet));
    QVERIFY2(again.ok(), qPrintable(errorText(again)));
    QVERIFY(*again == *packet);
}

void TestSocketCodec::decodeWireFrames_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("nsp");

    // WebSocket frames of the specification's sample session, Engine.IO "4" included.
    QTest::newRow("40") << QByteArray("40") << 0 << "/";
    QTest::newRow("40/admin,") << QByteArray("40/admin,") << 0 << "/admin";
    QTest::newRow("40/admin,{sid}") << QByteArray(R"(40/admin,{"sid":"-G5j-67EZFp-q59rADQM"})")
                                    << 0 << "/admin";
    QTest::newRow("40/admin,{sid} (table)")
        << QByteArray(R"(40/admin,{"sid":"oSO0OpakMV_3jnilAAAA"})") << 0 << "/admin";
    QTest::newRow("44/admin,{message}") << QByteArray(R"(44/admin,{"message":"Not authorized"})")
                                        << 4 << "/admin";
    QTest::newRow("42[\"hello\"]") << QByteArray(R"(42["hello"])") << 2 << "/";
    QTest::newRow("42/admin,1[\"tellme\"]") << QByteArray(R"(42/admin,1["tellme"])") << 2
                                            << "/admin";
    QTest::newRow("42[\"hey\",\"Jude\"]") << QByteArray(R"(42["hey","Jude"])") << 2 << "/";
}

void TestSocketCodec::decodeWireFrames()
{
    QFETCH(QByteArray, frame);
    QFETCH(int, type);
    QFETCH(QString, nsp);

    const auto message = eio::decodePacket(frame);
    QVERIFY(message.ok());
    QCOMPARE(message->type, eio::PacketType::Message);
    const auto packet = decodePacket(message->data);
    QVERIFY2(packet.ok(), qPrintable(errorText(packet)));
    QCOMPARE(int(packet->type), type);
    QCOMPARE(packet->nsp, nsp);
    QCOMPARE(encodeFrame(*packet), frame);
}

void TestSocketCodec::decodeErrors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("kind");

    QTest::newRow("empty") << QByteArray() << int(Kind::Empty);
    QTest::newRow("type 7") << QByteArray("7") << int(Kind::UnknownType);
    QTest::newRow("type 9 with data") << QByteArray(R"(9["x"])") << int(Kind::UnknownType);
    QTest::newRow("namespace first") << QByteArray("/admin,0") << int(Kind::UnknownType);
    QTest::newRow("JSON first") << QByteArray(R"(["x"])") << int(Kind::UnknownType);

    QTest::newRow("51-[hello, placeholder]")
        << QByteArray(R"(51-["hello",{"_placeholder":true,"num":0}])")
        << int(Kind::BinaryNotSupported);
    QTest::newRow("52-/admin,[baz, 2 placeholders]")
        << QByteArray(R"(52-/admin,["baz",{"_placeholder":true,"num":0},)"
                      R"({"_placeholder":true,"num":1}])")
        << int(Kind::BinaryNotSupported);
    QTest::newRow("51-14[foo]") << QByteArray(R"(51-14["foo",{"_placeholder":true,"num":0}])")
                                << int(Kind::BinaryNotSupported);
    QTest::newRow("61-15[bar]") << QByteArray(R"(61-15["bar",{"_placeholder":true,"num":0}])")
                                << int(Kind::BinaryNotSupported);
    QTest::newRow("61-/admin,1[placeholder]")
        << QByteArray(R"(61-/admin,1[{"_placeholder":true,"num":0}])")
        << int(Kind::BinaryNotSupported);

    QTest::newRow("namespace without comma") << QByteArray("0/admin") << int(Kind::InvalidNamespace);
    QTest::newRow("event namespace without comma") << QByteArray(R"(2/admin["x"])")
                                                   << int(Kind::InvalidNamespace);
    QTest::newRow("namespace too long") << "0/" + QByteArray(200, 'a') + ","
                                        << int(Kind::InvalidNamespace);
    QTest::newRow("long namespace without comma") << "2/" + QByteArray(100000, 'a')
                                                  << int(Kind::InvalidNamespace);
    QTest::newRow("control character in namespace") << QByteArray("0/ad\x01min,")
                                                    << int(Kind::InvalidNamespace);
    QTest::newRow("newline in namespace") << QByteArray("0/ad\nmin,")
                                          << int(Kind::InvalidNamespace);
    QTest::newRow("invalid UTF-8 namespace") << QByteArray("0/\xff,")
                                             << int(Kind::InvalidNamespace);

    QTest::newRow("unterminated array") << QByteArray(R"(2["foo")") << int(Kind::InvalidJson);
    QTest::newRow("bare word") << QByteArray("2[foo]") << int(Kind::InvalidJson);
    QTest::newRow("bad object") << QByteArray("0{bad}") << int(Kind::InvalidJson);
    QTest::newRow("garbage after JSON") << QByteArray(R"(2["a"]x)") << int(Kind::InvalidJson);
    QTest::newRow("two values") << QByteArray(R"(2["a"]["b"])") << int(Kind::InvalidJson);
    QTest::newRow("invalid UTF-8 in string") << QByteArray("2[\"\xff\"]")
                                             << int(Kind::InvalidJson);
    QTest::newRow("nested 2000 deep") << "2" + QByteArray(2000, '[') + QByteArray(2000, ']')
                                      << int(Kind::InvalidJson);
    QTest::newRow("string auth") << QByteArray(R"(0"token")") << int(Kind::InvalidJson);
    QTest::newRow("two strings") << QByteArray(R"(4"a","b")") << int(Kind::InvalidJson);
    QTest::newRow("trailing text") << QByteArray("2/admin,abc") << int(Kind::InvalidJson);

    QTest::newRow("ack id 2^53") << QByteArray(R"(29007199254740992["x"])")
                                 << int(Kind::InvalidAckId);
    QTest::newRow("ack id of 22 digits") << QByteArray(R"(2/admin,1234567890123456789012["x"])")
                                         << int(Kind::InvalidAckId);
    QTest::newRow("ack id of 100000 digits") << "3" + QByteArray(100000, '9') + "[]"
                                             << int(Kind::InvalidAckId);
    QTest::newRow("ack id with leading zero") << QByteArray(R"(201["x"])")
                                              << int(Kind::InvalidAckId);
    QTest::newRow("CONNECT with id") << QByteArray("012") << int(Kind::InvalidAckId);
    QTest::newRow("DISCONNECT with id") << QByteArray("1/admin,5") << int(Kind::InvalidAckId);
    QTest::newRow("CONNECT_ERROR with id") << QByteArray(R"(47{"message":"x"})")
                                           << int(Kind::InvalidAckId);
    QTest::newRow("ACK without id") << QByteArray("3[]") << int(Kind::MissingAckId);
    QTest::newRow("ACK without id on /admin") << QByteArray("3/admin,[]")
                                              << int(Kind::MissingAckId);

    QTest::newRow("event without data") << QByteArray("2") << int(Kind::InvalidPayload);
    QTest::newRow("event without name") << QByteArray("2[]") << int(Kind::InvalidPayload);
    QTest::newRow("event name not a string") << QByteArray("2[1]") << int(Kind::InvalidPayload);
    QTest::newRow("event name null") << QByteArray(R"(2[null,{}])") << int(Kind::InvalidPayload);
    QTest::newRow("empty event name") << QByteArray(R"(2[""])") << int(Kind::InvalidPayload);
    QTest::newRow("event as object") << QByteArray(R"(2{"a":1})") << int(Kind::InvalidPayload);
    QTest::newRow("reserved: connect") << QByteArray(R"(2["connect"])")
                                       << int(Kind::InvalidPayload);
    QTest::newRow("reserved: disconnect") << QByteArray(R"(2/admin,3["disconnect",1])")
                                          << int(Kind::InvalidPayload);
    QTest::newRow("reserved: newListener") << QByteArray(R"(2["newListener"])")
                                           << int(Kind::InvalidPayload);
    QTest::newRow("CONNECT with array") << QByteArray("0[]") << int(Kind::InvalidPayload);
    QTest::newRow("ACK with object") << QByteArray("3/admin,456{}") << int(Kind::InvalidPayload);
    QTest::newRow("DISCONNECT with data") << QByteArray("1/admin,{}")
                                          << int(Kind::InvalidPayload);
    QTest::newRow("DISCONNECT with array") << QByteArray("1[]") << int(Kind::InvalidPayload);
    QTest::newRow("CONNECT_ERROR without data") << QByteArray("4") << int(Kind::InvalidPayload);
    QTest::newRow("CONNECT_ERROR with array") << QByteArray("4[]") << int(Kind::InvalidPayload);
}

void TestSocketCodec::decodeErrors()
{
    QFETCH(QByteArray, text);
    QFETCH(int, kind);

    const auto packet = decodePacket(text);
    QVERIFY2(!packet.ok(), "decoded a malformed packet");
    QCOMPARE(int(packet.error().kind), kind);
    QVERIFY(!packet.error().message.isEmpty());
}

void TestSocketCodec::eventAccessors()
{
    const auto packet = decodePacket(R"(2/admin,456["project:delete",123,{"a":true}])");
    QVERIFY(packet.ok());
    QCOMPARE(packet->eventName(), QStringLiteral("project:delete"));
    const QJsonArray args = packet->eventArgs();
    QCOMPARE(args.size(), 2);
    QCOMPARE(args.at(0).toInt(), 123);
    QCOMPARE(args.at(1).toObject().value(QLatin1String("a")).toBool(), true);

    const auto noArgs = decodePacket(R"(2["get_unread_count"])");
    QVERIFY(noArgs.ok());
    QCOMPARE(noArgs->eventName(), QStringLiteral("get_unread_count"));
    QVERIFY(noArgs->eventArgs().isEmpty());

    QVERIFY(isReservedEventName(u"connect_error"));
    QVERIFY(isReservedEventName(u"disconnecting"));
    QVERIFY(isReservedEventName(u"removeListener"));
    QVERIFY(!isReservedEventName(u"notification:new"));
    QVERIFY(!isReservedEventName(u"Connect"));
}

void TestSocketCodec::namespaceLimit()
{
    DecodeLimits limits;
    limits.maxNamespaceBytes = 8;
    QVERIFY(decodePacket("0/2345678,", limits).ok()); // exactly 8 bytes, '/' included
    const auto tooLong = decodePacket("0/23456789,", limits);
    QVERIFY(!tooLong.ok());
    QCOMPARE(tooLong.error().kind, Kind::InvalidNamespace);
    QVERIFY(tooLong.error().message.contains(QLatin1String("longer")));
}

void TestSocketCodec::encodeFrames_data()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("CONNECT on /notifications")
        << encodeConnectFrame("/notifications", "G5j67EZFpq59rADQ")
        << QByteArray(R"(40/notifications,{"sid":"G5j67EZFpq59rADQ"})");
    QTest::newRow("CONNECT on / (sample session)")
        << encodeConnectFrame("/", "wZX3oN0bSVIhsaknAAAI")
        << QByteArray(R"(40{"sid":"wZX3oN0bSVIhsaknAAAI"})");
    QTest::newRow("CONNECT, empty namespace is /")
        << encodeConnectFrame("", "wZX3oN0bSVIhsaknAAAI")
        << QByteArray(R"(40{"sid":"wZX3oN0bSVIhsaknAAAI"})");
    QTest::newRow("CONNECT on /admin (table)")
        << encodeConnectFrame("/admin", "oSO0OpakMV_3jnilAAAA")
        << QByteArray(R"(40/admin,{"sid":"oSO0OpakMV_3jnilAAAA"})");
    QTest::newRow("CONNECT_ERROR unauthorized")
        << encodeConnectErrorFrame("/notifications", "unauthorized")
        << QByteArray(R"(44/notifications,{"message":"unauthorized"})");
    QTest::newRow("CONNECT_ERROR on /admin (spec)")
        << encodeConnectErrorFrame("/admin", "Not authorized")
        << QByteArray(R"(44/admin,{"message":"Not authorized"})");
    QTest::newRow("CONNECT_ERROR on /") << encodeConnectErrorFrame("/", "Not authorized")
                                        << QByteArray(R"(44{"message":"Not authorized"})");
    QTest::newRow("DISCONNECT on /notifications") << encodeDisconnectFrame("/notifications")
                                                  << QByteArray("41/notifications,");
    QTest::newRow("DISCONNECT on /admin (spec)") << encodeDisconnectFrame("/admin")
                                                 << QByteArray("41/admin,");
    QTest::newRow("DISCONNECT on /") << encodeDisconnectFrame("/") << QByteArray("41");
    QTest::newRow("EVENT notification:new")
        << encodeEventFrame("/notifications", "notification:new",
                            R"({"notification":{"id":"6f1c","seq":42},"timestamp":"t"})")
        << QByteArray(R"(42/notifications,["notification:new",)"
                      R"({"notification":{"id":"6f1c","seq":42},"timestamp":"t"}])");
    QTest::newRow("EVENT hey Jude (sample session)") << encodeEventFrame("/", "hey", R"("Jude")")
                                                     << QByteArray(R"(42["hey","Jude"])");
    QTest::newRow("EVENT without data (table)") << encodeEventFrame("/admin", "bar", {})
                                                << QByteArray(R"(42/admin,["bar"])");
    QTest::newRow("ACK on /notifications")
        << encodeAckFrame("/notifications", 7, R"({"ok":true,"updated":1,"unreadCount":0})")
        << QByteArray(R"(43/notifications,7[{"ok":true,"updated":1,"unreadCount":0}])");
    QTest::newRow("ACK 312[] (table)") << encodeAckFrame("/", 12, {}) << QByteArray("4312[]");
    QTest::newRow("ACK /admin,13[bar] (table)") << encodeAckFrame("/admin", 13, R"("bar")")
                                                << QByteArray(R"(43/admin,13["bar"])");
    QTest::newRow("ACK id 0") << encodeAckFrame("/", 0, R"({"unreadCount":3})")
                              << QByteArray(R"(430[{"unreadCount":3}])");
}

void TestSocketCodec::encodeFrames()
{
    QFETCH(QByteArray, encoded);
    QFETCH(QByteArray, expected);
    QCOMPARE(encoded, expected);

    // Every frame we produce is one our own decoders accept.
    const auto message = eio::decodePacket(encoded);
    QVERIFY(message.ok());
    QCOMPARE(message->type, eio::PacketType::Message);
    const auto packet = decodePacket(message->data);
    QVERIFY2(packet.ok(), qPrintable(errorText(packet)));
}

void TestSocketCodec::eventFrameRoundTrip()
{
    const QJsonObject data{{QStringLiteral("unreadCount"), 5},
                           {QStringLiteral("timestamp"), QStringLiteral("2026-02-17T10:00:00.000Z")},
                           {QStringLiteral("title"), QStringLiteral("Caf\u00e9 \"quoted\"\n")}};
    // Encoded once, wrapped for two namespaces.
    const QByteArray json = QJsonDocument(data).toJson(QJsonDocument::Compact);
    for (const QByteArrayView nsp : {QByteArrayView("/notifications"), QByteArrayView("/")}) {
        const QByteArray frame = encodeEventFrame(nsp, "notification:unread_count", json);
        const auto message = eio::decodePacket(frame);
        QVERIFY(message.ok());
        const auto packet = decodePacket(message->data);
        QVERIFY2(packet.ok(), qPrintable(errorText(packet)));
        QCOMPARE(packet->type, PacketType::Event);
        QCOMPARE(packet->nsp.toUtf8(), nsp.toByteArray());
        QVERIFY(!packet->id);
        QCOMPARE(packet->eventName(), QStringLiteral("notification:unread_count"));
        QCOMPARE(packet->eventArgs().size(), 1);
        QCOMPARE(packet->eventArgs().at(0).toObject(), data);
    }
}

void TestSocketCodec::eventFrameEscapesName()
{
    const QByteArray name("a\"b\\c\nd\x01\xc3\xa9");
    const QByteArray frame = encodeEventFrame("/", name, "1");
    QCOMPARE(frame, QByteArray("42[\"a\\\"b\\\\c\\nd\\u0001\xc3\xa9\",1]"));
    const auto packet = decodePacket(frame.mid(1));
    QVERIFY2(packet.ok(), qPrintable(errorText(packet)));
    QCOMPARE(packet->eventName(), QString::fromUtf8(name));
    QCOMPARE(packet->eventArgs().at(0).toInt(), 1);
}

void TestSocketCodec::encodeGeneralPackets_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("nsp");
    QTest::addColumn<qint64>("id");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("0") << 0 << "/" << qint64(-1) << QByteArray() << QByteArray("0");
    QTest::newRow("0/admin,") << 0 << "/admin" << qint64(-1) << QByteArray()
                              << QByteArray("0/admin,");
    QTest::newRow("2[\"foo\"]") << 2 << "/" << qint64(-1) << QByteArray(R"(["foo"])")
                                << QByteArray(R"(2["foo"])");
    QTest::newRow("212[\"foo\"]") << 2 << "/" << qint64(12) << QByteArray(R"(["foo"])")
                                  << QByteArray(R"(212["foo"])");
    QTest::newRow("2/admin,13[\"foo\"]") << 2 << "/admin" << qint64(13)
                                         << QByteArray(R"(["foo"])")
                                         << QByteArray(R"(2/admin,13["foo"])");
    QTest::newRow("3/admin,13[\"bar\"]") << 3 << "/admin" << qint64(13)
                                         << QByteArray(R"(["bar"])")
                                         << QByteArray(R"(3/admin,13["bar"])");
    QTest::newRow("4{message}") << 4 << "/" << qint64(-1)
                                << QByteArray(R"({"message":"Not authorized"})")
                                << QByteArray(R"(4{"message":"Not authorized"})");
    QTest::newRow("4 string") << 4 << "/" << qint64(-1) << QByteArray(R"("Not authorized")")
                              << QByteArray(R"(4"Not authorized")");
    // A lone surrogate is escaped as QJsonDocument escapes it, not replaced: a string the
    // decoder accepted goes back out unchanged.
    QTest::newRow("4 lone surrogate")
        << 4 << "/" << qint64(-1) << QByteArray(R"("\ud800a")") << QByteArray(R"(4"\ud800a")");
    QTest::newRow("1/admin,") << 1 << "/admin" << qint64(-1) << QByteArray()
                              << QByteArray("1/admin,");
}

void TestSocketCodec::encodeGeneralPackets()
{
    QFETCH(int, type);
    QFETCH(QString, nsp);
    QFETCH(qint64, id);
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, expected);

    Packet packet;
    packet.type = PacketType(type);
    packet.nsp = nsp;
    if (id >= 0)
        packet.id = id;
    if (!data.isEmpty()) {
        const QJsonDocument doc = QJsonDocument::fromJson('[' + data + ']');
        QVERIFY(doc.isArray());
        packet.data = doc.array().at(0);
    }
    QCOMPARE(encodePacket(packet), expected);
    QCOMPARE(encodeFrame(packet), '4' + expected);
}

void TestSocketCodec::encodedDataIsWhatQJsonDocumentWrites()
{
    // Whatever the data, of any type at the top level, the packet carries what QJsonDocument
    // writes for it (dataJson).
    QRandomGenerator g(5);
    for (int i = 0; i < 5000; ++i) {
        Packet packet;
        packet.type = PacketType(g.bounded(5));
        packet.nsp = g.bounded(2) ? QStringLiteral("/") : QStringLiteral("/notifications");
        if (g.bounded(2))
            packet.id = g.bounded(1000);
        packet.data = test::randomValue(g, 0, 3);
        const QByteArray head = encodePacket(
            Packet {packet.type, packet.nsp, packet.id, QJsonValue(QJsonValue::Undefined)});
        const QByteArray expected = head + dataJson(packet.data);
        const QByteArray actual = encodePacket(packet);
        if (actual != expected)
            QFAIL(qPrintable(QStringLiteral("case %1:\n%2\n%3")
                                 .arg(i)
                                 .arg(QString::fromUtf8(expected.toPercentEncoding(" {}[]:,\"")),
                                      QString::fromUtf8(actual.toPercentEncoding(" {}[]:,\"")))));
        QCOMPARE(encodeFrame(packet), '4' + actual);
    }
}

QTEST_GUILESS_MAIN(TestSocketCodec)
#include "test_socketcodec.moc"
