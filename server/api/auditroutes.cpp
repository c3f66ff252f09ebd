// The audit log: GET /api/v1/audit (docs/protocol.md, "GET /api/v1/audit"), newest first,
// paged by id and filtered by operator, action and time.
#include "server/api/apiserver.h"

#include "server/api/auditjson.h"

#include "server/metrics/metrics.h"
#include "server/storage/storeworker.h"
#include "shared/adminapi/adminprotocol.h"
#include "shared/codec/timestamp.h"
#include "shared/store/operators.h"

#include <QJsonArray>

namespace notify {

using namespace http;

namespace {

// An optional filter of at most 128 characters.
HttpResult<QString> queryText(const ApiRequest &request, const QString &name)
{
    const QString value = request.query().queryItemValue(name, QUrl::FullyDecoded);
    if (value.size() > 128)
        return HttpError::invalid(name, QStringLiteral("must be at most 128 characters"));
    return value;
}

} // namespace

bool ApiServer::requireAuditReader(const ApiRequest &request, const HttpReply &reply)
{
    return requireAdmin(request, reply, QStringLiteral("read the audit log")).has_value();
}

std::optional<QString> ApiServer::requireAdmin(const ApiRequest &request, const HttpReply &reply,
                                               const QString &what)
{
    // Who did what is for the people who run the service: a bootstrap API key, the bootstrap
    // admin key or an operator with the admin role. A stored key of one organization is not.
    const QByteArray token = bearerToken(request);
    if (token.isEmpty()) {
        replyUnauthorized(reply,
                          QStringLiteral("a bootstrap API key or an admin operator's key "
                                         "is required (Authorization: Bearer)"));
        return std::nullopt;
    }
    const QString &adminKey = m_services.config.adminKey;
    if (matchesApiKey(token, m_services.config.apiKeys))
        return QStringLiteral("api-key");
    if (!adminKey.isEmpty() && matchesApiKey(token, {adminKey}))
        return QStringLiteral("admin-key");
    if (const auto op = m_keys.findOperator(token)) {
        if (op->role == admin::role::admin)
            return op->name;
        reply.error(403, codes::forbidden,
                    QStringLiteral("the operator '%1' (%2) may not %3: it needs "
                                   "the admin role")
                        .arg(op->name, op->role, what));
        return std::nullopt;
    }
    if (const ApiKeyRing::Key *key = m_keys.find(token)) {
        reply.error(403, codes::forbidden,
                    QStringLiteral("the API key '%1' of organization '%2' may not %3")
                        .arg(key->name, key->orgId, what));
        return std::nullopt;
    }
    replyUnauthorized(reply, QStringLiteral("the key is not valid"));
    return std::nullopt;
}

void ApiServer::auditLog(const ApiRequest &request, const HttpReply &reply)
{
    if (!requireAuditReader(request, reply))
        return;
    audit::Query query;
    auto limit = queryInteger(request, QStringLiteral("limit"), 1, 1000);
    if (!limit)
        return reply.error(limit.error());
    query.limit = int(limit.value().value_or(100));
    auto before
        = queryInteger(request, QStringLiteral("beforeId"), 1, std::numeric_limits<qint64>::max());
    if (!before)
        return reply.error(before.error());
    query.beforeId = before.value().value_or(0);
    auto op = queryText(request, QStringLiteral("operator"));
    if (!op)
        return reply.error(op.error());
    query.operatorName = op.value();
    auto action = queryText(request, QStringLiteral("action"));
    if (!action)
        return reply.error(action.error());
    query.action = action.value();
    const QString since = request.query().queryItemValue(QStringLiteral("since"));
    if (!since.isEmpty()) {
        const auto at = parseTimestamp(since);
        if (!at)
            return reply.error(HttpError::invalid(QStringLiteral("since"),
                                                  QStringLiteral("must be an ISO 8601 time "
                                                                 "like 2026-01-31T12:00:00Z")));
        query.since = *at;
    }

    Metrics &metrics = m_services.metrics;
    onReader(reply, [query, &metrics](Store &store) -> Continuation {
        auto page = audit::list(store, query);
        if (!page.ok()) {
            bump(metrics.failed);
            const HttpError e = HttpError::fromStore(page.error());
            return [e](const HttpReply &reply) {
                reply.error(e);
            };
        }
        const QJsonObject json = auditPageToJson(page.value());
        return [json](const HttpReply &reply) {
            reply.json(200, json);
        };
    });
}

} // namespace notify
