#include "shared/store/supportqueries.h"

#include "shared/store/store_p.h"

namespace notify::support {

namespace {

StoreResult<std::vector<Notification>> selectNotifications(Store &store, const QString &where,
                                                           const Binds &binds)
{
    Store::WatchScope watch(store);
    QSqlQuery q(store.database());
    if (auto error = run(q, QStringLiteral("SELECT ") + kColumns + kFromInbox + where, binds,
                         store.config().isPostgres()))
        return *error;
    std::vector<Notification> found;
    while (q.next())
        found.push_back(readNotification(q));
    return found;
}

} // namespace

StoreResult<std::optional<Notification>> findById(Store &store, const QString &id)
{
    auto rows
        = selectNotifications(store, QStringLiteral("id = :id"), {{QStringLiteral(":id"), id}});
    if (!rows.ok())
        return rows.error();
    if (rows.value().empty())
        return std::optional<Notification>();
    return std::optional<Notification>(std::move(rows.value().front()));
}

StoreResult<std::vector<Notification>> findByIdempotencyKey(Store &store, const QString &orgId,
                                                            const QString &key, int limit)
{
    return selectNotifications(
        store,
        QStringLiteral("org_id = :org AND idempotency_key = :key ORDER BY user_id LIMIT %1")
            .arg(limit),
        {{QStringLiteral(":org"), orgId}, {QStringLiteral(":key"), key}});
}

StoreResult<std::vector<BroadcastRecord>> broadcasts(Store &store, const QString &orgId, int limit)
{
    Store::WatchScope watch(store);
    QSqlQuery q(store.database());
    Binds binds;
    QString where;
    if (!orgId.isEmpty()) {
        where = QStringLiteral(" WHERE org_id = :org OR org_id IS NULL");
        binds.emplace_back(QStringLiteral(":org"), orgId);
    }
    if (auto error = run(
            q,
            QStringLiteral("SELECT id, org_id, role, title, body, priority,"
                           " action_url, created_at, delivered_connections"
                           " FROM broadcasts")
                + where + QStringLiteral(" ORDER BY created_at DESC, id DESC LIMIT %1").arg(limit),
            binds, store.config().isPostgres()))
        return *error;
    std::vector<BroadcastRecord> list;
    while (q.next()) {
        BroadcastRecord b;
        b.id = q.value(0).toString();
        b.orgId = q.value(1).isNull() ? QString() : q.value(1).toString();
        b.role = q.value(2).toString();
        b.title = q.value(3).toString();
        b.body = q.value(4).toString();
        b.priority = q.value(5).toString();
        b.actionUrl = q.value(6).toString();
        b.createdAt = fromMs(q.value(7));
        b.deliveredConnections = q.value(8).toLongLong();
        list.push_back(std::move(b));
    }
    return list;
}

StoreResult<QList<QByteArray>> activeSessions(Store &store, const Recipient &r,
                                              const QDateTime &now)
{
    Store::WatchScope watch(store);
    QSqlQuery q(store.database());
    if (auto error = run(q,
                         QStringLiteral("SELECT token_sha256 FROM sessions WHERE org_id = :org"
                                        " AND user_id = :user AND revoked_at IS NULL"
                                        " AND expires_at > :now"),
                         {{QStringLiteral(":org"), r.orgId},
                          {QStringLiteral(":user"), r.userId},
                          {QStringLiteral(":now"), msOrNull(now)}},
                         store.config().isPostgres()))
        return *error;
    QList<QByteArray> hashes;
    while (q.next())
        hashes.append(q.value(0).toString().toLatin1());
    return hashes;
}

} // namespace notify::support
