// Engine.IO v4: websocket-transport packets, polling bodies and the handshake query.

#include "fuzzcheck.h"

#include "server/socketio/enginecodec.h"

using namespace notify;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input = fuzz::bytes(data, size);

    const auto packet = eio::decodePacket(input);
    if (packet.ok()) {
        // Decoding loses nothing: the packet encodes back to the same bytes.
        FUZZ_CHECK(eio::encodePacket(*packet) == input);
        FUZZ_CHECK(int(packet->type) >= 0 && int(packet->type) <= 6);
    } else {
        FUZZ_CHECK(!packet.error().message.isEmpty());
    }
    const auto binary = eio::decodePacket(input, eio::FrameKind::Binary);
    FUZZ_CHECK(!binary.ok() && binary.error().kind == eio::DecodeError::Kind::BinaryNotSupported);

    eio::PayloadLimits small;
    small.maxBytes = 48;
    small.maxPackets = 3;
    for (const eio::PayloadLimits &limits : {eio::PayloadLimits {}, small}) {
        const auto packets = eio::decodePayload(input, limits);
        if (packets.ok()) {
            FUZZ_CHECK(packets->size() <= limits.maxPackets);
            FUZZ_CHECK(input.size() <= limits.maxBytes);
            FUZZ_CHECK(eio::encodePayload(*packets) == input);
            for (const eio::Packet &p : *packets)
                FUZZ_CHECK(!p.data.contains(eio::recordSeparator));
        } else {
            FUZZ_CHECK(!packets.error().message.isEmpty());
            const int status = eio::httpStatus(packets.error());
            FUZZ_CHECK(status == 400 || status == 413);
        }
    }

    const auto query = eio::parseHandshakeQuery(
        QUrlQuery(QString::fromUtf8(input)), eio::Transport::Polling | eio::Transport::WebSocket);
    if (query.ok()) {
        FUZZ_CHECK(query->eio == eio::protocolVersion);
        if (query->sid) {
            FUZZ_CHECK(!query->sid->isEmpty() && query->sid->size() <= eio::maxSidLength);
            for (QChar c : *query->sid)
                FUZZ_CHECK((c.unicode() < 128 && c.isLetterOrNumber()) || c == u'_' || c == u'-');
        }
    } else {
        const int code = int(query.error());
        FUZZ_CHECK(code >= 0 && code <= 5);
        FUZZ_CHECK(eio::httpStatus(query.error()) == 400 || eio::httpStatus(query.error()) == 403);
    }
    if (size > 0) {
        const bool hasSid = data[0] & 1;
        const auto methodError = eio::checkRequestMethod(input.sliced(1), hasSid);
        if (!methodError) {
            const QByteArrayView method = input.sliced(1);
            FUZZ_CHECK(method == "GET" || (hasSid && method == "POST"));
        }
    }
    return 0;
}
