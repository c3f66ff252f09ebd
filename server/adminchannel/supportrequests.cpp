// The console's support and admin requests (docs/protocol.md, "Support requests" and "Admin
// requests"): revoke a user's sessions, mark read and delete for a user, find a notification
// by id or idempotency key, the broadcast history and the refused connections (support);
// the audit log and the API keys (admin). The roles are checked, and the changes audited,
// in handleRequest before these run.
#include "server/adminchannel/adminchannel.h"

#include "server/api/auditjson.h"

#include "server/cluster/clusternode.h"
#include "server/delivery/deliveryhub.h"
#include "server/metrics/metrics.h"
#include "server/protocol/refusals.h"
#include "server/storage/storeworker.h"
#include "server/util/posting.h"
#include "shared/adminapi/adminprotocol.h"
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"
#include "shared/model/validation.h"
#include "shared/store/apikeys.h"
#include "shared/store/operators.h"
#include "shared/store/supportqueries.h"

#include <QJsonArray>

#include <algorithm>
#include <limits>

namespace notify {

namespace {

constexpr int maxIdsPerChange = 100;
constexpr int defaultRefusals = 100;
constexpr int defaultBroadcasts = 50;
constexpr int maxFound = 100;

using JobAnswer = AdminChannel::JobAnswer;

JobAnswer failure(const QString &code, const QString &message)
{
    return JobAnswer {{}, code, message};
}

JobAnswer storeFailure(const StoreError &error, const QString &what)
{
    return failure(admin::codes::internal,
                   QStringLiteral("cannot %1: %2").arg(what, error.message));
}

// A string field, required or not, of at most maxChars; a wrong type is an error.
std::optional<QString> readText(const QJsonObject &data, const QString &field, bool required,
                                int maxChars, QString &out)
{
    const QJsonValue v = data.value(field);
    if (v.isUndefined() || v.isNull()) {
        if (required)
            return field + QStringLiteral(": is required");
        return std::nullopt;
    }
    if (!v.isString())
        return field + QStringLiteral(": must be a string");
    out = v.toString();
    if (required && out.isEmpty())
        return field + QStringLiteral(": must not be empty");
    if (out.size() > maxChars)
        return field + QStringLiteral(": at most %1 characters").arg(maxChars);
    return std::nullopt;
}

// An id field: a string that passes validateId.
std::optional<QString> readId(const QJsonObject &data, const QString &field, bool required,
                              QString &out)
{
    if (auto e = readText(data, field, required, std::numeric_limits<int>::max(), out))
        return e;
    if (out.isEmpty())
        return std::nullopt;
    if (auto e = validateId(field, out))
        return e->message();
    return std::nullopt;
}

std::optional<QString> readRecipient(const QJsonObject &data, Recipient &r)
{
    if (auto e = readId(data, QStringLiteral("orgId"), true, r.orgId))
        return e;
    return readId(data, QStringLiteral("userId"), true, r.userId);
}

// An optional limit in [1, max].
std::optional<QString> readLimit(const QJsonObject &data, int max, int fallback, int &out)
{
    const QJsonValue v = data.value(QStringLiteral("limit"));
    out = fallback;
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    const double d = v.toDouble();
    if (!v.isDouble() || d != double(int(d)) || d < 1 || d > max)
        return QStringLiteral("limit: must be an integer from 1 to %1").arg(max);
    out = int(d);
    return std::nullopt;
}

QJsonObject broadcastToJson(const BroadcastRecord &b)
{
    return {{QStringLiteral("id"), b.id},
            {QStringLiteral("orgId"), b.orgId.isEmpty() ? QJsonValue() : QJsonValue(b.orgId)},
            {QStringLiteral("role"), b.role},
            {QStringLiteral("title"), b.title},
            {QStringLiteral("body"), b.body},
            {QStringLiteral("priority"), b.priority},
            {QStringLiteral("actionUrl"), b.actionUrl},
            {QStringLiteral("createdAt"), formatTimestamp(b.createdAt)},
            {QStringLiteral("deliveredConnections"), b.deliveredConnections}};
}

QJsonObject keyToJson(const apikeys::KeyRow &k)
{
    return {{QStringLiteral("name"), k.name},
            {QStringLiteral("orgId"), k.orgId},
            {QStringLiteral("scopes"), QJsonArray::fromStringList(k.scopes)},
            {QStringLiteral("requestRate"), k.requestRate},
            {QStringLiteral("deliveryRate"), k.deliveryRate},
            {QStringLiteral("createdAt"), formatTimestamp(k.createdAt)},
            {QStringLiteral("revokedAt"), timestampOrNull(k.revokedAt)}};
}

} // namespace

bool AdminChannel::handleSupportRequest(quint64 consoleId, const QString &type,
                                        const QJsonObject &data, const QString &requestId)
{
    if (type == admin::msg::revokeSessions)
        revokeSessions(consoleId, data, requestId);
    else if (type == admin::msg::markRead)
        changeForUser(consoleId, data, requestId, false);
    else if (type == admin::msg::deleteNotifications)
        changeForUser(consoleId, data, requestId, true);
    else if (type == admin::msg::findNotification)
        findNotification(consoleId, data, requestId);
    else if (type == admin::msg::broadcastHistory)
        broadcastHistory(consoleId, data, requestId);
    else if (type == admin::msg::refusedConnections)
        refusedConnections(consoleId, data, requestId);
    else if (type == admin::msg::audit)
        auditLog(consoleId, data, requestId);
    else if (type == admin::msg::keysList)
        keysList(consoleId, requestId);
    else if (type == admin::msg::keysCreate)
        keysCreate(consoleId, data, requestId);
    else if (type == admin::msg::keysRevoke)
        keysRevoke(consoleId, data, requestId);
    else if (type == admin::msg::webhooksList)
        webhooksList(consoleId, requestId);
    else if (type == admin::msg::webhooksAdd)
        webhooksAdd(consoleId, data, requestId);
    else if (type == admin::msg::webhooksRemove)
        changeWebhook(consoleId, data, requestId, false);
    else if (type == admin::msg::webhooksEnable)
        changeWebhook(consoleId, data, requestId, true);
    else
        return false;
    return true;
}

void AdminChannel::onWriterReply(quint64 consoleId, const QString &requestId, StoreJob job)
{
    Metrics &metrics = m_services.metrics;
    m_services.writer.post(
        [this, consoleId, requestId, job = std::move(job), &metrics](Store &store) {
            const JobAnswer answer = job(store);
            if (answer.errorCode == admin::codes::internal)
                bump(metrics.failed);
            postTo(this, [this, consoleId, requestId, answer] {
                if (answer.errorCode.isEmpty())
                    reply(consoleId, requestId, answer.data);
                else
                    replyError(consoleId, requestId, answer.errorCode, answer.message);
            });
        });
}

void AdminChannel::onReaderReply(quint64 consoleId, const QString &requestId, StoreJob job)
{
    m_services.readers.post([this, consoleId, requestId, job = std::move(job)](Store &store) {
        const JobAnswer answer = job(store);
        postTo(this, [this, consoleId, requestId, answer] {
            if (answer.errorCode.isEmpty())
                reply(consoleId, requestId, answer.data);
            else
                replyError(consoleId, requestId, answer.errorCode, answer.message);
        });
    });
}

void AdminChannel::revokeSessions(quint64 consoleId, const QJsonObject &data,
                                  const QString &requestId)
{
    Recipient r;
    if (auto e = readRecipient(data, r))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, *e);
    DeliveryHub &hub = m_services.hub;
    // As DELETE /api/v1/sessions/{token} does for each (sessionroutes.cpp): revoked in the
    // store first (with the bus signal for the other nodes), then the live connections that
    // used them are closed with 4001, so that none re-authenticates with a revoked session.
    onWriterReply(consoleId, requestId, [r, &hub](Store &store) -> JobAnswer {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        auto sessions = support::activeSessions(store, r, now);
        if (!sessions.ok())
            return storeFailure(sessions.error(), QStringLiteral("read the user's sessions"));
        int revoked = 0;
        for (const QByteArray &hash : sessions.value()) {
            auto done = store.revokeSession(hash, now);
            if (!done.ok())
                return storeFailure(done.error(), QStringLiteral("revoke a session"));
            if (done.value()) {
                ++revoked;
                hub.revokeSession(hash);
            }
        }
        return JobAnswer {{{QStringLiteral("revoked"), revoked}}, {}, {}};
    });
}

void AdminChannel::changeForUser(quint64 consoleId, const QJsonObject &data,
                                 const QString &requestId, bool remove)
{
    Recipient r;
    if (auto e = readRecipient(data, r))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, *e);
    const QJsonValue idsValue = data.value(QStringLiteral("notificationIds"));
    QStringList ids;
    for (const QJsonValue &v : idsValue.toArray()) {
        if (!v.isString() || v.toString().isEmpty() || v.toString().size() > 64)
            return replyError(consoleId, requestId, admin::codes::invalidPayload,
                              QStringLiteral("notificationIds: must hold notification ids"));
        ids.append(v.toString());
    }
    if (!idsValue.isArray() || ids.isEmpty() || ids.size() > maxIdsPerChange)
        return replyError(
            consoleId, requestId, admin::codes::invalidPayload,
            QStringLiteral("notificationIds: an array of 1 to %1 ids").arg(maxIdsPerChange));
    DeliveryHub &hub = m_services.hub;
    // Exactly what the user's own routes do on the writer (meroutes.cpp): the change, then
    // its events to every tab of the user (notification:read / notification:deleted and the
    // unread count), on every node through the hub.
    onWriterReply(consoleId, requestId, [r, ids, remove, &hub](Store &store) -> JobAnswer {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        auto result = remove ? store.softDelete(r, ids, now) : store.markRead(r, ids, now);
        if (!result.ok())
            return storeFailure(result.error(), QStringLiteral("change the notifications"));
        const ChangeOutcome &change = result.value();
        if (remove)
            hub.publishDeleted(r, change);
        else
            hub.publishMarkedRead(r, change, DeliveryHub::ReadScope::Ids, &store);
        return JobAnswer {
            {{QStringLiteral("ok"), true},
             {remove ? QStringLiteral("deleted") : QStringLiteral("updated"), change.updated()},
             {QStringLiteral("unreadCount"), change.unreadCount}},
            {},
            {}};
    });
}

void AdminChannel::findNotification(quint64 consoleId, const QJsonObject &data,
                                    const QString &requestId)
{
    QString id;
    QString orgId;
    QString key;
    if (auto e = readText(data, QStringLiteral("id"), false, 64, id))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, *e);
    if (auto e = readText(data, QStringLiteral("idempotencyKey"), false, 255, key))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, *e);
    if (id.isEmpty() == key.isEmpty())
        return replyError(consoleId, requestId, admin::codes::invalidPayload,
                          QStringLiteral("id: give either id, or orgId and idempotencyKey"));
    if (!key.isEmpty()) {
        if (auto e = readId(data, QStringLiteral("orgId"), true, orgId))
            return replyError(consoleId, requestId, admin::codes::invalidPayload, *e);
    }
    onReaderReply(consoleId, requestId, [id, orgId, key](Store &store) -> JobAnswer {
        std::vector<Notification> found;
        if (!id.isEmpty()) {
            auto one = support::findById(store, id);
            if (!one.ok())
                return storeFailure(one.error(), QStringLiteral("find the notification"));
            if (one.value())
                found.push_back(*one.value());
        } else {
            auto many = support::findByIdempotencyKey(store, orgId, key, maxFound);
            if (!many.ok())
                return storeFailure(many.error(), QStringLiteral("find the notification"));
            found = std::move(many.value());
        }
        QJsonArray list;
        for (const Notification &n : found)
            list.append(notificationToAdminJson(n));
        return JobAnswer {{{QStringLiteral("notifications"), list}}, {}, {}};
    });
}

void AdminChannel::broadcastHistory(quint64 consoleId, const QJsonObject &data,
                                    const QString &requestId)
{
    QString orgId;
    if (auto e = readId(data, QStringLiteral("orgId"), false, orgId))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, *e);
    int limit = 0;
    if (auto e = readLimit(data, 500, defaultBroadcasts, limit))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, *e);
    // Broadcasts of POST /api/v1/broadcasts are stored (the broadcasts table, shared by the
    // nodes of a cluster): every node's are in the answer.
    onReaderReply(consoleId, requestId, [orgId, limit](Store &store) -> JobAnswer {
        auto list = support::broadcasts(store, orgId, limit);
        if (!list.ok())
            return storeFailure(list.error(), QStringLiteral("read the broadcasts"));
        QJsonArray json;
        for (const BroadcastRecord &b : list.value())
            json.append(broadcastToJson(b));
        return JobAnswer {{{QStringLiteral("broadcasts"), json}}, {}, {}};
    });
}

void AdminChannel::refusedConnections(quint64 consoleId, const QJsonObject &data,
                                      const QString &requestId)
{
    QString orgId;
    QString userId;
    if (auto e = readId(data, QStringLiteral("orgId"), false, orgId))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, *e);
    if (auto e = readId(data, QStringLiteral("userId"), false, userId))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, *e);
    int limit = 0;
    if (auto e = readLimit(data, RefusalLog::capacity, defaultRefusals, limit))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, *e);
    const QJsonObject self = clusterHello();
    QJsonArray list;
    for (const Refusal &r : m_services.refusals.recent(orgId, userId, limit))
        list.append(refusals::toJson(
            r, self.isEmpty() ? m_node.id : self.value(QStringLiteral("nodeId")).toString(),
            self.value(QStringLiteral("name")).toString()));
    QJsonObject answer {{QStringLiteral("refusals"), list},
                        {QStringLiteral("total"), qint64(m_services.refusals.total())},
                        {QStringLiteral("capacity"), RefusalLog::capacity},
                        {QStringLiteral("nodes"), QJsonArray()},
                        {QStringLiteral("complete"), true}};
    ClusterNode *cluster = m_services.cluster.load();
    if (!cluster)
        return reply(consoleId, requestId, answer);
    // Every other live node's ring through the cluster bus (as cluster_connections), merged
    // newest first: the times are all formatted alike, so they sort as text.
    cluster->refusals(
        Recipient {orgId, userId},
        [this, consoleId, requestId, limit, answer](const QJsonObject &others) mutable {
            postTo(this, [this, consoleId, requestId, limit, answer, others]() mutable {
                if (m_stopped)
                    return;
                QList<QJsonObject> merged;
                for (const QJsonValue &r : answer.value(QStringLiteral("refusals")).toArray())
                    merged.append(r.toObject());
                QJsonArray nodes;
                for (const QJsonValue &v : others.value(QStringLiteral("nodes")).toArray()) {
                    const QJsonObject node = v.toObject();
                    const QJsonArray items = node.value(QStringLiteral("refusals")).toArray();
                    for (const QJsonValue &r : items)
                        merged.append(r.toObject());
                    nodes.append(QJsonObject {
                        {QStringLiteral("id"), node.value(QStringLiteral("id"))},
                        {QStringLiteral("name"), node.value(QStringLiteral("name"))},
                        {QStringLiteral("answered"), node.value(QStringLiteral("answered"))},
                        {QStringLiteral("refusals"), items.size()}});
                }
                std::stable_sort(merged.begin(), merged.end(),
                                 [](const QJsonObject &a, const QJsonObject &b) {
                                     return a.value(QStringLiteral("at")).toString()
                                         > b.value(QStringLiteral("at")).toString();
                                 });
                QJsonArray list;
                for (qsizetype i = 0; i < merged.size() && i < limit; ++i)
                    list.append(merged.at(i));
                answer.insert(QStringLiteral("refusals"), list);
                answer.insert(QStringLiteral("nodes"), nodes);
                answer.insert(QStringLiteral("complete"), others.value(QStringLiteral("complete")));
                reply(consoleId, requestId, answer);
            });
        });
}

void AdminChannel::auditLog(quint64 consoleId, const QJsonObject &data, const QString &requestId)
{
    audit::Query query;
    if (auto e = readLimit(data, 1000, 100, query.limit))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, *e);
    const QJsonValue before = data.value(QStringLiteral("beforeId"));
    if (!before.isUndefined() && !before.isNull()) {
        if (!before.isDouble() || before.toDouble() < 1)
            return replyError(consoleId, requestId, admin::codes::invalidPayload,
                              QStringLiteral("beforeId: must be an entry's id"));
        query.beforeId = qint64(before.toDouble());
    }
    if (auto e = readText(data, QStringLiteral("operator"), false, 128, query.operatorName))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, *e);
    if (auto e = readText(data, QStringLiteral("action"), false, 128, query.action))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, *e);
    QString since;
    if (auto e = readText(data, QStringLiteral("since"), false, 64, since))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, *e);
    if (!since.isEmpty()) {
        const auto at = parseTimestamp(since);
        if (!at)
            return replyError(consoleId, requestId, admin::codes::invalidPayload,
                              QStringLiteral("since: must be an ISO 8601 time"));
        query.since = *at;
    }
    // The same page as GET /api/v1/audit (auditroutes.cpp).
    onReaderReply(consoleId, requestId, [query](Store &store) -> JobAnswer {
        auto page = audit::list(store, query);
        if (!page.ok())
            return storeFailure(page.error(), QStringLiteral("read the audit log"));
        return JobAnswer {auditPageToJson(page.value()), {}, {}};
    });
}

void AdminChannel::keysList(quint64 consoleId, const QString &requestId)
{
    onReaderReply(consoleId, requestId, [](Store &store) -> JobAnswer {
        auto rows = apikeys::list(store);
        if (!rows.ok())
            return storeFailure(rows.error(), QStringLiteral("read the keys"));
        QJsonArray keys;
        for (const apikeys::KeyRow &k : rows.value())
            keys.append(keyToJson(k));
        return JobAnswer {{{QStringLiteral("keys"), keys}}, {}, {}};
    });
}

void AdminChannel::keysCreate(quint64 consoleId, const QJsonObject &data, const QString &requestId)
{
    const auto invalid = [&](const QString &message) {
        replyError(consoleId, requestId, admin::codes::invalidPayload, message);
    };
    apikeys::KeyRow row;
    if (auto e = readId(data, QStringLiteral("orgId"), true, row.orgId))
        return invalid(*e);
    if (auto e = readText(data, QStringLiteral("name"), true, 64, row.name))
        return invalid(*e);
    if (!apikeys::validName(row.name))
        return invalid(QStringLiteral("name: 1 to 64 of A-Z a-z 0-9 . _ -"));
    const QJsonValue scopes = data.value(QStringLiteral("scopes"));
    if (scopes.isUndefined() || scopes.isNull()) {
        row.scopes = apikeys::scopeNames();
    } else {
        for (const QJsonValue &v : scopes.toArray()) {
            if (!apikeys::scopeNames().contains(v.toString()))
                return invalid(QStringLiteral("scopes: each one of %1")
                                   .arg(apikeys::scopeNames().join(QStringLiteral(", "))));
            if (!row.scopes.contains(v.toString()))
                row.scopes.append(v.toString());
        }
        if (!scopes.isArray() || row.scopes.isEmpty())
            return invalid(QStringLiteral("scopes: an array of at least one of %1")
                               .arg(apikeys::scopeNames().join(QStringLiteral(", "))));
    }
    // Limits as `notifyd keys create --rate / --deliveries` takes them.
    for (const auto &[field, out] :
         {std::pair {QStringLiteral("requestRate"), &row.requestRate},
          std::pair {QStringLiteral("deliveryRate"), &row.deliveryRate}}) {
        QString text;
        if (auto e = readText(data, field, false, 64, text))
            return invalid(*e);
        if (text.isEmpty())
            continue;
        auto parsed = parseRateLimit(text);
        if (!parsed)
            return invalid(field + QStringLiteral(": ") + parsed.error());
        *out = parsed->toString();
    }
    const QByteArray key = apikeys::newKey();
    row.sha256Hex = apikeys::hashKey(key);
    row.createdAt = QDateTime::currentDateTimeUtc();
    // The key goes to this console only, once; the store and the audit log keep its hash
    // and its name. The nodes pick it up within their poll of api_key_changes.
    onWriterReply(consoleId, requestId, [row, key](Store &store) -> JobAnswer {
        auto created = apikeys::create(store, row);
        if (!created.ok())
            return storeFailure(created.error(), QStringLiteral("store the key"));
        if (created.value() == apikeys::CreateOutcome::NameTaken)
            return failure(admin::codes::invalidPayload,
                           QStringLiteral("a key named '%1' exists already").arg(row.name));
        QJsonObject json = keyToJson(row);
        json.insert(QStringLiteral("key"), QString::fromLatin1(key));
        return JobAnswer {json, {}, {}};
    });
}

void AdminChannel::keysRevoke(quint64 consoleId, const QJsonObject &data, const QString &requestId)
{
    QString name;
    if (auto e = readText(data, QStringLiteral("name"), true, 64, name))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, *e);
    onWriterReply(consoleId, requestId, [name](Store &store) -> JobAnswer {
        auto revoked = apikeys::revoke(store, name, QDateTime::currentDateTimeUtc());
        if (!revoked.ok())
            return storeFailure(revoked.error(), QStringLiteral("revoke the key"));
        if (!revoked.value())
            return failure(admin::codes::notFound,
                           QStringLiteral("no active key named '%1'").arg(name));
        return JobAnswer {{{QStringLiteral("ok"), true}, {QStringLiteral("name"), name}}, {}, {}};
    });
}

} // namespace notify
