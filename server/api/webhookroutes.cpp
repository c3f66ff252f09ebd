// The organizations' webhook endpoints for the people who run the service (docs/protocol.md,
// "/api/v1/webhooks"): GET lists them with their state, POST adds one (its secret is in that
// answer only), DELETE /api/v1/webhooks/{id} removes one with its outbox. Changes are audited
// and the sender (server/webhooks) is told at once.
#include "server/api/apiserver.h"

#include "server/metrics/metrics.h"
#include "server/storage/storeworker.h"
#include "shared/codec/timestamp.h"
#include "shared/store/operators.h"
#include "shared/store/webhooks.h"

#include <QJsonArray>
#include <QSysInfo>

namespace notify {

using namespace http;

namespace {

QJsonValue timeOrNull(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(formatTimestamp(t)) : QJsonValue(QJsonValue::Null);
}

QJsonObject endpointJson(const webhooks::Endpoint &e)
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

std::function<void(const HttpReply &)> storeFailure(Metrics &metrics, const StoreError &error)
{
    bump(metrics.failed);
    const HttpError e = HttpError::fromStore(error);
    return [e](const HttpReply &reply) {
        reply.error(e);
    };
}

audit::Entry auditEntry(const ServerConfig &config, const QString &who, const QString &action,
                        const QString &target)
{
    audit::Entry entry;
    entry.at = QDateTime::currentDateTimeUtc();
    entry.operatorName = who;
    entry.node = config.nodeName.isEmpty() ? QSysInfo::machineHostName() : config.nodeName;
    entry.action = action;
    entry.target = target;
    return entry;
}

} // namespace

void ApiServer::listWebhooks(const ApiRequest &request, const HttpReply &reply)
{
    if (!requireAdmin(request, reply, QStringLiteral("list webhook endpoints")))
        return;
    Metrics &metrics = m_services.metrics;
    onReader(reply, [&metrics](Store &store) -> Continuation {
        auto rows = webhooks::list(store);
        if (!rows.ok())
            return storeFailure(metrics, rows.error());
        QJsonArray list;
        for (const webhooks::Endpoint &e : rows.value())
            list.append(endpointJson(e));
        return [list](const HttpReply &reply) {
            reply.json(200, QJsonObject {{QStringLiteral("endpoints"), list}});
        };
    });
}

void ApiServer::addWebhook(const ApiRequest &request, const HttpReply &reply)
{
    const auto who = requireAdmin(request, reply, QStringLiteral("add webhook endpoints"));
    if (!who || !requireAccepting(reply))
        return;
    auto parsed = parseJsonObject(request.body());
    if (!parsed)
        return reply.error(parsed.error());
    const QJsonObject &body = parsed.value();
    auto orgId = requiredId(body, QStringLiteral("orgId"));
    if (!orgId)
        return reply.error(orgId.error());
    const QJsonValue urlValue = body.value(QStringLiteral("url"));
    if (!urlValue.isString())
        return reply.error(HttpError::invalid(QStringLiteral("url"),
                                              QStringLiteral("must be an http or https URL")));
    if (auto problem = webhooks::checkUrl(urlValue.toString()))
        return reply.error(HttpError::invalid(QStringLiteral("url"), *problem));
    webhooks::Endpoint endpoint;
    const QJsonValue events = body.value(QStringLiteral("events"));
    if (events.isUndefined() || events.isNull()) {
        endpoint.events = webhooks::eventNames();
    } else {
        const QString expected = QStringLiteral("must be an array of %1")
                                     .arg(webhooks::eventNames().join(QStringLiteral(", ")));
        if (!events.isArray() || events.toArray().isEmpty())
            return reply.error(HttpError::invalid(QStringLiteral("events"), expected));
        for (const QJsonValue &v : events.toArray()) {
            if (!webhooks::eventNames().contains(v.toString()))
                return reply.error(HttpError::invalid(QStringLiteral("events"), expected));
            if (!endpoint.events.contains(v.toString()))
                endpoint.events.append(v.toString());
        }
    }
    endpoint.id = webhooks::newEndpointId();
    endpoint.orgId = orgId.value();
    endpoint.url = urlValue.toString();
    endpoint.secret = webhooks::newSecret();
    endpoint.createdAt = QDateTime::fromMSecsSinceEpoch(QDateTime::currentMSecsSinceEpoch(),
                                                        Qt::UTC); // as stored, to the millisecond
    audit::Entry entry = auditEntry(
        m_services.config, *who, QStringLiteral("webhooks.add"),
        QStringLiteral("webhook=%1 org=%2 url=%3").arg(endpoint.id, endpoint.orgId, endpoint.url));
    Metrics &metrics = m_services.metrics;
    const auto changed = m_services.webhooksChanged;
    onWriter(reply, [endpoint, entry, changed, &metrics](Store &store) mutable -> Continuation {
        auto added = webhooks::add(store, endpoint);
        entry.result = added.ok() ? QStringLiteral("ok") : QStringLiteral("failed");
        audit::record(store, entry);
        if (!added.ok())
            return storeFailure(metrics, added.error());
        if (changed)
            changed();
        QJsonObject json = endpointJson(endpoint);
        json.insert(QStringLiteral("secret"), QString::fromLatin1(endpoint.secret));
        return [json](const HttpReply &reply) {
            reply.json(201, json);
        };
    });
}

void ApiServer::removeWebhook(const QString &id, const ApiRequest &request, const HttpReply &reply)
{
    const auto who = requireAdmin(request, reply, QStringLiteral("remove webhook endpoints"));
    if (!who || !requireAccepting(reply))
        return;
    if (!id.startsWith(QLatin1String("wh_")) || id.size() > 64)
        return reply.error(404, codes::notFound,
                           QStringLiteral("no webhook endpoint '%1'").arg(id.left(64)));
    audit::Entry entry = auditEntry(m_services.config, *who, QStringLiteral("webhooks.remove"),
                                    QStringLiteral("webhook=") + id);
    Metrics &metrics = m_services.metrics;
    const auto changed = m_services.webhooksChanged;
    onWriter(reply, [id, entry, changed, &metrics](Store &store) mutable -> Continuation {
        auto removed = webhooks::remove(store, id);
        if (!removed.ok()) {
            entry.result = QStringLiteral("failed");
            audit::record(store, entry);
            return storeFailure(metrics, removed.error());
        }
        const bool found = !removed.value().empty();
        if (found) {
            const webhooks::Endpoint &e = removed.value().front();
            entry.target = QStringLiteral("webhook=%1 org=%2 url=%3").arg(e.id, e.orgId, e.url);
        }
        entry.result = found ? QStringLiteral("ok") : QStringLiteral("not_found");
        audit::record(store, entry);
        if (!found) {
            return [id](const HttpReply &reply) {
                reply.error(404, codes::notFound,
                            QStringLiteral("no webhook endpoint '%1'").arg(id));
            };
        }
        if (changed)
            changed();
        return [](const HttpReply &reply) {
            reply.json(200, QJsonObject {{QStringLiteral("removed"), true}});
        };
    });
}

} // namespace notify
