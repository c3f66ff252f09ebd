// The publish body, read once per POST. It runs on the API thread for every recipient of every
// publish, so the loop over recipients allocates only what each draft keeps: the error texts
// ("recipients[7].userId: ...") are formatted only when there is an error, each id is taken
// out of the JSON once, and one content object is shared by every draft.
#include "server/api/publishrequest.h"

#include <QJsonArray>
#include <QSet>

namespace notify::http {

namespace {

bool present(const QJsonObject &json, const QString &field)
{
    const QJsonValue v = json.value(field);
    return !v.isUndefined() && !v.isNull();
}

// requiredId's checks and words, with the value read out of the JSON only once.
std::optional<ValidationError> readId(const QJsonObject &json, const QString &field, QString &out)
{
    const QJsonValue value = json.value(field);
    if (value.isUndefined() || value.isNull())
        return ValidationError {field, QStringLiteral("is required")};
    if (!value.isString())
        return ValidationError {field, QStringLiteral("must be a string")};
    out = value.toString();
    return validateId(field, out);
}

// Either "recipients": [{orgId, userId}] or "orgId" + "userIds"; 1..1000 entries before
// duplicates are removed (order kept), so a caller cannot sneak past the bound with repeats.
HttpResult<std::vector<Recipient>> parseRecipients(const QJsonObject &body)
{
    const QString recipientsField = QStringLiteral("recipients");
    const QString userIdsField = QStringLiteral("userIds");
    const QString orgIdField = QStringLiteral("orgId");
    const bool hasList = present(body, recipientsField);
    const bool hasUserIds = present(body, userIdsField);
    if (hasList && (hasUserIds || present(body, orgIdField)))
        return HttpError::invalid(recipientsField,
                                  QStringLiteral("give either recipients or orgId with userIds, "
                                                 "not both"));
    const QString listField = hasList ? recipientsField : userIdsField;
    if (!hasList && !hasUserIds)
        return HttpError::invalid(recipientsField,
                                  QStringLiteral("is required (or orgId with userIds)"));
    const QJsonValue listValue = body.value(listField);
    if (!listValue.isArray())
        return HttpError::invalid(listField, QStringLiteral("must be an array"));
    const QJsonArray list = listValue.toArray();
    const qsizetype count = list.size();
    if (count == 0 || count > maxPublishRecipients)
        return HttpError::invalid(
            listField, QStringLiteral("must contain 1 to %1 entries").arg(maxPublishRecipients));

    QString orgId;
    if (!hasList) {
        auto org = requiredId(body, orgIdField);
        if (!org)
            return org.error();
        orgId = org.value();
    }

    // Only an error names the entry.
    const auto at = [&listField](qsizetype i) {
        return QStringLiteral("%1[%2]").arg(listField).arg(i);
    };
    const QString userIdField = QStringLiteral("userId");
    std::vector<Recipient> recipients;
    recipients.reserve(size_t(count));
    QSet<Recipient> seen;
    seen.reserve(count);
    for (qsizetype i = 0; i < count; ++i) {
        const QJsonValue value = list.at(i);
        Recipient r;
        if (hasList) {
            if (!value.isObject())
                return HttpError::invalid(at(i),
                                          QStringLiteral("must be an object {orgId, userId}"));
            const QJsonObject entry = value.toObject();
            if (auto e = readId(entry, orgIdField, r.orgId))
                return HttpError {400, codes::invalidPayload, at(i) + u'.' + e->message()};
            if (auto e = readId(entry, userIdField, r.userId))
                return HttpError {400, codes::invalidPayload, at(i) + u'.' + e->message()};
            // A POST's recipients mostly share their organization: one string for all of them
            // (what the store and the hub compare then compares equal by address).
            if (r.orgId == orgId)
                r.orgId = orgId;
            else
                orgId = r.orgId;
        } else {
            if (!value.isString())
                return HttpError::invalid(at(i), QStringLiteral("must be a string"));
            r.userId = value.toString();
            if (auto e = validateId(listField, r.userId))
                return HttpError::invalid(at(i), e->reason);
            r.orgId = orgId;
        }
        const qsizetype before = seen.size();
        seen.insert(r);
        if (seen.size() != before)
            recipients.push_back(std::move(r));
    }
    return recipients;
}

} // namespace

HttpResult<std::vector<NewNotification>> parsePublish(const QJsonObject &body)
{
    auto recipients = parseRecipients(body);
    if (!recipients)
        return recipients.error();
    auto content = parseNotificationContent(body);
    if (!content)
        return HttpError::invalid(content.error());
    QString idempotencyKey;
    if (present(body, QStringLiteral("idempotencyKey"))) {
        auto key = requiredId(body, QStringLiteral("idempotencyKey"));
        if (!key)
            return key.error();
        idempotencyKey = key.value();
    }
    std::vector<NewNotification> items;
    items.reserve(recipients.value().size());
    // Each draft's content is a copy of one shared content (reference counts, no text copied).
    for (Recipient &r : recipients.value())
        items.push_back(NewNotification {std::move(r), content.value(), idempotencyKey});
    return items;
}

} // namespace notify::http
