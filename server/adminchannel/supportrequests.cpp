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
#include "shared/adminapi/adminfields.h"
#include "shared/adminapi/adminprotocol.h"
#include "shared/adminapi/supportrequests.h"
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

// The fields are read as every admin request's (shared/adminapi/adminfields.h): a wrong one is
// answered invalid_payload with its message.
using admin::fields::Need;
using admin::fields::readId;
using admin::fields::readLimit;
using admin::fields::readText;

namespace {

constexpr int defaultRefusals = 100;
constexpr int maxFound = 100;

using JobAnswer = AdminChannel::JobAnswer;

JobAnswer failure(const QString &code, const QString &message)
{
    return JobAnswer {{}, code, message};
}

// The request, or nullopt once refuse was told what is wrong with it.
template<typename Request, typename Refuse>
std::optional<Request> decode(const QJsonObject &data, const Refuse &refuse)
{
    auto request = Request::fromJson(data);
    if (!request) {
        refuse(request.error());
        return std::nullopt;
    }
    return std::move(request).value();
}

JobAnswer storeFailure(const StoreError &error, const QString &what)
{
    return failure(admin::codes::internal,
                   QStringLiteral("cannot %1: %2").arg(what, error.message));
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
    // Read by their one definition in shared/adminapi; a wrong field is invalid_payload.
    const auto invalid = [&](const ValidationError &e) {
        replyError(consoleId, requestId, admin::codes::invalidPayload, e.message());
    };
    if (type == admin::msg::revokeSessions) {
        if (auto r = decode<admin::RevokeSessionsRequest>(data, invalid))
            revokeSessions(consoleId, *r, requestId);
    } else if (type == admin::msg::markRead) {
        if (auto r = decode<admin::MarkReadRequest>(data, invalid))
            changeForUser(consoleId, *r, requestId, false);
    } else if (type == admin::msg::deleteNotifications) {
        if (auto r = decode<admin::DeleteNotificationsRequest>(data, invalid))
            changeForUser(consoleId, *r, requestId, true);
    } else if (type == admin::msg::findNotification) {
        if (auto r = decode<admin::FindNotificationRequest>(data, invalid))
            findNotification(consoleId, *r, requestId);
    } else if (type == admin::msg::broadcastHistory) {
        if (auto r = decode<admin::BroadcastHistoryRequest>(data, invalid))
            broadcastHistory(consoleId, *r, requestId);
    } else if (type == admin::msg::refusedConnections)
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

void AdminChannel::revokeSessions(quint64 consoleId, const admin::RevokeSessionsRequest &request,
                                  const QString &requestId)
{
    const Recipient r = request.user;
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
        return JobAnswer {admin::RevokeSessionsReply {revoked}.toJson(), {}, {}};
    });
}

void AdminChannel::changeForUser(quint64 consoleId, const admin::UserNotificationIds &request,
                                 const QString &requestId, bool remove)
{
    const Recipient r = request.user;
    const QStringList ids = request.notificationIds;
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
            remove ? admin::DeleteNotificationsReply {change.updated(), change.unreadCount}.toJson()
                   : admin::MarkReadReply {change.updated(), change.unreadCount}.toJson(),
            {},
            {}};
    });
}

void AdminChannel::findNotification(quint64 consoleId,
                                    const admin::FindNotificationRequest &request,
                                    const QString &requestId)
{
    const QString id = request.id;
    const QString orgId = request.orgId;
    const QString key = request.idempotencyKey;
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
        return JobAnswer {admin::FoundNotifications {list}.toJson(), {}, {}};
    });
}

void AdminChannel::broadcastHistory(quint64 consoleId,
                                    const admin::BroadcastHistoryRequest &request,
                                    const QString &requestId)
{
    const QString orgId = request.orgId;
    const int limit = request.limit;
    // Broadcasts of POST /api/v1/broadcasts are stored (the broadcasts table, shared by the
    // nodes of a cluster): every node's are in the answer.
    onReaderReply(consoleId, requestId, [orgId, limit](Store &store) -> JobAnswer {
        auto list = support::broadcasts(store, orgId, limit);
        if (!list.ok())
            return storeFailure(list.error(), QStringLiteral("read the broadcasts"));
        QJsonArray json;
        for (const BroadcastRecord &b : list.value())
            json.append(broadcastToJson(b));
        return JobAnswer {admin::BroadcastHistoryReply {json}.toJson(), {}, {}};
    });
}

void AdminChannel::refusedConnections(quint64 consoleId, const QJsonObject &data,
                                      const QString &requestId)
{
    QString orgId;
    QString userId;
    if (auto e = readId(data, QStringLiteral("orgId"), Need::Optional, orgId))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, e->message());
    if (auto e = readId(data, QStringLiteral("userId"), Need::Optional, userId))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, e->message());
    int limit = 0;
    if (auto e = readLimit(data, RefusalLog::capacity, defaultRefusals, limit))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, e->message());
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
        return replyError(consoleId, requestId, admin::codes::invalidPayload, e->message());
    const QJsonValue before = data.value(QStringLiteral("beforeId"));
    if (!before.isUndefined() && !before.isNull()) {
        if (!before.isDouble() || before.toDouble() < 1)
            return replyError(consoleId, requestId, admin::codes::invalidPayload,
                              QStringLiteral("beforeId: must be an entry's id"));
        query.beforeId = qint64(before.toDouble());
    }
    if (auto e
        = readText(data, QStringLiteral("operator"), Need::Optional, 128, query.operatorName))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, e->message());
    if (auto e = readText(data, QStringLiteral("action"), Need::Optional, 128, query.action))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, e->message());
    QString since;
    if (auto e = readText(data, QStringLiteral("since"), Need::Optional, 64, since))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, e->message());
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
    if (auto e = readId(data, QStringLiteral("orgId"), Need::Required, row.orgId))
        return invalid(e->message());
    if (auto e = readText(data, QStringLiteral("name"), Need::Required, 64, row.name))
        return invalid(e->message());
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
        if (auto e = readText(data, field, Need::Optional, 64, text))
            return invalid(e->message());
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
    if (auto e = readText(data, QStringLiteral("name"), Need::Required, 64, name))
        return replyError(consoleId, requestId, admin::codes::invalidPayload, e->message());
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
