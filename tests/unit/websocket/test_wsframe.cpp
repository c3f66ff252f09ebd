// The pure parts of the RFC 6455 layer: the frame codec, the close payload, the UTF-8 check
// and the opening handshake, including their edge cases and a small fuzz.
#include "server/http1/httprequest.h"
#include "server/websocket/frame.h"
#include "server/websocket/handshake.h"

#include <QRandomGenerator>
#include <QTest>
#include <QtEndian>

using namespace notify;
using namespace notify::ws;

class TestWsFrame : public QObject
{
    Q_OBJECT
private slots:
    void encodeFrameHeaderSizes_data();
    void encodeFrameHeaderSizes();
    void closeFrameCutsReasonOnCharacterBoundary_data();
    void closeFrameCutsReasonOnCharacterBoundary();
    void parsesValidHeaders_data();
    void parsesValidHeaders();
    void incompleteHeaderAsksForMore();
    void refusesHeaders_data();
    void refusesHeaders();
    void unmaskMatchesByteWiseReference();
    void utf8Table_data();
    void utf8Table();
    void utf8AgainstQt();
    void closePayload_data();
    void closePayload();
    void handshake_data();
    void handshake();
    void acceptValueMatchesRfcExample();
    void fuzzHeaderParser();
};

namespace {

const quint8 testMask[4] = {0x37, 0xfa, 0x21, 0x3d};

// A client frame header: first byte `b0`, the length in the form `lengthForm` (0: 7 bits,
// 16 or 64), masked unless `masked` is false. The payload is not included.
QByteArray clientHeader(quint8 b0, quint64 length, int lengthForm = -1, bool masked = true)
{
    if (lengthForm < 0)
        lengthForm = length < 126 ? 0 : length <= 0xFFFF ? 16 : 64;
    QByteArray h;
    h.append(char(b0));
    const quint8 maskBit = masked ? 0x80 : 0;
    if (lengthForm == 0) {
        h.append(char(maskBit | quint8(length)));
    } else if (lengthForm == 16) {
        h.append(char(maskBit | 126));
        char be[2];
        qToBigEndian(quint16(length), be);
        h.append(be, 2);
    } else {
        h.append(char(maskBit | 127));
        char be[8];
        qToBigEndian(quint64(length), be);
        h.append(be, 8);
    }
    if (masked)
        h.append(reinterpret_cast<const char *>(testMask), 4);
    return h;
}

QByteArray bytes(std::initializer_list<int> list)
{
    QByteArray out;
    for (int b : list)
        out.append(char(b));
    return out;
}

QByteArray closePayloadOf(int code, const QByteArray &reason = {})
{
    QByteArray p(2, Qt::Uninitialized);
    qToBigEndian(quint16(code), p.data());
    return p + reason;
}

// Random text that is often, but not always, valid UTF-8: ASCII runs (to cross the validator's
// 8-byte fast path), well-formed 2/3/4-byte characters, U+FFFD itself, and traps (surrogates,
// overlongs, code points past U+10FFFF, stray continuation bytes, lone lead bytes, any byte).
QByteArray randomUtf8ish(QRandomGenerator &rng)
{
    static const QList<QByteArray> traps = {
        bytes({0xED, 0xA0, 0x80}), bytes({0xED, 0xBF, 0xBF}), bytes({0xC0, 0xAF}),
        bytes({0xE0, 0x80, 0xAF}), bytes({0xF0, 0x80, 0x80, 0xAF}), bytes({0xF4, 0x90, 0x80, 0x80}),
        bytes({0xF5, 0x80, 0x80, 0x80}), bytes({0x80}), bytes({0xBF}), bytes({0xC3}),
        bytes({0xE2, 0x82}), bytes({0xF0, 0x9F, 0x98}), bytes({0xFE}), bytes({0xFF}),
    };
    QByteArray out;
    const int pieces = int(rng.bounded(1, 12));
    for (int i = 0; i < pieces; ++i) {
        switch (rng.bounded(10)) {
        case 0:
        case 1:
        case 2:
            for (int n = int(rng.bounded(1, 20)); n > 0; --n)
                out.append(char(rng.bounded(0, 0x80)));
            break;
        case 3: {
            const char32_t cp = char32_t(rng.bounded(0x80, 0x800));
            out += QString::fromUcs4(&cp, 1).toUtf8();
            break;
        }
        case 4: {
            char32_t cp = char32_t(rng.bounded(0x800, 0x10000));
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 0xFFFD;
            out += QString::fromUcs4(&cp, 1).toUtf8();
            break;
        }
        case 5: {
            const char32_t cp = char32_t(rng.bounded(0x10000, 0x110000));
            out += QString::fromUcs4(&cp, 1).toUtf8();
            break;
        }
        case 6:
            out += bytes({0xEF, 0xBF, 0xBD}); // a genuine U+FFFD is valid
            break;
        case 7:
            out += traps.at(int(rng.bounded(qsizetype(traps.size()))));
            break;
        case 8:
            out.append(char(rng.bounded(256)));
            break;
        default:
            for (int n = int(rng.bounded(1, 4)); n > 0; --n)
                out.append(char(rng.bounded(256)));
            break;
        }
    }
    return out;
}

} // namespace

void TestWsFrame::encodeFrameHeaderSizes_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("headerSize");
    QTest::newRow("0") << 0 << 2;
    QTest::newRow("1") << 1 << 2;
    QTest::newRow("125") << 125 << 2;
    QTest::newRow("126") << 126 << 4;
    QTest::newRow("65535") << 65535 << 4;
    QTest::newRow("65536") << 65536 << 10;
    QTest::newRow("200000") << 200000 << 10;
}

void TestWsFrame::encodeFrameHeaderSizes()
{
    QFETCH(int, size);
    QFETCH(int, headerSize);
    QByteArray payload(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        payload[i] = char(i * 7 + 3);
    QCOMPARE(serverHeaderSize(size), headerSize);
    const QByteArray frame = encodeFrame(Opcode::Text, payload);
    QCOMPARE(frame.size(), headerSize + size);
    QCOMPARE(quint8(frame[0]), quint8(0x81)); // FIN + text, no RSV bits
    const quint8 len7 = quint8(frame[1]);
    QCOMPARE(len7 & 0x80, 0); // server frames are never masked
    if (headerSize == 2) {
        QCOMPARE(int(len7), size);
    } else if (headerSize == 4) {
        QCOMPARE(int(len7), 126);
        QCOMPARE(int(qFromBigEndian<quint16>(frame.constData() + 2)), size);
    } else {
        QCOMPARE(int(len7), 127);
        QCOMPARE(qFromBigEndian<quint64>(frame.constData() + 2), quint64(size));
    }
    QCOMPARE(framePayload(frame).toByteArray(), payload);

    const QByteArray binary = encodeFrame(Opcode::Binary, payload);
    QCOMPARE(quint8(binary[0]), quint8(0x82));
    QCOMPARE(framePayload(binary).toByteArray(), payload);
}

void TestWsFrame::closeFrameCutsReasonOnCharacterBoundary_data()
{
    QTest::addColumn<QString>("reason");
    QTest::addColumn<int>("expectedReasonBytes");
    QTest::newRow("short") << QStringLiteral("bye") << 3;
    QTest::newRow("ascii 123") << QString(123, QLatin1Char('a')) << 123;
    QTest::newRow("ascii 124") << QString(124, QLatin1Char('a')) << 123;
    QTest::newRow("2-byte chars") << QString(100, QChar(0xE9)) << 122; // é: 61 fit
    QTest::newRow("3-byte chars") << QString(100, QChar(0x20AC)) << 123; // €: 41 fit
    QString emoji;
    for (int i = 0; i < 40; ++i)
        emoji += QString::fromUtf8("\xF0\x9F\x98\x80");
    QTest::newRow("4-byte chars") << emoji << 120; // 30 fit
    QTest::newRow("ascii then 4-byte") << QString(121, QLatin1Char('a')) + emoji << 121;
    QTest::newRow("ascii then 2-byte") << QString(122, QLatin1Char('a')) + QChar(0xE9) << 122;
}

void TestWsFrame::closeFrameCutsReasonOnCharacterBoundary()
{
    QFETCH(QString, reason);
    QFETCH(int, expectedReasonBytes);
    const QByteArray utf8 = reason.toUtf8();
    const QByteArray frame = encodeCloseFrame(4321, utf8);
    QCOMPARE(quint8(frame[0]), quint8(0x88));
    const QByteArray payload = framePayload(frame).toByteArray();
    QVERIFY(payload.size() <= maxControlPayload);
    QCOMPARE(int(qFromBigEndian<quint16>(payload.constData())), 4321);
    const QByteArray cut = payload.sliced(2);
    QCOMPARE(cut.size(), expectedReasonBytes);
    QVERIFY(utf8.startsWith(cut));
    QVERIFY(isValidUtf8(cut));
    // A Close frame of ours parses as one a client could send.
    const auto parsed = parseClosePayload(payload);
    QVERIFY(parsed.ok());
    QCOMPARE(parsed.value().code, 4321);
    QCOMPARE(parsed.value().reason, cut);
}

void TestWsFrame::parsesValidHeaders_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<bool>("fin");
    QTest::addColumn<int>("opcode");
    QTest::addColumn<quint64>("length");
    QTest::addColumn<int>("headerLength");
    QTest::newRow("text 0") << clientHeader(0x81, 0) << true << 1 << quint64(0) << 6;
    QTest::newRow("text 125") << clientHeader(0x81, 125) << true << 1 << quint64(125) << 6;
    QTest::newRow("binary 126") << clientHeader(0x82, 126) << true << 2 << quint64(126) << 8;
    QTest::newRow("text 65535") << clientHeader(0x81, 65535) << true << 1 << quint64(65535) << 8;
    QTest::newRow("text 65536") << clientHeader(0x81, 65536) << true << 1 << quint64(65536) << 14;
    QTest::newRow("first fragment") << clientHeader(0x01, 10) << false << 1 << quint64(10) << 6;
    QTest::newRow("continuation") << clientHeader(0x00, 10) << false << 0 << quint64(10) << 6;
    QTest::newRow("last continuation") << clientHeader(0x80, 3) << true << 0 << quint64(3) << 6;
    QTest::newRow("ping 125") << clientHeader(0x89, 125) << true << 9 << quint64(125) << 6;
    QTest::newRow("pong 0") << clientHeader(0x8A, 0) << true << 10 << quint64(0) << 6;
    QTest::newRow("close 2") << clientHeader(0x88, 2) << true << 8 << quint64(2) << 6;
}

void TestWsFrame::parsesValidHeaders()
{
    QFETCH(QByteArray, header);
    QFETCH(bool, fin);
    QFETCH(int, opcode);
    QFETCH(quint64, length);
    QFETCH(int, headerLength);
    // Trailing bytes (the payload, the next frame) do not change the header.
    const auto parsed = parseClientFrameHeader(header + QByteArray(5, 'x'), 1 << 20);
    QVERIFY(parsed.ok());
    QVERIFY(parsed.value().has_value());
    const FrameHeader h = *parsed.value();
    QCOMPARE(h.fin, fin);
    QCOMPARE(int(h.opcode), opcode);
    QCOMPARE(h.payloadLength, length);
    QCOMPARE(h.headerLength, headerLength);
    QCOMPARE(h.headerLength, header.size());
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(h.mask), 4),
             QByteArray(reinterpret_cast<const char *>(testMask), 4));
    QCOMPARE(h.isControl(), opcode >= 8);
}

void TestWsFrame::incompleteHeaderAsksForMore()
{
    const QList<QByteArray> headers = {clientHeader(0x81, 5), clientHeader(0x81, 300),
                                       clientHeader(0x82, 70000), clientHeader(0x89, 4),
                                       clientHeader(0x00, 0)};
    for (const QByteArray &header : headers) {
        for (qsizetype n = 0; n < header.size(); ++n) {
            const auto parsed = parseClientFrameHeader(header.first(n), 1 << 20);
            QVERIFY2(parsed.ok(), qPrintable(QStringLiteral("prefix %1 of %2")
                                                 .arg(n)
                                                 .arg(QString::fromLatin1(header.toHex()))));
            QVERIFY2(!parsed.value().has_value(),
                     qPrintable(QStringLiteral("prefix %1 of %2")
                                    .arg(n)
                                    .arg(QString::fromLatin1(header.toHex()))));
        }
        const auto whole = parseClientFrameHeader(header, 1 << 20);
        QVERIFY(whole.ok() && whole.value().has_value());
    }
}

void TestWsFrame::refusesHeaders_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<quint64>("maxPayload");
    QTest::addColumn<int>("closeCode");
    const quint64 big = 1 << 20;
    QTest::newRow("unmasked") << clientHeader(0x81, 5, -1, false) << big << 1002;
    QTest::newRow("unmasked close") << clientHeader(0x88, 0, -1, false) << big << 1002;
    QTest::newRow("RSV1") << clientHeader(0xC1, 5) << big << 1002;
    QTest::newRow("RSV2") << clientHeader(0xA1, 5) << big << 1002;
    QTest::newRow("RSV3") << clientHeader(0x91, 5) << big << 1002;
    for (int op : {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF})
        QTest::addRow("opcode %x", op) << clientHeader(quint8(0x80 | op), 5) << big << 1002;
    QTest::newRow("fragmented ping") << clientHeader(0x09, 5) << big << 1002;
    QTest::newRow("fragmented close") << clientHeader(0x08, 2) << big << 1002;
    QTest::newRow("fragmented pong") << clientHeader(0x0A, 0) << big << 1002;
    QTest::newRow("ping 126") << clientHeader(0x89, 126) << big << 1002;
    QTest::newRow("close 126") << clientHeader(0x88, 126) << big << 1002;
    QTest::newRow("pong 64-bit") << clientHeader(0x8A, 70000) << big << 1002;
    QTest::newRow("16-bit form for 0") << clientHeader(0x81, 0, 16) << big << 1002;
    QTest::newRow("16-bit form for 125") << clientHeader(0x81, 125, 16) << big << 1002;
    QTest::newRow("64-bit form for 125") << clientHeader(0x81, 125, 64) << big << 1002;
    QTest::newRow("64-bit form for 126") << clientHeader(0x81, 126, 64) << big << 1002;
    QTest::newRow("64-bit form for 65535") << clientHeader(0x81, 65535, 64) << big << 1002;
    QTest::newRow("64-bit MSB set") << clientHeader(0x81, quint64(1) << 63, 64) << big << 1002;
    QTest::newRow("64-bit all ones") << clientHeader(0x81, ~quint64(0), 64) << ~quint64(0) << 1002;
    QTest::newRow("text over limit") << clientHeader(0x81, 101) << quint64(100) << 1009;
    QTest::newRow("continuation over limit") << clientHeader(0x00, 101) << quint64(100) << 1009;
    QTest::newRow("binary 16-bit over limit") << clientHeader(0x82, 1000) << quint64(999) << 1009;
    QTest::newRow("64-bit over limit") << clientHeader(0x81, quint64(1) << 40) << big << 1009;
    QTest::newRow("zero allowance") << clientHeader(0x80, 1) << quint64(0) << 1009;
}

void TestWsFrame::refusesHeaders()
{
    QFETCH(QByteArray, header);
    QFETCH(quint64, maxPayload);
    QFETCH(int, closeCode);
    const auto parsed = parseClientFrameHeader(header, maxPayload);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().closeCode, closeCode);
    QVERIFY(!parsed.error().message.isEmpty());
}

void TestWsFrame::unmaskMatchesByteWiseReference()
{
    QRandomGenerator rng(6455);
    for (int round = 0; round < 400; ++round) {
        const qsizetype size = round < 100 ? round : qsizetype(rng.bounded(0, 5000));
        const quint64 offset = rng.bounded(0, 16);
        const int misalign = int(rng.bounded(0, 8));
        quint8 mask[4];
        for (quint8 &m : mask)
            m = quint8(rng.bounded(256));
        QByteArray storage(size + misalign, Qt::Uninitialized);
        for (char &c : storage)
            c = char(rng.bounded(256));
        QByteArray expected = storage.sliced(misalign);
        for (qsizetype i = 0; i < size; ++i)
            expected[i] = char(quint8(expected[i]) ^ mask[(offset + quint64(i)) % 4]);
        unmask(storage.data() + misalign, size, mask, offset);
        QVERIFY2(storage.sliced(misalign) == expected,
                 qPrintable(QStringLiteral("size %1 offset %2 misalign %3")
                                .arg(size)
                                .arg(offset)
                                .arg(misalign)));
    }
    // Unmasking in pieces at the right offsets equals unmasking at once.
    QByteArray data(1000, Qt::Uninitialized);
    for (char &c : data)
        c = char(rng.bounded(256));
    QByteArray whole = data;
    unmask(whole.data(), whole.size(), testMask);
    QByteArray pieces = data;
    for (qsizetype at = 0; at < pieces.size();) {
        const qsizetype n = qMin<qsizetype>(pieces.size() - at, rng.bounded(1, 50));
        unmask(pieces.data() + at, n, testMask, quint64(at));
        at += n;
    }
    QCOMPARE(pieces, whole);
}

void TestWsFrame::utf8Table_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("valid");
    QTest::newRow("empty") << QByteArray() << true;
    QTest::newRow("ascii") << QByteArray("hello, world") << true;
    QTest::newRow("nul") << QByteArray("a\0b", 3) << true;
    QTest::newRow("long ascii") << QByteArray(100, 'z') << true;
    QTest::newRow("U+0080") << bytes({0xC2, 0x80}) << true;
    QTest::newRow("U+07FF") << bytes({0xDF, 0xBF}) << true;
    QTest::newRow("U+0800") << bytes({0xE0, 0xA0, 0x80}) << true;
    QTest::newRow("U+D7FF") << bytes({0xED, 0x9F, 0xBF}) << true;
    QTest::newRow("U+E000") << bytes({0xEE, 0x80, 0x80}) << true;
    QTest::newRow("U+FFFD") << bytes({0xEF, 0xBF, 0xBD}) << true;
    QTest::newRow("U+FFFF") << bytes({0xEF, 0xBF, 0xBF}) << true;
    QTest::newRow("U+10000") << bytes({0xF0, 0x90, 0x80, 0x80}) << true;
    QTest::newRow("U+10FFFF") << bytes({0xF4, 0x8F, 0xBF, 0xBF}) << true;
    QTest::newRow("mixed") << QString::fromUtf8("ü€😀 ok").toUtf8() << true;
    QTest::newRow("ascii run then 2-byte") << QByteArray(9, 'a') + bytes({0xC3, 0xA9}) << true;

    QTest::newRow("overlong NUL") << bytes({0xC0, 0x80}) << false;
    QTest::newRow("overlong /") << bytes({0xC0, 0xAF}) << false;
    QTest::newRow("overlong C1") << bytes({0xC1, 0xBF}) << false;
    QTest::newRow("overlong 3-byte") << bytes({0xE0, 0x80, 0xAF}) << false;
    QTest::newRow("overlong U+07FF") << bytes({0xE0, 0x9F, 0xBF}) << false;
    QTest::newRow("overlong 4-byte") << bytes({0xF0, 0x80, 0x80, 0xAF}) << false;
    QTest::newRow("overlong U+FFFF") << bytes({0xF0, 0x8F, 0xBF, 0xBF}) << false;
    QTest::newRow("surrogate D800") << bytes({0xED, 0xA0, 0x80}) << false;
    QTest::newRow("surrogate DBFF") << bytes({0xED, 0xAF, 0xBF}) << false;
    QTest::newRow("surrogate DC00") << bytes({0xED, 0xB0, 0x80}) << false;
    QTest::newRow("surrogate DFFF") << bytes({0xED, 0xBF, 0xBF}) << false;
    QTest::newRow("surrogate pair") << bytes({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80}) << false;
    QTest::newRow("U+110000") << bytes({0xF4, 0x90, 0x80, 0x80}) << false;
    QTest::newRow("F5 lead") << bytes({0xF5, 0x80, 0x80, 0x80}) << false;
    QTest::newRow("F7 lead") << bytes({0xF7, 0xBF, 0xBF, 0xBF}) << false;
    QTest::newRow("5-byte form") << bytes({0xF8, 0x88, 0x80, 0x80, 0x80}) << false;
    QTest::newRow("FE") << bytes({0xFE}) << false;
    QTest::newRow("FF") << bytes({0xFF}) << false;
    QTest::newRow("stray continuation") << bytes({0x80}) << false;
    QTest::newRow("stray continuation after ascii") << QByteArray("abc") + bytes({0xBF}) << false;
    QTest::newRow("stray continuation after run") << QByteArray(16, 'a') + bytes({0x80}) << false;
    QTest::newRow("continuation after char") << bytes({0xC3, 0xA9, 0xA9}) << false;
    QTest::newRow("truncated 2 at end") << QByteArray("ab") + bytes({0xC3}) << false;
    QTest::newRow("truncated 3 at end (1)") << bytes({0xE2}) << false;
    QTest::newRow("truncated 3 at end (2)") << QByteArray(8, 'a') + bytes({0xE2, 0x82}) << false;
    QTest::newRow("truncated 4 at end (3)") << bytes({0xF0, 0x9F, 0x98}) << false;
    QTest::newRow("lead then ascii") << bytes({0xC3, 0x41}) << false;
    QTest::newRow("3-byte lead then ascii") << bytes({0xE2, 0x82, 0x41}) << false;
    QTest::newRow("4-byte lead then lead") << bytes({0xF0, 0x9F, 0xC3, 0xA9}) << false;
}

void TestWsFrame::utf8Table()
{
    QFETCH(QByteArray, input);
    QFETCH(bool, valid);
    QCOMPARE(isValidUtf8(input), valid);
    // The same bytes at every alignment relative to the 8-byte fast path.
    for (int pad = 1; pad <= 9; ++pad)
        QCOMPARE(isValidUtf8(QByteArray(pad, 'p') + input), valid);
}

void TestWsFrame::utf8AgainstQt()
{
    QRandomGenerator rng(20240229);
    int valid = 0;
    int invalid = 0;
    for (int i = 0; i < 5000; ++i) {
        const QByteArray input = randomUtf8ish(rng);
        // Qt replaces every ill-formed sequence with U+FFFD: the bytes survive a round trip
        // iff there was none (a U+FFFD in the input is itself well formed and survives).
        const bool qtValid = QString::fromUtf8(input).toUtf8() == input;
        if (isValidUtf8(input) != qtValid)
            QFAIL(qPrintable(QStringLiteral("isValidUtf8 says %1, Qt says %2 for %3")
                                 .arg(!qtValid)
                                 .arg(qtValid)
                                 .arg(QString::fromLatin1(input.toHex(' ')))));
        ++(qtValid ? valid : invalid);
    }
    // The generator must exercise both outcomes, or the comparison proves little.
    QVERIFY2(valid > 1000 && invalid > 1000,
             qPrintable(QStringLiteral("%1 valid, %2 invalid").arg(valid).arg(invalid)));
}

void TestWsFrame::closePayload_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<int>("error"); // 0: accepted
    QTest::addColumn<int>("code");
    QTest::newRow("empty") << QByteArray() << 0 << 1005;
    QTest::newRow("one byte") << QByteArray(1, '\x03') << 1002 << 0;
    for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535})
        QTest::addRow("code %d refused", code) << closePayloadOf(code) << 1002 << 0;
    for (int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4000, 4999})
        QTest::addRow("code %d accepted", code) << closePayloadOf(code) << 0 << code;
    QTest::newRow("utf-8 reason") << closePayloadOf(1000, QString::fromUtf8("fini ✓").toUtf8())
                                  << 0 << 1000;
    QTest::newRow("invalid reason") << closePayloadOf(1000, bytes({0x61, 0xC0, 0xAF})) << 1007 << 0;
    QTest::newRow("surrogate reason") << closePayloadOf(4000, bytes({0xED, 0xA0, 0x80})) << 1007
                                      << 0;
    QTest::newRow("truncated reason") << closePayloadOf(1001, bytes({0x62, 0xE2, 0x82})) << 1007
                                      << 0;
}

void TestWsFrame::closePayload()
{
    QFETCH(QByteArray, payload);
    QFETCH(int, error);
    QFETCH(int, code);
    const auto parsed = parseClosePayload(payload);
    if (error != 0) {
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().closeCode, error);
        return;
    }
    QVERIFY(parsed.ok());
    QCOMPARE(parsed.value().code, code);
    QCOMPARE(parsed.value().reason, payload.size() > 2 ? payload.sliced(2) : QByteArray());
}

void TestWsFrame::handshake_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<int>("status"); // 0: accepted
    QTest::addColumn<QByteArray>("extraHeaders");
    const QByteArray rest = "Host: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    const QByteArray key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    const QByteArray v13 = "Sec-WebSocket-Version: 13\r\n";
    QTest::newRow("valid") << "GET /ws HTTP/1.1\r\n" + rest + key + v13 + "\r\n" << 0
                           << QByteArray();
    QTest::newRow("valid, spaces around values")
        << "GET /ws HTTP/1.1\r\n" + rest
               + "Sec-WebSocket-Key:   dGhlIHNhbXBsZSBub25jZQ==  \r\n"
                 "Sec-WebSocket-Version:  13\r\n\r\n"
        << 0 << QByteArray();
    QTest::newRow("missing key") << "GET /ws HTTP/1.1\r\n" + rest + v13 + "\r\n" << 400
                                 << QByteArray();
    QTest::newRow("empty key") << "GET /ws HTTP/1.1\r\n" + rest + "Sec-WebSocket-Key: \r\n" + v13
                                      + "\r\n"
                               << 400 << QByteArray();
    QTest::newRow("short key (15 bytes)")
        << "GET /ws HTTP/1.1\r\n" + rest + "Sec-WebSocket-Key: "
               + QByteArray(15, 'k').toBase64() + "\r\n" + v13 + "\r\n"
        << 400 << QByteArray();
    QTest::newRow("long key (17 bytes)")
        << "GET /ws HTTP/1.1\r\n" + rest + "Sec-WebSocket-Key: "
               + QByteArray(17, 'k').toBase64() + "\r\n" + v13 + "\r\n"
        << 400 << QByteArray();
    QTest::newRow("key not base64") << "GET /ws HTTP/1.1\r\n" + rest
                                           + "Sec-WebSocket-Key: !!!!!!!!!!!!!!!!!!!!!!==\r\n" + v13
                                           + "\r\n"
                                    << 400 << QByteArray();
    QTest::newRow("version 8") << "GET /ws HTTP/1.1\r\n" + rest + key
                                      + "Sec-WebSocket-Version: 8\r\n\r\n"
                               << 426 << QByteArray("Sec-WebSocket-Version: 13\r\n");
    QTest::newRow("no version") << "GET /ws HTTP/1.1\r\n" + rest + key + "\r\n" << 426
                                << QByteArray("Sec-WebSocket-Version: 13\r\n");
    QTest::newRow("POST") << "POST /ws HTTP/1.1\r\n" + rest + key + v13
                                 + "Content-Length: 0\r\n\r\n"
                          << 405 << QByteArray("Allow: GET\r\n");
    QTest::newRow("HTTP/1.0") << "GET /ws HTTP/1.0\r\n" + rest + key + v13 + "\r\n" << 400
                              << QByteArray();
}

void TestWsFrame::handshake()
{
    QFETCH(QByteArray, head);
    QFETCH(int, status);
    QFETCH(QByteArray, extraHeaders);
    const auto parsed = http1::parseRequestHead(head);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    QVERIFY(parsed.value().has_value());
    const auto checked = checkOpeningHandshake(*parsed.value());
    if (status == 0) {
        QVERIFY(checked.ok());
        QCOMPARE(checked.value(), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        const QByteArray response = switchingProtocolsResponse(checked.value());
        QVERIFY(response.startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
        QVERIFY(response.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
        QVERIFY(response.endsWith("\r\n\r\n"));
        return;
    }
    QVERIFY(!checked.ok());
    QCOMPARE(checked.error().status, status);
    QVERIFY(!checked.error().message.isEmpty());
    QCOMPARE(checked.error().extraHeaders, extraHeaders);
}

void TestWsFrame::acceptValueMatchesRfcExample()
{
    // RFC 6455 section 1.3 (checked against `sha1sum | base64` of key + GUID).
    QCOMPARE(acceptValue("dGhlIHNhbXBsZSBub25jZQ=="), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
}

void TestWsFrame::fuzzHeaderParser()
{
    QRandomGenerator rng(0x6455);
    int complete = 0;
    int refused = 0;
    for (int i = 0; i < 20000; ++i) {
        QByteArray buffer(qsizetype(rng.bounded(0, 20)), Qt::Uninitialized);
        for (char &c : buffer)
            c = char(rng.bounded(256));
        // Bias towards headers that pass the first checks, so the length paths are reached.
        if (buffer.size() >= 2 && rng.bounded(2)) {
            buffer[0] = char(quint8(buffer[0]) & 0x8F);
            buffer[1] = char(quint8(buffer[1]) | 0x80);
        }
        const quint64 maxPayload = rng.bounded(3) == 0 ? ~quint64(0) : rng.bounded(0, 100000);
        const auto parsed = parseClientFrameHeader(buffer, maxPayload);
        if (!parsed.ok()) {
            ++refused;
            const int code = parsed.error().closeCode;
            QVERIFY(code == closecode::protocolError || code == closecode::tooBig);
            continue;
        }
        if (!parsed.value())
            continue;
        ++complete;
        const FrameHeader &h = *parsed.value();
        QVERIFY(h.headerLength <= buffer.size());
        QVERIFY(h.headerLength == 6 || h.headerLength == 8 || h.headerLength == 14);
        QVERIFY(h.payloadLength < (quint64(1) << 63));
        if (h.isControl()) {
            QVERIFY(h.fin);
            QVERIFY(h.payloadLength <= quint64(maxControlPayload));
        } else {
            QVERIFY(h.payloadLength <= maxPayload);
        }
    }
    QVERIFY(complete > 1000);
    QVERIFY(refused > 1000);
}

QTEST_GUILESS_MAIN(TestWsFrame)
#include "test_wsframe.moc"
