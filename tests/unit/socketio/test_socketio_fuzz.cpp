#include "server/socketio/enginecodec.h"
#include "server/socketio/socketcodec.h"

#include <QRandomGenerator>
#include <QTest>

using namespace notify;

namespace {

constexpr int iterations = 10000;
constexpr quint32 seed = 20260217;

// Well-formed inputs from the specifications; mutations of them reach deep into the
// decoders, where purely random bytes would stop at the first character.
const QList<QByteArray> &seeds()
{
    static const QList<QByteArray> list{
        R"(0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,)"
        R"("pingTimeout":20000,"maxPayload":1000000})",
        "2", "3", "2probe", "3probe", "5", "6", "1", "4hello",
        "4hello\x1e" "4\xe2\x82\xac",
        "2probe\x1e" "4test\x1e" "1",
        "42[\"hello\"]\x1e" "42[\"world\"]",
        "0", "0/admin,", R"(0/admin,{"token":"123"})", R"(0{"sid":"wZX3oN0bSVIhsaknAAAI"})",
        R"(40/admin,{"sid":"oSO0OpakMV_3jnilAAAA"})", R"(44/admin,{"message":"Not authorized"})",
        R"(4{"message":"Not authorized"})", R"(4"Not authorized")",
        R"(2["hello",1])", R"(2/admin,456["project:delete",123])", "3/admin,456[]", "312[]",
        "1/admin,", R"(51-["hello",{"_placeholder":true,"num":0}])",
        R"(61-/admin,1[{"_placeholder":true,"num":0}])",
        R"(2/notifications,9007199254740991["mark_read",{"notificationIds":["a","b"]}])",
        R"(0/notifications,{"token":"eyJhbGciOiJIUzI1NiJ9.e30.x","lastSeq":12})",
        "EIO=4&transport=websocket", "EIO=4&transport=polling&sid=lv_VI97HAXpY6yYWAAAC&t=N8h",
        "bAQIDBA==",
    };
    return list;
}

// Bytes that mean something to one of the grammars, plus a few that break UTF-8.
const QByteArray tokens = QByteArray("0123456789/,-[]{}\":\\\x1e" "bEIO=&%")
    + QByteArray("\x00\xff\xc0\x80\xe2\xed\xf4", 7);

char randomByte(QRandomGenerator &rng)
{
    if (rng.bounded(2) == 0)
        return tokens.at(rng.bounded(int(tokens.size())));
    return char(rng.bounded(256));
}

QByteArray mutate(QByteArray input, QRandomGenerator &rng)
{
    const int rounds = 1 + rng.bounded(4);
    for (int r = 0; r < rounds; ++r) {
        const int op = rng.bounded(6);
        const qsizetype size = input.size();
        const qsizetype at = size > 0 ? rng.bounded(int(size)) : 0;
        switch (op) {
        case 0: // replace a byte
            if (size > 0)
                input[at] = randomByte(rng);
            break;
        case 1: // insert a byte
            input.insert(at, randomByte(rng));
            break;
        case 2: // delete a range
            if (size > 0)
                input.remove(at, 1 + rng.bounded(int(qMin<qsizetype>(8, size - at))));
            break;
        case 3: // duplicate a range
            if (size > 0)
                input.insert(at, input.mid(at, 1 + rng.bounded(16)));
            break;
        case 4: // truncate
            input.truncate(at);
            break;
        case 5: // splice with another seed
            input.insert(at, seeds().at(rng.bounded(int(seeds().size()))));
            break;
        }
    }
    return input;
}

QByteArray randomInput(QRandomGenerator &rng)
{
    switch (rng.bounded(4)) {
    case 0: { // random bytes
        QByteArray out(rng.bounded(64), Qt::Uninitialized);
        for (char &c : out)
            c = char(rng.bounded(256));
        return out;
    }
    case 1: { // random protocol-ish text
        QByteArray out(rng.bounded(64), Qt::Uninitialized);
        for (char &c : out)
            c = randomByte(rng);
        return out;
    }
    default:
        return mutate(seeds().at(rng.bounded(int(seeds().size()))), rng);
    }
}

} // namespace

class TestSocketIoFuzz : public QObject
{
    Q_OBJECT

private slots:
    void everyDecoderAnswersEveryInput();
};

// Feeds the same fixed-seed inputs to every decoder. Each must return a value or an error
// with a message; a value must satisfy the decoder's own invariants.
void TestSocketIoFuzz::everyDecoderAnswersEveryInput()
{
    QRandomGenerator rng(seed);
    eio::PayloadLimits smallLimits;
    smallLimits.maxBytes = 48;
    smallLimits.maxPackets = 3;
    int accepted[4] = {0, 0, 0, 0};

    for (int i = 0; i < iterations; ++i) {
        const QByteArray input = randomInput(rng);
        // The failing input, in hex, for the failure message.
        const QByteArray hex = input.toHex();

        // Engine.IO, websocket transport.
        const auto packet = eio::decodePacket(input);
        if (packet.ok()) {
            ++accepted[0];
            QVERIFY2(eio::encodePacket(*packet) == input, hex.constData());
        } else {
            QVERIFY2(!packet.error().message.isEmpty(), hex.constData());
        }
        const auto binary = eio::decodePacket(input, eio::FrameKind::Binary);
        QVERIFY2(!binary.ok(), hex.constData());
        QCOMPARE(binary.error().kind, eio::DecodeError::Kind::BinaryNotSupported);

        // Engine.IO, polling bodies, with default and with small limits.
        for (const eio::PayloadLimits &limits : {eio::PayloadLimits{}, smallLimits}) {
            const auto packets = eio::decodePayload(input, limits);
            if (packets.ok()) {
                ++accepted[1];
                QVERIFY2(packets->size() <= limits.maxPackets, hex.constData());
                QVERIFY2(input.size() <= limits.maxBytes, hex.constData());
                QVERIFY2(eio::encodePayload(*packets) == input, hex.constData());
            } else {
                QVERIFY2(!packets.error().message.isEmpty(), hex.constData());
                const int status = eio::httpStatus(packets.error());
                QVERIFY2(status == 400 || status == 413, hex.constData());
            }
        }

        // Socket.IO, on the input and on what Engine.IO handed up.
        QList<QByteArrayView> sioInputs{input};
        if (packet.ok() && packet->type == eio::PacketType::Message)
            sioInputs.append(packet->data);
        for (const QByteArrayView text : sioInputs) {
            const auto sioPacket = sio::decodePacket(text);
            if (!sioPacket.ok()) {
                QVERIFY2(!sioPacket.error().message.isEmpty(), hex.constData());
                continue;
            }
            ++accepted[2];
            const sio::Packet &p = *sioPacket;
            QVERIFY2(p.type != sio::PacketType::BinaryEvent, hex.constData());
            QVERIFY2(p.type != sio::PacketType::BinaryAck, hex.constData());
            QVERIFY2(p.nsp.startsWith(u'/'), hex.constData());
            QVERIFY2(!p.id || (*p.id >= 0 && *p.id <= sio::maxAckId), hex.constData());
            if (p.type == sio::PacketType::Event)
                QVERIFY2(!p.eventName().isEmpty(), hex.constData());
            const auto again = sio::decodePacket(sio::encodePacket(p));
            QVERIFY2(again.ok(), hex.constData());
            QVERIFY2(again->type == p.type && again->nsp == p.nsp && again->id == p.id, hex.constData());
        }

        // The handshake query, read as a URL query string.
        const auto query = eio::parseHandshakeQuery(QUrlQuery(QString::fromUtf8(input)),
                                                    eio::Transport::Polling
                                                        | eio::Transport::WebSocket);
        if (query.ok()) {
            ++accepted[3];
            QCOMPARE(query->eio, 4);
            QVERIFY2(!query->sid || (!query->sid->isEmpty()
                                     && query->sid->size() <= eio::maxSidLength),
                     hex.constData());
        } else {
            const int code = int(query.error());
            QVERIFY2(code >= 0 && code <= 5, hex.constData());
        }
    }

    // The inputs did reach past the first checks: some were accepted by each decoder.
    qInfo("accepted: eio packet %d, eio payload %d, sio packet %d, handshake %d", accepted[0],
          accepted[1], accepted[2], accepted[3]);
    for (const int count : accepted)
        QVERIFY(count > 0);
}

QTEST_GUILESS_MAIN(TestSocketIoFuzz)
#include "test_socketio_fuzz.moc"
