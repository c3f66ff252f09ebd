// The console's requests: send_test, kick, trace, list_notifications, user and snapshot,
// and the connection:stats push.
#include "server/adminchannel/adminchannel.h"

#include "server/delivery/deliveryhub.h"
#include "server/metrics/metrics.h"
#include "server/shard/shard.h"
#include "server/storage/storeworker.h"
#include "server/util/posting.h"
#include "shared/adminapi/adminprotocol.h"
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

// WebSocket close reasons are limited to 123 bytes of UTF-8 (RFC 6455 §5.5).
constexpr int maxCloseReasonBytes = 123;
constexpr int defaultListLimit = 20;

bool present(const QJsonObject &json, const QString &field)
{
    const QJsonValue v = json.value(field);
    return !v.isUndefined() && !v.isNull();
}

// An id field (orgId, userId): a string that passes validateId. Absent is an error only
// when required; out stays empty then.
std::optional<ValidationError> readId(const QJsonObject &json, const QString &field, bool required,
                                      QString &out)
{
    if (!present(json, field)) {
        if (required)
            return ValidationError {field, QStringLiteral("is required")};
        return std::nullopt;
    }
    const QJsonValue v = json.value(field);
    if (!v.isString())
        return ValidationError {field, QStringLiteral("must be a string")};
    out = v.toString();
    return validateId(field, out);
}

// Both ids of a recipient, required (an inbox or a user view is one person's).
std::optional<ValidationError> readRecipient(const QJsonObject &json, Recipient &out)
{
    if (auto e = readId(json, QStringLiteral("orgId"), true, out.orgId))
        return e;
    return readId(json, QStringLiteral("userId"), true, out.userId);
}

// An optional integer field in [min, max]; a JSON number with a fraction is refused.
std::optional<ValidationError> readInteger(const QJsonObject &json, const QString &field,
                                           qint64 min, qint64 max, std::optional<qint64> &out)
{
    if (!present(json, field))
        return std::nullopt;
    const QJsonValue v = json.value(field);
    const double d = v.toDouble();
    // 2^53: beyond it a double no longer holds every integer.
    if (!v.isDouble() || d != double(qint64(d)) || std::abs(d) > 9007199254740992.0
        || qint64(d) < min || qint64(d) > max)
        return ValidationError {
            field, QStringLiteral("must be an integer from %1 to %2").arg(min).arg(max)};
    out = qint64(d);
    return std::nullopt;
}

// An optional boolean field; absent leaves out unchanged.
std::optional<ValidationError> readFlag(const QJsonObject &json, const QString &field, bool &out)
{
    if (!present(json, field))
        return std::nullopt;
    const QJsonValue v = json.value(field);
    if (!v.isBool())
        return ValidationError {field, QStringLiteral("must be true or false")};
    out = v.toBool();
    return std::nullopt;
}

// Where a send_test goes: a recipient's inbox, or a live announcement to a room.
struct Target
{
    std::optional<Recipient> recipient;
    QString room; // when no recipient
};

// userId, or a room by its exact name (docs/protocol.md, "Rooms"); a user room is the same
// as its userId. The room is read with rooms::parse, never by prefix: an id may contain `:`.
Result<Target, ValidationError> parseTarget(const QJsonObject &data, const QString &orgId)
{
    const QString userField = QStringLiteral("userId");
    const QString roomField = QStringLiteral("room");
    const bool hasUser = present(data, userField);
    const bool hasRoom = present(data, roomField);
    if (hasUser && hasRoom)
        return ValidationError {roomField, QStringLiteral("give either userId or room, not both")};
    if (!hasUser && !hasRoom)
        return ValidationError {userField, QStringLiteral("is required (or room)")};
    if (hasUser) {
        QString userId;
        if (auto e = readId(data, userField, true, userId))
            return *e;
        return Target {Recipient {orgId, userId}, {}};
    }

    const QJsonValue roomValue = data.value(roomField);
    if (!roomValue.isString())
        return ValidationError {roomField, QStringLiteral("must be a string")};
    const std::optional<rooms::Parsed> room = rooms::parse(roomValue.toString());
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
    if (type == admin::msg::sendTest)
        sendTest(consoleId, data, requestId);
    else if (type == admin::msg::kick)
        kick(consoleId, data, requestId);
    else if (type == admin::msg::trace)
        trace(consoleId, data, requestId);
    else if (type == admin::msg::listNotifications)
        listNotifications(consoleId, data, requestId);
    else if (type == admin::msg::snapshot)
        startSnapshot(consoleId, false, requestId);
    else if (type == admin::msg::user)
        user(consoleId, data, requestId);
    else if (type == admin::msg::watchUser) {
        // Both ids, or neither: stop watching.
        std::optional<Recipient> watched;
        if (present(data, QStringLiteral("orgId")) || present(data, QStringLiteral("userId"))) {
            Recipient r;
            if (auto e = readRecipient(data, r))
                return replyError(consoleId, requestId, admin::codes::invalidPayload, e->message());
            watched = r;
        }
        watchUser(consoleId, watched, requestId);
    } else if (type == admin::msg::nodes)
        nodes(consoleId, requestId);
    else if (type == admin::msg::clusterConnections)
        clusterConnections(consoleId, requestId);
    else
        replyError(consoleId, requestId, admin::codes::unknownType,
                   QStringLiteral("unknown message type '%1'").arg(type.left(64)));
}

void AdminChannel::sendTest(quint64 consoleId, const QJsonObject &data, const QString &requestId)
{
    const auto invalid = [&](const ValidationError &e) {
        replyError(consoleId, requestId, admin::codes::invalidPayload, e.message());
    };
    QString orgId;
    if (auto e = readId(data, QStringLiteral("orgId"), true, orgId))
        return invalid(*e);
    auto target = parseTarget(data, orgId);
    if (!target)
        return invalid(target.error());

    QJsonObject contentJson = data;
    if (!present(contentJson, QStringLiteral("type")))
        contentJson.insert(QStringLiteral("type"), QStringLiteral("TEST"));
    auto content = parseNotificationContent(contentJson);
    if (!content)
        return invalid(content.error());

    if (!target->recipient) {
        // A live announcement: not stored, reaches whoever is in the room now.
        const NotificationContent &c = content.value();
        const QString announcementId = newTimeOrderedUuid();
        const QJsonObject announcement
            = announcementToJson(announcementId, c.title, c.body, priorityName(c.priority),
                                 c.actionUrl, QDateTime::currentDateTimeUtc());
        const int reached = m_services.hub.publishAnnouncement(target->room, announcement);
        // stored: false tells the console this was live only: no inbox has it.
        reply(consoleId, requestId,
              {{QStringLiteral("notificationIds"), QJsonArray {announcementId}},
               {QStringLiteral("deliveredConnections"), reached},
               {QStringLiteral("stored"), false}});
        return;
    }

    // Stored and delivered exactly like the API's: the writer's commit hook pushes it.
    DeliveryHub &hub = m_services.hub;
    Metrics &metrics = m_services.metrics;
    std::vector<NewNotification> items {
        NewNotification {*target->recipient, std::move(content).value(), QString()}};
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
            QJsonArray ids;
            for (const InsertOutcome &o : result.value().outcomes)
                ids.append(o.notification.id);
            const QJsonObject json {{QStringLiteral("notificationIds"), ids},
                                    {QStringLiteral("deliveredConnections"),
                                     hub.connectionsReached(result.value().outcomes)},
                                    {QStringLiteral("stored"), true}};
            postTo(this, [this, consoleId, requestId, json] { reply(consoleId, requestId, json); });
        });
    if (!queued)
        replyError(consoleId, requestId, admin::codes::internal,
                   QStringLiteral("the notification was not stored: the store's queue is full"));
}

void AdminChannel::kick(quint64 consoleId, const QJsonObject &data, const QString &requestId)
{
    const QString idField = QStringLiteral("connectionId");
    quint64 connectionId = 0;
    const QJsonValue idValue = data.value(idField);
    // Connection objects carry the id as a number; a string of digits is taken too.
    if (idValue.isString()) {
        bool ok = false;
        connectionId = idValue.toString().toULongLong(&ok);
        if (!ok)
            connectionId = 0;
    } else {
        std::optional<qint64> n;
        if (auto e = readInteger(data, idField, 1, std::numeric_limits<qint64>::max(), n))
            return replyError(consoleId, requestId, admin::codes::invalidPayload, e->message());
        connectionId = n ? quint64(*n) : 0;
    }
    if (connectionId == 0)
        return replyError(consoleId, requestId, admin::codes::invalidPayload,
                          QStringLiteral("connectionId: is required (a connection's id)"));

    const QString reasonField = QStringLiteral("reason");
    QString reason;
    if (present(data, reasonField)) {
        const QJsonValue v = data.value(reasonField);
        if (!v.isString())
            return replyError(consoleId, requestId, admin::codes::invalidPayload,
                              QStringLiteral("reason: must be a string"));
        reason = v.toString();
        if (reason.toUtf8().size() > maxCloseReasonBytes)
            return replyError(consoleId, requestId, admin::codes::invalidPayload,
                              QStringLiteral("reason: at most %1 bytes of UTF-8 (a WebSocket "
                                             "close reason)")
                                  .arg(maxCloseReasonBytes));
    }
    if (kickRemote(consoleId, data, connectionId, reason, requestId))
        return;
    // Only the shard that owns the connection acts; the others find nothing.
    for (Shard *shard : m_shards)
        shard->kick(connectionId, reason);
    reply(consoleId, requestId, {{QStringLiteral("ok"), true}});
}

void AdminChannel::trace(quint64 consoleId, const QJsonObject &data, const QString &requestId)
{
    const QJsonValue on = data.value(QStringLiteral("on"));
    if (!on.isBool())
        return replyError(consoleId, requestId, admin::codes::invalidPayload,
                          QStringLiteral("on: must be true or false"));
    Console *console = find(consoleId);
    if (!console)
        return;
    setTracing(*console, on.toBool());
    reply(consoleId, requestId,
          {{QStringLiteral("ok"), true}, {QStringLiteral("on"), on.toBool()}});
}

void AdminChannel::listNotifications(quint64 consoleId, const QJsonObject &data,
                                     const QString &requestId)
{
    const auto invalid = [&](const ValidationError &e) {
        replyError(consoleId, requestId, admin::codes::invalidPayload, e.message());
    };
    // An inbox belongs to a recipient; a whole organization is not listed (no such query,
    // and it could be large): both ids are required.
    Recipient r;
    if (auto e = readRecipient(data, r))
        return invalid(*e);
    std::optional<qint64> limit;
    if (auto e = readInteger(data, QStringLiteral("limit"), 1, 100, limit))
        return invalid(*e);
    std::optional<qint64> beforeSeq;
    if (auto e = readInteger(data, QStringLiteral("beforeSeq"), 1,
                             std::numeric_limits<qint64>::max(), beforeSeq))
        return invalid(*e);
    bool unreadOnly = false;
    if (auto e = readFlag(data, QStringLiteral("unread"), unreadOnly))
        return invalid(*e);
    bool deleted = false;
    if (auto e = readFlag(data, QStringLiteral("deleted"), deleted))
        return invalid(*e);

    const InboxQuery query {int(limit.value_or(defaultListLimit)), beforeSeq, unreadOnly, deleted};
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
        const QJsonArray list = withDelivery(store, page.value().notifications);
        const QJsonObject json {{QStringLiteral("notifications"), list},
                                {QStringLiteral("hasMore"), page.value().hasMore}};
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
        QJsonArray list;
        for (const ConnectionInfo &c : connections) {
            list.append(
                QJsonObject {{QStringLiteral("id"), qint64(c.id)},
                             {QStringLiteral("rttMs"),
                              c.rttMs < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(c.rttMs)},
                             {QStringLiteral("lastPongAt"), timestampOrNull(c.lastPongAt)},
                             {QStringLiteral("framesIn"), qint64(c.framesIn)},
                             {QStringLiteral("framesOut"), qint64(c.framesOut)},
                             {QStringLiteral("bytesOut"), qint64(c.bytesOut)}});
        }
        broadcast(encodeEnvelope(admin::msg::connectionStats,
                                 {{QStringLiteral("connections"), list},
                                  {QStringLiteral("intervalMs"), admin::statsIntervalMs}}));
    });
}

void AdminChannel::user(quint64 consoleId, const QJsonObject &data, const QString &requestId)
{
    const auto invalid = [&](const ValidationError &e) {
        replyError(consoleId, requestId, admin::codes::invalidPayload, e.message());
    };
    Recipient r;
    if (auto e = readRecipient(data, r))
        return invalid(*e);
    std::optional<qint64> limit;
    if (auto e = readInteger(data, QStringLiteral("limit"), 1, 100, limit))
        return invalid(*e);

    bool deleted = false;
    if (auto e = readFlag(data, QStringLiteral("deleted"), deleted))
        return invalid(*e);

    const InboxQuery query {int(limit.value_or(defaultListLimit)), std::nullopt, false, deleted};
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
                const QJsonArray list = withDelivery(store, page.value().notifications);
                const QJsonObject json {{QStringLiteral("orgId"), r.orgId},
                                        {QStringLiteral("userId"), r.userId},
                                        {QStringLiteral("connections"), connectionList},
                                        {QStringLiteral("unreadCount"), unread.value()},
                                        {QStringLiteral("notifications"), list},
                                        {QStringLiteral("hasMore"), page.value().hasMore}};
                postTo(this,
                       [this, consoleId, requestId, json] { reply(consoleId, requestId, json); });
            });
        });
}

} // namespace notify
