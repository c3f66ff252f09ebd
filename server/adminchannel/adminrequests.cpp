// The console's requests: send_test, kick, trace, list_notifications, user and snapshot,
// and the connection:stats push.
#include "server/adminchannel/adminchannel.h"

#include "server/delivery/deliveryhub.h"
#include "server/metrics/metrics.h"
#include "server/shard/shard.h"
#include "server/storage/storeworker.h"
#include "server/util/posting.h"
#include "shared/adminapi/adminprotocol.h"
#include "shared/adminapi/connectionrequests.h"
#include "shared/adminapi/inboxrequests.h"
#include "shared/adminapi/pushes.h"
#include "shared/adminapi/sendtest.h"
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"
#include "shared/model/priority.h"
#include "shared/model/validation.h"

#include "shared/model/timeuuid.h"
#include <QJsonArray>
#include <QJsonDocument>

#include <QUuid>

#include <memory>

#include <cmath>
#include <limits>
#include <optional>

namespace notify {

namespace {

// Where a send_test goes: a recipient's inbox, or a live announcement to a room.
struct Target
{
    std::optional<Recipient> recipient;
    QString room; // when no recipient
};

// userId, or a room by its exact name (docs/protocol.md, "Rooms"); a user room is the same
// as its userId. The room is read with rooms::parse, never by prefix: an id may contain `:`.
Result<Target, ValidationError> resolveTarget(const admin::SendTestRequest &request)
{
    const QString &orgId = request.orgId;
    if (!request.userId.isEmpty())
        return Target {Recipient {orgId, request.userId}, {}};
    const QString roomField = QStringLiteral("room");
    const std::optional<rooms::Parsed> room = rooms::parse(request.room);
    if (room && room->kind == rooms::Kind::Broadcast)
        return Target {std::nullopt, rooms::broadcast()};
    if (room && room->orgId == orgId) {
        switch (room->kind) {
        case rooms::Kind::Org:
            return Target {std::nullopt, rooms::org(orgId)};
        case rooms::Kind::User:
            if (auto e = validateId(roomField, room->member))
                return *e;
            return Target {Recipient {orgId, room->member}, {}};
        case rooms::Kind::Role:
            if (auto e = validateId(roomField, room->member))
                return *e;
            return Target {std::nullopt, rooms::role(orgId, room->member)};
        case rooms::Kind::Broadcast:
            break;
        }
    }
    const QString org = rooms::org(orgId);
    return ValidationError {roomField,
                            QStringLiteral("must be %1, %1:user:{userId}, %1:role:{role} or "
                                           "broadcast")
                                    .arg(org)
                                + QStringLiteral(" (inside a room name, an id's % is written "
                                                 "%25 and its : %3A)")};
}

} // namespace

void AdminChannel::onText(quint64 consoleId, const QString &text)
{
    // Shutting down: the shards and the store are going away, the console is being closed.
    if (m_stopped)
        return;
    auto request = decodeRequestEnvelope(text.toUtf8());
    if (!request) {
        replyError(consoleId, request.error().requestId, request.error().code,
                   request.error().message);
        return;
    }
    handleRequest(consoleId, request->type, request->data, request->requestId);
}

namespace {

// What an audit entry names as the target of a request: its ids, as given.
QString auditTarget(const QJsonObject &data)
{
    QStringList parts;
    for (const QString &field :
         {QStringLiteral("connectionId"), QStringLiteral("node"), QStringLiteral("orgId"),
          QStringLiteral("userId"), QStringLiteral("role"), QStringLiteral("room"),
          QStringLiteral("name"), QStringLiteral("webhookId"), QStringLiteral("url")}) {
        const QJsonValue v = data.value(field);
        if (v.isString() || v.isDouble())
            parts.append(field + u'=' + v.toVariant().toString().left(128));
    }
    return parts.join(u' ');
}

} // namespace

void AdminChannel::handleRequest(quint64 consoleId, const QString &type, const QJsonObject &data,
                                 const QString &requestId)
{
    const Console *console = find(consoleId);
    if (!console)
        return;
    // The server refuses what the role may not do (docs/protocol.md, "Roles"); the refusal
    // is audited too.
    if (!admin::role::allows(console->role, type)) {
        recordAudit(*console, type.left(64), auditTarget(data), admin::codes::forbidden);
        return replyError(consoleId, requestId, admin::codes::forbidden,
                          QStringLiteral("the operator '%1' (%2) may not %3: it needs the %4 role")
                              .arg(console->operatorName, console->role, type.left(64),
                                   admin::role::required(type)));
    }
    // Actions that change something are audited with their outcome (reply or error).
    if (admin::role::audited(type))
        m_pendingAudit[{consoleId, requestId}] = PendingAudit {type, auditTarget(data)};
    // Support and admin requests (supportrequests.cpp).
    if (handleSupportRequest(consoleId, type, data, requestId))
        return;
    // Each request is read by its one definition in shared/adminapi; a wrong field is
    // invalid_payload, named.
    const auto run = [&]<typename Request>(
                         void (AdminChannel::*handler)(quint64, const Request &, const QString &)) {
        auto request = Request::fromJson(data);
        if (!request)
            return replyError(consoleId, requestId, admin::codes::invalidPayload,
                              request.error().message());
        (this->*handler)(consoleId, request.value(), requestId);
    };
    if (type == admin::msg::sendTest)
        run(&AdminChannel::sendTest);
    else if (type == admin::msg::kick)
        run(&AdminChannel::kick);
    else if (type == admin::msg::trace)
        run(&AdminChannel::trace);
    else if (type == admin::msg::listNotifications)
        run(&AdminChannel::listNotifications);
    else if (type == admin::msg::snapshot)
        startSnapshot(consoleId, false, requestId);
    else if (type == admin::msg::user)
        run(&AdminChannel::user);
    else if (type == admin::msg::watchUser)
        run(&AdminChannel::watchUser);
    else if (type == admin::msg::nodes)
        nodes(consoleId, requestId);
    else if (type == admin::msg::clusterConnections)
        clusterConnections(consoleId, requestId);
    else
        replyError(consoleId, requestId, admin::codes::unknownType,
                   QStringLiteral("unknown message type '%1'").arg(type.left(64)));
}

void AdminChannel::sendTest(quint64 consoleId, const admin::SendTestRequest &request,
                            const QString &requestId)
{
    auto target = resolveTarget(request);
    if (!target)
        return replyError(consoleId, requestId, admin::codes::invalidPayload,
                          target.error().message());
    const NotificationContent &content = request.content;

    if (!target->recipient) {
        // A live announcement: not stored, reaches whoever is in the room now.
        const NotificationContent &c = content;
        const QString announcementId = newTimeOrderedUuid();
        const QJsonObject announcement
            = announcementToJson(announcementId, c.title, c.body, priorityName(c.priority),
                                 c.actionUrl, QDateTime::currentDateTimeUtc());
        const int reached = m_services.hub.publishAnnouncement(target->room, announcement);
        // stored: false tells the console this was live only: no inbox has it.
        reply(consoleId, requestId,
              admin::SendTestReply {{announcementId}, reached, false}.toJson());
        return;
    }

    // Stored and delivered exactly like the API's: the writer's commit hook pushes it.
    DeliveryHub &hub = m_services.hub;
    Metrics &metrics = m_services.metrics;
    std::vector<NewNotification> items {NewNotification {*target->recipient, content, QString()}};
    const bool queued = m_services.writer.postInsert(
        std::move(items),
        [this, consoleId, requestId, &hub,
         &metrics](const StoreResult<StoreWorker::InsertReply> &result) {
            if (!result.ok()) {
                bump(metrics.failed);
                const QString message = result.error().message;
                postTo(this, [this, consoleId, requestId, message] {
                    replyError(consoleId, requestId, admin::codes::internal,
                               QStringLiteral("the notification was not stored: %1").arg(message));
                });
                return;
            }
            const int reached = result.value().connectionsReached >= 0
                ? result.value().connectionsReached
                : hub.connectionsReached(result.value().outcomes);
            admin::SendTestReply sent {{}, reached, true};
            for (const InsertOutcome &o : result.value().outcomes)
                sent.notificationIds.append(o.notification.id);
            const QJsonObject json = sent.toJson();
            postTo(this, [this, consoleId, requestId, json] { reply(consoleId, requestId, json); });
        });
    if (!queued)
        replyError(consoleId, requestId, admin::codes::internal,
                   QStringLiteral("the notification was not stored: the store's queue is full"));
}

void AdminChannel::kick(quint64 consoleId, const admin::KickRequest &request,
                        const QString &requestId)
{
    if (kickRemote(consoleId, request, requestId))
        return;
    // Only the shard that owns the connection acts; the others find nothing.
    for (Shard *shard : m_shards)
        shard->kick(request.connectionId, request.reason);
    reply(consoleId, requestId, admin::OkReply {}.toJson());
}

void AdminChannel::trace(quint64 consoleId, const admin::TraceRequest &request,
                         const QString &requestId)
{
    Console *console = find(consoleId);
    if (!console)
        return;
    setTracing(*console, request.on);
    reply(consoleId, requestId, admin::TraceReply {request.on}.toJson());
}

void AdminChannel::listNotifications(quint64 consoleId,
                                     const admin::ListNotificationsRequest &request,
                                     const QString &requestId)
{
    // An inbox belongs to a recipient; a whole organization is not listed (no such query,
    // and it could be large): both ids are required (ListNotificationsRequest::fromJson).
    const Recipient r = request.recipient;
    const InboxQuery query {request.limit.value_or(admin::defaultPageLimit), request.beforeSeq,
                            request.unreadOnly, request.deleted};
    m_services.readers.post([this, consoleId, requestId, r, query](Store &store) {
        auto page = store.inbox(r, query);
        if (!page.ok()) {
            const QString message = page.error().message;
            postTo(this, [this, consoleId, requestId, message] {
                replyError(consoleId, requestId, admin::codes::internal,
                           QStringLiteral("cannot read the inbox: %1").arg(message));
            });
            return;
        }
        const QJsonObject json = admin::ListNotificationsReply {
            {withDelivery(store, page.value().notifications),
             page.value().hasMore}}.toJson();
        postTo(this, [this, consoleId, requestId, json] { reply(consoleId, requestId, json); });
    });
}

void AdminChannel::collectConnections(std::function<bool(const ConnectionInfo &)> keep,
                                      std::function<void(std::vector<ConnectionInfo>)> done)
{
    struct Job
    {
        int remaining = 0;
        std::vector<ConnectionInfo> connections;
        std::function<bool(const ConnectionInfo &)> keep;
        std::function<void(std::vector<ConnectionInfo>)> done;
    };
    auto job = std::make_shared<Job>();
    job->remaining = int(m_shards.size());
    job->keep = std::move(keep);
    job->done = std::move(done);
    if (job->remaining == 0) {
        job->done({});
        return;
    }
    // Each shard answers on its own time, on this thread; nothing waits for a shard.
    for (Shard *shard : m_shards) {
        shard->collectSnapshot(this, [job](const ShardSnapshot &part) {
            for (const ConnectionInfo &c : part.connections) {
                if (!job->keep || job->keep(c))
                    job->connections.push_back(c);
            }
            if (--job->remaining == 0)
                job->done(std::move(job->connections));
        });
    }
}

void AdminChannel::pushStats()
{
    // One collection at a time: a slow shard delays the figures, it does not pile up jobs.
    if (m_statsInFlight || m_stopped)
        return;
    bool anyReady = false;
    for (const auto &[id, console] : m_consoles)
        anyReady = anyReady || console.ready;
    if (!anyReady)
        return;
    m_statsInFlight = true;
    collectConnections({}, [this](std::vector<ConnectionInfo> connections) {
        m_statsInFlight = false;
        if (m_stopped)
            return;
        // Only the figures that change; who the connection is came with connection:opened.
        admin::ConnectionStats stats {{}, admin::statsIntervalMs};
        for (const ConnectionInfo &c : connections)
            stats.connections.append(admin::ConnectionStats::entry(c));
        broadcast(encodeEnvelope(admin::ConnectionStats::type(), stats.toJson()));
    });
}

void AdminChannel::user(quint64 consoleId, const admin::UserRequest &request,
                        const QString &requestId)
{
    const Recipient r = request.recipient;
    const InboxQuery query {request.limit.value_or(admin::defaultPageLimit), std::nullopt, false,
                            request.deleted};
    // Connections first (this node's shards), then the store on a reader thread.
    collectConnections(
        [r](const ConnectionInfo &c) { return c.orgId == r.orgId && c.userId == r.userId; },
        [this, consoleId, requestId, r, query](std::vector<ConnectionInfo> connections) {
            QJsonArray connectionList;
            for (const ConnectionInfo &c : connections)
                connectionList.append(connectionToJson(c));
            m_services.readers.post([this, consoleId, requestId, r, query,
                                     connectionList](Store &store) {
                auto unread = store.unreadCount(r);
                auto page = unread.ok() ? store.inbox(r, query) : StoreResult<Page>(unread.error());
                if (!page.ok()) {
                    const QString message = page.error().message;
                    postTo(this, [this, consoleId, requestId, message] {
                        replyError(consoleId, requestId, admin::codes::internal,
                                   QStringLiteral("cannot read the user's inbox: %1").arg(message));
                    });
                    return;
                }
                const QJsonObject json = admin::UserReply {
                    r,
                    connectionList,
                    unread.value(),
                    {withDelivery(store, page.value().notifications),
                     page.value().hasMore}}.toJson();
                postTo(this,
                       [this, consoleId, requestId, json] { reply(consoleId, requestId, json); });
            });
        });
}

} // namespace notify
