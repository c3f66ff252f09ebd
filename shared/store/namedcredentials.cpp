#include "shared/store/namedcredentials.h"

namespace notify::storedetail {

namespace {

std::optional<StoreError> bumpVersion(Store &store, bool pg)
{
    QSqlQuery q(store.database());
    return run(q, QStringLiteral("UPDATE api_key_changes SET version = version + 1 WHERE id = 1"),
               {}, pg);
}

} // namespace

StoreResult<bool> insertNamed(Store &store, const QString &table, const QString &name,
                              const QString &insertSql, const Binds &binds)
{
    const bool pg = store.config().isPostgres();
    WriteTransaction tx(store.database(), pg);
    if (auto error = tx.begin())
        return *error;
    QSqlQuery q(store.database());
    if (auto error = run(q, QStringLiteral("SELECT 1 FROM %1 WHERE name = :name").arg(table),
                         {{QStringLiteral(":name"), name}}, pg)) {
        return tx.fail(*error);
    }
    if (q.next())
        return false;
    q.finish();
    QSqlQuery insert(store.database());
    if (auto error = run(insert, insertSql, binds, pg))
        return tx.fail(*error);
    if (auto error = bumpVersion(store, pg))
        return tx.fail(*error);
    if (auto error = tx.commit())
        return *error;
    return true;
}

StoreResult<bool> revokeNamed(Store &store, const QString &table, const QString &name,
                              const QDateTime &at)
{
    const bool pg = store.config().isPostgres();
    WriteTransaction tx(store.database(), pg);
    if (auto error = tx.begin())
        return *error;
    QSqlQuery q(store.database());
    if (auto error
        = run(q,
              QStringLiteral("UPDATE %1 SET revoked_at = :at"
                             " WHERE name = :name AND revoked_at IS NULL")
                  .arg(table),
              {{QStringLiteral(":at"), msOrNull(at)}, {QStringLiteral(":name"), name}}, pg)) {
        return tx.fail(*error);
    }
    const bool revoked = q.numRowsAffected() > 0;
    if (revoked) {
        if (auto error = bumpVersion(store, pg))
            return tx.fail(*error);
    }
    if (auto error = tx.commit())
        return *error;
    return revoked;
}

} // namespace notify::storedetail
