#include "shared/adminapi/pushes.h"

#include "shared/adminapi/adminprotocol.h"
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"

namespace notify::admin {

namespace {

const QString connectionsKey = QStringLiteral("connections");
const QString connectionKey = QStringLiteral("connection");
const QString connectionIdKey = QStringLiteral("connectionId");
const QString roomsKey = QStringLiteral("rooms");
const QString totalsKey = QStringLiteral("totals");
const QString perSecondKey = QStringLiteral("perSecond");
const QString intervalKey = QStringLiteral("intervalMs");

} // namespace

const QString &Snapshot::type()
{
    return msg::snapshot;
}

QJsonObject Snapshot::toJson() const
{
    QJsonArray list;
    for (const ConnectionInfo &c : connections)
        list.append(connectionToJson(c));
    return {{connectionsKey, list},
            {roomsKey, rooms},
            {QStringLiteral("counters"), countersToJson(counters)}};
}

Snapshot Snapshot::fromJson(const QJsonObject &json)
{
    Snapshot s;
    for (const QJsonValue &v : json.value(connectionsKey).toArray()) {
        auto c = connectionFromJson(v.toObject());
        if (c)
            s.connections.append(*c);
        else
            s.malformed.append(c.error().message());
    }
    s.rooms = json.value(roomsKey).toArray();
    s.counters = countersFromJson(json.value(QStringLiteral("counters")).toObject());
    return s;
}

const QString &ConnectionOpened::type()
{
    return msg::connectionOpened;
}

QJsonObject ConnectionOpened::toJson() const
{
    return {{connectionKey, connectionToJson(connection)}};
}

Result<ConnectionOpened, ValidationError> ConnectionOpened::fromJson(const QJsonObject &json)
{
    auto c = connectionFromJson(json.value(connectionKey).toObject());
    if (!c)
        return c.error();
    return ConnectionOpened {c.value()};
}

const QString &ConnectionClosed::type()
{
    return msg::connectionClosed;
}

QJsonObject ConnectionClosed::toJson() const
{
    return {{connectionIdKey, qint64(connectionId)},
            {QStringLiteral("code"), code},
            {QStringLiteral("reason"), reason}};
}

Result<ConnectionClosed, ValidationError> ConnectionClosed::fromJson(const QJsonObject &json)
{
    const qint64 id = json.value(connectionIdKey).toInteger(-1);
    if (id < 0)
        return ValidationError {connectionIdKey, QStringLiteral("is required")};
    return ConnectionClosed {quint64(id), json.value(QStringLiteral("code")).toInt(),
                             json.value(QStringLiteral("reason")).toString()};
}

const QString &CountersPush::type()
{
    return msg::counters;
}

QJsonObject CountersPush::toJson() const
{
    return {{totalsKey, countersToJson(totals)},
            {perSecondKey, countersToJson(perSecond)},
            {connectionsKey, connections},
            {roomsKey, rooms}};
}

CountersPush CountersPush::fromJson(const QJsonObject &json)
{
    return {countersFromJson(json.value(totalsKey).toObject()),
            countersFromJson(json.value(perSecondKey).toObject()),
            json.value(connectionsKey).toInteger(), json.value(roomsKey).toInteger()};
}

const QString &ConnectionStats::type()
{
    return msg::connectionStats;
}

QJsonObject ConnectionStats::entry(const ConnectionInfo &c)
{
    return {
        {QStringLiteral("id"), qint64(c.id)},
        {QStringLiteral("rttMs"), c.rttMs < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(c.rttMs)},
        {QStringLiteral("lastPongAt"), timestampOrNull(c.lastPongAt)},
        {QStringLiteral("framesIn"), qint64(c.framesIn)},
        {QStringLiteral("framesOut"), qint64(c.framesOut)},
        {QStringLiteral("bytesOut"), qint64(c.bytesOut)}};
}

QJsonObject ConnectionStats::toJson() const
{
    return {{connectionsKey, connections}, {intervalKey, intervalMs}};
}

ConnectionStats ConnectionStats::fromJson(const QJsonObject &json)
{
    return {json.value(connectionsKey).toArray(), json.value(intervalKey).toInt()};
}

const QString &DeliveryDropped::type()
{
    return msg::deliveryDropped;
}

QJsonObject DeliveryDropped::toJson() const
{
    return {{QStringLiteral("nodeId"), nodeId},
            {QStringLiteral("nodeName"), nodeName},
            {QStringLiteral("dropped"), dropped}};
}

DeliveryDropped DeliveryDropped::fromJson(const QJsonObject &json)
{
    return {json.value(QStringLiteral("nodeId")).toString(),
            json.value(QStringLiteral("nodeName")).toString(),
            json.value(QStringLiteral("dropped")).toInteger()};
}

} // namespace notify::admin
