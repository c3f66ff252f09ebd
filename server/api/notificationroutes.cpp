// Server-to-server publishing: POST /api/v1/notifications, POST /api/v1/broadcasts, and the
// back-office inbox GET /api/v1/notifications.
#include "server/api/apiserver.h"
#include "server/api/publishreply.h"
#include "server/api/publishrequest.h"

#include "server/delivery/deliveryhub.h"
#include "server/log/logging.h"
#include "server/metrics/metrics.h"
#include "server/storage/storeworker.h"
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"

#include "shared/model/timeuuid.h"
#include <QJsonArray>

#include <QUuid>

namespace notify {

using namespace http;

void ApiServer::createNotifications(const ApiRequest &request, const HttpReply &reply)
{
    const auto caller = requireApiKey(request, reply, ApiKeyRing::Publish);
    if (!caller || !requireAccepting(reply))
        return;
    auto body = parseJsonObject(request.body());
    if (!body) {
        reply.error(body.error());
        return;
    }
    auto items = parsePublish(body.value());
    if (!items) {
        reply.error(items.error());
        return;
    }
    // Every recipient in the key's organization, or nothing is stored.
    for (const NewNotification &item : items.value()) {
        if (!requireOrg(*caller, item.recipient.orgId, reply))
            return;
    }
    if (!takeDeliveries(*caller, qint64(items.value().size()), reply))
        return;

    // Set when the answer went out as 503 storage_timeout: the writer then skips the job if
    // it has not started it, so that the refusal means "not stored" for all but the group
    // in flight at the deadline.
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    const quint64 ticket = park(reply, cancelled);
    DeliveryHub &hub = m_services.hub;
    Metrics &metrics = m_services.metrics;
    // Runs on the writer thread after the commit; the commit hook has already pushed the
    // created notifications, so only the reach is computed here.
    const bool queued = m_services.writer.postInsert(
        std::move(items.value()),
        [this, ticket, &hub, &metrics](const StoreResult<StoreWorker::InsertReply> &result) {
            if (!result.ok()) {
                bump(metrics.failed);
                const HttpError e = HttpError::fromStore(result.error());
                resume(ticket, [e](const HttpReply &r) { r.error(e); });
                return;
            }
            // This runs on the store writer, which every write waits for: only the count of
            // connections reached and what the answer names of each notification are taken
            // here (at commit time); the answer is written on the HTTP thread.
            const std::vector<InsertOutcome> &outcomes = result.value().outcomes;
            const int reached = result.value().connectionsReached >= 0
                ? result.value().connectionsReached
                : hub.connectionsReached(outcomes);
            resume(ticket, [answer = publishAnswerFrom(outcomes), reached](const HttpReply &r) {
                // Nothing new (every recipient's key was already used): the originals, 200.
                r.raw(answer.anyCreated ? 201 : 200, QByteArrayLiteral("application/json"),
                      publishAnswerBody(answer.notifications, reached));
            });
        },
        cancelled);
    if (!queued) {
        // The writer's queue is at its bound (a store that stopped answering): refused at
        // once rather than held (docs/configuration.md, "Fixed limits").
        if (const std::optional<HttpReply> parked = unpark(ticket)) {
            bump(metrics.failed);
            HttpError e = HttpError::storeFault(StoreError::Cause::Other);
            e.message = QStringLiteral("the store's queue is full; try again");
            parked->error(e);
        }
    }
}

void ApiServer::createBroadcast(const ApiRequest &request, const HttpReply &reply)
{
    const auto caller = requireApiKey(request, reply, ApiKeyRing::Broadcast);
    if (!caller || !requireAccepting(reply))
        return;
    auto parsed = parseJsonObject(request.body());
    if (!parsed) {
        reply.error(parsed.error());
        return;
    }
    const QJsonObject &body = parsed.value();

    BroadcastRecord record;
    auto orgId = optionalId(body, QStringLiteral("orgId"));
    if (!orgId)
        return reply.error(orgId.error());
    record.orgId = orgId.value();
    // A key of one organization announces there only (a node-wide one has no orgId).
    if (!requireOrg(*caller, record.orgId, reply))
        return;
    auto role = optionalId(body, QStringLiteral("role"));
    if (!role)
        return reply.error(role.error());
    record.role = role.value();
    if (!record.role.isEmpty() && record.orgId.isEmpty())
        return reply.error(
            HttpError::invalid(QStringLiteral("role"), QStringLiteral("requires orgId")));

    const QJsonValue title = body.value(QStringLiteral("title"));
    if (title.isUndefined() || title.isNull())
        return reply.error(
            HttpError::invalid(QStringLiteral("title"), QStringLiteral("is required")));
    if (!title.isString())
        return reply.error(
            HttpError::invalid(QStringLiteral("title"), QStringLiteral("must be a string")));
    record.title = title.toString();
    if (auto e = validateTitle(record.title))
        return reply.error(HttpError::invalid(*e));

    auto text = optionalString(body, QStringLiteral("body"));
    if (!text)
        return reply.error(HttpError::invalid(text.error()));
    record.body = text.value();
    if (auto e = validateBody(record.body))
        return reply.error(HttpError::invalid(*e));

    Priority priority = Priority::Normal;
    const QJsonValue priorityValue = body.value(QStringLiteral("priority"));
    if (!priorityValue.isUndefined() && !priorityValue.isNull()) {
        const auto p
            = priorityValue.isString() ? parsePriority(priorityValue.toString()) : std::nullopt;
        if (!p)
            return reply.error(HttpError::invalid(QStringLiteral("priority"),
                                                  QStringLiteral("must be one of low, normal, "
                                                                 "high, urgent")));
        priority = *p;
    }
    record.priority = priorityName(priority);

    auto actionUrl = optionalString(body, QStringLiteral("actionUrl"));
    if (!actionUrl)
        return reply.error(HttpError::invalid(actionUrl.error()));
    record.actionUrl = actionUrl.value();
    if (auto e = validateActionUrl(record.actionUrl))
        return reply.error(HttpError::invalid(*e));

    // The record is part of the contract: without storage, refuse before anyone is reached
    // rather than announce something that cannot be recorded.
    if (!m_services.storeReady.load())
        return reply.error(503, codes::unavailable,
                           QStringLiteral("storage is unavailable; try again"));

    record.id = newTimeOrderedUuid();
    record.createdAt = QDateTime::currentDateTimeUtc();
    const QString room = record.orgId.isEmpty() ? rooms::broadcast()
        : record.role.isEmpty()                 ? rooms::org(record.orgId)
                                                : rooms::role(record.orgId, record.role);
    const QJsonObject announcement = announcementToJson(
        record.id, record.title, record.body, record.priority, record.actionUrl, record.createdAt);
    const int reached = m_services.hub.publishAnnouncement(room, announcement);
    record.deliveredConnections = reached;

    Metrics &metrics = m_services.metrics;
    onWriter(reply, [record, reached, &metrics](Store &store) -> Continuation {
        auto recorded = store.recordBroadcast(record);
        if (!recorded.ok()) {
            // The announcement is already out; a retry would send it twice, so the caller
            // still gets 201 and the loss of the record is only counted and logged.
            bump(metrics.failed);
            qCWarning(lcApi).noquote()
                << "broadcast" << record.id
                << "was delivered but could not be recorded:" << recorded.error().message;
        }
        const QJsonObject json {{QStringLiteral("id"), record.id},
                                {QStringLiteral("deliveredConnections"), reached}};
        return [json](const HttpReply &r) {
            r.json(201, json);
        };
    });
}

void ApiServer::listNotifications(const ApiRequest &request, const HttpReply &reply)
{
    const auto caller = requireApiKey(request, reply, ApiKeyRing::Read);
    if (!caller)
        return;
    auto recipient = queryRecipient(request);
    if (!recipient)
        return reply.error(recipient.error());
    if (!requireOrg(*caller, recipient.value().orgId, reply))
        return;
    auto limit = queryInteger(request, QStringLiteral("limit"), 1, 100);
    if (!limit)
        return reply.error(limit.error());
    auto beforeSeq
        = queryInteger(request, QStringLiteral("beforeSeq"), 1, std::numeric_limits<qint64>::max());
    if (!beforeSeq)
        return reply.error(beforeSeq.error());
    auto unread = queryBool(request, QStringLiteral("unread"), false);
    if (!unread)
        return reply.error(unread.error());

    const Recipient r = recipient.value();
    const InboxQuery query {int(limit.value().value_or(20)), beforeSeq.value(), unread.value()};
    Metrics &metrics = m_services.metrics;
    onReader(reply, [r, query, &metrics](Store &store) -> Continuation {
        auto page = store.inbox(r, query);
        if (!page.ok()) {
            bump(metrics.failed);
            const HttpError e = HttpError::fromStore(page.error());
            return [e](const HttpReply &reply) {
                reply.error(e);
            };
        }
        QJsonArray list;
        for (const Notification &n : page.value().notifications)
            list.append(notificationToAdminJson(n));
        const QJsonObject json {{QStringLiteral("notifications"), list},
                                {QStringLiteral("hasMore"), page.value().hasMore}};
        return [json](const HttpReply &reply) {
            reply.json(200, json);
        };
    });
}

} // namespace notify
