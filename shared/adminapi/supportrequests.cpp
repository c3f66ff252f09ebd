#include "shared/adminapi/supportrequests.h"

#include "shared/adminapi/adminfields.h"
#include "shared/adminapi/adminprotocol.h"

namespace notify::admin {

using fields::Need;

namespace {

const QString orgIdKey = QStringLiteral("orgId");
const QString idsKey = QStringLiteral("notificationIds");
const QString unreadKey = QStringLiteral("unreadCount");

} // namespace

QJsonObject RevokeSessionsReply::toJson() const
{
    return {{QStringLiteral("revoked"), revoked}};
}

RevokeSessionsReply RevokeSessionsReply::fromJson(const QJsonObject &json)
{
    return {json.value(QStringLiteral("revoked")).toInt()};
}

const QString &RevokeSessionsRequest::type()
{
    return msg::revokeSessions;
}

QJsonObject RevokeSessionsRequest::toJson() const
{
    return fields::recipientJson(user);
}

Result<RevokeSessionsRequest, ValidationError>
RevokeSessionsRequest::fromJson(const QJsonObject &json)
{
    RevokeSessionsRequest request;
    if (auto e = fields::readRecipient(json, request.user))
        return *e;
    return request;
}

QJsonObject UserNotificationIds::toJson() const
{
    QJsonObject json = fields::recipientJson(user);
    json.insert(idsKey, QJsonArray::fromStringList(notificationIds));
    return json;
}

Result<UserNotificationIds, ValidationError> UserNotificationIds::fromJson(const QJsonObject &json)
{
    UserNotificationIds change;
    if (auto e = fields::readRecipient(json, change.user))
        return *e;
    const QJsonValue ids = json.value(idsKey);
    for (const QJsonValue &v : ids.toArray()) {
        if (!v.isString() || v.toString().isEmpty() || v.toString().size() > 64)
            return ValidationError {idsKey, QStringLiteral("must hold notification ids")};
        change.notificationIds.append(v.toString());
    }
    if (!ids.isArray() || change.notificationIds.isEmpty()
        || change.notificationIds.size() > maxIdsPerChange)
        return ValidationError {idsKey,
                                QStringLiteral("an array of 1 to %1 ids").arg(maxIdsPerChange)};
    return change;
}

QJsonObject MarkReadReply::toJson() const
{
    return {{QStringLiteral("ok"), true},
            {QStringLiteral("updated"), updated},
            {unreadKey, unreadCount}};
}

MarkReadReply MarkReadReply::fromJson(const QJsonObject &json)
{
    return {json.value(QStringLiteral("updated")).toInt(), json.value(unreadKey).toInteger()};
}

const QString &MarkReadRequest::type()
{
    return msg::markRead;
}

Result<MarkReadRequest, ValidationError> MarkReadRequest::fromJson(const QJsonObject &json)
{
    auto change = UserNotificationIds::fromJson(json);
    if (!change)
        return change.error();
    return MarkReadRequest {change.value()};
}

QJsonObject DeleteNotificationsReply::toJson() const
{
    return {{QStringLiteral("ok"), true},
            {QStringLiteral("deleted"), deleted},
            {unreadKey, unreadCount}};
}

DeleteNotificationsReply DeleteNotificationsReply::fromJson(const QJsonObject &json)
{
    return {json.value(QStringLiteral("deleted")).toInt(), json.value(unreadKey).toInteger()};
}

const QString &DeleteNotificationsRequest::type()
{
    return msg::deleteNotifications;
}

Result<DeleteNotificationsRequest, ValidationError>
DeleteNotificationsRequest::fromJson(const QJsonObject &json)
{
    auto change = UserNotificationIds::fromJson(json);
    if (!change)
        return change.error();
    return DeleteNotificationsRequest {change.value()};
}

QJsonObject FoundNotifications::toJson() const
{
    return {{QStringLiteral("notifications"), notifications}};
}

FoundNotifications FoundNotifications::fromJson(const QJsonObject &json)
{
    return {json.value(QStringLiteral("notifications")).toArray()};
}

const QString &FindNotificationRequest::type()
{
    return msg::findNotification;
}

QJsonObject FindNotificationRequest::toJson() const
{
    if (!id.isEmpty())
        return {{QStringLiteral("id"), id}};
    return {{orgIdKey, orgId}, {QStringLiteral("idempotencyKey"), idempotencyKey}};
}

Result<FindNotificationRequest, ValidationError>
FindNotificationRequest::fromJson(const QJsonObject &json)
{
    FindNotificationRequest request;
    const QString idKey = QStringLiteral("id");
    if (auto e = fields::readText(json, idKey, Need::Optional, 64, request.id))
        return *e;
    if (auto e = fields::readText(json, QStringLiteral("idempotencyKey"), Need::Optional, 255,
                                  request.idempotencyKey))
        return *e;
    if (request.id.isEmpty() == request.idempotencyKey.isEmpty())
        return ValidationError {idKey,
                                QStringLiteral("give either id, or orgId and idempotencyKey")};
    if (!request.idempotencyKey.isEmpty()) {
        if (auto e = fields::readId(json, orgIdKey, Need::Required, request.orgId))
            return *e;
    }
    return request;
}

QJsonObject BroadcastHistoryReply::toJson() const
{
    return {{QStringLiteral("broadcasts"), broadcasts}};
}

BroadcastHistoryReply BroadcastHistoryReply::fromJson(const QJsonObject &json)
{
    return {json.value(QStringLiteral("broadcasts")).toArray()};
}

const QString &BroadcastHistoryRequest::type()
{
    return msg::broadcastHistory;
}

QJsonObject BroadcastHistoryRequest::toJson() const
{
    QJsonObject json;
    if (!orgId.isEmpty())
        json.insert(orgIdKey, orgId);
    if (limit != defaultBroadcastLimit)
        json.insert(QStringLiteral("limit"), limit);
    return json;
}

Result<BroadcastHistoryRequest, ValidationError>
BroadcastHistoryRequest::fromJson(const QJsonObject &json)
{
    BroadcastHistoryRequest request;
    if (auto e = fields::readId(json, orgIdKey, Need::Optional, request.orgId))
        return *e;
    if (auto e = fields::readLimit(json, maxBroadcastLimit, defaultBroadcastLimit, request.limit))
        return *e;
    return request;
}

} // namespace notify::admin
