// The notification object of docs/protocol.md, in its client and admin forms.

#include "shared/codec/jsonfields.h"
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"

namespace notify {

namespace {

// Optional references go out as null rather than "", so clients can test for presence.
QJsonValue stringOrNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

Result<QString, ValidationError> optionalId(const QJsonObject &json, const QString &field)
{
    auto value = optionalString(json, field);
    if (value && !value->isEmpty()) {
        if (auto e = validateId(field, *value))
            return *e;
    }
    return value;
}

} // namespace

QJsonObject notificationToClientJson(const Notification &n)
{
    const NotificationContent &c = n.content;
    return QJsonObject {
        {QStringLiteral("id"), n.id},
        {QStringLiteral("seq"), n.seq},
        {QStringLiteral("type"), c.type},
        {QStringLiteral("title"), c.title},
        {QStringLiteral("body"), c.body},
        {QStringLiteral("priority"), priorityName(c.priority)},
        {QStringLiteral("actionUrl"), stringOrNull(c.actionUrl)},
        {QStringLiteral("entityType"), stringOrNull(c.entityType)},
        {QStringLiteral("entityId"), stringOrNull(c.entityId)},
        {QStringLiteral("metadata"), c.metadata},
        {QStringLiteral("createdAt"), timestampOrNull(n.createdAt)},
        {QStringLiteral("readAt"), timestampOrNull(n.readAt)},
    };
}

QJsonObject notificationToAdminJson(const Notification &n)
{
    QJsonObject json = notificationToClientJson(n);
    json.insert(QStringLiteral("orgId"), n.recipient.orgId);
    json.insert(QStringLiteral("userId"), n.recipient.userId);
    json.insert(QStringLiteral("deliveredAt"), timestampOrNull(n.deliveredAt));
    // Only a console that asked for deleted rows (the user view) ever sees one.
    if (n.isDeleted())
        json.insert(QStringLiteral("deletedAt"), formatTimestamp(n.deletedAt));
    return json;
}

Result<Notification, ValidationError> notificationFromJson(const QJsonObject &json)
{
    Notification n;

    auto id = jsonfields::requiredString(json, QStringLiteral("id"));
    if (!id)
        return id.error();
    if (auto e = validateId(QStringLiteral("id"), *id))
        return *e;
    n.id = std::move(id).value();

    auto seq = jsonfields::requiredCount(json, QStringLiteral("seq"));
    if (!seq)
        return seq.error();
    n.seq = *seq;

    auto content = parseNotificationContent(json);
    if (!content)
        return content.error();
    n.content = std::move(content).value();

    auto orgId = optionalId(json, QStringLiteral("orgId"));
    if (!orgId)
        return orgId.error();
    auto userId = optionalId(json, QStringLiteral("userId"));
    if (!userId)
        return userId.error();
    n.recipient = Recipient {std::move(orgId).value(), std::move(userId).value()};

    auto createdAt = jsonfields::requiredTimestamp(json, QStringLiteral("createdAt"));
    if (!createdAt)
        return createdAt.error();
    n.createdAt = *createdAt;
    auto readAt = jsonfields::optionalTimestamp(json, QStringLiteral("readAt"));
    if (!readAt)
        return readAt.error();
    n.readAt = *readAt;
    auto deliveredAt = jsonfields::optionalTimestamp(json, QStringLiteral("deliveredAt"));
    if (!deliveredAt)
        return deliveredAt.error();
    n.deliveredAt = *deliveredAt;
    auto deletedAt = jsonfields::optionalTimestamp(json, QStringLiteral("deletedAt"));
    if (!deletedAt)
        return deletedAt.error();
    n.deletedAt = *deletedAt;
    return n;
}

QJsonArray notificationsToClientJson(const std::vector<Notification> &list)
{
    QJsonArray array;
    for (const Notification &n : list)
        array.append(notificationToClientJson(n));
    return array;
}

} // namespace notify
