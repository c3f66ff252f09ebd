// The API's JSON validation: a request body as the publish, broadcast and read/delete routes
// read it (parseNotificationContent, parseIdList, ids), and the notification, connection and
// counters decoders of the shared codec.

#include "fuzzcheck.h"

#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"
#include "shared/model/textlength.h"
#include "shared/model/validation.h"

#include <QJsonDocument>

using namespace notify;

namespace {

void checkContent(const NotificationContent &c)
{
    FUZZ_CHECK(!validateId(QStringLiteral("type"), c.type));
    FUZZ_CHECK(!validateTitle(c.title) && !c.title.isEmpty());
    FUZZ_CHECK(codePointCount(c.title) <= limits::maxTitleLength);
    FUZZ_CHECK(!validateBody(c.body) && codePointCount(c.body) <= limits::maxBodyLength);
    FUZZ_CHECK(!validateActionUrl(c.actionUrl) && c.actionUrl.size() <= limits::maxActionUrlLength);
    FUZZ_CHECK(c.entityType.isEmpty() || !validateId(QStringLiteral("entityType"), c.entityType));
    FUZZ_CHECK(c.entityId.isEmpty() || !validateId(QStringLiteral("entityId"), c.entityId));
    FUZZ_CHECK(!validateMetadata(c.metadata));
    FUZZ_CHECK(QJsonDocument(c.metadata).toJson(QJsonDocument::Compact).size()
               <= limits::maxMetadataBytes);
}

bool sameContent(const NotificationContent &a, const NotificationContent &b)
{
    return a.type == b.type && a.title == b.title && a.body == b.body && a.priority == b.priority
        && a.actionUrl == b.actionUrl && a.entityType == b.entityType && a.entityId == b.entityId
        && a.metadata == b.metadata;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QJsonParseError error;
    const QJsonDocument doc
        = QJsonDocument::fromJson(fuzz::bytes(data, size).toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return 0;
    const QJsonObject body = doc.object();

    // What a publish stores, and what the client and admin JSON of it reads back as.
    const auto content = parseNotificationContent(body);
    if (content) {
        checkContent(*content);
        Notification n;
        n.id = QStringLiteral("0190c0de-0000-7000-8000-000000000001");
        n.seq = 7;
        n.recipient = Recipient {QStringLiteral("org"), QStringLiteral("user")};
        n.content = *content;
        n.createdAt = QDateTime::fromMSecsSinceEpoch(1800000000123, Qt::UTC);
        for (const QJsonObject &json : {notificationToClientJson(n), notificationToAdminJson(n)}) {
            const QByteArray wire = QJsonDocument(json).toJson(QJsonDocument::Compact);
            const auto back = notificationFromJson(QJsonDocument::fromJson(wire).object());
            FUZZ_CHECK(back.ok());
            FUZZ_CHECK(sameContent(back->content, n.content));
            FUZZ_CHECK(back->id == n.id && back->seq == n.seq && back->createdAt == n.createdAt);
        }
    } else {
        FUZZ_CHECK(!content.error().field.isEmpty() && !content.error().reason.isEmpty());
    }

    // Recipients and ids as the routes read them.
    for (const QString &field : {QStringLiteral("orgId"), QStringLiteral("userId")}) {
        const auto value = optionalString(body, field);
        if (value && !value->isEmpty() && !validateId(field, *value)) {
            FUZZ_CHECK(codePointCount(*value) <= limits::maxIdLength);
            FUZZ_CHECK(!hasControlCharacter(*value));
        }
    }
    for (const QString &field : {QStringLiteral("ids"), QStringLiteral("userIds")}) {
        const auto ids = parseIdList(body.value(field), field, 100);
        if (ids) {
            FUZZ_CHECK(!ids->isEmpty() && ids->size() <= 100);
            QStringList unique = *ids;
            FUZZ_CHECK(unique.removeDuplicates() == 0);
            for (const QString &id : *ids)
                FUZZ_CHECK(!validateId(field, id));
        }
    }

    // The shared decoders of what the server sends (console side), on hostile input.
    const auto notification = notificationFromJson(body);
    if (notification) {
        checkContent(notification->content);
        const auto back = notificationFromJson(notificationToAdminJson(*notification));
        FUZZ_CHECK(back.ok());
        FUZZ_CHECK(sameContent(back->content, notification->content));
        FUZZ_CHECK(back->id == notification->id && back->seq == notification->seq);
        FUZZ_CHECK(back->recipient.orgId == notification->recipient.orgId
                   && back->recipient.userId == notification->recipient.userId);
        FUZZ_CHECK(back->createdAt == notification->createdAt);
        FUZZ_CHECK(back->readAt == notification->readAt);
    }
    const auto connection = connectionFromJson(body);
    if (connection) {
        const auto back = connectionFromJson(connectionToJson(*connection));
        FUZZ_CHECK(back.ok());
        FUZZ_CHECK(*back == *connection);
    }
    const Counters counters = countersFromJson(body);
    const Counters back = countersFromJson(countersToJson(counters));
    FUZZ_CHECK(back.created == counters.created && back.dropped == counters.dropped);
    if (body.contains(QStringLiteral("at")))
        (void)parseTimestamp(body.value(QStringLiteral("at")).toString());
    return 0;
}
