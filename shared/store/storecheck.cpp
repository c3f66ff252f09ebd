// Store::check, for `notifyd check` (docs/operations.md, "When things fail").

#include "shared/store/store_p.h"

#include "shared/store/migrations.h"

namespace notify {

using namespace storedetail;

namespace {

// A query whose first column of one row is a count.
std::optional<StoreError> count(const QSqlDatabase &db, const QString &sql, bool pg, qint64 *out)
{
    QSqlQuery q(db);
    if (auto error = run(q, sql, {}, pg))
        return error;
    *out = q.next() ? q.value(0).toLongLong() : 0;
    return std::nullopt;
}

} // namespace

StoreResult<Store::CheckReport> Store::check()
{
    return d->guarded<CheckReport>([&]() -> StoreResult<CheckReport> {
        CheckReport report;
        const QSqlDatabase db = d->db();
        const bool pg = d->pg;
        if (pg) {
            // PostgreSQL checksums pages as it reads them (when the cluster has data
            // checksums) and has no whole-database check of its own; pg_amcheck checks the
            // tables' and indexes' structure (docs/operations.md).
            report.engineCheck = QStringLiteral("none built in (run pg_amcheck for the "
                                                "indexes and tables)");
        } else {
            report.engineCheck = QStringLiteral("PRAGMA integrity_check");
            QSqlQuery q(db);
            if (auto error = run(q, QStringLiteral("PRAGMA integrity_check(100)"), {}, pg)) {
                if (error->cause == StoreError::Cause::Damaged) {
                    report.problems.append(error->message);
                    return report;
                }
                return *error;
            }
            while (q.next()) {
                const QString line = q.value(0).toString();
                if (line != QLatin1String("ok"))
                    report.problems.append(QStringLiteral("integrity_check: ") + line);
            }
            if (!report.problems.isEmpty())
                return report; // the rows cannot be trusted for what follows
            report.notes.append(QStringLiteral("integrity_check: ok"));
        }

        QSqlQuery version(db);
        if (auto error
            = run(version, QStringLiteral("SELECT MAX(version) FROM schema_migrations"), {}, pg)) {
            if (error->cause == StoreError::Cause::Damaged) {
                report.problems.append(error->message);
                return report;
            }
            report.problems.append(QStringLiteral("no schema: %1").arg(error->message));
            return report;
        }
        const int schema = version.next() ? version.value(0).toInt() : 0;
        version.finish();
        if (schema != latestSchemaVersion()) {
            report.problems.append(QStringLiteral("schema version %1, this notifyd's is %2")
                                       .arg(schema)
                                       .arg(latestSchemaVersion()));
            return report;
        }
        report.notes.append(QStringLiteral("schema version %1").arg(schema));

        struct Invariant
        {
            const char *what;
            QString sql;
        };
        const Invariant invariants[] {
            {"recipients whose unread count differs from their unread rows",
             QStringLiteral("SELECT COUNT(*) FROM recipients r WHERE r.unread_count <>"
                            " (SELECT COUNT(*) FROM notifications n WHERE n.org_id = r.org_id"
                            " AND n.user_id = r.user_id AND n.read_at IS NULL"
                            " AND n.deleted_at IS NULL)")},
            {"recipients whose unseen count differs from their unseen rows",
             QStringLiteral("SELECT COUNT(*) FROM recipients r WHERE r.unseen_count <>"
                            " (SELECT COUNT(*) FROM notifications n WHERE n.org_id = r.org_id"
                            " AND n.user_id = r.user_id AND ")
                 + kUnseenRow + QStringLiteral(")")},
            {"recipients whose last sequence number is below one of their rows'",
             QStringLiteral("SELECT COUNT(*) FROM recipients r WHERE r.last_seq <"
                            " (SELECT COALESCE(MAX(n.seq), 0) FROM notifications n"
                            " WHERE n.org_id = r.org_id AND n.user_id = r.user_id)")},
            {"notifications without a recipients row",
             QStringLiteral("SELECT COUNT(*) FROM notifications n WHERE NOT EXISTS"
                            " (SELECT 1 FROM recipients r WHERE r.org_id = n.org_id"
                            " AND r.user_id = n.user_id)")},
            {"notifications without their content",
             QStringLiteral("SELECT COUNT(*) FROM notifications n WHERE NOT EXISTS"
                            " (SELECT 1 FROM notification_contents c"
                            " WHERE c.content_id = n.content_id)")},
        };
        for (const Invariant &invariant : invariants) {
            qint64 n = 0;
            if (auto error = count(db, invariant.sql, pg, &n)) {
                if (error->cause != StoreError::Cause::Damaged)
                    return *error;
                report.problems.append(error->message);
                continue;
            }
            if (n > 0)
                report.problems.append(
                    QStringLiteral("%1 %2").arg(n).arg(QLatin1String(invariant.what)));
        }
        qint64 rows = 0, recipients = 0;
        if (auto error = count(db, QStringLiteral("SELECT COUNT(*) FROM notifications"), pg, &rows))
            return *error;
        if (auto error
            = count(db, QStringLiteral("SELECT COUNT(*) FROM recipients"), pg, &recipients))
            return *error;
        report.notes.append(QStringLiteral("%1 notifications of %2 recipients; counters checked")
                                .arg(rows)
                                .arg(recipients));
        return report;
    });
}

} // namespace notify
