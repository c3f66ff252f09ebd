#include "server/api/webhookjson.h"

#include "shared/codec/timestamp.h"

#include <QJsonArray>

namespace notify {

namespace {

QJsonValue timeOrNull(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(formatTimestamp(t)) : QJsonValue(QJsonValue::Null);
}

} // namespace

QJsonObject webhookEndpointToJson(const webhooks::Endpoint &e)
{
    const QString state = !e.enabled() ? QStringLiteral("disabled")
        : e.failures > 0               ? QStringLiteral("failing")
                                       : QStringLiteral("enabled");
    return QJsonObject {{QStringLiteral("id"), e.id},
                        {QStringLiteral("orgId"), e.orgId},
                        {QStringLiteral("url"), e.url},
                        {QStringLiteral("events"), QJsonArray::fromStringList(e.events)},
                        {QStringLiteral("createdAt"), timeOrNull(e.createdAt)},
                        {QStringLiteral("state"), state},
                        {QStringLiteral("failures"), e.failures},
                        {QStringLiteral("failingSince"), timeOrNull(e.failingSince)},
                        {QStringLiteral("nextAttemptAt"), timeOrNull(e.nextAttemptAt)},
                        {QStringLiteral("disabledAt"), timeOrNull(e.disabledAt)},
                        {QStringLiteral("lastError"), e.lastError},
                        {QStringLiteral("pending"), e.pending},
                        {QStringLiteral("dropped"), e.dropped}};
}

Result<webhooks::Endpoint, ValidationError> newWebhookEndpoint(const QJsonObject &body)
{
    const QString orgField = QStringLiteral("orgId");
    const QJsonValue org = body.value(orgField);
    if (org.isUndefined() || org.isNull())
        return ValidationError {orgField, QStringLiteral("is required")};
    if (!org.isString())
        return ValidationError {orgField, QStringLiteral("must be a string")};
    if (auto e = validateId(orgField, org.toString()))
        return *e;
    const QString urlField = QStringLiteral("url");
    const QJsonValue url = body.value(urlField);
    if (!url.isString())
        return ValidationError {urlField, QStringLiteral("must be an http or https URL")};
    if (auto problem = webhooks::checkUrl(url.toString()))
        return ValidationError {urlField, *problem};
    webhooks::Endpoint endpoint;
    const QJsonValue events = body.value(QStringLiteral("events"));
    if (events.isUndefined() || events.isNull()) {
        endpoint.events = webhooks::eventNames();
    } else {
        const ValidationError expected {
            QStringLiteral("events"),
            QStringLiteral("must be an array of %1")
                .arg(webhooks::eventNames().join(QStringLiteral(", ")))};
        if (!events.isArray() || events.toArray().isEmpty())
            return expected;
        for (const QJsonValue &v : events.toArray()) {
            if (!webhooks::eventNames().contains(v.toString()))
                return expected;
            if (!endpoint.events.contains(v.toString()))
                endpoint.events.append(v.toString());
        }
    }
    endpoint.id = webhooks::newEndpointId();
    endpoint.orgId = org.toString();
    endpoint.url = url.toString();
    endpoint.secret = webhooks::newSecret();
    // As stored, to the millisecond.
    endpoint.createdAt
        = QDateTime::fromMSecsSinceEpoch(QDateTime::currentMSecsSinceEpoch(), Qt::UTC);
    return endpoint;
}

} // namespace notify
