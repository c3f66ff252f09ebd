// Socket.IO v5 packets (the data of an Engine.IO message), and the frame encoders on what
// the decoder accepted.

#include "fuzzcheck.h"

#include "server/socketio/socketcodec.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace notify;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView text = fuzz::bytes(data, size);
    const auto decoded = sio::decodePacket(text);
    if (!decoded.ok()) {
        FUZZ_CHECK(!decoded.error().message.isEmpty());
        return 0;
    }
    const sio::Packet &p = *decoded;
    FUZZ_CHECK(p.type != sio::PacketType::BinaryEvent && p.type != sio::PacketType::BinaryAck);
    FUZZ_CHECK(p.nsp.startsWith(u'/') && !p.nsp.contains(u','));
    FUZZ_CHECK(p.nsp.toUtf8().size() <= sio::DecodeLimits {}.maxNamespaceBytes);
    FUZZ_CHECK(!p.id || (*p.id >= 0 && *p.id <= sio::maxAckId));
    switch (p.type) {
    case sio::PacketType::Connect:
        FUZZ_CHECK(p.data.isUndefined() || p.data.isObject());
        FUZZ_CHECK(!p.id);
        break;
    case sio::PacketType::Disconnect:
        FUZZ_CHECK(p.data.isUndefined() && !p.id);
        break;
    case sio::PacketType::Event:
        FUZZ_CHECK(p.data.isArray() && !p.eventName().isEmpty());
        FUZZ_CHECK(!sio::isReservedEventName(p.eventName()));
        FUZZ_CHECK(p.eventArgs().size() == p.data.toArray().size() - 1);
        break;
    case sio::PacketType::Ack:
        FUZZ_CHECK(p.data.isArray() && p.id);
        break;
    case sio::PacketType::ConnectError:
        FUZZ_CHECK(p.data.isObject() || p.data.isString());
        break;
    default:
        FUZZ_CHECK(false);
    }
    // Encoding and decoding again gives the same packet, and the frame form adds the "4".
    const QByteArray encoded = sio::encodePacket(p);
    const auto again = sio::decodePacket(encoded);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(*again == p);
    FUZZ_CHECK(sio::encodeFrame(p) == '4' + encoded);

    // The hand-made encoders, on what a client could have named.
    const QByteArray nsp = p.nsp.toUtf8();
    if (p.type == sio::PacketType::Event && p.id) {
        const QByteArray arg = QJsonDocument(QJsonObject {{QStringLiteral("ok"), true}})
                                   .toJson(QJsonDocument::Compact);
        const auto ack = sio::decodePacket(sio::encodeAckFrame(nsp, *p.id, arg).sliced(1));
        FUZZ_CHECK(ack.ok() && ack->type == sio::PacketType::Ack && ack->id == p.id
                   && ack->nsp == p.nsp);
    }
    if (p.type == sio::PacketType::Event) {
        const QByteArray name = p.eventName().toUtf8();
        // An event name is JSON-escaped by the caller; one made of safe characters is not.
        // A name with an unpaired surrogate has no UTF-8 form (toUtf8 writes '?' for it).
        bool plain = QString::fromUtf8(name) == p.eventName();
        for (char c : name)
            plain = plain && c != '"' && c != '\\' && quint8(c) >= 0x20;
        if (plain) {
            const auto event = sio::decodePacket(sio::encodeEventFrame(nsp, name, "1").sliced(1));
            FUZZ_CHECK(event.ok() && event->eventName() == p.eventName() && event->nsp == p.nsp);
        }
    }
    return 0;
}
