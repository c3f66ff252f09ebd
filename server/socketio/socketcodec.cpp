#include "server/socketio/socketcodec.h"

#include "server/socketio/textutil_p.h"
#include "shared/codec/jsonvalue.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace notify::sio {

using eio::detail::appendJsonString;
using eio::detail::isValidUtf8;
using eio::detail::jsonStringSize;

namespace {

// 2^53 - 1 has 16 digits: anything longer is out of range before any arithmetic.
constexpr qsizetype maxAckIdDigits = 16;

DecodeError makeError(DecodeError::Kind kind, QString message)
{
    return DecodeError{kind, std::move(message)};
}

const char *typeName(PacketType type)
{
    switch (type) {
    case PacketType::Connect: return "CONNECT";
    case PacketType::Disconnect: return "DISCONNECT";
    case PacketType::Event: return "EVENT";
    case PacketType::Ack: return "ACK";
    case PacketType::ConnectError: return "CONNECT_ERROR";
    case PacketType::BinaryEvent: return "BINARY_EVENT";
    case PacketType::BinaryAck: return "BINARY_ACK";
    }
    return "?";
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isMainNamespace(QByteArrayView nsp)
{
    return nsp.isEmpty() || nsp == QByteArrayView("/");
}

// The namespace and its ',' as they go on the wire; nothing for the main namespace.
qsizetype namespaceSize(QByteArrayView nsp)
{
    return isMainNamespace(nsp) ? 0 : nsp.size() + 1;
}

void appendNamespace(QByteArray &out, QByteArrayView nsp)
{
    if (isMainNamespace(nsp))
        return;
    out.append(nsp);
    out.append(',');
}

Result<QJsonValue, DecodeError> parseJson(QByteArrayView text, bool allowString)
{
    // QJsonDocument takes only arrays and objects at the top level; a CONNECT_ERROR may
    // carry a bare string (the v4 form), so that one is parsed inside an array.
    const QByteArrayView trimmed = text.trimmed();
    const bool isString = allowString && !trimmed.isEmpty() && trimmed.front() == '"';
    QByteArray source;
    if (isString) {
        source.reserve(text.size() + 2);
        source.append('[').append(text).append(']');
    } else {
        source = text.toByteArray();
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(source, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return makeError(DecodeError::Kind::InvalidJson,
                         QStringLiteral("invalid JSON data: %1").arg(parseError.errorString()));
    }
    if (isString) {
        const QJsonArray array = doc.array();
        if (array.size() != 1 || !array.at(0).isString()) {
            return makeError(DecodeError::Kind::InvalidJson,
                             QStringLiteral("invalid JSON data: more than one value"));
        }
        return array.at(0);
    }
    if (doc.isArray())
        return QJsonValue(doc.array());
    return QJsonValue(doc.object());
}

std::optional<DecodeError> checkPayload(PacketType type, const QJsonValue &data)
{
    const auto invalid = [type](const char *what) {
        return makeError(DecodeError::Kind::InvalidPayload,
                         QStringLiteral("%1 data must be %2")
                             .arg(QLatin1String(typeName(type)), QLatin1String(what)));
    };
    switch (type) {
    case PacketType::Connect:
        if (!data.isUndefined() && !data.isObject())
            return invalid("an object");
        return std::nullopt;
    case PacketType::Disconnect:
        if (!data.isUndefined())
            return invalid("absent");
        return std::nullopt;
    case PacketType::ConnectError:
        if (!data.isObject() && !data.isString())
            return invalid("an object or a string");
        return std::nullopt;
    case PacketType::Ack:
        if (!data.isArray())
            return invalid("an array");
        return std::nullopt;
    case PacketType::Event: {
        if (!data.isArray() || data.toArray().isEmpty())
            return invalid("a non-empty array");
        const QJsonValue name = data.toArray().first();
        if (!name.isString() || name.toString().isEmpty())
            return invalid("an array starting with the event name");
        if (isReservedEventName(name.toString())) {
            return makeError(DecodeError::Kind::InvalidPayload,
                             QStringLiteral("\"%1\" is a reserved event name")
                                 .arg(name.toString()));
        }
        return std::nullopt;
    }
    case PacketType::BinaryEvent:
    case PacketType::BinaryAck:
        break;
    }
    return makeError(DecodeError::Kind::BinaryNotSupported,
                     QStringLiteral("binary Socket.IO packets are not supported"));
}

} // namespace

QString Packet::eventName() const
{
    return data.toArray().first().toString();
}

QJsonArray Packet::eventArgs() const
{
    QJsonArray args = data.toArray();
    if (!args.isEmpty())
        args.removeFirst();
    return args;
}

bool isReservedEventName(QStringView name)
{
    static constexpr QLatin1StringView reserved[] = {
        QLatin1StringView("connect"),     QLatin1StringView("connect_error"),
        QLatin1StringView("disconnect"),  QLatin1StringView("disconnecting"),
        QLatin1StringView("newListener"), QLatin1StringView("removeListener"),
    };
    for (const QLatin1StringView r : reserved) {
        if (name == r)
            return true;
    }
    return false;
}

Result<Packet, DecodeError> decodePacket(QByteArrayView text, const DecodeLimits &limits)
{
    if (text.isEmpty())
        return makeError(DecodeError::Kind::Empty, QStringLiteral("empty Socket.IO packet"));
    const char first = text.front();
    if (first < '0' || first > '6') {
        return makeError(DecodeError::Kind::UnknownType,
                         QStringLiteral("unknown Socket.IO packet type"));
    }
    Packet packet;
    packet.type = static_cast<PacketType>(first - '0');
    if (packet.type == PacketType::BinaryEvent || packet.type == PacketType::BinaryAck) {
        return makeError(DecodeError::Kind::BinaryNotSupported,
                         QStringLiteral("binary Socket.IO packets (%1) are not supported")
                             .arg(QLatin1String(typeName(packet.type))));
    }
    qsizetype pos = 1;

    if (pos < text.size() && text[pos] == '/') {
        // Look for the ',' only as far as the limit allows, so a long frame without one
        // costs no more than a short one.
        const qsizetype window = qMin(text.size() - pos, limits.maxNamespaceBytes + 1);
        const qsizetype comma = text.sliced(pos, window).indexOf(',');
        if (comma < 0) {
            if (window > limits.maxNamespaceBytes) {
                return makeError(DecodeError::Kind::InvalidNamespace,
                                 QStringLiteral("namespace longer than %1 bytes")
                                     .arg(limits.maxNamespaceBytes));
            }
            return makeError(DecodeError::Kind::InvalidNamespace,
                             QStringLiteral("namespace not terminated by ','"));
        }
        const QByteArrayView nsp = text.sliced(pos, comma);
        for (const char c : nsp) {
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                return makeError(DecodeError::Kind::InvalidNamespace,
                                 QStringLiteral("namespace contains control characters"));
            }
        }
        if (!isValidUtf8(nsp)) {
            return makeError(DecodeError::Kind::InvalidNamespace,
                             QStringLiteral("namespace is not valid UTF-8"));
        }
        packet.nsp = QString::fromUtf8(nsp);
        pos += comma + 1;
    }

    if (pos < text.size() && isDigit(text[pos])) {
        const qsizetype start = pos;
        while (pos < text.size() && isDigit(text[pos]) && pos - start <= maxAckIdDigits)
            ++pos;
        const QByteArrayView digits = text.sliced(start, pos - start);
        if (digits.size() > maxAckIdDigits) {
            return makeError(DecodeError::Kind::InvalidAckId,
                             QStringLiteral("ack id out of range"));
        }
        if (digits.size() > 1 && digits.front() == '0') {
            return makeError(DecodeError::Kind::InvalidAckId,
                             QStringLiteral("ack id with leading zeros"));
        }
        qint64 id = 0;
        for (const char c : digits)
            id = id * 10 + (c - '0');
        if (id > maxAckId) {
            return makeError(DecodeError::Kind::InvalidAckId,
                             QStringLiteral("ack id out of range"));
        }
        if (packet.type != PacketType::Event && packet.type != PacketType::Ack) {
            return makeError(DecodeError::Kind::InvalidAckId,
                             QStringLiteral("%1 packets take no ack id")
                                 .arg(QLatin1String(typeName(packet.type))));
        }
        packet.id = id;
    }
    if (packet.type == PacketType::Ack && !packet.id)
        return makeError(DecodeError::Kind::MissingAckId, QStringLiteral("ACK without an id"));

    const QByteArrayView rest = text.sliced(pos);
    if (!rest.isEmpty()) {
        if (packet.type == PacketType::Disconnect) {
            return makeError(DecodeError::Kind::InvalidPayload,
                             QStringLiteral("DISCONNECT data must be absent"));
        }
        auto data = parseJson(rest, packet.type == PacketType::ConnectError);
        if (!data)
            return data.error();
        packet.data = std::move(data).value();
    }
    if (auto error = checkPayload(packet.type, packet.data))
        return *error;
    return packet;
}

QByteArray encodePacket(const Packet &packet)
{
    QByteArray out;
    out.append(char('0' + static_cast<int>(packet.type)));
    if (packet.type == PacketType::BinaryEvent || packet.type == PacketType::BinaryAck)
        out.append("0-"); // never produced by us with attachments: say there are none
    appendNamespace(out, QByteArrayView(packet.nsp.toUtf8()));
    if (packet.id)
        out.append(QByteArray::number(*packet.id));
    if (!packet.data.isUndefined())
        json::appendValue(out, packet.data);
    return out;
}

QByteArray encodeFrame(const Packet &packet)
{
    return '4' + encodePacket(packet);
}

QByteArray encodeConnectFrame(QByteArrayView nsp, QByteArrayView sid)
{
    static constexpr QByteArrayView head("{\"sid\":");
    QByteArray out;
    out.reserve(2 + namespaceSize(nsp) + head.size() + jsonStringSize(sid) + 1);
    out.append("40");
    appendNamespace(out, nsp);
    out.append(head);
    appendJsonString(out, sid);
    out.append('}');
    return out;
}

QByteArray encodeConnectErrorFrame(QByteArrayView nsp, QByteArrayView message)
{
    static constexpr QByteArrayView head("{\"message\":");
    QByteArray out;
    out.reserve(2 + namespaceSize(nsp) + head.size() + jsonStringSize(message) + 1);
    out.append("44");
    appendNamespace(out, nsp);
    out.append(head);
    appendJsonString(out, message);
    out.append('}');
    return out;
}

QByteArray encodeDisconnectFrame(QByteArrayView nsp)
{
    QByteArray out;
    out.reserve(2 + namespaceSize(nsp));
    out.append("41");
    appendNamespace(out, nsp);
    return out;
}

QByteArray encodeEventFrame(QByteArrayView nsp, QByteArrayView eventName,
                            QByteArrayView dataJson)
{
    QByteArray out;
    out.reserve(2 + namespaceSize(nsp) + 1 + jsonStringSize(eventName)
                + (dataJson.isEmpty() ? 0 : 1 + dataJson.size()) + 1);
    out.append("42");
    appendNamespace(out, nsp);
    out.append('[');
    appendJsonString(out, eventName);
    if (!dataJson.isEmpty()) {
        out.append(',');
        out.append(dataJson);
    }
    out.append(']');
    return out;
}

QByteArray encodeAckFrame(QByteArrayView nsp, qint64 id, QByteArrayView argJson)
{
    const QByteArray idText = QByteArray::number(id);
    QByteArray out;
    out.reserve(2 + namespaceSize(nsp) + idText.size() + 2 + argJson.size());
    out.append("43");
    appendNamespace(out, nsp);
    out.append(idText);
    out.append('[');
    out.append(argJson);
    out.append(']');
    return out;
}

} // namespace notify::sio
