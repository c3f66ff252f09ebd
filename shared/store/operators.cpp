#include "shared/store/operators.h"

#include "shared/store/namedcredentials.h"
#include "shared/store/sqlsupport.h"

namespace notify::operators {

using namespace storedetail;

const QStringList &roleNames()
{
    static const QStringList names {QStringLiteral("viewer"), QStringLiteral("support"),
                                    QStringLiteral("admin")};
    return names;
}

StoreResult<CreateOutcome> create(Store &store, const OperatorRow &row)
{
    auto created = insertNamed(
        store, QStringLiteral("operators"), row.name,
        QStringLiteral("INSERT INTO operators (name, role, key_sha256, created_at, revoked_at)"
                       " VALUES (:name, :role, :hash, :created, NULL)"),
        {{QStringLiteral(":name"), row.name},
         {QStringLiteral(":role"), row.role},
         {QStringLiteral(":hash"), QString::fromLatin1(row.sha256Hex)},
         {QStringLiteral(":created"),
          msOrNull(row.createdAt.isValid() ? row.createdAt : QDateTime::currentDateTimeUtc())}});
    if (!created.ok())
        return created.error();
    return created.value() ? CreateOutcome::Created : CreateOutcome::NameTaken;
}

StoreResult<std::vector<OperatorRow>> list(Store &store)
{
    const bool pg = store.config().isPostgres();
    QSqlQuery q(store.database());
    if (auto error = run(q,
                         QStringLiteral("SELECT name, role, key_sha256, created_at, revoked_at"
                                        " FROM operators ORDER BY name"),
                         {}, pg)) {
        return *error;
    }
    std::vector<OperatorRow> rows;
    while (q.next()) {
        OperatorRow r;
        r.name = q.value(0).toString();
        r.role = q.value(1).toString();
        r.sha256Hex = q.value(2).toString().toLatin1();
        r.createdAt = fromMs(q.value(3));
        r.revokedAt = fromMs(q.value(4));
        rows.push_back(std::move(r));
    }
    return rows;
}

StoreResult<bool> revoke(Store &store, const QString &name, const QDateTime &at)
{
    return revokeNamed(store, QStringLiteral("operators"), name, at);
}

} // namespace notify::operators

namespace notify::audit {

using namespace storedetail;

StoreResult<Done> record(Store &store, const Entry &e)
{
    const bool pg = store.config().isPostgres();
    QSqlQuery q(store.database());
    if (auto error = run(q,
                         QStringLiteral("INSERT INTO audit_log (at, operator_name, node, action,"
                                        " target, result)"
                                        " VALUES (:at, :op, :node, :action, :target, :result)"),
                         {{QStringLiteral(":at"),
                           msOrNull(e.at.isValid() ? e.at : QDateTime::currentDateTimeUtc())},
                          {QStringLiteral(":op"), text(e.operatorName)},
                          {QStringLiteral(":node"), text(e.node)},
                          {QStringLiteral(":action"), text(e.action)},
                          {QStringLiteral(":target"), text(e.target)},
                          {QStringLiteral(":result"), text(e.result)}},
                         pg)) {
        return *error;
    }
    return Done {};
}

StoreResult<Page> list(Store &store, const Query &query)
{
    const bool pg = store.config().isPostgres();
    const int limit = qBound(1, query.limit, 1000);
    QString sql = QStringLiteral("SELECT id, at, operator_name, node, action, target, result"
                                 " FROM audit_log WHERE 1 = 1");
    Binds binds;
    if (query.beforeId > 0) {
        sql += QStringLiteral(" AND id < :before");
        binds.emplace_back(QStringLiteral(":before"), query.beforeId);
    }
    if (!query.operatorName.isEmpty()) {
        sql += QStringLiteral(" AND operator_name = :op");
        binds.emplace_back(QStringLiteral(":op"), query.operatorName);
    }
    if (!query.action.isEmpty()) {
        sql += QStringLiteral(" AND action = :action");
        binds.emplace_back(QStringLiteral(":action"), query.action);
    }
    if (query.since.isValid()) {
        sql += QStringLiteral(" AND at >= :since");
        binds.emplace_back(QStringLiteral(":since"), msOrNull(query.since));
    }
    sql += QStringLiteral(" ORDER BY id DESC LIMIT %1").arg(limit + 1);
    QSqlQuery q(store.database());
    if (auto error = run(q, sql, binds, pg))
        return *error;
    Page page;
    while (q.next()) {
        if (int(page.entries.size()) == limit) {
            page.hasMore = true;
            break;
        }
        Entry e;
        e.id = q.value(0).toLongLong();
        e.at = fromMs(q.value(1));
        e.operatorName = q.value(2).toString();
        e.node = q.value(3).toString();
        e.action = q.value(4).toString();
        e.target = q.value(5).toString();
        e.result = q.value(6).toString();
        page.entries.push_back(std::move(e));
    }
    return page;
}

StoreResult<int> purgeOlderThan(Store &store, const QDateTime &cutoff)
{
    const bool pg = store.config().isPostgres();
    QSqlQuery q(store.database());
    if (auto error = run(q, QStringLiteral("DELETE FROM audit_log WHERE at < :cutoff"),
                         {{QStringLiteral(":cutoff"), msOrNull(cutoff)}}, pg)) {
        return *error;
    }
    return q.numRowsAffected();
}

} // namespace notify::audit
