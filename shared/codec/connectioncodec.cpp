// The admin channel's connection object (docs/protocol.md, "Admin channel").

#include "shared/codec/jsonfields.h"
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"

#include <limits>

namespace notify {

namespace {

// JSON numbers are doubles; every counter and id here stays far below 2^53.
QJsonValue count(quint64 n)
{
    return QJsonValue(static_cast<qint64>(n));
}

} // namespace

QString protocolName(ClientProtocol p)
{
    switch (p) {
    case ClientProtocol::SocketIo:
        return QStringLiteral("socket.io");
    case ClientProtocol::Sse:
        return QStringLiteral("sse");
    case ClientProtocol::Plain:
        break;
    }
    return QStringLiteral("plain");
}

QJsonObject connectionToJson(const ConnectionInfo &c)
{
    return QJsonObject {
        {QStringLiteral("id"), count(c.id)},
        {QStringLiteral("orgId"), c.orgId},
        {QStringLiteral("userId"), c.userId},
        {QStringLiteral("role"), c.role},
        {QStringLiteral("protocol"), protocolName(c.protocol)},
        {QStringLiteral("remoteAddress"), c.remoteAddress},
        {QStringLiteral("userAgent"), c.userAgent},
        {QStringLiteral("origin"), c.origin},
        {QStringLiteral("connectedAt"), timestampOrNull(c.connectedAt)},
        {QStringLiteral("lastPongAt"), timestampOrNull(c.lastPongAt)},
        // Not measured yet is null, not a misleading -1 ms on a console's screen.
        {QStringLiteral("rttMs"), c.rttMs < 0 ? QJsonValue(QJsonValue::Null) : c.rttMs},
        {QStringLiteral("framesIn"), count(c.framesIn)},
        {QStringLiteral("framesOut"), count(c.framesOut)},
        {QStringLiteral("bytesOut"), count(c.bytesOut)},
        {QStringLiteral("rooms"), QJsonArray::fromStringList(c.rooms)},
        {QStringLiteral("tokenIssuer"), c.tokenIssuer},
        {QStringLiteral("tokenAlgorithm"), c.tokenAlgorithm},
        {QStringLiteral("tokenKeyId"), c.tokenKeyId},
        {QStringLiteral("expiresAt"), timestampOrNull(c.expiresAt)},
    };
}

Result<ConnectionInfo, ValidationError> connectionFromJson(const QJsonObject &json)
{
    ConnectionInfo c;

    auto id = jsonfields::requiredCount(json, QStringLiteral("id"));
    if (!id)
        return id.error();
    c.id = static_cast<quint64>(*id);

    for (auto [field, out] : {std::pair {QStringLiteral("orgId"), &c.orgId},
                              std::pair {QStringLiteral("userId"), &c.userId},
                              std::pair {QStringLiteral("role"), &c.role},
                              std::pair {QStringLiteral("remoteAddress"), &c.remoteAddress},
                              std::pair {QStringLiteral("userAgent"), &c.userAgent},
                              std::pair {QStringLiteral("origin"), &c.origin},
                              std::pair {QStringLiteral("tokenIssuer"), &c.tokenIssuer},
                              std::pair {QStringLiteral("tokenAlgorithm"), &c.tokenAlgorithm},
                              std::pair {QStringLiteral("tokenKeyId"), &c.tokenKeyId}}) {
        auto value = optionalString(json, field);
        if (!value)
            return value.error();
        *out = std::move(value).value();
    }

    const QJsonValue protocol = json.value(QStringLiteral("protocol"));
    if (protocol == QJsonValue(protocolName(ClientProtocol::SocketIo)))
        c.protocol = ClientProtocol::SocketIo;
    else if (protocol == QJsonValue(protocolName(ClientProtocol::Plain)))
        c.protocol = ClientProtocol::Plain;
    else if (protocol == QJsonValue(protocolName(ClientProtocol::Sse)))
        c.protocol = ClientProtocol::Sse;
    else
        return ValidationError {QStringLiteral("protocol"),
                                QStringLiteral("must be \"plain\", \"socket.io\" or \"sse\"")};

    for (auto [field, out] : {std::pair {QStringLiteral("connectedAt"), &c.connectedAt},
                              std::pair {QStringLiteral("lastPongAt"), &c.lastPongAt},
                              std::pair {QStringLiteral("expiresAt"), &c.expiresAt}}) {
        auto t = jsonfields::optionalTimestamp(json, field);
        if (!t)
            return t.error();
        *out = *t;
    }

    const QJsonValue rttValue = json.value(QStringLiteral("rttMs"));
    if (!rttValue.isUndefined() && !rttValue.isNull()) {
        auto rtt = jsonfields::requiredCount(json, QStringLiteral("rttMs"));
        if (!rtt || *rtt > std::numeric_limits<int>::max())
            return ValidationError {QStringLiteral("rttMs"),
                                    QStringLiteral("must be a non-negative integer or null")};
        c.rttMs = static_cast<int>(*rtt);
    }

    for (auto [field, out] : {std::pair {QStringLiteral("framesIn"), &c.framesIn},
                              std::pair {QStringLiteral("framesOut"), &c.framesOut},
                              std::pair {QStringLiteral("bytesOut"), &c.bytesOut}}) {
        auto n = jsonfields::requiredCount(json, field);
        if (!n)
            return n.error();
        *out = static_cast<quint64>(*n);
    }

    const QJsonValue rooms = json.value(QStringLiteral("rooms"));
    if (!rooms.isUndefined() && !rooms.isNull()) {
        const auto bad = ValidationError {QStringLiteral("rooms"),
                                          QStringLiteral("must be an array of strings")};
        if (!rooms.isArray())
            return bad;
        for (const QJsonValue &room : rooms.toArray()) {
            if (!room.isString())
                return bad;
            c.rooms.append(room.toString());
        }
    }
    return c;
}

} // namespace notify
