#include "shared/store/apikeys.h"

#include "shared/store/sqlsupport.h"

namespace notify::apikeys {

using namespace storedetail;

namespace {

std::optional<StoreError> bumpVersion(QSqlQuery &q, bool pg)
{
    return run(q, QStringLiteral("UPDATE api_key_changes SET version = version + 1 WHERE id = 1"),
               {}, pg);
}

} // namespace

const QStringList &scopeNames()
{
    static const QStringList names {QStringLiteral("publish"), QStringLiteral("read"),
                                    QStringLiteral("sessions"), QStringLiteral("broadcast")};
    return names;
}

StoreResult<CreateOutcome> create(Store &store, const KeyRow &row)
{
    const bool pg = store.config().isPostgres();
    WriteTransaction tx(store.database(), pg);
    if (auto error = tx.begin())
        return *error;
    QSqlQuery q(store.database());
    if (auto error = run(q, QStringLiteral("SELECT 1 FROM api_keys WHERE name = :name"),
                         {{QStringLiteral(":name"), row.name}}, pg)) {
        return tx.fail(*error);
    }
    if (q.next())
        return CreateOutcome::NameTaken;
    q.finish();
    if (auto error = bumpVersion(q, pg))
        return tx.fail(*error);
    if (auto error = run(
            q,
            QStringLiteral("INSERT INTO api_keys (name, org_id, key_sha256, scopes, request_rate,"
                           " delivery_rate, created_at, revoked_at)"
                           " VALUES (:name, :org, :hash, :scopes, :rate, :deliveries, :created,"
                           " NULL)"),
            {{QStringLiteral(":name"), row.name},
             {QStringLiteral(":org"), row.orgId},
             {QStringLiteral(":hash"), QString::fromLatin1(row.sha256Hex)},
             {QStringLiteral(":scopes"), text(row.scopes.join(u','))},
             {QStringLiteral(":rate"), text(row.requestRate)},
             {QStringLiteral(":deliveries"), text(row.deliveryRate)},
             {QStringLiteral(":created"),
              msOrNull(row.createdAt.isValid() ? row.createdAt : QDateTime::currentDateTimeUtc())}},
            pg)) {
        return tx.fail(*error);
    }
    if (auto error = tx.commit())
        return *error;
    return CreateOutcome::Created;
}

StoreResult<std::vector<KeyRow>> list(Store &store)
{
    const bool pg = store.config().isPostgres();
    QSqlQuery q(store.database());
    if (auto error = run(q,
                         QStringLiteral("SELECT name, org_id, key_sha256, scopes, request_rate,"
                                        " delivery_rate, created_at, revoked_at FROM api_keys"
                                        " ORDER BY name"),
                         {}, pg)) {
        return *error;
    }
    std::vector<KeyRow> rows;
    while (q.next()) {
        KeyRow r;
        r.name = q.value(0).toString();
        r.orgId = q.value(1).toString();
        r.sha256Hex = q.value(2).toString().toLatin1();
        r.scopes = q.value(3).toString().split(u',', Qt::SkipEmptyParts);
        r.requestRate = q.value(4).toString();
        r.deliveryRate = q.value(5).toString();
        r.createdAt = fromMs(q.value(6));
        r.revokedAt = fromMs(q.value(7));
        rows.push_back(std::move(r));
    }
    return rows;
}

StoreResult<bool> revoke(Store &store, const QString &name, const QDateTime &at)
{
    const bool pg = store.config().isPostgres();
    WriteTransaction tx(store.database(), pg);
    if (auto error = tx.begin())
        return *error;
    QSqlQuery q(store.database());
    if (auto error
        = run(q,
              QStringLiteral("UPDATE api_keys SET revoked_at = :at"
                             " WHERE name = :name AND revoked_at IS NULL"),
              {{QStringLiteral(":at"), msOrNull(at)}, {QStringLiteral(":name"), name}}, pg)) {
        return tx.fail(*error);
    }
    const bool revoked = q.numRowsAffected() > 0;
    if (revoked) {
        if (auto error = bumpVersion(q, pg))
            return tx.fail(*error);
    }
    if (auto error = tx.commit())
        return *error;
    return revoked;
}

StoreResult<qint64> version(Store &store)
{
    const bool pg = store.config().isPostgres();
    QSqlQuery q(store.database());
    if (auto error
        = run(q, QStringLiteral("SELECT version FROM api_key_changes WHERE id = 1"), {}, pg))
        return *error;
    return q.next() ? q.value(0).toLongLong() : qint64(0);
}

} // namespace notify::apikeys
