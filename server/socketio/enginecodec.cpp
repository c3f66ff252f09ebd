#include "server/socketio/enginecodec.h"

#include "server/socketio/textutil_p.h"

namespace notify::eio {

namespace {

DecodeError makeError(DecodeError::Kind kind, QString message)
{
    return DecodeError{kind, std::move(message)};
}

bool carriesData(PacketType type)
{
    switch (type) {
    case PacketType::Close:
    case PacketType::Upgrade:
    case PacketType::Noop:
        return false;
    default:
        return true;
    }
}

// Shared by the websocket and the polling decoders; `text` is known to be valid UTF-8.
Result<Packet, DecodeError> decodeText(QByteArrayView text)
{
    if (text.isEmpty())
        return makeError(DecodeError::Kind::Empty, QStringLiteral("empty Engine.IO packet"));
    const char first = text.front();
    if (first == 'b') {
        return makeError(DecodeError::Kind::BinaryNotSupported,
                         QStringLiteral("binary Engine.IO packets are not supported"));
    }
    if (first < '0' || first > '6') {
        return makeError(DecodeError::Kind::UnknownType,
                         QStringLiteral("unknown Engine.IO packet type"));
    }
    const auto type = static_cast<PacketType>(first - '0');
    if (!carriesData(type) && text.size() > 1) {
        return makeError(DecodeError::Kind::UnexpectedData,
                         QStringLiteral("Engine.IO packet type %1 carries no data")
                             .arg(QLatin1Char(first)));
    }
    return Packet{type, text.sliced(1).toByteArray()};
}

} // namespace

int httpStatus(const DecodeError &error)
{
    return error.kind == DecodeError::Kind::PayloadTooLarge ? 413 : 400;
}

Result<Packet, DecodeError> decodePacket(QByteArrayView frame, FrameKind kind)
{
    if (kind == FrameKind::Binary) {
        return makeError(DecodeError::Kind::BinaryNotSupported,
                         QStringLiteral("binary WebSocket frames are not supported"));
    }
    if (!detail::isValidUtf8(frame)) {
        return makeError(DecodeError::Kind::InvalidUtf8,
                         QStringLiteral("Engine.IO packet is not valid UTF-8"));
    }
    return decodeText(frame);
}

QByteArray encodePacket(PacketType type, QByteArrayView data)
{
    QByteArray out;
    out.reserve(1 + data.size());
    out.append(char('0' + static_cast<int>(type)));
    out.append(data);
    return out;
}

QByteArray encodePacket(const Packet &packet)
{
    if (packet.binary)
        return 'b' + packet.data;
    return encodePacket(packet.type, packet.data);
}

QByteArray encodeOpenPacket(const OpenInfo &info)
{
    QByteArray out;
    out.reserve(128);
    out.append("0{\"sid\":");
    detail::appendJsonString(out, QStringView(info.sid));
    out.append(",\"upgrades\":[");
    for (qsizetype i = 0; i < info.upgrades.size(); ++i) {
        if (i > 0)
            out.append(',');
        detail::appendJsonString(out, QStringView(info.upgrades.at(i)));
    }
    out.append("],\"pingInterval\":");
    out.append(QByteArray::number(info.pingInterval));
    out.append(",\"pingTimeout\":");
    out.append(QByteArray::number(info.pingTimeout));
    out.append(",\"maxPayload\":");
    out.append(QByteArray::number(info.maxPayload));
    out.append('}');
    return out;
}

Result<QList<Packet>, DecodeError> decodePayload(QByteArrayView body, const PayloadLimits &limits)
{
    if (body.size() > limits.maxBytes) {
        return makeError(DecodeError::Kind::PayloadTooLarge,
                         QStringLiteral("payload of %1 bytes exceeds the limit of %2 bytes")
                             .arg(body.size())
                             .arg(limits.maxBytes));
    }
    if (!detail::isValidUtf8(body)) {
        return makeError(DecodeError::Kind::InvalidUtf8,
                         QStringLiteral("payload is not valid UTF-8"));
    }
    // Count first so that a body of a million separators is refused before any allocation.
    const qsizetype count = body.count(recordSeparator) + 1;
    if (count > limits.maxPackets) {
        return makeError(DecodeError::Kind::TooManyPackets,
                         QStringLiteral("payload holds %1 packets, the limit is %2")
                             .arg(count)
                             .arg(limits.maxPackets));
    }
    QList<Packet> packets;
    packets.reserve(count);
    qsizetype start = 0;
    while (true) {
        const qsizetype end = body.indexOf(recordSeparator, start);
        const QByteArrayView part = body.sliced(start, (end < 0 ? body.size() : end) - start);
        if (part.startsWith('b')) {
            // Not decoded: the session refuses binary packets the same way on both transports.
            packets.append(Packet {PacketType::Message, part.sliced(1).toByteArray(), true});
        } else {
            auto packet = decodeText(part);
            if (!packet) {
                DecodeError error = packet.error();
                error.message = QStringLiteral("packet %1 of the payload: %2")
                                    .arg(packets.size() + 1)
                                    .arg(error.message);
                return error;
            }
            packets.append(std::move(packet).value());
        }
        if (end < 0)
            break;
        start = end + 1;
    }
    return packets;
}

QByteArray encodePayload(const QList<Packet> &packets)
{
    qsizetype size = 0;
    for (const Packet &p : packets)
        size += 2 + p.data.size();
    QByteArray out;
    out.reserve(size);
    for (qsizetype i = 0; i < packets.size(); ++i) {
        if (i > 0)
            out.append(recordSeparator);
        out.append(packets.at(i).binary ? 'b' : char('0' + static_cast<int>(packets.at(i).type)));
        out.append(packets.at(i).data);
    }
    return out;
}

QByteArray joinPayload(const QList<QByteArray> &encodedPackets)
{
    qsizetype size = 0;
    for (const QByteArray &p : encodedPackets)
        size += 1 + p.size();
    QByteArray out;
    out.reserve(size);
    for (qsizetype i = 0; i < encodedPackets.size(); ++i) {
        if (i > 0)
            out.append(recordSeparator);
        out.append(encodedPackets.at(i));
    }
    return out;
}

QString errorMessage(ServerError error)
{
    switch (error) {
    case ServerError::UnknownTransport: return QStringLiteral("Transport unknown");
    case ServerError::UnknownSid: return QStringLiteral("Session ID unknown");
    case ServerError::BadHandshakeMethod: return QStringLiteral("Bad handshake method");
    case ServerError::BadRequest: return QStringLiteral("Bad request");
    case ServerError::Forbidden: return QStringLiteral("Forbidden");
    case ServerError::UnsupportedProtocolVersion:
        return QStringLiteral("Unsupported protocol version");
    }
    return QStringLiteral("Bad request");
}

int httpStatus(ServerError error)
{
    return error == ServerError::Forbidden ? 403 : 400;
}

QByteArray errorBody(ServerError error)
{
    QByteArray out("{\"code\":");
    out.append(QByteArray::number(static_cast<int>(error)));
    out.append(",\"message\":");
    detail::appendJsonString(out, QStringView(errorMessage(error)));
    out.append('}');
    return out;
}

namespace {

// The single value of `key`, or nullopt when it is missing or given more than once: a
// repeated parameter is ambiguous, and different layers could read different copies.
std::optional<QString> singleValue(const QUrlQuery &query, const QString &key, bool *repeated)
{
    const QStringList values = query.allQueryItemValues(key, QUrl::FullyDecoded);
    *repeated = values.size() > 1;
    if (values.size() != 1)
        return std::nullopt;
    return values.front();
}

bool isUrlSafeId(const QString &sid)
{
    for (const QChar c : sid) {
        const char16_t u = c.unicode();
        const bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z')
            || (u >= '0' && u <= '9') || u == '-' || u == '_';
        if (!ok)
            return false;
    }
    return true;
}

} // namespace

Result<HandshakeQuery, ServerError> parseHandshakeQuery(const QUrlQuery &query,
                                                        Transports allowed)
{
    HandshakeQuery result;
    bool repeated = false;

    const auto transport = singleValue(query, QStringLiteral("transport"), &repeated);
    if (!transport)
        return ServerError::UnknownTransport;
    if (*transport == QLatin1String("websocket") && allowed.testFlag(Transport::WebSocket))
        result.transport = Transport::WebSocket;
    else if (*transport == QLatin1String("polling") && allowed.testFlag(Transport::Polling))
        result.transport = Transport::Polling;
    else
        return ServerError::UnknownTransport;

    const auto eio = singleValue(query, QStringLiteral("EIO"), &repeated);
    if (!eio || *eio != QLatin1String("4"))
        return ServerError::UnsupportedProtocolVersion;
    result.eio = protocolVersion;

    const auto sid = singleValue(query, QStringLiteral("sid"), &repeated);
    if (repeated)
        return ServerError::BadRequest;
    if (sid && !sid->isEmpty()) {
        if (sid->size() > maxSidLength || !isUrlSafeId(*sid))
            return ServerError::UnknownSid;
        result.sid = *sid;
    }
    return result;
}

std::optional<ServerError> checkRequestMethod(QByteArrayView method, bool hasSid)
{
    const bool isGet = method == QByteArrayView("GET");
    if (!hasSid)
        return isGet ? std::nullopt : std::optional(ServerError::BadHandshakeMethod);
    if (isGet || method == QByteArrayView("POST"))
        return std::nullopt;
    return ServerError::BadRequest;
}

} // namespace notify::eio
