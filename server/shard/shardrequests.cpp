// The client requests of docs/protocol.md ("Requests"), shared by every wire
// protocol: each is validated here, run on the store writer or a reader, and answered on
// the shard thread. Changes are published to all of the user's connections by the hub.
#include "server/shard/shard.h"

#include "server/metrics/metrics.h"
#include "server/protocol/authenticator.h"
#include "server/storage/storeworker.h"
#include "server/util/posting.h"
#include "shared/codec/errorcodes.h"
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"
#include "shared/model/validation.h"

#include <QJsonArray>

namespace notify {

namespace {
using limits::maxIdsPerRequest;
const QString invalidPayload = codes::invalidPayload;

QString storeFailureCode(const StoreError &)
{
    return codes::internal;
}

QString storeFailureMessage(const StoreError &e)
{
    return e.kind == StoreError::Kind::Unavailable
        ? QStringLiteral("storage is unavailable; try again")
        : QStringLiteral("internal error");
}
} // namespace

void Shard::handleRequest(ClientConnection &c, const QString &type, const QJsonObject &data,
                          const ReplyTo &to)
{
    if (type == QLatin1String("mark_read") || type == QLatin1String("delete")
        || type == QLatin1String("mark_all_read") || type == QLatin1String("ack")
        || type == QLatin1String("mark_seen") || type == QLatin1String("mark_all_seen")) {
        handleIdsChange(c, type, data, to);
    } else if (type == QLatin1String("get_recent")) {
        handleGetRecent(c, data, to);
    } else if (type == QLatin1String("refresh_token")) {
        handleRefreshToken(c, data, to);
    } else if (type == QLatin1String("get_unread_count")) {
        const quint64 id = c.info.id;
        const Recipient r = c.identity.recipient;
        m_services.readers.post([this, id, r, to](Store &store) {
            auto count = store.counts(r);
            postTo(this, [this, id, to, count] {
                withConnection(id, [&](ClientConnection &c) {
                    if (count.ok())
                        c.reply(to,
                                {{QStringLiteral("ok"), true},
                                 {QStringLiteral("unreadCount"), count->unread},
                                 {QStringLiteral("unseenCount"), count->unseen}});
                    else
                        c.replyError(to, storeFailureCode(count.error()),
                                     storeFailureMessage(count.error()));
                });
            });
        });
    } else {
        c.replyError(to, QStringLiteral("unknown_type"),
                     QStringLiteral("unknown request type '%1'").arg(type.left(64)));
    }
}

void Shard::handleIdsChange(ClientConnection &c, const QString &type, const QJsonObject &data,
                            const ReplyTo &to)
{
    enum class Kind { Read, ReadAll, Delete, Ack, Seen, SeenAll };
    const Kind kind = type == QLatin1String("mark_read") ? Kind::Read
        : type == QLatin1String("delete")                ? Kind::Delete
        : type == QLatin1String("ack")                   ? Kind::Ack
        : type == QLatin1String("mark_seen")             ? Kind::Seen
        : type == QLatin1String("mark_all_seen")         ? Kind::SeenAll
                                                         : Kind::ReadAll;
    const bool all = kind == Kind::ReadAll || kind == Kind::SeenAll;
    QStringList ids;
    if (!all) {
        auto parsed = parseIdList(data.value(QStringLiteral("notificationIds")),
                                  QStringLiteral("notificationIds"), maxIdsPerRequest);
        if (!parsed.ok()) {
            if (kind != Kind::Ack)
                c.replyError(to, invalidPayload, parsed.error().message());
            return;
        }
        ids = parsed.value();
    }
    const quint64 id = c.info.id;
    const Recipient r = c.identity.recipient;
    Metrics &metrics = m_services.metrics;
    DeliveryHub &hub = m_services.hub;

    if (kind == Kind::Ack) {
        bump(metrics.acked, quint64(ids.size()));
        m_services.writer.post([r, ids, &hub](Store &store) {
            const auto marked = store.markDelivered(r, ids, QDateTime::currentDateTimeUtc());
            // The receipt is what the User view's "did it arrive" shows first.
            if (marked.ok() && marked.value() > 0 && hub.watching())
                hub.noteUserChange({DeliveryHub::UserChange::Kind::Receipt, r, ids, -1});
        });
        return;
    }

    m_services.writer.post([this, id, r, ids, kind, all, to, &hub, &metrics](Store &store) {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        StoreResult<ChangeOutcome> result = kind == Kind::Read ? store.markRead(r, ids, now)
            : kind == Kind::Delete                             ? store.softDelete(r, ids, now)
            : kind == Kind::Seen                               ? store.markSeen(r, ids, now)
            : kind == Kind::SeenAll                            ? store.markAllSeen(r, now)
                                                               : store.markAllRead(r, now);
        bool notFound = false;
        if (result.ok()) {
            const auto scope = all ? DeliveryHub::ReadScope::All : DeliveryHub::ReadScope::Ids;
            if (kind == Kind::Delete)
                hub.publishDeleted(r, result.value());
            else if (kind == Kind::Seen || kind == Kind::SeenAll)
                hub.publishSeen(r, result.value(), scope);
            else
                hub.publishMarkedRead(r, result.value(), scope, &store);
            // Nothing changed: tell "not found" apart from "already read", without ever
            // revealing whether another user's id exists (lookups are scoped to r).
            if (!all && result.value().ids.isEmpty()) {
                notFound = true;
                for (const QString &nid : ids) {
                    auto found = store.find(r, nid);
                    if (found.ok() && found.value()) {
                        notFound = false;
                        break;
                    }
                }
            }
        } else {
            bump(metrics.failed);
        }
        postTo(this, [this, id, to, kind, result, notFound] {
            withConnection(id, [&](ClientConnection &c) {
                if (!result.ok()) {
                    c.replyError(to, storeFailureCode(result.error()),
                                 storeFailureMessage(result.error()));
                } else if (notFound) {
                    c.replyError(to, codes::notFound, QStringLiteral("no such notification"));
                } else {
                    c.reply(to,
                            {{QStringLiteral("ok"), true},
                             {kind == Kind::Delete ? QStringLiteral("deleted")
                                                   : QStringLiteral("updated"),
                              result.value().updated()},
                             {QStringLiteral("unreadCount"), result.value().unreadCount},
                             {QStringLiteral("unseenCount"), result.value().unseenCount}});
                }
            });
        });
    });
}

void Shard::handleRefreshToken(ClientConnection &c, const QJsonObject &data, const ReplyTo &to)
{
    const QJsonValue token = data.value(QStringLiteral("token"));
    if (!token.isString() || token.toString().isEmpty()) {
        c.replyError(to, invalidPayload, QStringLiteral("token must be a non-empty string"));
        return;
    }
    const quint64 id = c.info.id;
    m_services.authenticator.authenticate(
        token.toString().toUtf8(), this,
        [this, id, to](const Result<Identity, AuthFailure> &result) {
            withConnection(id, [&](ClientConnection &c) {
                if (c.closing)
                    return;
                if (!result.ok()) {
                    // The old credential keeps its own expiry.
                    m_services.metrics.countAuthFailure(result.error());
                    c.replyError(to, codes::unauthorized,
                                 QStringLiteral("the token was refused; the current one stays "
                                                "valid until it expires"));
                    return;
                }
                const Identity &fresh = result.value();
                if (!(fresh.recipient == c.identity.recipient)) {
                    // A connection never changes hands: its rooms and sequence are this
                    // user's (docs/security.md, "Tenants and ids").
                    c.replyError(to, QStringLiteral("identity_mismatch"),
                                 QStringLiteral("the token names another user or organization"));
                    c.closeWith(4001,
                                QStringLiteral("unauthorized: the token names another "
                                               "user or organization"));
                    return;
                }
                c.identity.expiresAt = fresh.expiresAt;
                c.identity.sessionHash = fresh.sessionHash;
                c.identity.issuer = fresh.issuer;
                c.identity.algorithm = fresh.algorithm;
                c.identity.keyId = fresh.keyId;
                c.info.tokenIssuer = fresh.issuer;
                c.info.tokenAlgorithm = fresh.algorithm;
                c.info.tokenKeyId = fresh.keyId;
                c.info.expiresAt = fresh.expiresAt;
                c.expiringSent = false;
                c.reply(to,
                        {{QStringLiteral("ok"), true},
                         {QStringLiteral("expiresAt"),
                          fresh.expiresAt.isValid() ? QJsonValue(formatTimestamp(fresh.expiresAt))
                                                    : QJsonValue()}});
            });
        });
}

void Shard::handleGetRecent(ClientConnection &c, const QJsonObject &data, const ReplyTo &to)
{
    int limit = 20;
    const QJsonValue limitValue = data.value(QStringLiteral("limit"));
    if (!limitValue.isUndefined() && !limitValue.isNull()) {
        const double v = limitValue.toDouble(-1);
        if (!limitValue.isDouble() || v != double(int(v)) || v < 1 || v > 100) {
            c.replyError(to, invalidPayload,
                         QStringLiteral("limit: must be an integer from 1 to 100"));
            return;
        }
        limit = int(v);
    }
    std::optional<qint64> afterSeq;
    const QJsonValue afterValue = data.value(QStringLiteral("afterSeq"));
    if (!afterValue.isUndefined() && !afterValue.isNull()) {
        const double v = afterValue.toDouble(-1);
        if (!afterValue.isDouble() || v != double(qint64(v)) || v < 0) {
            c.replyError(to, invalidPayload,
                         QStringLiteral("afterSeq: must be a non-negative integer"));
            return;
        }
        afterSeq = qint64(v);
    }
    std::optional<QDateTime> since;
    const QJsonValue sinceValue = data.value(QStringLiteral("since"));
    if (!sinceValue.isUndefined() && !sinceValue.isNull()) {
        since = sinceValue.isString() ? parseTimestamp(sinceValue.toString()) : std::nullopt;
        if (!since) {
            c.replyError(to, invalidPayload, QStringLiteral("since: must be an ISO-8601 time"));
            return;
        }
    }
    const quint64 id = c.info.id;
    const Recipient r = c.identity.recipient;
    m_services.readers.post([this, id, r, to, limit, afterSeq, since](Store &store) {
        StoreResult<Page> page = afterSeq ? store.afterSeq(r, *afterSeq, limit)
            : since                       ? store.since(r, *since, limit)
                                          : store.inbox(r, InboxQuery {limit, std::nullopt, false});
        auto count = store.counts(r);
        postTo(this, [this, id, to, page, count] {
            withConnection(id, [&](ClientConnection &c) {
                if (!page.ok() || !count.ok()) {
                    const StoreError &e = page.ok() ? count.error() : page.error();
                    c.replyError(to, storeFailureCode(e), storeFailureMessage(e));
                    return;
                }
                QJsonObject data {{QStringLiteral("notifications"),
                                   notificationsToClientJson(page.value().notifications)},
                                  {QStringLiteral("unreadCount"), count->unread},
                                  {QStringLiteral("unseenCount"), count->unseen},
                                  {QStringLiteral("hasMore"), page.value().hasMore}};
                if (to.requestId.isEmpty() && to.ackId < 0) {
                    // Nobody to answer: the result arrives as the notification:recent event.
                    data.insert(QStringLiteral("timestamp"),
                                formatTimestamp(QDateTime::currentDateTimeUtc()));
                    c.push(
                        EncodedEvent::make(QStringLiteral("notification:recent"), data, c.flavour));
                    c.flush();
                } else {
                    data.insert(QStringLiteral("ok"), true);
                    c.reply(to, data);
                }
            });
        });
    });
}

bool Shard::admit(ClientConnection &c)
{
    if (c.closing)
        return false;
    if (c.bucket.take(QDateTime::currentMSecsSinceEpoch())) {
        c.refusedInARow = 0;
        return true;
    }
    bump(m_services.metrics.rateLimited);
    if (++c.refusedInARow >= qMax(1, m_services.config.rateLimit.burst)) {
        c.closeWith(4029, QStringLiteral("rate limit exceeded repeatedly"));
        return false;
    }
    c.replyError({}, codes::rateLimited,
                 QStringLiteral("too many messages; at most %1 per second")
                     .arg(m_services.config.rateLimit.perSecond));
    return false;
}

} // namespace notify
