#pragma once

#include "shared/model/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QFlags>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

#include <optional>

// Engine.IO protocol v4 (https://github.com/socketio/engine.io-protocol), server side.
// Pure functions over bytes: no sockets, no event loop, safe to call from any thread.
// Binary packets are not supported: a binary frame is rejected with a typed error, and a
// "b<base64>" packet of a polling body is handed up undecoded (Packet::binary) so that the
// session answers it exactly as it answers a binary frame (docs/protocol.md, "Engine.IO").
namespace notify::eio {

inline constexpr int protocolVersion = 4;
// Engine.IO v4 separates the packets of a polling body with the ASCII record separator.
inline constexpr char recordSeparator = '\x1e';

enum class PacketType : quint8 {
    Open = 0,
    Close = 1,
    Ping = 2,
    Pong = 3,
    Message = 4,
    Upgrade = 5,
    Noop = 6,
};

struct Packet
{
    PacketType type = PacketType::Noop;
    // Text after the type digit, UTF-8: "probe" for "2probe", the Socket.IO packet for a
    // message. Always empty for close, upgrade and noop.
    QByteArray data;
    // A "b<base64>" packet of a polling body: `data` is its base64 text, not decoded, and
    // `type` is Message. Never set by decodePacket().
    bool binary = false;

    friend bool operator==(const Packet &, const Packet &) = default;
};

struct DecodeError
{
    enum class Kind {
        Empty,              // a zero-length packet
        UnknownType,        // the first character is not a digit 0..6
        BinaryNotSupported, // a binary WebSocket frame or a "b<base64>" polling packet
        UnexpectedData,     // close, upgrade or noop followed by data
        InvalidUtf8,
        PayloadTooLarge,    // polling body over PayloadLimits::maxBytes (HTTP 413)
        TooManyPackets,     // polling body over PayloadLimits::maxPackets
    };
    Kind kind = Kind::Empty;
    QString message;
};

// The HTTP status a polling transport answers a body that failed to decode with.
int httpStatus(const DecodeError &error);

enum class FrameKind { Text, Binary };

// One packet of the websocket transport: one frame. `frame` is the UTF-8 text of a text
// frame; a binary frame is always DecodeError::Kind::BinaryNotSupported. Size limits are
// the WebSocket layer's (WebSocket::setMaxMessageBytes).
Result<Packet, DecodeError> decodePacket(QByteArrayView frame, FrameKind kind = FrameKind::Text);

// "<type digit><data>", ready to send as one text frame (or one polling packet).
QByteArray encodePacket(PacketType type, QByteArrayView data = {});
QByteArray encodePacket(const Packet &packet);

// The handshake data of the open packet.
struct OpenInfo
{
    QString sid;
    QStringList upgrades; // empty on the websocket transport: there is nothing to upgrade to
    int pingInterval = 25000;
    int pingTimeout = 20000;
    qint64 maxPayload = 1000000;
};

// `0{"sid":"…","upgrades":[…],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`
// with the keys in the order of the specification.
QByteArray encodeOpenPacket(const OpenInfo &info);

// The polling transport's body: packets separated by the record separator.
struct PayloadLimits
{
    qsizetype maxBytes = 1000000; // engine.io's default maxHttpBufferSize
    int maxPackets = 1000;
};

// Decodes a polling POST body. All-or-nothing: one bad packet fails the whole body, as
// engine.io closes the session on any malformed payload. A "b<base64>" packet is no error:
// it comes back with Packet::binary set (what a binary frame is on the websocket).
Result<QList<Packet>, DecodeError> decodePayload(QByteArrayView body,
                                                 const PayloadLimits &limits = {});

// A polling GET response from several packets, or from packets already encoded with
// encodePacket()/the Socket.IO frame encoders (each must be non-empty and must not contain
// the record separator, which JSON text never does unescaped).
QByteArray encodePayload(const QList<Packet> &packets);
QByteArray joinPayload(const QList<QByteArray> &encodedPackets);

// The errors engine.io answers bad HTTP requests (handshake, polling) with.
enum class ServerError {
    UnknownTransport = 0,
    UnknownSid = 1,
    BadHandshakeMethod = 2,
    BadRequest = 3,
    Forbidden = 4,
    UnsupportedProtocolVersion = 5,
};

// "Transport unknown", "Session ID unknown", "Bad handshake method", "Bad request",
// "Forbidden", "Unsupported protocol version".
QString errorMessage(ServerError error);
// 403 for Forbidden, 400 for everything else, as engine.io does.
int httpStatus(ServerError error);
// `{"code":0,"message":"Transport unknown"}`, served as application/json.
QByteArray errorBody(ServerError error);

enum class Transport : quint8 {
    Polling = 0x1,
    WebSocket = 0x2,
};
Q_DECLARE_FLAGS(Transports, Transport)

struct HandshakeQuery
{
    int eio = protocolVersion;
    Transport transport = Transport::WebSocket;
    // Present when the client resumes or upgrades an existing session. An empty `sid=` is
    // treated as absent, like engine.io does.
    std::optional<QString> sid;
};

// Longest sid accepted; ours are 20 characters, anything much longer is not one of them.
inline constexpr qsizetype maxSidLength = 64;

// Validates the query of a request to the Engine.IO path (`EIO`, `transport`, `sid`).
// Errors, checked in this order:
// - `transport` missing, repeated or not one of `allowed` → UnknownTransport;
// - `EIO` missing, repeated or not exactly "4" → UnsupportedProtocolVersion (engine.io
//   reads a missing or unknown version as v3, which it refuses unless allowEIO3 is set);
// - `sid` repeated → BadRequest; longer than maxSidLength or not made of URL-safe
//   characters [A-Za-z0-9_-] → UnknownSid (it cannot be one we issued).
// Whether the sid is known is the caller's business.
Result<HandshakeQuery, ServerError> parseHandshakeQuery(const QUrlQuery &query,
                                                        Transports allowed = Transport::WebSocket);

// The method rule of engine.io: a new session (no sid) must start with GET
// (BadHandshakeMethod); an existing polling session takes GET and POST only (BadRequest).
std::optional<ServerError> checkRequestMethod(QByteArrayView method, bool hasSid);

} // namespace notify::eio

Q_DECLARE_OPERATORS_FOR_FLAGS(notify::eio::Transports)
