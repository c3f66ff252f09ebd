// The organizations' webhook endpoints for the people who run the service (docs/protocol.md,
// "/api/v1/webhooks"): GET lists them with their state, POST adds one (its secret is in that
// answer only), DELETE /api/v1/webhooks/{id} removes one with its outbox, POST
// /api/v1/webhooks/{id}/enable enables a disabled (or failing) one again. Changes are audited
// and the sender (server/webhooks) is told at once.
#include "server/api/apiserver.h"

#include "server/api/webhookjson.h"
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
            list.append(webhookEndpointToJson(e));
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
    auto made = newWebhookEndpoint(parsed.value());
    if (!made)
        return reply.error(HttpError::invalid(made.error()));
    const webhooks::Endpoint endpoint = made.value();
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
        QJsonObject json = webhookEndpointToJson(endpoint);
        json.insert(QStringLiteral("secret"), QString::fromLatin1(endpoint.secret));
        return [json](const HttpReply &reply) {
            reply.json(201, json);
        };
    });
}

void ApiServer::removeWebhook(const QString &id, const ApiRequest &request, const HttpReply &reply)
{
    changeWebhook(id, request, reply, false);
}

void ApiServer::enableWebhook(const QString &id, const ApiRequest &request, const HttpReply &reply)
{
    changeWebhook(id, request, reply, true);
}

void ApiServer::changeWebhook(const QString &id, const ApiRequest &request, const HttpReply &reply,
                              bool enable)
{
    const auto who = requireAdmin(request, reply,
                                  enable ? QStringLiteral("enable webhook endpoints")
                                         : QStringLiteral("remove webhook endpoints"));
    if (!who || !requireAccepting(reply))
        return;
    if (!id.startsWith(QLatin1String("wh_")) || id.size() > 64)
        return reply.error(404, codes::notFound,
                           QStringLiteral("no webhook endpoint '%1'").arg(id.left(64)));
    audit::Entry entry
        = auditEntry(m_services.config, *who,
                     enable ? QStringLiteral("webhooks.enable") : QStringLiteral("webhooks.remove"),
                     QStringLiteral("webhook=") + id);
    Metrics &metrics = m_services.metrics;
    const auto changed = m_services.webhooksChanged;
    onWriter(reply, [id, enable, entry, changed, &metrics](Store &store) mutable -> Continuation {
        auto done = enable ? webhooks::enable(store, id) : webhooks::remove(store, id);
        if (!done.ok()) {
            entry.result = QStringLiteral("failed");
            audit::record(store, entry);
            return storeFailure(metrics, done.error());
        }
        const bool found = !done.value().empty();
        if (found) {
            const webhooks::Endpoint &e = done.value().front();
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
        // The sender looks now: a removed endpoint gets no more calls, an enabled one's kept
        // events go without waiting for its next poll.
        if (changed)
            changed();
        const QJsonObject json = enable ? webhookEndpointToJson(done.value().front())
                                        : QJsonObject {{QStringLiteral("removed"), true}};
        return [json](const HttpReply &reply) {
            reply.json(200, json);
        };
    });
}

} // namespace notify
