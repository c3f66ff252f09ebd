// The polling path for clients without a socket: /api/v1/me/*, authenticated with the user's
// own credential. Changes have exactly the effects of the WebSocket requests (see
// net/shardrequests.cpp) and are pushed to the user's live connections the same way.
#include "server/api/apiserver.h"

#include "server/delivery/deliveryhub.h"
#include "server/metrics/metrics.h"
#include "server/protocol/authenticator.h"
#include "server/storage/storeworker.h"
#include "shared/codec/wirecodec.h"
#include "shared/model/validation.h"

#include <QJsonArray>

namespace notify {

using namespace http;

namespace {

using limits::maxIdsPerRequest;

using Continuation = std::function<void(const HttpReply &)>;

enum class Change { Read, ReadAll, Delete, Seen, SeenAll };

struct ListQuery
{
    int limit = 20;
    std::optional<qint64> beforeSeq;
    bool unread = false;
};

HttpResult<ListQuery> parseListQuery(const ApiRequest &request)
{
    auto limit = queryInteger(request, QStringLiteral("limit"), 1, 100);
    if (!limit)
        return limit.error();
    auto beforeSeq
        = queryInteger(request, QStringLiteral("beforeSeq"), 1, std::numeric_limits<qint64>::max());
    if (!beforeSeq)
        return beforeSeq.error();
    auto unread = queryBool(request, QStringLiteral("unread"), false);
    if (!unread)
        return unread.error();
    return ListQuery {int(limit.value().value_or(20)), beforeSeq.value(), unread.value()};
}

Continuation storeFailure(const StoreError &error, Metrics &metrics)
{
    bump(metrics.failed);
    const HttpError e = HttpError::fromStore(error);
    return [e](const HttpReply &reply) {
        reply.error(e);
    };
}

// Runs on the writer: the change, its events, and the answer, as shardrequests.cpp does.
Continuation applyChange(Store &store, Change kind, const Recipient &r, const QStringList &ids,
                         DeliveryHub &hub, Metrics &metrics)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    StoreResult<ChangeOutcome> result = kind == Change::Read ? store.markRead(r, ids, now)
        : kind == Change::Delete                             ? store.softDelete(r, ids, now)
        : kind == Change::Seen                               ? store.markSeen(r, ids, now)
        : kind == Change::SeenAll                            ? store.markAllSeen(r, now)
                                                             : store.markAllRead(r, now);
    if (!result.ok())
        return storeFailure(result.error(), metrics);
    const ChangeOutcome &change = result.value();
    const bool all = kind == Change::ReadAll || kind == Change::SeenAll;
    const auto scope = all ? DeliveryHub::ReadScope::All : DeliveryHub::ReadScope::Ids;
    if (kind == Change::Delete)
        hub.publishDeleted(r, change);
    else if (kind == Change::Seen || kind == Change::SeenAll)
        hub.publishSeen(r, change, scope);
    else
        hub.publishMarkedRead(r, change, scope, &store);

    // Nothing changed: "already read" is a success, an id that is not this user's (or does
    // not exist, or is deleted) is not found; the lookup is scoped to r, so another user's
    // notification is indistinguishable from a missing one.
    if (!all && change.ids.isEmpty()) {
        bool anyOwned = false;
        for (const QString &id : ids) {
            auto found = store.find(r, id);
            if (!found.ok())
                return storeFailure(found.error(), metrics);
            if (found.value()) {
                anyOwned = true;
                break;
            }
        }
        if (!anyOwned) {
            return [](const HttpReply &reply) {
                reply.error(404, codes::notFound, QStringLiteral("no such notification"));
            };
        }
    }
    const QJsonObject json {
        {QStringLiteral("ok"), true},
        {kind == Change::Delete ? QStringLiteral("deleted") : QStringLiteral("updated"),
         change.updated()},
        {QStringLiteral("unreadCount"), change.unreadCount},
        {QStringLiteral("unseenCount"), change.unseenCount}};
    return [json](const HttpReply &reply) {
        reply.json(200, json);
    };
}

} // namespace

// Input is checked before the credential is looked at, but a bad credential wins: the 400 is
// only reported to an authenticated caller.
void ApiServer::meList(const ApiRequest &request, const HttpReply &reply)
{
    const HttpResult<ListQuery> query = parseListQuery(request);
    Metrics &metrics = m_services.metrics;
    withUser(request, reply, [this, query, &metrics](const Identity &who, const HttpReply &reply) {
        if (!query)
            return reply.error(query.error());
        const Recipient r = who.recipient;
        const InboxQuery inbox {query.value().limit, query.value().beforeSeq, query.value().unread};
        onReader(reply, [r, inbox, &metrics](Store &store) -> Continuation {
            auto page = store.inbox(r, inbox);
            if (!page.ok())
                return storeFailure(page.error(), metrics);
            auto count = store.counts(r);
            if (!count.ok())
                return storeFailure(count.error(), metrics);
            const QJsonObject json {{QStringLiteral("notifications"),
                                     notificationsToClientJson(page.value().notifications)},
                                    {QStringLiteral("hasMore"), page.value().hasMore},
                                    {QStringLiteral("unreadCount"), count->unread},
                                    {QStringLiteral("unseenCount"), count->unseen}};
            return [json](const HttpReply &reply) {
                reply.json(200, json);
            };
        });
    });
}

void ApiServer::meUnreadCount(const ApiRequest &request, const HttpReply &reply)
{
    Metrics &metrics = m_services.metrics;
    withUser(request, reply, [this, &metrics](const Identity &who, const HttpReply &reply) {
        const Recipient r = who.recipient;
        onReader(reply, [r, &metrics](Store &store) -> Continuation {
            auto count = store.counts(r);
            if (!count.ok())
                return storeFailure(count.error(), metrics);
            const QJsonObject json {{QStringLiteral("unreadCount"), count->unread},
                                    {QStringLiteral("unseenCount"), count->unseen}};
            return [json](const HttpReply &reply) {
                reply.json(200, json);
            };
        });
    });
}

void ApiServer::meMarkRead(const ApiRequest &request, const HttpReply &reply)
{
    meChangeIds(request, reply, int(Change::Read));
}

void ApiServer::meMarkSeen(const ApiRequest &request, const HttpReply &reply)
{
    meChangeIds(request, reply, int(Change::Seen));
}

void ApiServer::meMarkAllRead(const ApiRequest &request, const HttpReply &reply)
{
    meChangeAll(request, reply, int(Change::ReadAll));
}

void ApiServer::meMarkAllSeen(const ApiRequest &request, const HttpReply &reply)
{
    meChangeAll(request, reply, int(Change::SeenAll));
}

void ApiServer::meChangeIds(const ApiRequest &request, const HttpReply &reply, int change)
{
    const Change kind = Change(change);
    HttpResult<QStringList> ids = HttpError {};
    auto body = parseJsonObject(request.body());
    if (!body) {
        ids = body.error();
    } else {
        auto parsed = parseIdList(body.value().value(QStringLiteral("notificationIds")),
                                  QStringLiteral("notificationIds"), maxIdsPerRequest);
        if (parsed)
            ids = parsed.value();
        else
            ids = HttpError::invalid(parsed.error());
    }
    DeliveryHub &hub = m_services.hub;
    Metrics &metrics = m_services.metrics;
    withUser(request, reply,
             [this, kind, ids, &hub, &metrics](const Identity &who, const HttpReply &reply) {
                 if (!ids)
                     return reply.error(ids.error());
                 if (!requireAccepting(reply))
                     return;
                 const Recipient r = who.recipient;
                 const QStringList list = ids.value();
                 onWriter(reply, [kind, r, list, &hub, &metrics](Store &store) {
                     return applyChange(store, kind, r, list, hub, metrics);
                 });
             });
}

void ApiServer::meChangeAll(const ApiRequest &request, const HttpReply &reply, int change)
{
    const Change kind = Change(change);
    // No body is needed; one that is sent must still be a JSON object.
    std::optional<HttpError> invalid;
    if (!request.body().trimmed().isEmpty()) {
        auto body = parseJsonObject(request.body());
        if (!body)
            invalid = body.error();
    }
    DeliveryHub &hub = m_services.hub;
    Metrics &metrics = m_services.metrics;
    withUser(request, reply,
             [this, kind, invalid, &hub, &metrics](const Identity &who, const HttpReply &reply) {
                 if (invalid)
                     return reply.error(*invalid);
                 if (!requireAccepting(reply))
                     return;
                 const Recipient r = who.recipient;
                 onWriter(reply, [kind, r, &hub, &metrics](Store &store) {
                     return applyChange(store, kind, r, {}, hub, metrics);
                 });
             });
}

void ApiServer::meDelete(const QString &id, const ApiRequest &request, const HttpReply &reply)
{
    const std::optional<ValidationError> invalid = validateId(QStringLiteral("id"), id);
    DeliveryHub &hub = m_services.hub;
    Metrics &metrics = m_services.metrics;
    withUser(request, reply,
             [this, id, invalid, &hub, &metrics](const Identity &who, const HttpReply &reply) {
                 if (invalid)
                     return reply.error(HttpError::invalid(*invalid));
                 if (!requireAccepting(reply))
                     return;
                 const Recipient r = who.recipient;
                 onWriter(reply, [r, id, &hub, &metrics](Store &store) {
                     return applyChange(store, Change::Delete, r, QStringList {id}, hub, metrics);
                 });
             });
}

} // namespace notify
