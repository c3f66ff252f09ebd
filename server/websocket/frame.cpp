#include "server/websocket/frame.h"

#include <QtEndian>

#include <cstring>

namespace notify::ws {

namespace {

FrameError protocolError(const char *message)
{
    return FrameError {closecode::protocolError, QString::fromLatin1(message)};
}

// The length of `bytes` cut to at most `limit` bytes without splitting a UTF-8 sequence.
qsizetype utf8Prefix(QByteArrayView bytes, qsizetype limit)
{
    if (bytes.size() <= limit)
        return bytes.size();
    qsizetype n = limit;
    while (n > 0 && (quint8(bytes[n]) & 0xC0) == 0x80)
        --n; // bytes[n] continues a sequence that starts before it
    return n;
}

} // namespace

int serverHeaderSize(qsizetype payloadSize)
{
    if (payloadSize < 126)
        return 2;
    if (payloadSize <= 0xFFFF)
        return 4;
    return 10;
}

QByteArray encodeFrame(Opcode opcode, QByteArrayView payload)
{
    return encodeFrame(opcode, {payload});
}

QByteArray encodeFrame(Opcode opcode, std::initializer_list<QByteArrayView> payloadParts)
{
    qsizetype payloadSize = 0;
    for (QByteArrayView part : payloadParts)
        payloadSize += part.size();
    const int headerSize = serverHeaderSize(payloadSize);
    QByteArray frame(headerSize + payloadSize, Qt::Uninitialized);
    auto *out = reinterpret_cast<uchar *>(frame.data());
    out[0] = 0x80 | quint8(opcode);
    if (headerSize == 2) {
        out[1] = uchar(payloadSize);
    } else if (headerSize == 4) {
        out[1] = 126;
        qToBigEndian(quint16(payloadSize), out + 2);
    } else {
        out[1] = 127;
        qToBigEndian(quint64(payloadSize), out + 2);
    }
    uchar *at = out + headerSize;
    for (QByteArrayView part : payloadParts) {
        if (!part.isEmpty())
            std::memcpy(at, part.data(), size_t(part.size()));
        at += part.size();
    }
    return frame;
}

QByteArray encodeCloseFrame(int code, QByteArrayView reason)
{
    QByteArray payload(2, Qt::Uninitialized);
    qToBigEndian(quint16(code), payload.data());
    payload.append(reason.first(utf8Prefix(reason, maxControlPayload - 2)));
    return encodeFrame(Opcode::Close, payload);
}

QByteArrayView framePayload(const QByteArray &frame)
{
    if (frame.size() < 2)
        return {};
    const quint8 len = quint8(frame[1]) & 0x7F;
    const int headerSize = len < 126 ? 2 : len == 126 ? 4 : 10;
    return QByteArrayView(frame).sliced(qMin<qsizetype>(headerSize, frame.size()));
}

Result<std::optional<FrameHeader>, FrameError> parseClientFrameHeader(QByteArrayView buffer,
                                                                      quint64 maxPayload)
{
    if (buffer.size() < 2)
        return std::optional<FrameHeader>();
    const auto *in = reinterpret_cast<const uchar *>(buffer.data());
    FrameHeader h;
    h.fin = in[0] & 0x80;
    if (in[0] & 0x70)
        return protocolError("reserved bits set without a negotiated extension");
    const quint8 op = in[0] & 0x0F;
    switch (op) {
    case 0x0:
    case 0x1:
    case 0x2:
    case 0x8:
    case 0x9:
    case 0xA:
        h.opcode = Opcode(op);
        break;
    default:
        return protocolError("reserved opcode");
    }
    if (!(in[1] & 0x80))
        return protocolError("client frames must be masked");
    const quint8 len7 = in[1] & 0x7F;
    int lengthBytes = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    h.headerLength = 2 + lengthBytes + 4;
    if (buffer.size() < h.headerLength)
        return std::optional<FrameHeader>();
    if (lengthBytes == 0) {
        h.payloadLength = len7;
    } else if (lengthBytes == 2) {
        h.payloadLength = qFromBigEndian<quint16>(in + 2);
        if (h.payloadLength < 126)
            return protocolError("payload length not in its shortest form");
    } else {
        h.payloadLength = qFromBigEndian<quint64>(in + 2);
        if (h.payloadLength >> 63)
            return protocolError("payload length has its most significant bit set");
        if (h.payloadLength <= 0xFFFF)
            return protocolError("payload length not in its shortest form");
    }
    if (h.isControl()) {
        if (!h.fin)
            return protocolError("fragmented control frame");
        if (h.payloadLength > quint64(maxControlPayload))
            return protocolError("control frame longer than 125 bytes");
    } else if (h.payloadLength > maxPayload) {
        // maxPayload is what the message may still take, not the message limit: a caller
        // with fragments names its own limit to the client (WebSocket::processInput).
        return FrameError {closecode::tooBig,
                           QStringLiteral("data frame payload over %1 bytes").arg(maxPayload)};
    }
    std::memcpy(h.mask, in + 2 + lengthBytes, 4);
    return std::optional<FrameHeader>(h);
}

void unmask(char *data, qsizetype size, const quint8 mask[4], quint64 offset)
{
    // Word at a time: client messages are small, but an upload of maxPayload should not cost a
    // byte loop either.
    quint8 rotated[4];
    for (int i = 0; i < 4; ++i)
        rotated[i] = mask[(offset + quint64(i)) & 3];
    quint32 word;
    std::memcpy(&word, rotated, 4);
    const quint64 wide = (quint64(word) << 32) | word;
    qsizetype i = 0;
    for (; i + 8 <= size; i += 8) {
        quint64 chunk;
        std::memcpy(&chunk, data + i, 8);
        chunk ^= wide;
        std::memcpy(data + i, &chunk, 8);
    }
    for (; i < size; ++i)
        data[i] = char(quint8(data[i]) ^ rotated[i & 3]);
}

bool isValidUtf8(QByteArrayView bytes)
{
    const auto *p = reinterpret_cast<const uchar *>(bytes.data());
    const auto *end = p + bytes.size();
    while (p < end) {
        // ASCII runs, 8 bytes at a time.
        while (end - p >= 8) {
            quint64 chunk;
            std::memcpy(&chunk, p, 8);
            if (chunk & 0x8080808080808080ULL)
                break;
            p += 8;
        }
        if (p == end)
            break;
        const uchar c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int extra;
        quint32 min;
        quint32 cp;
        if ((c & 0xE0) == 0xC0) {
            extra = 1, min = 0x80, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2, min = 0x800, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return false;
        }
        if (end - p <= extra)
            return false;
        for (int i = 1; i <= extra; ++i) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += extra + 1;
    }
    return true;
}

bool isSendableCloseCode(int code)
{
    if (code >= 3000 && code <= 4999)
        return true;
    switch (code) {
    case 1000:
    case 1001:
    case 1002:
    case 1003:
    case 1007:
    case 1008:
    case 1009:
    case 1010:
    case 1011:
    case 1012:
    case 1013:
    case 1014:
        return true;
    default:
        return false;
    }
}

Result<CloseInfo, FrameError> parseClosePayload(QByteArrayView payload)
{
    CloseInfo info;
    if (payload.isEmpty())
        return info;
    if (payload.size() == 1)
        return protocolError("close frame with a one-byte payload");
    info.code = qFromBigEndian<quint16>(payload.data());
    if (!isSendableCloseCode(info.code))
        return protocolError("close code not allowed on the wire");
    const QByteArrayView reason = payload.sliced(2);
    if (!isValidUtf8(reason))
        return FrameError {closecode::invalidPayload,
                           QStringLiteral("close reason is not valid UTF-8")};
    info.reason = reason.toByteArray();
    return info;
}

} // namespace notify::ws
