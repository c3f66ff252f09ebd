#include "server/socketio/enginecodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace notify;
using namespace notify::eio;

namespace {

using Kind = DecodeError::Kind;

// The open packet of the Socket.IO v5 specification's sample session.
const QByteArray specOpenPolling = R"(0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],)"
                                   R"("pingInterval":25000,"pingTimeout":5000,"maxPayload":1000000})";
// The same handshake with the timeouts notifyd states (docs/protocol.md: 25000 / 20000).
const QByteArray notifydOpenPolling = R"(0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],)"
                                      R"("pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})";

} // namespace

class TestEngineCodec : public QObject
{
    Q_OBJECT

private slots:
    void decodeSpecPackets_data();
    void decodeSpecPackets();
    void decodeErrors_data();
    void decodeErrors();
    void binaryFrameIsRejected();
    void encodePackets();
    void encodeOpenPacket_data();
    void encodeOpenPacket();
    void openPacketEscapesStrings();
    void decodePayload_data();
    void decodePayload();
    void payloadBinaryPacketsAreHandedUp();
    void payloadErrors_data();
    void payloadErrors();
    void payloadLimits();
    void encodePayload();
    void serverErrors_data();
    void serverErrors();
    void handshakeQuery_data();
    void handshakeQuery();
    void handshakeQueryTransports();
    void requestMethod_data();
    void requestMethod();
};

void TestEngineCodec::decodeSpecPackets_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<int>("type");
    QTest::addColumn<QByteArray>("data");

    QTest::newRow("open (sample session)") << specOpenPolling << int(PacketType::Open)
                                           << specOpenPolling.mid(1);
    QTest::newRow("close") << QByteArray("1") << int(PacketType::Close) << QByteArray();
    QTest::newRow("ping") << QByteArray("2") << int(PacketType::Ping) << QByteArray();
    QTest::newRow("pong") << QByteArray("3") << int(PacketType::Pong) << QByteArray();
    QTest::newRow("2probe") << QByteArray("2probe") << int(PacketType::Ping) << QByteArray("probe");
    QTest::newRow("3probe") << QByteArray("3probe") << int(PacketType::Pong) << QByteArray("probe");
    QTest::newRow("4hello") << QByteArray("4hello") << int(PacketType::Message)
                            << QByteArray("hello");
    QTest::newRow("4HelloWorld") << QByteArray("4HelloWorld") << int(PacketType::Message)
                                 << QByteArray("HelloWorld");
    QTest::newRow("4€") << QByteArray("4\xe2\x82\xac") << int(PacketType::Message)
                        << QByteArray("\xe2\x82\xac");
    QTest::newRow("empty message") << QByteArray("4") << int(PacketType::Message) << QByteArray();
    QTest::newRow("upgrade") << QByteArray("5") << int(PacketType::Upgrade) << QByteArray();
    QTest::newRow("noop") << QByteArray("6") << int(PacketType::Noop) << QByteArray();
    QTest::newRow("socket.io connect") << QByteArray("40") << int(PacketType::Message)
                                       << QByteArray("0");
    QTest::newRow("socket.io event") << QByteArray(R"(42["hey","Jude"])")
                                     << int(PacketType::Message)
                                     << QByteArray(R"(2["hey","Jude"])");
}

void TestEngineCodec::decodeSpecPackets()
{
    QFETCH(QByteArray, frame);
    QFETCH(int, type);
    QFETCH(QByteArray, data);

    const auto packet = decodePacket(frame);
    QVERIFY2(packet.ok(), qPrintable(packet.ok() ? QString() : packet.error().message));
    QCOMPARE(int(packet->type), type);
    QCOMPARE(packet->data, data);
    // The codec is symmetric: what it decodes, it encodes back byte for byte.
    QCOMPARE(encodePacket(*packet), frame);
}

void TestEngineCodec::decodeErrors_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<int>("kind");

    QTest::newRow("empty") << QByteArray() << int(Kind::Empty);
    QTest::newRow("type 7") << QByteArray("7") << int(Kind::UnknownType);
    QTest::newRow("type 9 with data") << QByteArray("9hello") << int(Kind::UnknownType);
    QTest::newRow("letter") << QByteArray("abc") << int(Kind::UnknownType);
    QTest::newRow("space") << QByteArray(" 4hello") << int(Kind::UnknownType);
    QTest::newRow("NUL") << QByteArray("\0" "4", 2) << int(Kind::UnknownType);
    QTest::newRow("base64 binary (v4 polling)") << QByteArray("bAQIDBA==")
                                                << int(Kind::BinaryNotSupported);
    QTest::newRow("close with data") << QByteArray("1close") << int(Kind::UnexpectedData);
    QTest::newRow("upgrade with data") << QByteArray("5x") << int(Kind::UnexpectedData);
    QTest::newRow("noop with data") << QByteArray("6 ") << int(Kind::UnexpectedData);
    QTest::newRow("invalid byte") << QByteArray("4\xff") << int(Kind::InvalidUtf8);
    QTest::newRow("truncated sequence") << QByteArray("4\xe2\x82") << int(Kind::InvalidUtf8);
    QTest::newRow("overlong NUL") << QByteArray("4\xc0\x80") << int(Kind::InvalidUtf8);
    QTest::newRow("surrogate") << QByteArray("4\xed\xa0\x80") << int(Kind::InvalidUtf8);
    QTest::newRow("above U+10FFFF") << QByteArray("4\xf4\x90\x80\x80") << int(Kind::InvalidUtf8);
}

void TestEngineCodec::decodeErrors()
{
    QFETCH(QByteArray, frame);
    QFETCH(int, kind);

    const auto packet = decodePacket(frame);
    QVERIFY(!packet.ok());
    QCOMPARE(int(packet.error().kind), kind);
    QVERIFY(!packet.error().message.isEmpty());
}

void TestEngineCodec::binaryFrameIsRejected()
{
    // A v4 binary message is the raw bytes, without a type byte.
    const QByteArray bytes("\x01\x02\x03\x04", 4);
    const auto packet = decodePacket(bytes, FrameKind::Binary);
    QVERIFY(!packet.ok());
    QCOMPARE(packet.error().kind, Kind::BinaryNotSupported);
    // Even bytes that would be a valid text packet.
    QCOMPARE(decodePacket("4hello", FrameKind::Binary).error().kind, Kind::BinaryNotSupported);
}

void TestEngineCodec::encodePackets()
{
    QCOMPARE(encodePacket(PacketType::Ping), QByteArray("2"));
    QCOMPARE(encodePacket(PacketType::Pong), QByteArray("3"));
    QCOMPARE(encodePacket(PacketType::Pong, "probe"), QByteArray("3probe"));
    QCOMPARE(encodePacket(PacketType::Close), QByteArray("1"));
    QCOMPARE(encodePacket(PacketType::Noop), QByteArray("6"));
    QCOMPARE(encodePacket(PacketType::Message, "hello"), QByteArray("4hello"));
    QCOMPARE(encodePacket(Packet{PacketType::Message, "\xe2\x82\xac"}),
             QByteArray("4\xe2\x82\xac"));
}

void TestEngineCodec::encodeOpenPacket_data()
{
    QTest::addColumn<int>("pingTimeout");
    QTest::addColumn<QStringList>("upgrades");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("sample session") << 5000 << QStringList{QStringLiteral("websocket")}
                                    << specOpenPolling;
    QTest::newRow("notifyd timeouts") << 20000 << QStringList{QStringLiteral("websocket")}
                                      << notifydOpenPolling;
    QTest::newRow("websocket transport")
        << 20000 << QStringList{}
        << QByteArray(R"(0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":[],)"
                      R"("pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})");
}

void TestEngineCodec::encodeOpenPacket()
{
    QFETCH(int, pingTimeout);
    QFETCH(QStringList, upgrades);
    QFETCH(QByteArray, expected);

    OpenInfo info;
    info.sid = QStringLiteral("lv_VI97HAXpY6yYWAAAC");
    info.upgrades = upgrades;
    info.pingInterval = 25000;
    info.pingTimeout = pingTimeout;
    info.maxPayload = 1000000;
    const QByteArray encoded = eio::encodeOpenPacket(info);
    QCOMPARE(encoded, expected);

    // And a JSON parser reads back the same values.
    QJsonParseError error;
    const QJsonObject json = QJsonDocument::fromJson(encoded.mid(1), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(json.keys().size(), 5);
    QCOMPARE(json.value(QLatin1String("sid")).toString(), info.sid);
    QCOMPARE(json.value(QLatin1String("pingTimeout")).toInt(), pingTimeout);
    QCOMPARE(json.value(QLatin1String("upgrades")).toArray().size(), upgrades.size());
}

void TestEngineCodec::openPacketEscapesStrings()
{
    OpenInfo info;
    info.sid = QStringLiteral("a\"b\\c\nd\x01\u00e9");
    info.upgrades = {QStringLiteral("x\"y")};
    const QByteArray encoded = eio::encodeOpenPacket(info);
    QVERIFY(encoded.startsWith('0'));
    QJsonParseError error;
    const QJsonObject json = QJsonDocument::fromJson(encoded.mid(1), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(json.value(QLatin1String("sid")).toString(), info.sid);
    QCOMPARE(json.value(QLatin1String("upgrades")).toArray().first().toString(),
             QStringLiteral("x\"y"));
    QCOMPARE(json.value(QLatin1String("maxPayload")).toInteger(), qint64(1000000));
}

void TestEngineCodec::decodePayload_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QList<int>>("types");
    QTest::addColumn<QList<QByteArray>>("data");

    // engine.io-parser 4.0.0 changelog: ["hello", "€€€"] → "4hello\x1e4€€€".
    QTest::newRow("4hello\\x1e4€") << QByteArray("4hello\x1e" "4\xe2\x82\xac")
                                   << QList<int>{4, 4}
                                   << QList<QByteArray>{"hello", "\xe2\x82\xac"};
    QTest::newRow("4hello\\x1e4€€€")
        << QByteArray("4hello\x1e" "4\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac") << QList<int>{4, 4}
        << QList<QByteArray>{"hello", "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"};
    QTest::newRow("2probe\\x1e4test\\x1e1") << QByteArray("2probe\x1e" "4test\x1e" "1")
                                            << QList<int>{2, 4, 1}
                                            << QList<QByteArray>{"probe", "test", ""};
    // Socket.IO v5 sample session, request 5: two emits in one POST.
    QTest::newRow("42[\"hello\"]\\x1e42[\"world\"]")
        << QByteArray("42[\"hello\"]\x1e" "42[\"world\"]") << QList<int>{4, 4}
        << QList<QByteArray>{"2[\"hello\"]", "2[\"world\"]"};
    QTest::newRow("single packet") << QByteArray("40") << QList<int>{4} << QList<QByteArray>{"0"};
    QTest::newRow("pong") << QByteArray("3") << QList<int>{3} << QList<QByteArray>{""};
}

void TestEngineCodec::decodePayload()
{
    QFETCH(QByteArray, body);
    QFETCH(QList<int>, types);
    QFETCH(QList<QByteArray>, data);

    const auto packets = eio::decodePayload(body);
    QVERIFY2(packets.ok(), qPrintable(packets.ok() ? QString() : packets.error().message));
    QCOMPARE(packets->size(), types.size());
    for (qsizetype i = 0; i < types.size(); ++i) {
        QCOMPARE(int(packets->at(i).type), types.at(i));
        QCOMPARE(packets->at(i).data, data.at(i));
    }
    QCOMPARE(eio::encodePayload(*packets), body);
}

void TestEngineCodec::payloadBinaryPacketsAreHandedUp()
{
    // engine.io-parser 4.0.0 changelog: a binary packet in a polling body is "b<base64>". It is
    // not an error of the body (the rest of it is still served): the session answers it as it
    // answers a binary WebSocket frame.
    const QByteArray body = "4hello\x1e"
                            "bAQIDBA==";
    const auto packets = eio::decodePayload(body);
    QVERIFY(packets.ok());
    QCOMPARE(packets->size(), 2);
    QCOMPARE(packets->at(0), (Packet {PacketType::Message, "hello", false}));
    QVERIFY(packets->at(1).binary);
    QCOMPARE(packets->at(1).type, PacketType::Message);
    QCOMPARE(packets->at(1).data, QByteArray("AQIDBA=="));
    QCOMPARE(eio::encodePayload(*packets), body);
    QCOMPARE(eio::encodePacket(packets->at(1)), QByteArray("bAQIDBA=="));
    // On the websocket a "b" text frame is still no Engine.IO packet.
    QCOMPARE(decodePacket("bAQIDBA==").error().kind, Kind::BinaryNotSupported);
}

void TestEngineCodec::payloadErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("kind");

    QTest::newRow("empty body") << QByteArray() << int(Kind::Empty);
    QTest::newRow("trailing separator") << QByteArray("4a\x1e") << int(Kind::Empty);
    QTest::newRow("leading separator") << QByteArray("\x1e" "4a") << int(Kind::Empty);
    QTest::newRow("double separator") << QByteArray("4a\x1e\x1e" "4b") << int(Kind::Empty);
    // A v3 body: "6" reads as a noop with data.
    QTest::newRow("v3 length prefix") << QByteArray("6:4hello") << int(Kind::UnexpectedData);
    QTest::newRow("abc") << QByteArray("abc") << int(Kind::UnknownType);
    QTest::newRow("bad second packet") << QByteArray("4a\x1e" "9") << int(Kind::UnknownType);
    QTest::newRow("invalid UTF-8") << QByteArray("4a\x1e" "4\xfe") << int(Kind::InvalidUtf8);
    QTest::newRow("close with data") << QByteArray("4a\x1e" "1x") << int(Kind::UnexpectedData);
}

void TestEngineCodec::payloadErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(int, kind);

    const auto packets = eio::decodePayload(body);
    QVERIFY(!packets.ok());
    QCOMPARE(int(packets.error().kind), kind);
    QVERIFY(!packets.error().message.isEmpty());
    QCOMPARE(httpStatus(packets.error()), 400);
}

void TestEngineCodec::payloadLimits()
{
    PayloadLimits limits;
    limits.maxBytes = 10;
    limits.maxPackets = 3;

    QVERIFY(eio::decodePayload("4123456789", limits).ok()); // exactly 10 bytes
    const auto tooBig = eio::decodePayload("41234567890", limits);
    QVERIFY(!tooBig.ok());
    QCOMPARE(tooBig.error().kind, Kind::PayloadTooLarge);
    QCOMPARE(httpStatus(tooBig.error()), 413);

    QCOMPARE(eio::decodePayload("2\x1e" "3\x1e" "6", limits)->size(), 3);
    const auto tooMany = eio::decodePayload("2\x1e" "3\x1e" "6\x1e" "6", limits);
    QVERIFY(!tooMany.ok());
    QCOMPARE(tooMany.error().kind, Kind::TooManyPackets);

    // The default limit is engine.io's maxHttpBufferSize of 1 MB.
    const QByteArray big = '4' + QByteArray(1000000, 'x');
    QCOMPARE(eio::decodePayload(big).error().kind, Kind::PayloadTooLarge);
    QVERIFY(eio::decodePayload(big.left(1000000)).ok());
}

void TestEngineCodec::encodePayload()
{
    const QList<Packet> packets{{PacketType::Ping, "probe"},
                                {PacketType::Message, "test"},
                                {PacketType::Close, {}}};
    // engine.io-parser README: [ping probe, message test, close] → "2probe\x1e4test\x1e1".
    QCOMPARE(eio::encodePayload(packets), QByteArray("2probe\x1e" "4test\x1e" "1"));
    QCOMPARE(eio::encodePayload({}), QByteArray());

    const QList<QByteArray> frames{"40{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}", "42[\"hey\",\"Jude\"]"};
    const QByteArray joined = joinPayload(frames);
    QCOMPARE(joined, QByteArray("40{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}\x1e" "42[\"hey\",\"Jude\"]"));
    const auto back = eio::decodePayload(joined);
    QVERIFY(back.ok());
    QCOMPARE(back->size(), 2);
    QCOMPARE(back->at(1).data, QByteArray("2[\"hey\",\"Jude\"]"));
    QCOMPARE(joinPayload({QByteArray("6")}), QByteArray("6"));
}

void TestEngineCodec::serverErrors_data()
{
    QTest::addColumn<int>("error");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("0") << int(ServerError::UnknownTransport) << "Transport unknown" << 400
                       << QByteArray(R"({"code":0,"message":"Transport unknown"})");
    QTest::newRow("1") << int(ServerError::UnknownSid) << "Session ID unknown" << 400
                       << QByteArray(R"({"code":1,"message":"Session ID unknown"})");
    QTest::newRow("2") << int(ServerError::BadHandshakeMethod) << "Bad handshake method" << 400
                       << QByteArray(R"({"code":2,"message":"Bad handshake method"})");
    QTest::newRow("3") << int(ServerError::BadRequest) << "Bad request" << 400
                       << QByteArray(R"({"code":3,"message":"Bad request"})");
    QTest::newRow("4") << int(ServerError::Forbidden) << "Forbidden" << 403
                       << QByteArray(R"({"code":4,"message":"Forbidden"})");
    QTest::newRow("5") << int(ServerError::UnsupportedProtocolVersion)
                       << "Unsupported protocol version" << 400
                       << QByteArray(R"({"code":5,"message":"Unsupported protocol version"})");
}

void TestEngineCodec::serverErrors()
{
    QFETCH(int, error);
    QFETCH(QString, message);
    QFETCH(int, status);
    QFETCH(QByteArray, body);

    const auto e = ServerError(error);
    QCOMPARE(errorMessage(e), message);
    QCOMPARE(httpStatus(e), status);
    QCOMPARE(errorBody(e), body);
}

void TestEngineCodec::handshakeQuery_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("error"); // -1: accepted
    QTest::addColumn<QString>("sid");

    const QString none;
    QTest::newRow("socket.io-client websocket") << "EIO=4&transport=websocket" << -1 << none;
    QTest::newRow("cache buster") << "EIO=4&transport=websocket&t=N8hyd6w" << -1 << none;
    QTest::newRow("with sid") << "EIO=4&transport=websocket&sid=lv_VI97HAXpY6yYWAAAC" << -1
                              << "lv_VI97HAXpY6yYWAAAC";
    QTest::newRow("empty sid is absent") << "EIO=4&transport=websocket&sid=" << -1 << none;
    QTest::newRow("percent-encoded 4") << "EIO=%34&transport=websocket" << -1 << none;
    QTest::newRow("sid with - and _") << "transport=websocket&EIO=4&sid=-G5j-67EZFp-q59rADQM"
                                      << -1 << "-G5j-67EZFp-q59rADQM";

    QTest::newRow("polling not allowed") << "EIO=4&transport=polling"
                                         << int(ServerError::UnknownTransport) << none;
    QTest::newRow("no transport") << "EIO=4" << int(ServerError::UnknownTransport) << none;
    QTest::newRow("unknown transport") << "EIO=4&transport=abc"
                                       << int(ServerError::UnknownTransport) << none;
    QTest::newRow("transport is case-sensitive") << "EIO=4&transport=WebSocket"
                                                 << int(ServerError::UnknownTransport) << none;
    QTest::newRow("empty transport") << "EIO=4&transport="
                                     << int(ServerError::UnknownTransport) << none;
    QTest::newRow("repeated transport") << "EIO=4&transport=websocket&transport=websocket"
                                        << int(ServerError::UnknownTransport) << none;
    QTest::newRow("transport checked first") << "EIO=3&transport=abc"
                                             << int(ServerError::UnknownTransport) << none;
    QTest::newRow("no EIO") << "transport=websocket"
                            << int(ServerError::UnsupportedProtocolVersion) << none;
    QTest::newRow("EIO=3") << "EIO=3&transport=websocket"
                           << int(ServerError::UnsupportedProtocolVersion) << none;
    QTest::newRow("EIO=abc") << "EIO=abc&transport=websocket"
                             << int(ServerError::UnsupportedProtocolVersion) << none;
    QTest::newRow("EIO=04") << "EIO=04&transport=websocket"
                            << int(ServerError::UnsupportedProtocolVersion) << none;
    QTest::newRow("repeated EIO") << "EIO=4&EIO=4&transport=websocket"
                                  << int(ServerError::UnsupportedProtocolVersion) << none;
    QTest::newRow("repeated sid") << "EIO=4&transport=websocket&sid=a&sid=b"
                                  << int(ServerError::BadRequest) << none;
    QTest::newRow("sid with /") << "EIO=4&transport=websocket&sid=a%2Fb"
                                << int(ServerError::UnknownSid) << none;
    QTest::newRow("sid too long") << "EIO=4&transport=websocket&sid=" + QString(65, u'a')
                                  << int(ServerError::UnknownSid) << none;
}

void TestEngineCodec::handshakeQuery()
{
    QFETCH(QString, query);
    QFETCH(int, error);
    QFETCH(QString, sid);

    const auto parsed = parseHandshakeQuery(QUrlQuery(query));
    if (error >= 0) {
        QVERIFY(!parsed.ok());
        QCOMPARE(int(parsed.error()), error);
        return;
    }
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->eio, 4);
    QCOMPARE(parsed->transport, Transport::WebSocket);
    QCOMPARE(parsed->sid.has_value(), !sid.isNull());
    if (parsed->sid)
        QCOMPARE(*parsed->sid, sid);
}

void TestEngineCodec::handshakeQueryTransports()
{
    const Transports both = Transport::Polling | Transport::WebSocket;
    const auto polling = parseHandshakeQuery(QUrlQuery("EIO=4&transport=polling&t=N8hyd6w"), both);
    QVERIFY(polling.ok());
    QCOMPARE(polling->transport, Transport::Polling);
    QVERIFY(!polling->sid);

    const auto onlyPolling =
        parseHandshakeQuery(QUrlQuery("EIO=4&transport=websocket"), Transport::Polling);
    QVERIFY(!onlyPolling.ok());
    QCOMPARE(onlyPolling.error(), ServerError::UnknownTransport);
    QCOMPARE(httpStatus(onlyPolling.error()), 400);
}

void TestEngineCodec::requestMethod_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<bool>("hasSid");
    QTest::addColumn<int>("error"); // -1: accepted

    QTest::newRow("handshake GET") << QByteArray("GET") << false << -1;
    QTest::newRow("handshake POST") << QByteArray("POST") << false
                                    << int(ServerError::BadHandshakeMethod);
    QTest::newRow("handshake PUT") << QByteArray("PUT") << false
                                   << int(ServerError::BadHandshakeMethod);
    QTest::newRow("handshake get (case)") << QByteArray("get") << false
                                          << int(ServerError::BadHandshakeMethod);
    QTest::newRow("poll GET") << QByteArray("GET") << true << -1;
    QTest::newRow("poll POST") << QByteArray("POST") << true << -1;
    QTest::newRow("poll PUT") << QByteArray("PUT") << true << int(ServerError::BadRequest);
    QTest::newRow("poll DELETE") << QByteArray("DELETE") << true << int(ServerError::BadRequest);
}

void TestEngineCodec::requestMethod()
{
    QFETCH(QByteArray, method);
    QFETCH(bool, hasSid);
    QFETCH(int, error);

    const auto result = checkRequestMethod(method, hasSid);
    QCOMPARE(result.has_value(), error >= 0);
    if (result)
        QCOMPARE(int(*result), error);
}

QTEST_GUILESS_MAIN(TestEngineCodec)
#include "test_enginecodec.moc"
