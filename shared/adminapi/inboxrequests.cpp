#include "shared/adminapi/inboxrequests.h"

#include "shared/adminapi/adminfields.h"
#include "shared/adminapi/adminprotocol.h"

#include <limits>

namespace notify::admin {

namespace {

const QString orgIdKey = QStringLiteral("orgId");
const QString userIdKey = QStringLiteral("userId");
const QString limitKey = QStringLiteral("limit");
const QString deletedKey = QStringLiteral("deleted");
const QString notificationsKey = QStringLiteral("notifications");
const QString hasMoreKey = QStringLiteral("hasMore");

std::optional<ValidationError> readLimit(const QJsonObject &json, std::optional<int> &out)
{
    std::optional<qint64> limit;
    if (auto e = fields::readInteger(json, limitKey, 1, maxPageLimit, limit))
        return e;
    if (limit)
        out = int(*limit);
    return std::nullopt;
}

void insertPage(QJsonObject &json, const InboxPage &page)
{
    json.insert(notificationsKey, page.notifications);
    json.insert(hasMoreKey, page.hasMore);
}

InboxPage readPage(const QJsonObject &json)
{
    return {json.value(notificationsKey).toArray(), json.value(hasMoreKey).toBool()};
}

} // namespace

QJsonObject ListNotificationsReply::toJson() const
{
    QJsonObject json;
    insertPage(json, page);
    return json;
}

ListNotificationsReply ListNotificationsReply::fromJson(const QJsonObject &json)
{
    return {readPage(json)};
}

const QString &ListNotificationsRequest::type()
{
    return msg::listNotifications;
}

QJsonObject ListNotificationsRequest::toJson() const
{
    QJsonObject json = fields::recipientJson(recipient);
    if (limit)
        json.insert(limitKey, *limit);
    if (beforeSeq)
        json.insert(QStringLiteral("beforeSeq"), *beforeSeq);
    if (unreadOnly)
        json.insert(QStringLiteral("unread"), true);
    if (deleted)
        json.insert(deletedKey, true);
    return json;
}

Result<ListNotificationsRequest, ValidationError>
ListNotificationsRequest::fromJson(const QJsonObject &json)
{
    ListNotificationsRequest request;
    if (auto e = fields::readRecipient(json, request.recipient))
        return *e;
    if (auto e = readLimit(json, request.limit))
        return *e;
    if (auto e = fields::readInteger(json, QStringLiteral("beforeSeq"), 1,
                                     std::numeric_limits<qint64>::max(), request.beforeSeq))
        return *e;
    if (auto e = fields::readFlag(json, QStringLiteral("unread"), request.unreadOnly))
        return *e;
    if (auto e = fields::readFlag(json, deletedKey, request.deleted))
        return *e;
    return request;
}

QJsonObject UserReply::toJson() const
{
    QJsonObject json = fields::recipientJson(recipient);
    json.insert(QStringLiteral("connections"), connections);
    json.insert(QStringLiteral("unreadCount"), unreadCount);
    insertPage(json, page);
    return json;
}

UserReply UserReply::fromJson(const QJsonObject &json)
{
    UserReply reply;
    reply.recipient = {json.value(orgIdKey).toString(), json.value(userIdKey).toString()};
    reply.connections = json.value(QStringLiteral("connections")).toArray();
    reply.unreadCount = json.value(QStringLiteral("unreadCount")).toInteger(-1);
    reply.page = readPage(json);
    return reply;
}

const QString &UserRequest::type()
{
    return msg::user;
}

QJsonObject UserRequest::toJson() const
{
    QJsonObject json = fields::recipientJson(recipient);
    if (limit)
        json.insert(limitKey, *limit);
    if (deleted)
        json.insert(deletedKey, true);
    return json;
}

Result<UserRequest, ValidationError> UserRequest::fromJson(const QJsonObject &json)
{
    UserRequest request;
    if (auto e = fields::readRecipient(json, request.recipient))
        return *e;
    if (auto e = readLimit(json, request.limit))
        return *e;
    if (auto e = fields::readFlag(json, deletedKey, request.deleted))
        return *e;
    return request;
}

QJsonObject WatchUserReply::toJson() const
{
    QJsonObject json {{QStringLiteral("ok"), true}};
    if (watching)
        json.insert(QStringLiteral("watching"), fields::recipientJson(*watching));
    return json;
}

WatchUserReply WatchUserReply::fromJson(const QJsonObject &json)
{
    WatchUserReply reply;
    const QJsonValue watching = json.value(QStringLiteral("watching"));
    if (watching.isObject())
        reply.watching = Recipient {watching[orgIdKey].toString(), watching[userIdKey].toString()};
    return reply;
}

const QString &WatchUserRequest::type()
{
    return msg::watchUser;
}

QJsonObject WatchUserRequest::toJson() const
{
    return user ? fields::recipientJson(*user) : QJsonObject();
}

Result<WatchUserRequest, ValidationError> WatchUserRequest::fromJson(const QJsonObject &json)
{
    WatchUserRequest request;
    if (!fields::present(json, orgIdKey) && !fields::present(json, userIdKey))
        return request;
    Recipient r;
    if (auto e = fields::readRecipient(json, r))
        return *e;
    request.user = r;
    return request;
}

} // namespace notify::admin
