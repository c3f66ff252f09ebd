// The console's webhook requests (docs/protocol.md, "Admin requests"), role admin:
// webhooks_list, webhooks_add (the secret is in that answer only), webhooks_remove and
// webhooks_enable, each as the routes of /api/v1/webhooks do them (webhookroutes.cpp). The
// role is checked, and the changes audited, in handleRequest before these run.
#include "server/adminchannel/adminchannel.h"

#include "server/api/webhookjson.h"
#include "server/storage/storeworker.h"
#include "shared/adminapi/adminprotocol.h"
#include "shared/store/webhooks.h"

#include <QJsonArray>

namespace notify {

namespace {

using JobAnswer = AdminChannel::JobAnswer;

JobAnswer storeFailure(const StoreError &error, const QString &what)
{
    return JobAnswer {
        {}, admin::codes::internal, QStringLiteral("cannot %1: %2").arg(what, error.message)};
}

} // namespace

void AdminChannel::webhooksList(quint64 consoleId, const QString &requestId)
{
    onReaderReply(consoleId, requestId, [](Store &store) -> JobAnswer {
        auto rows = webhooks::list(store);
        if (!rows.ok())
            return storeFailure(rows.error(), QStringLiteral("read the webhook endpoints"));
        QJsonArray endpoints;
        for (const webhooks::Endpoint &e : rows.value())
            endpoints.append(webhookEndpointToJson(e));
        return JobAnswer {{{QStringLiteral("endpoints"), endpoints}}, {}, {}};
    });
}

void AdminChannel::webhooksAdd(quint64 consoleId, const QJsonObject &data, const QString &requestId)
{
    auto made = newWebhookEndpoint(data);
    if (!made)
        return replyError(consoleId, requestId, admin::codes::invalidPayload,
                          made.error().message());
    const webhooks::Endpoint endpoint = made.value();
    // The audit entry names the new endpoint, as the route's does.
    if (auto pending = m_pendingAudit.find({consoleId, requestId}); pending != m_pendingAudit.end())
        pending->second.target += QStringLiteral(" webhookId=") + endpoint.id;
    const auto changed = m_services.webhooksChanged;
    onWriterReply(consoleId, requestId, [endpoint, changed](Store &store) -> JobAnswer {
        auto added = webhooks::add(store, endpoint);
        if (!added.ok())
            return storeFailure(added.error(), QStringLiteral("store the endpoint"));
        if (changed)
            changed();
        // The secret goes to this console only, once; the list never shows it.
        QJsonObject json = webhookEndpointToJson(endpoint);
        json.insert(QStringLiteral("secret"), QString::fromLatin1(endpoint.secret));
        return JobAnswer {json, {}, {}};
    });
}

void AdminChannel::changeWebhook(quint64 consoleId, const QJsonObject &data,
                                 const QString &requestId, bool enable)
{
    const QJsonValue idValue = data.value(QStringLiteral("webhookId"));
    const QString id = idValue.toString();
    if (!idValue.isString() || !id.startsWith(QLatin1String("wh_")) || id.size() > 64)
        return replyError(consoleId, requestId, admin::codes::invalidPayload,
                          QStringLiteral("webhookId: must be an endpoint's id (wh_...)"));
    const auto changed = m_services.webhooksChanged;
    onWriterReply(consoleId, requestId, [id, enable, changed](Store &store) -> JobAnswer {
        auto done = enable ? webhooks::enable(store, id) : webhooks::remove(store, id);
        if (!done.ok())
            return storeFailure(done.error(),
                                enable ? QStringLiteral("enable the endpoint")
                                       : QStringLiteral("remove the endpoint"));
        if (done.value().empty())
            return JobAnswer {
                {}, admin::codes::notFound, QStringLiteral("no webhook endpoint '%1'").arg(id)};
        // The sender looks now: an enabled endpoint's kept events go at once.
        if (changed)
            changed();
        if (enable)
            return JobAnswer {webhookEndpointToJson(done.value().front()), {}, {}};
        return JobAnswer {
            {{QStringLiteral("removed"), true}, {QStringLiteral("webhookId"), id}}, {}, {}};
    });
}

} // namespace notify
