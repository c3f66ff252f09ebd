#include "shared/adminapi/connectionrequests.h"

#include "shared/adminapi/adminfields.h"
#include "shared/adminapi/adminprotocol.h"

#include <limits>

namespace notify::admin {

namespace {

const QString okKey = QStringLiteral("ok");
const QString onKey = QStringLiteral("on");
const QString connectionIdKey = QStringLiteral("connectionId");
const QString reasonKey = QStringLiteral("reason");
const QString nodeIdKey = QStringLiteral("nodeId");

} // namespace

QJsonObject OkReply::toJson() const
{
    return {{okKey, true}};
}

OkReply OkReply::fromJson(const QJsonObject &)
{
    return {};
}

const QString &KickRequest::type()
{
    return msg::kick;
}

QJsonObject KickRequest::toJson() const
{
    QJsonObject json {{connectionIdKey, qint64(connectionId)}};
    if (!reason.isEmpty())
        json.insert(reasonKey, reason);
    if (!nodeId.isEmpty())
        json.insert(nodeIdKey, nodeId);
    return json;
}

Result<KickRequest, ValidationError> KickRequest::fromJson(const QJsonObject &json)
{
    KickRequest request;
    const QJsonValue idValue = json.value(connectionIdKey);
    if (idValue.isString()) {
        bool ok = false;
        request.connectionId = idValue.toString().toULongLong(&ok);
        if (!ok)
            request.connectionId = 0;
    } else {
        std::optional<qint64> n;
        if (auto e
            = fields::readInteger(json, connectionIdKey, 1, std::numeric_limits<qint64>::max(), n))
            return *e;
        request.connectionId = n ? quint64(*n) : 0;
    }
    if (request.connectionId == 0)
        return ValidationError {connectionIdKey, QStringLiteral("is required (a connection's id)")};
    if (fields::present(json, reasonKey)) {
        const QJsonValue v = json.value(reasonKey);
        if (!v.isString())
            return ValidationError {reasonKey, QStringLiteral("must be a string")};
        request.reason = v.toString();
        if (request.reason.toUtf8().size() > maxCloseReasonBytes)
            return ValidationError {reasonKey,
                                    QStringLiteral("at most %1 bytes of UTF-8 (a WebSocket close "
                                                   "reason)")
                                        .arg(maxCloseReasonBytes)};
    }
    // The node is checked against the cluster by the server; here only that it is an id.
    if (fields::present(json, nodeIdKey)) {
        const QJsonValue v = json.value(nodeIdKey);
        if (!v.isString() || v.toString().isEmpty())
            return ValidationError {nodeIdKey, QStringLiteral("must be a node's id (from nodes)")};
        request.nodeId = v.toString();
    }
    return request;
}

QJsonObject TraceReply::toJson() const
{
    return {{okKey, true}, {onKey, on}};
}

TraceReply TraceReply::fromJson(const QJsonObject &json)
{
    return {json.value(onKey).toBool()};
}

const QString &TraceRequest::type()
{
    return msg::trace;
}

QJsonObject TraceRequest::toJson() const
{
    return {{onKey, on}};
}

Result<TraceRequest, ValidationError> TraceRequest::fromJson(const QJsonObject &json)
{
    const QJsonValue on = json.value(onKey);
    if (!on.isBool())
        return ValidationError {onKey, QStringLiteral("must be true or false")};
    return TraceRequest {on.toBool()};
}

} // namespace notify::admin
