// The RFC 6455 layer of the client port at its edges, seen from a raw TCP client that writes
// its own handshake and frames byte for byte: what QWebSocket as a client never sends (or
// never lets a test see) is sent here on purpose.
#include "testserver.h"

#include "server/delivery/deliveryhub.h"
#include "server/delivery/roomdirectory.h"
#include "server/metrics/metrics.h"
#include "server/util/clock.h"
#include "server/websocket/websocket.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QtEndian>

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

using namespace notify;
using namespace notify::test;

namespace {

constexpr quint8 opContinuation = 0x0;
constexpr quint8 opText = 0x1;
constexpr quint8 opBinary = 0x2;
constexpr quint8 opClose = 0x8;
constexpr quint8 opPing = 0x9;
constexpr quint8 opPong = 0xA;
constexpr quint8 fin = 0x80;

const QByteArray rfcGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// A client frame: first byte `b0` (FIN | RSV | opcode) and `payload`, masked with a fresh key
// unless `masked` is false. Lengths use their shortest form, as RFC 6455 requires.
QByteArray clientFrame(quint8 b0, QByteArrayView payload, bool masked = true)
{
    static QRandomGenerator rng(6455);
    QByteArray out;
    out.append(char(b0));
    const quint8 maskBit = masked ? 0x80 : 0;
    const quint64 n = quint64(payload.size());
    if (n < 126) {
        out.append(char(maskBit | n));
    } else if (n <= 0xFFFF) {
        out.append(char(maskBit | 126));
        char be[2];
        qToBigEndian(quint16(n), be);
        out.append(be, 2);
    } else {
        out.append(char(maskBit | 127));
        char be[8];
        qToBigEndian(n, be);
        out.append(be, 8);
    }
    QByteArray body = payload.toByteArray();
    if (masked) {
        quint8 key[4];
        for (quint8 &k : key)
            k = quint8(rng.bounded(256));
        out.append(reinterpret_cast<const char *>(key), 4);
        for (qsizetype i = 0; i < body.size(); ++i)
            body[i] = char(quint8(body[i]) ^ key[i % 4]);
    }
    return out + body;
}

QByteArray closePayload(int code, const QByteArray &reason = {})
{
    QByteArray p(2, Qt::Uninitialized);
    qToBigEndian(quint16(code), p.data());
    return p + reason;
}

QByteArray request(const QString &type, const QString &id)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("type"), type}, {QStringLiteral("id"), id}})
        .toJson(QJsonDocument::Compact);
}

struct Frame
{
    bool fin = false;
    quint8 opcode = 0;
    QByteArray payload;
    QJsonObject object; // a text frame's JSON object, parsed once

    const QJsonObject &json() const { return object; }
    QString type() const { return object.value(QStringLiteral("type")).toString(); }
    int closeCode() const
    {
        return payload.size() >= 2 ? qFromBigEndian<quint16>(payload.constData()) : 1005;
    }
};

// A WebSocket client on a bare QTcpSocket: it writes what it is told and records the
// server's response head, every server frame, and how the TCP connection ended.
class RawWs
{
public:
    explicit RawWs(quint16 port)
    {
        watch();
        socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    // Takes over a connected descriptor whose handshake was already written.
    struct Adopt
    {
        int descriptor;
    };
    explicit RawWs(Adopt adopt)
    {
        watch();
        if (!socket.setSocketDescriptor(adopt.descriptor))
            qWarning("cannot adopt descriptor %d", adopt.descriptor);
        onReadyRead();
    }

    static QByteArray handshake(const QByteArray &target, const QByteArray &extraHeaders = {},
                                const QByteArray &key = "dGhlIHNhbXBsZSBub25jZQ==")
    {
        QByteArray h = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Upgrade: websocket\r\nConnection: Upgrade\r\n";
        if (!key.isEmpty())
            h += "Sec-WebSocket-Key: " + key + "\r\n";
        if (!extraHeaders.contains("Sec-WebSocket-Version"))
            h += "Sec-WebSocket-Version: 13\r\n";
        return h + extraHeaders + "\r\n";
    }

    void write(const QByteArray &bytes)
    {
        socket.write(bytes);
        socket.flush();
    }
    void send(quint8 b0, QByteArrayView payload, bool masked = true)
    {
        write(clientFrame(b0, payload, masked));
    }

    // Writes a handshake and waits for the server's response head.
    bool open(const QByteArray &target, const QByteArray &extraHeaders = {},
              const QByteArray &alsoSend = {})
    {
        if (socket.state() != QAbstractSocket::ConnectedState && !socket.waitForConnected(5000))
            return false;
        write(handshake(target, extraHeaders) + alsoSend);
        return waitForHead();
    }
    bool waitForHead(int ms = 5000)
    {
        return QTest::qWaitFor([&] { return status != 0 || ended; }, ms) && status != 0;
    }
    QByteArray header(const QByteArray &name) const
    {
        for (const QByteArray &line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.first(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.sliced(colon + 1).trimmed();
        }
        return {};
    }

    bool waitForFrames(qsizetype count, int ms = 5000)
    {
        return QTest::qWaitFor([&] { return frames.size() >= count; }, ms);
    }
    // The next frame not yet taken, after waiting for it; an empty opcode 0xFF on timeout.
    Frame next(int ms = 5000)
    {
        if (!waitForFrames(m_taken + 1, ms))
            return Frame{false, 0xFF, {}, {}};
        return frames.at(m_taken++);
    }
    // Waits for the text reply (or error) to the request with `id`.
    QJsonObject reply(const QString &id, int ms = 5000)
    {
        QJsonObject found;
        (void)QTest::qWaitFor([&] {
            for (const Frame &f : std::as_const(frames)) {
                if (f.opcode == opText && f.json().value(QStringLiteral("replyTo")) == id) {
                    found = f.json();
                    return true;
                }
            }
            return false;
        }, ms);
        return found;
    }
    std::optional<Frame> closeFrame() const
    {
        for (const Frame &f : frames) {
            if (f.opcode == opClose)
                return f;
        }
        return std::nullopt;
    }
    // Waits for the server's Close frame, then for the end of the TCP connection.
    bool waitForCloseAndEnd(int ms = 10000)
    {
        return QTest::qWaitFor([&] { return closeFrame().has_value() && ended; }, ms);
    }
    bool waitForEnd(int ms = 10000)
    {
        return QTest::qWaitFor([&] { return ended; }, ms);
    }

    QTcpSocket socket;
    int status = 0;
    QByteArray head;
    QByteArray body; // what follows a non-101 head
    QList<Frame> frames;
    bool ended = false;
    QAbstractSocket::SocketError error = QAbstractSocket::UnknownSocketError;
    // RFC 6455 violations by the server, checked by every test.
    QStringList serverErrors;

private:
    void watch()
    {
        QObject::connect(&socket, &QTcpSocket::readyRead, [this] { onReadyRead(); });
        QObject::connect(&socket, &QTcpSocket::disconnected, [this] { ended = true; });
        QObject::connect(&socket, &QTcpSocket::errorOccurred,
                         [this](QAbstractSocket::SocketError e) { error = e; });
    }

    void onReadyRead()
    {
        m_in += socket.readAll();
        if (status == 0) {
            if (m_in.isEmpty())
                return;
            const qsizetype end = m_in.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            head = m_in.first(end + 2);
            m_in.remove(0, end + 4);
            const QList<QByteArray> statusLine = head.first(head.indexOf("\r\n")).split(' ');
            status = statusLine.size() > 1 ? statusLine.at(1).toInt() : -1;
        }
        if (status != 101) {
            body += std::exchange(m_in, {});
            return;
        }
        if (m_in.isEmpty())
            return;
        parseFrames();
    }

    void parseFrames()
    {
        m_pos = 0;
        parseFramesFrom();
        m_in.remove(0, m_pos);
    }

    void parseFramesFrom()
    {
        for (;;) {
            const QByteArrayView in = QByteArrayView(m_in).sliced(m_pos);
            if (in.size() < 2)
                return;
            const auto *p = reinterpret_cast<const uchar *>(in.data());
            if (p[0] & 0x70)
                serverErrors << QStringLiteral("RSV bits set");
            if (p[1] & 0x80)
                serverErrors << QStringLiteral("a masked server frame");
            quint64 length = p[1] & 0x7F;
            qsizetype headerSize = 2;
            if (length == 126) {
                if (in.size() < 4)
                    return;
                length = qFromBigEndian<quint16>(p + 2);
                headerSize = 4;
            } else if (length == 127) {
                if (in.size() < 10)
                    return;
                length = qFromBigEndian<quint64>(p + 2);
                headerSize = 10;
            }
            if (quint64(in.size() - headerSize) < length)
                return;
            Frame f;
            f.fin = p[0] & 0x80;
            f.opcode = p[0] & 0x0F;
            f.payload = in.sliced(headerSize, qsizetype(length)).toByteArray();
            if (f.opcode == opText && f.payload.startsWith('{'))
                f.object = QJsonDocument::fromJson(f.payload).object();
            m_pos += headerSize + qsizetype(length);
            if (m_sawClose)
                serverErrors << QStringLiteral("a frame after the Close frame");
            m_sawClose = m_sawClose || f.opcode == opClose;
            frames.append(f);
        }
    }

    QByteArray m_in;
    qsizetype m_pos = 0;
    qsizetype m_taken = 0;
    bool m_sawClose = false;
};

QByteArray plainTarget(const QByteArray &token)
{
    return "/ws/notifications?token=" + token;
}

} // namespace

class TestWsEdge : public QObject
{
    Q_OBJECT

private slots:
    void handshakeAnswersWithTheAcceptValue();
    void handshakeRefusals();
    void unknownPathIsClosedWith4004();
    void unansweredServerCloseTimesOut();
    void disallowedOriginIsClosedWith1008();
    void requestsAndControlFrames();
    void protocolErrors_data();
    void protocolErrors();
    void binaryFrameIsAnErrorReply();
    void messagesAtTheSizeLimit();
    void clientInitiatedClose();
    void heartbeatEndsASilentClient();
    void slowConsumerIsDropped();
    void laggingReaderGetsEverythingInOrder();
    void socketIoOverTheRawLayer();
    void aBatchArrivesWholeAndInOrderOnEveryConnection();
    void aBatchBiggerThanTheOutputBoundIsNotADrop();

private:
    // A TestServer with a plain client of user o1/u1 open and its first frame read.
    bool openPlain(RawWs &ws, const QByteArray &token, Frame *first = nullptr);
};

bool TestWsEdge::openPlain(RawWs &ws, const QByteArray &token, Frame *first)
{
    if (!ws.open(plainTarget(token)) || ws.status != 101)
        return false;
    const Frame f = ws.next();
    if (first)
        *first = f;
    return f.opcode == opText
        && f.json().value(QStringLiteral("type")).toString()
        == QLatin1String("notification:unread_count");
}

void TestWsEdge::handshakeAnswersWithTheAcceptValue()
{
    TestServer s;
    QByteArray keyBytes(16, Qt::Uninitialized);
    for (char &c : keyBytes)
        c = char(QRandomGenerator::global()->bounded(256));
    const QByteArray key = keyBytes.toBase64();
    RawWs ws(s.server->clientPort());
    QVERIFY(ws.socket.waitForConnected(5000));
    ws.write(RawWs::handshake(plainTarget(mintToken("o1", "u1")), {}, key));
    QVERIFY(ws.waitForHead());
    QCOMPARE(ws.status, 101);
    QCOMPARE(ws.header("Sec-WebSocket-Accept"),
             QCryptographicHash::hash(key + rfcGuid, QCryptographicHash::Sha1).toBase64());
    QCOMPARE(ws.header("Upgrade").toLower(), QByteArray("websocket"));
    QCOMPARE(ws.header("Connection").toLower(), QByteArray("upgrade"));
    QVERIFY(ws.header("Sec-WebSocket-Extensions").isEmpty());
    QVERIFY(ws.header("Sec-WebSocket-Protocol").isEmpty());
    const Frame first = ws.next();
    QCOMPARE(first.opcode, opText);
    QVERIFY(first.fin);
    QCOMPARE(first.json().value(QStringLiteral("type")).toString(),
             QStringLiteral("notification:unread_count"));
    QVERIFY2(ws.serverErrors.isEmpty(), qPrintable(ws.serverErrors.join(", ")));
}

void TestWsEdge::handshakeRefusals()
{
    TestServer s;
    const QByteArray target = plainTarget(mintToken("o1", "u1"));
    {
        RawWs ws(s.server->clientPort());
        QVERIFY(ws.open(target, "Sec-WebSocket-Version: 8\r\n"));
        QCOMPARE(ws.status, 426);
        QCOMPARE(ws.header("Sec-WebSocket-Version"), QByteArray("13"));
        QVERIFY(ws.waitForEnd());
        QVERIFY(ws.frames.isEmpty());
    }
    {
        RawWs ws(s.server->clientPort());
        QVERIFY(ws.socket.waitForConnected(5000));
        ws.write(RawWs::handshake(target, {}, QByteArray()));
        QVERIFY(ws.waitForHead());
        QCOMPARE(ws.status, 400);
        QVERIFY(ws.waitForEnd());
    }
    {
        RawWs ws(s.server->clientPort());
        QVERIFY(ws.socket.waitForConnected(5000));
        ws.write(RawWs::handshake(target, {}, QByteArray(10, 'k').toBase64()));
        QVERIFY(ws.waitForHead());
        QCOMPARE(ws.status, 400);
        QVERIFY(ws.waitForEnd());
    }
    QCOMPARE(s.server->directory().members(QStringLiteral("org:o1:user:u1")), 0);
}

void TestWsEdge::unknownPathIsClosedWith4004()
{
    TestServer s;
    RawWs ws(s.server->clientPort());
    QVERIFY(ws.open("/elsewhere"));
    QCOMPARE(ws.status, 101);
    const Frame close = ws.next();
    QCOMPARE(close.opcode, opClose);
    QCOMPARE(close.closeCode(), 4004);
    // The close handshake: our answer, then the server ends the TCP connection.
    ws.send(fin | opClose, closePayload(4004));
    QVERIFY(ws.waitForEnd());
    QCOMPARE(ws.frames.size(), 1);
    QVERIFY2(ws.serverErrors.isEmpty(), qPrintable(ws.serverErrors.join(", ")));
}

void TestWsEdge::unansweredServerCloseTimesOut()
{
    TestServer s;
    RawWs ws(s.server->clientPort());
    QVERIFY(ws.open("/elsewhere"));
    QCOMPARE(ws.status, 101);
    QCOMPARE(ws.next().closeCode(), 4004);
    // This client never answers the Close and never closes: the server ends the connection
    // after its close timeout, and sends nothing after its Close meanwhile (a data frame and
    // a ping from the client change nothing).
    ws.send(fin | opText, request(QStringLiteral("get_unread_count"), QStringLiteral("late")));
    ws.send(fin | opPing, "late");
    QVERIFY(ws.waitForEnd(WebSocket::closeTimeoutMs + 5000));
    QVERIFY(ws.reply(QStringLiteral("late"), 0).isEmpty());
    QVERIFY2(ws.serverErrors.isEmpty(), qPrintable(ws.serverErrors.join(", ")));
}

void TestWsEdge::disallowedOriginIsClosedWith1008()
{
    TestServer s([](ServerConfig &c) {
        c.allowedOrigins = {QStringLiteral("https://app.example.com")};
    });
    const QByteArray target = plainTarget(mintToken("o1", "u1"));
    RawWs bad(s.server->clientPort());
    QVERIFY(bad.open(target, "Origin: https://evil.example.com\r\n"));
    QCOMPARE(bad.status, 101);
    const Frame close = bad.next();
    QCOMPARE(close.opcode, opClose);
    QCOMPARE(close.closeCode(), 1008);
    bad.send(fin | opClose, closePayload(1008));
    QVERIFY(bad.waitForEnd());

    RawWs good(s.server->clientPort());
    QVERIFY(good.open(target, "Origin: https://app.example.com\r\n"));
    QCOMPARE(good.status, 101);
    const Frame first = good.next();
    QCOMPARE(first.json().value(QStringLiteral("type")).toString(),
             QStringLiteral("notification:unread_count"));
}

void TestWsEdge::requestsAndControlFrames()
{
    TestServer s;
    RawWs ws(s.server->clientPort());
    // A request in the same TCP write as the handshake: it arrives with the head.
    QVERIFY(ws.open(plainTarget(mintToken("o1", "u1")), {},
                    clientFrame(fin | opText, request(QStringLiteral("get_unread_count"),
                                                      QStringLiteral("early")))));
    QCOMPARE(ws.status, 101);
    // Both the initial unread count and the reply come from the reader pool: either may be
    // first.
    QCOMPARE(ws.reply(QStringLiteral("early")).value(QStringLiteral("type")).toString(),
             QStringLiteral("reply"));
    QVERIFY(QTest::qWaitFor([&] {
        for (const Frame &f : std::as_const(ws.frames)) {
            if (f.type() == QLatin1String("notification:unread_count"))
                return true;
        }
        return false;
    }, 5000));

    // One request written a byte at a time.
    const QByteArray oneByOne = clientFrame(
        fin | opText, request(QStringLiteral("get_unread_count"), QStringLiteral("bytes")));
    for (char c : oneByOne)
        ws.write(QByteArray(1, c));
    const QJsonObject r1 = ws.reply(QStringLiteral("bytes"));
    QCOMPARE(r1.value(QStringLiteral("type")).toString(), QStringLiteral("reply"));
    QCOMPARE(
        r1.value(QStringLiteral("data")).toObject().value(QStringLiteral("unreadCount")).toInt(-1),
        0);

    // A request in three fragments with a ping between them; the split falls inside "é",
    // which is only valid UTF-8 once the message is whole.
    const QByteArray json = R"({"type":"get_unread_count","id":"fragé","data":{}})";
    const qsizetype split = json.indexOf("\xC3\xA9") + 1;
    ws.send(opText, json.first(10));
    ws.send(fin | opPing, "between");
    ws.send(opContinuation, json.sliced(10, split - 10));
    ws.send(fin | opContinuation, json.sliced(split));
    const QJsonObject r2 = ws.reply(QString::fromUtf8("fragé"));
    QCOMPARE(r2.value(QStringLiteral("type")).toString(), QStringLiteral("reply"));

    // Pings, empty and of the largest control size, get pongs with the same payload.
    const QByteArray big(125, 'p');
    ws.send(fin | opPing, QByteArray());
    ws.send(fin | opPing, big);
    QVERIFY(QTest::qWaitFor([&] {
        int n = 0;
        for (const Frame &f : std::as_const(ws.frames))
            n += f.opcode == opPong;
        return n >= 3;
    }, 5000));
    QList<QByteArray> pongs;
    for (const Frame &f : std::as_const(ws.frames)) {
        if (f.opcode == opPong) {
            QVERIFY(f.fin);
            pongs << f.payload;
        }
    }
    QCOMPARE(pongs, (QList<QByteArray>{"between", QByteArray(), big}));
    QVERIFY(!ws.ended);
    QVERIFY(!ws.closeFrame());
    QVERIFY2(ws.serverErrors.isEmpty(), qPrintable(ws.serverErrors.join(", ")));
}

void TestWsEdge::protocolErrors_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("closeCode");
    const QByteArray req = request(QStringLiteral("get_unread_count"), QStringLiteral("x"));
    QTest::newRow("unmasked") << clientFrame(fin | opText, req, false) << 1002;
    QTest::newRow("RSV1") << clientFrame(0x40 | fin | opText, req) << 1002;
    QTest::newRow("reserved opcode") << clientFrame(fin | 0x3, req) << 1002;
    QTest::newRow("invalid UTF-8") << clientFrame(fin | opText, "{\"a\":\"\xC0\xAF\"}") << 1007;
    QTest::newRow("surrogate in fragments")
        << clientFrame(opText, "\"\xED") + clientFrame(fin | opContinuation, "\xA0\x80\"") << 1007;
    QTest::newRow("too big") << clientFrame(fin | opText, QByteArray(2000, ' ')) << 1009;
    QTest::newRow("too big in fragments")
        << clientFrame(opText, QByteArray(400, ' '))
               + clientFrame(opContinuation, QByteArray(400, ' '))
               + clientFrame(fin | opContinuation, QByteArray(400, ' '))
        << 1009;
    QTest::newRow("continuation without a start")
        << clientFrame(fin | opContinuation, req) << 1002;
    QTest::newRow("new message inside a fragmented one")
        << clientFrame(opText, "{") + clientFrame(fin | opText, req) << 1002;
    QTest::newRow("fragmented ping") << clientFrame(opPing, "x") << 1002;
    QTest::newRow("ping of 126 bytes") << clientFrame(fin | opPing, QByteArray(126, 'p')) << 1002;
    QTest::newRow("close with one byte") << clientFrame(fin | opClose, "\x03") << 1002;
    QTest::newRow("close with 1005") << clientFrame(fin | opClose, closePayload(1005)) << 1002;
    QTest::newRow("close with invalid reason")
        << clientFrame(fin | opClose, closePayload(1000, "\xFF")) << 1007;
}

void TestWsEdge::protocolErrors()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, closeCode);
    TestServer s([](ServerConfig &c) { c.maxMessageBytes = 1024; });
    RawWs ws(s.server->clientPort());
    QVERIFY(openPlain(ws, mintToken("o1", "u1")));
    QTRY_COMPARE(s.server->directory().members(QStringLiteral("org:o1:user:u1")), 1);
    ws.write(bytes);
    // The Close frame arrives whole (no RST overtakes it), then the server's FIN.
    QVERIFY(ws.waitForCloseAndEnd());
    QCOMPARE(ws.closeFrame()->closeCode(), closeCode);
    QVERIFY(ws.closeFrame()->payload.size() <= 125);
    QCOMPARE(ws.error, QAbstractSocket::RemoteHostClosedError);
    QVERIFY2(ws.serverErrors.isEmpty(), qPrintable(ws.serverErrors.join(", ")));
    QTRY_COMPARE(s.server->directory().members(QStringLiteral("org:o1:user:u1")), 0);
}

void TestWsEdge::binaryFrameIsAnErrorReply()
{
    TestServer s;
    RawWs ws(s.server->clientPort());
    QVERIFY(openPlain(ws, mintToken("o1", "u1")));
    ws.send(fin | opBinary, QByteArray("\x00\x01\x02", 3));
    const Frame error = ws.next();
    QCOMPARE(error.opcode, opText);
    QCOMPARE(error.json().value(QStringLiteral("type")).toString(), QStringLiteral("error"));
    const QJsonObject data = error.json().value(QStringLiteral("data")).toObject();
    QCOMPARE(data.value(QStringLiteral("code")).toString(), QStringLiteral("invalid_payload"));
    // Still open: the next request is answered.
    ws.send(fin | opText, request(QStringLiteral("get_unread_count"), QStringLiteral("after")));
    QCOMPARE(ws.reply(QStringLiteral("after")).value(QStringLiteral("type")).toString(),
             QStringLiteral("reply"));
    QVERIFY(!ws.ended);
    QVERIFY(!ws.closeFrame());
}

namespace {

// A request of exactly `size` bytes: JSON padded with a string field.
QByteArray paddedRequest(const QString &id, qsizetype size)
{
    const QByteArray head = R"({"type":"get_unread_count","id":")" + id.toUtf8() + R"(","pad":")";
    return head + QByteArray(size - head.size() - 2, 'x') + "\"}";
}

} // namespace

void TestWsEdge::messagesAtTheSizeLimit()
{
    TestServer s; // maxMessageBytes: the default 65536, more than one read of the server's
    const qint64 limit = s.config.maxMessageBytes;
    RawWs ws(s.server->clientPort());
    QVERIFY(openPlain(ws, mintToken("o1", "u1")));

    const QByteArray whole = paddedRequest(QStringLiteral("whole"), limit);
    QCOMPARE(whole.size(), limit);
    ws.send(fin | opText, whole);
    QCOMPARE(ws.reply(QStringLiteral("whole")).value(QStringLiteral("type")).toString(),
             QStringLiteral("reply"));

    const QByteArray parts = paddedRequest(QStringLiteral("parts"), limit);
    ws.send(opText, parts.first(limit / 2));
    ws.send(opContinuation, parts.sliced(limit / 2, 1));
    ws.send(fin | opContinuation, parts.sliced(limit / 2 + 1));
    QCOMPARE(ws.reply(QStringLiteral("parts")).value(QStringLiteral("type")).toString(),
             QStringLiteral("reply"));
    QVERIFY(!ws.closeFrame());

    // One byte more, in fragments: refused when the fragment that passes the limit arrives.
    const QByteArray over = paddedRequest(QStringLiteral("over"), limit + 1);
    ws.send(opText, over.first(limit));
    ws.send(fin | opContinuation, over.sliced(limit));
    QVERIFY(ws.waitForCloseAndEnd());
    QCOMPARE(ws.closeFrame()->closeCode(), 1009);
    // The reason names the message limit, not what was left of it when the fragment came.
    QCOMPARE(ws.closeFrame()->payload.sliced(2),
             QStringLiteral("message larger than %1 bytes").arg(limit).toUtf8());
    QVERIFY(ws.reply(QStringLiteral("over"), 0).isEmpty());
}

void TestWsEdge::clientInitiatedClose()
{
    TestServer s;
    RawWs ws(s.server->clientPort());
    QVERIFY(openPlain(ws, mintToken("o1", "u1")));
    RawWs quiet(s.server->clientPort()); // a Close without a status code
    QVERIFY(openPlain(quiet, mintToken("o1", "u1")));
    QTRY_COMPARE(s.server->directory().members(QStringLiteral("org:o1:user:u1")), 2);
    QTRY_COMPARE(s.server->metrics().connectionsPlain.load(), 2u);

    ws.send(fin | opClose, closePayload(4000, "bye"));
    QVERIFY(ws.waitForCloseAndEnd());
    QCOMPARE(ws.closeFrame()->closeCode(), 4000);
    QTRY_COMPARE(s.server->directory().members(QStringLiteral("org:o1:user:u1")), 1);
    QTRY_COMPARE(s.server->metrics().connectionsPlain.load(), 1u);

    quiet.send(fin | opClose, QByteArray());
    QVERIFY(quiet.waitForCloseAndEnd());
    QVERIFY(quiet.closeFrame()->payload.isEmpty());
    QTRY_COMPARE(s.server->directory().members(QStringLiteral("org:o1:user:u1")), 0);
    QTRY_COMPARE(s.server->metrics().connectionsPlain.load(), 0u);

    // A client that just goes, without a Close frame, is gone from the server too.
    RawWs rude(s.server->clientPort());
    QVERIFY(openPlain(rude, mintToken("o1", "u1")));
    QTRY_COMPARE(s.server->metrics().connectionsPlain.load(), 1u);
    rude.socket.disconnectFromHost();
    QTRY_COMPARE(s.server->directory().members(QStringLiteral("org:o1:user:u1")), 0);
    QTRY_COMPARE(s.server->metrics().connectionsPlain.load(), 0u);
    QVERIFY2(ws.serverErrors.isEmpty(), qPrintable(ws.serverErrors.join(", ")));
}

void TestWsEdge::heartbeatEndsASilentClient()
{
    TestServer s([](ServerConfig &c) {
        c.pingIntervalMs = 200;
        c.pongTimeoutMs = 300;
    });
    RawWs ws(s.server->clientPort());
    QVERIFY(openPlain(ws, mintToken("o1", "u1")));
    // The server's ping arrives; this client neither answers nor closes.
    const Frame ping = ws.next();
    QCOMPARE(ping.opcode, opPing);
    QVERIFY(ping.fin);
    QVERIFY(ws.waitForEnd());
    QVERIFY(!ws.closeFrame()); // aborted, not closed: the client sees the TCP end only
    QCOMPARE(s.server->metrics().heartbeatTimeouts.load(), 1u);
    QTRY_COMPARE(s.server->directory().members(QStringLiteral("org:o1:user:u1")), 0);

    // A client that answers pings stays.
    RawWs live(s.server->clientPort());
    QVERIFY(openPlain(live, mintToken("o1", "u2")));
    for (int i = 0; i < 3; ++i) {
        const Frame p = live.next();
        QCOMPARE(p.opcode, opPing);
        live.send(fin | opPong, p.payload);
    }
    QVERIFY(!live.ended);
    QCOMPARE(s.server->metrics().heartbeatTimeouts.load(), 1u);
}

namespace {

// A client on a bare socket with a tiny receive buffer that has written its handshake and
// will not read: the server's kernel buffer fills, then the server's own queue.
int stalledClient(quint16 port, const QByteArray &target)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    const int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const QByteArray hs = RawWs::handshake(target);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0
        || ::send(fd, hs.constData(), size_t(hs.size()), 0) != ssize_t(hs.size())) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// The stalled client starts reading, fast: through the tiny window the backlog would trickle
// for seconds.
void unstall(int fd)
{
    const int large = 1 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &large, sizeof large);
}

// Publishes `count` notifications of ~12 KB each to `users` of o1, 100 requests at a time;
// `until` (checked between waves) may stop early. Returns how many were published, or -1
// when a request failed.
int publishBig(TestServer &s, const QStringList &users, int count,
               const std::function<bool()> &until = {})
{
    QJsonObject metadata;
    metadata.insert(QStringLiteral("pad"), QString(8000, QLatin1Char('m')));
    const QByteArray body = QJsonDocument(QJsonObject{
        {QStringLiteral("orgId"), QStringLiteral("o1")},
        {QStringLiteral("userIds"), QJsonArray::fromStringList(users)},
        {QStringLiteral("type"), QStringLiteral("TEST")},
        {QStringLiteral("title"), QStringLiteral("big")},
        {QStringLiteral("body"), QString(4000, QLatin1Char('x'))},
        {QStringLiteral("metadata"), metadata}}).toJson(QJsonDocument::Compact);
    int published = 0;
    int failures = 0;
    while (published < count && !(until && until())) {
        int pending = 0;
        for (int i = 0; i < 100 && published + pending < count; ++i) {
            QNetworkRequest req(s.apiUrl(QStringLiteral("/api/v1/notifications")));
            req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
            req.setRawHeader("Authorization", "Bearer " + testApiKey.toUtf8());
            QNetworkReply *reply = s.nam.post(req, body);
            ++pending;
            QObject::connect(reply, &QNetworkReply::finished, reply, [&, reply] {
                --pending;
                ++published;
                if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 201)
                    ++failures;
                reply->deleteLater();
            });
        }
        if (!QTest::qWaitFor([&] { return pending == 0; }, 30000))
            return -1;
    }
    return failures == 0 ? published : -1;
}

int countOf(const RawWs &ws, const QString &type)
{
    int n = 0;
    for (const Frame &f : ws.frames)
        n += f.type() == type;
    return n;
}

} // namespace

void TestWsEdge::slowConsumerIsDropped()
{
    TestServer s([](ServerConfig &c) {
        c.rateLimit = RateLimit{0, 0};
        c.threads = 1; // the slow and the healthy client share a shard
    });
    const int fd = stalledClient(s.server->clientPort(), plainTarget(mintToken("o1", "slow")));
    QVERIFY(fd >= 0);
    QTRY_COMPARE_WITH_TIMEOUT(s.server->directory().members(QStringLiteral("org:o1:user:slow")),
                              1, 5000);
    RawWs healthy(s.server->clientPort());
    QVERIFY(openPlain(healthy, mintToken("o1", "healthy")));

    // Until the server gives up on the slow one (bounded at 3,000 notifications, ~36 MB).
    const int published = publishBig(s, {QStringLiteral("slow"), QStringLiteral("healthy")}, 3000,
                                      [&] { return s.server->metrics().dropped.load() > 0; });
    QVERIFY(published > 0);
    QTRY_COMPARE_WITH_TIMEOUT(s.server->metrics().dropped.load(), 1u, 10000);
    // Cut only at the close timeout (5 s from the drop): wait well past it.
    QTRY_COMPARE_WITH_TIMEOUT(s.server->directory().members(QStringLiteral("org:o1:user:slow")),
                              0, 15000);

    // The healthy client got every notification and is still open.
    QVERIFY(QTest::qWaitFor(
        [&] { return countOf(healthy, QStringLiteral("notification:new")) >= published; }, 30000));
    QCOMPARE(countOf(healthy, QStringLiteral("notification:new")), published);
    QVERIFY(!healthy.ended);
    QVERIFY(!healthy.closeFrame());
    QVERIFY2(healthy.serverErrors.isEmpty(), qPrintable(healthy.serverErrors.join(", ")));

    // The slow client, reading at last, finds the end of the stream (the rest was dropped).
    unstall(fd);
    RawWs slow(RawWs::Adopt{fd});
    QVERIFY(slow.waitForEnd());
    QCOMPARE(slow.status, 101);
    QVERIFY(countOf(slow, QStringLiteral("notification:new")) < published);
    qInfo("slow consumer dropped after %d notifications of ~12 KB", published);
}

void TestWsEdge::laggingReaderGetsEverythingInOrder()
{
    TestServer s([](ServerConfig &c) {
        c.rateLimit = RateLimit{0, 0};
        c.threads = 1;
    });
    // ~5 MB for a client that reads nothing meanwhile: more than the kernel buffers hold, so
    // the server queues the rest and writes it as the client drains (partial writes, the
    // write notifier, batches of more frames than one sendmsg() takes), but less than the
    // 4 MiB queue that would make it a slow consumer.
    const int fd = stalledClient(s.server->clientPort(), plainTarget(mintToken("o1", "lag")));
    QVERIFY(fd >= 0);
    QTRY_COMPARE_WITH_TIMEOUT(s.server->directory().members(QStringLiteral("org:o1:user:lag")),
                              1, 5000);
    const int count = 400;
    QCOMPARE(publishBig(s, {QStringLiteral("lag")}, count), count);
    QCOMPARE(s.server->metrics().dropped.load(), 0u);

    unstall(fd);
    RawWs lag(RawWs::Adopt{fd});
    QVERIFY(QTest::qWaitFor(
        [&] { return countOf(lag, QStringLiteral("notification:new")) >= count; }, 20000));
    QCOMPARE(countOf(lag, QStringLiteral("notification:new")), count);
    QVERIFY2(lag.serverErrors.isEmpty(), qPrintable(lag.serverErrors.join(", ")));
    // Every frame whole and in commit order: seq is gap-free per recipient.
    qint64 expectedSeq = 1;
    for (const Frame &f : std::as_const(lag.frames)) {
        QCOMPARE(f.opcode, opText);
        QVERIFY(!f.json().isEmpty());
        if (f.type() != QLatin1String("notification:new"))
            continue;
        const QJsonObject n = f.json()
                                  .value(QStringLiteral("data"))
                                  .toObject()
                                  .value(QStringLiteral("notification"))
                                  .toObject();
        QCOMPARE(n.value(QStringLiteral("seq")).toInteger(), expectedSeq);
        QCOMPARE(n.value(QStringLiteral("body")).toString().size(), 4000);
        ++expectedSeq;
    }
    // Still a working connection.
    lag.send(fin | opText, request(QStringLiteral("get_unread_count"), QStringLiteral("n")));
    QCOMPARE(lag.reply(QStringLiteral("n"))
                 .value(QStringLiteral("data"))
                 .toObject()
                 .value(QStringLiteral("unreadCount"))
                 .toInt(),
             count);
    QVERIFY(!lag.ended);
}

void TestWsEdge::socketIoOverTheRawLayer()
{
    TestServer s;
    RawWs ws(s.server->clientPort());
    QVERIFY(ws.open("/socket.io/?EIO=4&transport=websocket"));
    QCOMPARE(ws.status, 101);
    const Frame open = ws.next();
    QCOMPARE(open.opcode, opText);
    QVERIFY(open.fin);
    QVERIFY2(open.payload.startsWith("0{"), open.payload.constData());
    const QJsonObject handshake = QJsonDocument::fromJson(open.payload.sliced(1)).object();
    QVERIFY(!handshake.value(QStringLiteral("sid")).toString().isEmpty());
    QVERIFY(handshake.value(QStringLiteral("upgrades")).toArray().isEmpty());
    QVERIFY(handshake.value(QStringLiteral("pingInterval")).toInt() > 0);
    // The Socket.IO CONNECT of the default namespace, with the token as auth.
    ws.send(fin | opText,
            "40" + QJsonDocument(QJsonObject{{QStringLiteral("token"),
                                              QString::fromLatin1(mintToken("o1", "u1"))}})
                       .toJson(QJsonDocument::Compact));
    // The CONNECT's answer and the initial unread count as a Socket.IO EVENT. Waiting for the
    // latter also keeps the test from ending while a reader job for it is in flight.
    const auto hasFrame = [&](const QByteArray &prefix) {
        return QTest::qWaitFor([&] {
            for (const Frame &f : std::as_const(ws.frames)) {
                if (f.opcode == opText && f.payload.startsWith(prefix))
                    return true;
            }
            return false;
        }, 5000);
    };
    QVERIFY(hasFrame("40{\"sid\":"));
    QVERIFY(hasFrame("42[\"notification:unread_count\","));
    QVERIFY2(ws.serverErrors.isEmpty(), qPrintable(ws.serverErrors.join(", ")));
}

namespace {

// `perUser` created notifications for each of `users` (org o1), interleaved user by user, as
// one commit group: the hub hands them to the shards as one delivery batch.
std::vector<InsertOutcome> interleavedOutcomes(const QStringList &users, int perUser,
                                               int bodyBytes = 20)
{
    std::vector<InsertOutcome> out;
    for (int k = 1; k <= perUser; ++k) {
        for (const QString &user : users) {
            InsertOutcome o;
            Notification &n = o.notification;
            n.id = QStringLiteral("0190a1b2-0000-7000-8000-%1")
                       .arg(out.size(), 12, 10, QLatin1Char('0'));
            n.recipient = {QStringLiteral("o1"), user};
            n.seq = k;
            n.content.type = QStringLiteral("TEST");
            n.content.title = QStringLiteral("t%1").arg(k);
            n.content.body = QString(bodyBytes, QLatin1Char('b'));
            n.createdAt = QDateTime::currentDateTimeUtc();
            o.unreadCountAfter = k;
            out.push_back(std::move(o));
        }
    }
    return out;
}

// The (seq, unread count) pairs a connection received, in arrival order, from plain or
// Socket.IO ("42[...]") text frames; false at the first event out of place.
bool receivedInOrder(const RawWs &ws, int expected, QString *why)
{
    qint64 nextSeq = 1;
    bool countDue = false;
    for (const Frame &f : ws.frames) {
        if (f.opcode != opText)
            continue;
        QString type;
        QJsonObject data;
        if (f.payload.startsWith("42[")) {
            const QJsonArray a = QJsonDocument::fromJson(f.payload.sliced(2)).array();
            type = a.at(0).toString();
            data = a.at(1).toObject();
        } else {
            type = f.type();
            data = f.json().value(QStringLiteral("data")).toObject();
        }
        if (type == QLatin1String("notification:new")) {
            const qint64 seq = data.value(QStringLiteral("notification"))
                                   .toObject()
                                   .value(QStringLiteral("seq"))
                                   .toInteger();
            if (countDue || seq != nextSeq) {
                *why = QStringLiteral("notification seq %1 where %2 was due%3")
                           .arg(seq)
                           .arg(nextSeq)
                           .arg(countDue ? QStringLiteral(" (after its count)") : QString());
                return false;
            }
            countDue = true;
        } else if (type == QLatin1String("notification:unread_count") && countDue) {
            if (data.value(QStringLiteral("unreadCount")).toInteger() != nextSeq) {
                *why = QStringLiteral("count %1 after seq %2")
                           .arg(data.value(QStringLiteral("unreadCount")).toInteger())
                           .arg(nextSeq);
                return false;
            }
            countDue = false;
            ++nextSeq;
        }
    }
    if (nextSeq != expected + 1) {
        *why = QStringLiteral("%1 of %2 arrived whole").arg(nextSeq - 1).arg(expected);
        return false;
    }
    return true;
}

int newEvents(const RawWs &ws)
{
    int n = 0;
    for (const Frame &f : ws.frames)
        n += f.type() == QLatin1String("notification:new")
            || f.payload.startsWith("42[\"notification:new\"");
    return n;
}

bool connectSocketIo(RawWs &ws, const QByteArray &token)
{
    if (!ws.open("/socket.io/?EIO=4&transport=websocket") || ws.status != 101)
        return false;
    ws.send(fin | opText,
            "40"
                + QJsonDocument(QJsonObject {{QStringLiteral("token"), QString::fromLatin1(token)}})
                      .toJson(QJsonDocument::Compact));
    return true;
}

} // namespace

void TestWsEdge::aBatchArrivesWholeAndInOrderOnEveryConnection()
{
    TestServer s([](ServerConfig &c) {
        c.rateLimit = RateLimit {0, 0};
        c.threads = 2;
    });
    // Two tabs of u1 (plain and Socket.IO, on whichever shards they land) and one of u2:
    // every delivery of the batch for a connection is queued first and written at the end,
    // so what a connection gets must still be each notification, then its count, in order.
    RawWs plain1(s.server->clientPort());
    QVERIFY(plain1.open(plainTarget(mintToken("o1", "u1"))));
    RawWs sio1(s.server->clientPort());
    QVERIFY(connectSocketIo(sio1, mintToken("o1", "u1")));
    RawWs plain2(s.server->clientPort());
    QVERIFY(plain2.open(plainTarget(mintToken("o1", "u2"))));
    QTRY_COMPARE_WITH_TIMEOUT(s.server->directory().members(QStringLiteral("org:o1:user:u1")), 2,
                              5000);
    QTRY_COMPARE_WITH_TIMEOUT(s.server->directory().members(QStringLiteral("org:o1:user:u2")), 1,
                              5000);
    // The initial counts first, so that they cannot interleave with the batch.
    const auto initialCount = [](const RawWs &ws) {
        for (const Frame &f : ws.frames) {
            if (f.type() == QLatin1String("notification:unread_count")
                || f.payload.startsWith("42[\"notification:unread_count\""))
                return true;
        }
        return false;
    };
    QVERIFY(QTest::qWaitFor(
        [&] { return initialCount(plain1) && initialCount(sio1) && initialCount(plain2); }, 5000));
    const qsizetype before1 = plain1.frames.size(), beforeSio = sio1.frames.size(),
                    before2 = plain2.frames.size();

    const int perUser = 300;
    s.server->hub().publishCreated(
        interleavedOutcomes({QStringLiteral("u1"), QStringLiteral("u2")}, perUser), steadyNowNs());

    QVERIFY(QTest::qWaitFor(
        [&] {
            return newEvents(plain1) >= perUser && newEvents(sio1) >= perUser
                && newEvents(plain2) >= perUser;
        },
        20000));
    plain1.frames.remove(0, before1);
    sio1.frames.remove(0, beforeSio);
    plain2.frames.remove(0, before2);
    QString why;
    QVERIFY2(receivedInOrder(plain1, perUser, &why), qPrintable("plain u1: " + why));
    QVERIFY2(receivedInOrder(sio1, perUser, &why), qPrintable("Socket.IO u1: " + why));
    QVERIFY2(receivedInOrder(plain2, perUser, &why), qPrintable("plain u2: " + why));
    for (const RawWs *ws : {&plain1, &sio1, &plain2})
        QVERIFY2(ws->serverErrors.isEmpty(), qPrintable(ws->serverErrors.join(", ")));
    QCOMPARE(s.server->metrics().dropped.load(), 0u);
}

void TestWsEdge::aBatchBiggerThanTheOutputBoundIsNotADrop()
{
    // One batch carries 4x the output bound for one reading client: the frames held back
    // for the end of a batch must be written as they pile up, not count against the bound
    // as if the client had stopped reading.
    const qint64 bound = 64 * 1024;
    TestServer s([&](ServerConfig &c) {
        c.rateLimit = RateLimit {0, 0};
        c.threads = 1;
        c.maxOutputBytes = bound;
    });
    RawWs ws(s.server->clientPort());
    QVERIFY(ws.open(plainTarget(mintToken("o1", "u1"))));
    QTRY_COMPARE_WITH_TIMEOUT(s.server->directory().members(QStringLiteral("org:o1:user:u1")), 1,
                              5000);
    QVERIFY(QTest::qWaitFor(
        [&] { return countOf(ws, QStringLiteral("notification:unread_count")) >= 1; }, 5000));
    const qsizetype before = ws.frames.size();
    const int count = 256; // ~1 KiB each
    s.server->hub().publishCreated(interleavedOutcomes({QStringLiteral("u1")}, count, 1000),
                                          steadyNowNs());
    QVERIFY(QTest::qWaitFor([&] { return newEvents(ws) >= count; }, 20000));
    ws.frames.remove(0, before);
    QString why;
    QVERIFY2(receivedInOrder(ws, count, &why), qPrintable(why));
    QCOMPARE(s.server->metrics().dropped.load(), 0u);
    QVERIFY(!ws.ended);
}

QTEST_MAIN(TestWsEdge)
#include "test_wsedge.moc"
