// Client frames as WebSocket::processInput reads them: a stream of headers and masked
// payloads, control frames answered, text checked for UTF-8, Close payloads parsed.

#include "fuzzcheck.h"

#include "server/websocket/frame.h"

#include <QByteArray>
#include <QString>

using namespace notify;

namespace {

// A client frame with the same header fields, in the shortest length encoding.
QByteArray clientFrame(const ws::FrameHeader &h, QByteArrayView maskedPayload)
{
    QByteArray out;
    out.append(char((h.fin ? 0x80 : 0) | quint8(h.opcode)));
    const quint64 n = h.payloadLength;
    if (n < 126) {
        out.append(char(0x80 | n));
    } else if (n <= 0xFFFF) {
        out.append(char(0x80 | 126));
        out.append(char(n >> 8));
        out.append(char(n & 0xFF));
    } else {
        out.append(char(0x80 | 127));
        for (int i = 7; i >= 0; --i)
            out.append(char((n >> (8 * i)) & 0xFF));
    }
    out.append(reinterpret_cast<const char *>(h.mask), 4);
    out.append(maskedPayload);
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    // The first byte picks the message-size limit, as a connection's allowance shrinks while
    // a fragmented message grows.
    const quint64 maxPayload = quint64(data[0]) * 97;
    QByteArray stream(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    qsizetype pos = 0;
    while (pos < stream.size()) {
        const QByteArrayView rest(stream.constData() + pos, stream.size() - pos);
        auto parsed = ws::parseClientFrameHeader(rest, maxPayload);
        if (!parsed.ok()) {
            const int code = parsed.error().closeCode;
            FUZZ_CHECK(code == ws::closecode::protocolError || code == ws::closecode::tooBig);
            break;
        }
        if (!parsed.value()) {
            // Incomplete: a header is at most 14 bytes, so more input must be what is missing.
            FUZZ_CHECK(rest.size() < 14);
            break;
        }
        const ws::FrameHeader h = *parsed.value();
        FUZZ_CHECK(h.headerLength >= 6 && h.headerLength <= 14 && h.headerLength <= rest.size());
        if (h.isControl()) {
            FUZZ_CHECK(h.fin);
            FUZZ_CHECK(h.payloadLength <= quint64(ws::maxControlPayload));
        } else {
            // No accepted data frame is over the limit.
            FUZZ_CHECK(h.payloadLength <= maxPayload);
        }
        // Whatever the header's own encoding, the shortest re-encoding parses the same.
        if (quint64(rest.size() - h.headerLength) >= h.payloadLength) {
            const QByteArrayView masked(rest.data() + h.headerLength, qsizetype(h.payloadLength));
            const QByteArray again = clientFrame(h, masked);
            auto reparsed = ws::parseClientFrameHeader(again, maxPayload);
            FUZZ_CHECK(reparsed.ok() && reparsed.value());
            const ws::FrameHeader &r = *reparsed.value();
            FUZZ_CHECK(r.fin == h.fin && r.opcode == h.opcode
                       && r.payloadLength == h.payloadLength);
            FUZZ_CHECK(std::equal(r.mask, r.mask + 4, h.mask));
        }
        const quint64 frameSize = quint64(h.headerLength) + h.payloadLength;
        if (quint64(rest.size()) < frameSize)
            break;
        char *payload = stream.data() + pos + h.headerLength;
        const qsizetype length = qsizetype(h.payloadLength);
        const QByteArray masked(payload, length);
        ws::unmask(payload, length, h.mask);
        // Masking is its own inverse, also when applied in two pieces at an offset.
        QByteArray twice(payload, length);
        const qsizetype half = length / 2;
        ws::unmask(twice.data(), half, h.mask);
        ws::unmask(twice.data() + half, length - half, h.mask, quint64(half));
        FUZZ_CHECK(twice == masked);
        const QByteArrayView message(payload, length);
        if (h.opcode == ws::Opcode::Close) {
            auto close = ws::parseClosePayload(message);
            if (close.ok()) {
                const ws::CloseInfo &info = close.value();
                FUZZ_CHECK(ws::isValidUtf8(info.reason));
                if (info.code != ws::closecode::noStatus) {
                    FUZZ_CHECK(ws::isSendableCloseCode(info.code));
                    // What the server would send back with this code and reason reads the same.
                    const QByteArray frame = ws::encodeCloseFrame(info.code, info.reason);
                    FUZZ_CHECK(frame.size() <= 2 + ws::maxControlPayload);
                    auto echoed = ws::parseClosePayload(ws::framePayload(frame));
                    FUZZ_CHECK(echoed.ok() && echoed.value().code == info.code);
                    FUZZ_CHECK(info.reason.startsWith(echoed.value().reason));
                } else {
                    FUZZ_CHECK(message.isEmpty());
                }
            }
        } else if (h.opcode == ws::Opcode::Text) {
            // The strict UTF-8 check agrees with Qt's decoder on what it accepts.
            if (ws::isValidUtf8(message))
                FUZZ_CHECK(QString::fromUtf8(message).toUtf8() == message);
        }
        // A server frame of the same payload frames it exactly.
        const QByteArray echoed = ws::encodeFrame(ws::Opcode::Binary, message);
        FUZZ_CHECK(echoed.size() == ws::serverHeaderSize(length) + length);
        FUZZ_CHECK(ws::framePayload(echoed) == message);
        pos += qsizetype(frameSize);
    }
    // Any bytes at all: the UTF-8 check never reads out of bounds and agrees with Qt.
    const QByteArrayView all = fuzz::bytes(data, size);
    if (ws::isValidUtf8(all))
        FUZZ_CHECK(QString::fromUtf8(all).toUtf8() == all);
    return 0;
}
