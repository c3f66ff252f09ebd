#include "shared/adminapi/sendtest.h"

#include "shared/adminapi/adminfields.h"
#include "shared/adminapi/adminprotocol.h"
#include "shared/model/priority.h"

#include <QJsonArray>

namespace notify::admin {

namespace {

const QString orgIdKey = QStringLiteral("orgId");
const QString userIdKey = QStringLiteral("userId");
const QString roomKey = QStringLiteral("room");
const QString typeKey = QStringLiteral("type");
const QString idsKey = QStringLiteral("notificationIds");
const QString deliveredKey = QStringLiteral("deliveredConnections");
const QString storedKey = QStringLiteral("stored");

void insertIfSet(QJsonObject &json, const QString &key, const QString &value)
{
    if (!value.isEmpty())
        json.insert(key, value);
}

} // namespace

QJsonObject SendTestReply::toJson() const
{
    QJsonObject json {{idsKey, QJsonArray::fromStringList(notificationIds)},
                      {deliveredKey, deliveredConnections}};
    if (stored)
        json.insert(storedKey, *stored);
    return json;
}

SendTestReply SendTestReply::fromJson(const QJsonObject &json)
{
    SendTestReply reply;
    for (const QJsonValue &id : json.value(idsKey).toArray())
        reply.notificationIds.append(id.toString());
    reply.deliveredConnections = json.value(deliveredKey).toInt();
    if (json.value(storedKey).isBool())
        reply.stored = json.value(storedKey).toBool();
    return reply;
}

const QString &SendTestRequest::type()
{
    return msg::sendTest;
}

QJsonObject SendTestRequest::toJson() const
{
    QJsonObject json {{orgIdKey, orgId}, {QStringLiteral("title"), content.title}};
    if (room.isEmpty())
        json.insert(userIdKey, userId);
    else
        json.insert(roomKey, room);
    insertIfSet(json, typeKey, content.type);
    insertIfSet(json, QStringLiteral("body"), content.body);
    json.insert(QStringLiteral("priority"), priorityName(content.priority));
    insertIfSet(json, QStringLiteral("actionUrl"), content.actionUrl);
    insertIfSet(json, QStringLiteral("entityType"), content.entityType);
    insertIfSet(json, QStringLiteral("entityId"), content.entityId);
    if (!content.metadata.isEmpty())
        json.insert(QStringLiteral("metadata"), content.metadata);
    return json;
}

Result<SendTestRequest, ValidationError> SendTestRequest::fromJson(const QJsonObject &json)
{
    using namespace fields;
    SendTestRequest request;
    if (auto e = readId(json, orgIdKey, Need::Required, request.orgId))
        return *e;
    const bool hasUser = present(json, userIdKey);
    const bool hasRoom = present(json, roomKey);
    if (hasUser && hasRoom)
        return ValidationError {roomKey, QStringLiteral("give either userId or room, not both")};
    if (!hasUser && !hasRoom)
        return ValidationError {userIdKey, QStringLiteral("is required (or room)")};
    if (hasUser) {
        if (auto e = readId(json, userIdKey, Need::Required, request.userId))
            return *e;
    } else {
        if (!json.value(roomKey).isString())
            return ValidationError {roomKey, QStringLiteral("must be a string")};
        request.room = json.value(roomKey).toString();
    }
    // The content is the publish body's (parseNotificationContent); a test's type is TEST
    // unless it says otherwise.
    QJsonObject contentJson = json;
    if (!present(contentJson, typeKey))
        contentJson.insert(typeKey, QStringLiteral("TEST"));
    auto content = parseNotificationContent(contentJson);
    if (!content)
        return content.error();
    request.content = std::move(content).value();
    return request;
}

} // namespace notify::admin
