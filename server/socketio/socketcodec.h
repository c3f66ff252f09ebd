#pragma once

#include "shared/model/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonArray>
#include <QJsonValue>
#include <QString>

#include <optional>

// Socket.IO protocol v5 (https://github.com/socketio/socket.io-protocol), default parser,
// server side. Every Socket.IO packet travels as the data of an Engine.IO message packet:
// the decoder takes that data (without the leading "4"); the encoders return whole
// Engine.IO frames (with the "4"), ready to send as one WebSocket text frame.
// Binary packets (BINARY_EVENT, BINARY_ACK) are not supported and are rejected.
namespace notify::sio {

inline constexpr int protocolVersion = 5;

enum class PacketType : quint8 {
    Connect = 0,
    Disconnect = 1,
    Event = 2,
    Ack = 3,
    ConnectError = 4,
    BinaryEvent = 5,
    BinaryAck = 6,
};

// The largest ack id: JavaScript's Number.MAX_SAFE_INTEGER (2^53 - 1), the largest integer
// socket.io-client can count to exactly.
inline constexpr qint64 maxAckId = (qint64(1) << 53) - 1;

struct Packet
{
    PacketType type = PacketType::Connect;
    QString nsp = QStringLiteral("/");
    std::optional<qint64> id;
    // Undefined when the packet carries no data. CONNECT: an object (the auth payload);
    // EVENT: a non-empty array, event name first; ACK: an array; CONNECT_ERROR: an object
    // or a string.
    QJsonValue data = QJsonValue(QJsonValue::Undefined);

    // For EVENT packets: the event name and the arguments after it.
    QString eventName() const;
    QJsonArray eventArgs() const;

    friend bool operator==(const Packet &, const Packet &) = default;
};

struct DecodeError
{
    enum class Kind {
        Empty,
        UnknownType,        // the first character is not a digit 0..6
        BinaryNotSupported, // BINARY_EVENT or BINARY_ACK
        InvalidNamespace,   // no terminating ',', too long, control characters, bad UTF-8
        InvalidAckId,       // over maxAckId, or on a packet type that takes none
        MissingAckId,       // an ACK without an id
        InvalidJson,        // the data is not JSON (or not UTF-8, or nested too deep)
        InvalidPayload,     // well-formed JSON of the wrong shape for the packet type
    };
    Kind kind = Kind::Empty;
    QString message;
};

struct DecodeLimits
{
    qsizetype maxNamespaceBytes = 128; // '/' included
};

// Event names that Socket.IO reserves for its own use and refuses from the wire.
bool isReservedEventName(QStringView name);

// Decodes one Socket.IO packet: the data of an Engine.IO message packet.
// `<type>[<namespace>,][<ack id>][<JSON data>]`, strictly:
// - type 0..4 (5 and 6 give BinaryNotSupported);
// - a namespace starts with '/' and ends at the first ','; it defaults to "/";
// - an ack id (digits, at most maxAckId) only on EVENT (optional) and ACK (required);
// - data: CONNECT an optional object; DISCONNECT none; EVENT a non-empty array whose first
//   element is a non-reserved string; ACK an array; CONNECT_ERROR an object or a string.
// Nesting depth is bounded by QJsonDocument (1024 levels).
Result<Packet, DecodeError> decodePacket(QByteArrayView text, const DecodeLimits &limits = {});

// A general encoder: the Socket.IO text of `packet`, without the Engine.IO "4".
QByteArray encodePacket(const Packet &packet);
// The same with the Engine.IO "4" in front: one WebSocket text frame.
QByteArray encodeFrame(const Packet &packet);

// The frame encoders below take the namespace as UTF-8; "/" (or empty) is the main
// namespace and is left out of the frame. A namespace must start with '/' and must not
// contain ','; they are the server's own names and are not checked.

// `40/ns,{"sid":"…"}`, or `40{"sid":"…"}` on "/": the namespace connection is granted.
QByteArray encodeConnectFrame(QByteArrayView nsp, QByteArrayView sid);
// `44/ns,{"message":"…"}`: the namespace connection is refused.
QByteArray encodeConnectErrorFrame(QByteArrayView nsp, QByteArrayView message);
// `41/ns,`, or `41` on "/": the server ends the namespace connection.
QByteArray encodeDisconnectFrame(QByteArrayView nsp);

// `42/ns,["eventName",<dataJson>]` from data already encoded as JSON (not re-parsed, not
// checked), so that one event is serialised once and wrapped for every namespace and
// connection. An empty `dataJson` gives `42/ns,["eventName"]`.
QByteArray encodeEventFrame(QByteArrayView nsp, QByteArrayView eventName,
                            QByteArrayView dataJson);

// `43/ns,<id>[<argJson>]`: the reply to an EVENT with ack id `id`, with one argument
// already encoded as JSON (not re-parsed, not checked); an empty `argJson` gives
// `43/ns,<id>[]`.
QByteArray encodeAckFrame(QByteArrayView nsp, qint64 id, QByteArrayView argJson);

} // namespace notify::sio
