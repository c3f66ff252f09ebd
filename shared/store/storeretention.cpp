// Store: retention (purge) and the unread-count repair.

#include "shared/store/store_p.h"

#include <QScopeGuard>

#include <utility>

namespace notify {

using namespace storedetail;

StoreResult<int> Store::purgeOlderThan(const QDateTime &cutoff)
{
    // One hourly statement over the whole table: it may take longer than a round trip of
    // the request path is allowed to (connectionwatchdog.h).
    const bool suspended = std::exchange(d->watchSuspended, true);
    auto restore = qScopeGuard([&] { d->watchSuspended = suspended; });
    if (!cutoff.isValid())
        return StoreError::internal(QStringLiteral("purge needs a valid cutoff"));
    return d->guarded<int>([&]() -> StoreResult<int> {
        const QSqlDatabase db = d->db();
        const bool pg = d->pg;
        const QVariant when = msOrNull(cutoff);
        const QString doomed = QStringLiteral(" FROM notifications WHERE created_at < :cutoff"
                                              " OR (deleted_at IS NOT NULL"
                                              " AND deleted_at < :cutoff2)");
        const Binds cutoffBinds {{QStringLiteral(":cutoff"), when},
                                 {QStringLiteral(":cutoff2"), when}};

        WriteTransaction tx = d->writeTransaction();
        if (auto error = tx.begin())
            return *error;

        std::vector<Recipient> affected;
        {
            QSqlQuery q(db);
            if (auto error = run(q, QStringLiteral("SELECT DISTINCT org_id, user_id") + doomed,
                                 cutoffBinds, pg)) {
                return tx.fail(*error);
            }
            while (q.next())
                affected.push_back({q.value(0).toString(), q.value(1).toString()});
        }
        std::sort(affected.begin(), affected.end(), recipientLess);
        for (const Recipient &r : affected) {
            bool exists = false;
            if (auto error = d->lockRecipient(r, &exists))
                return tx.fail(*error);
        }

        int purged = 0;
        {
            QSqlQuery q(db);
            if (auto error = run(q, QStringLiteral("DELETE") + doomed, cutoffBinds, pg))
                return tx.fail(*error);
            purged = q.numRowsAffected();
        }
        if (purged > 0) {
            // Content that no inbox row points to any more. One pass over both tables
            // instead of an index on notifications.content_id that every insert would pay.
            if (auto error = runPlain(db,
                                      QStringLiteral("DELETE FROM notification_contents"
                                                     " WHERE content_id NOT IN"
                                                     " (SELECT content_id FROM notifications)"),
                                      pg)) {
                return tx.fail(*error);
            }
        }
        // A push comes right after its notification's creation: the pushes before the cutoff
        // are those of the notifications that went (a push a moment after the cutoff of one
        // created just before it goes at the next purge).
        {
            QSqlQuery q(db);
            if (auto error = run(q,
                                 QStringLiteral("DELETE FROM notification_pushes"
                                                " WHERE pushed_at < :cutoff"),
                                 {{QStringLiteral(":cutoff"), when}}, pg)) {
                return tx.fail(*error);
            }
        }
        // Recounting from the remaining rows is exact whatever mix of read, unread and
        // deleted rows went.
        QSqlQuery recount(db);
        for (const Recipient &r : affected) {
            if (auto error = run(recount,
                                 QStringLiteral("UPDATE recipients SET unread_count ="
                                                " (SELECT COUNT(*) FROM notifications n"
                                                " WHERE n.org_id = recipients.org_id"
                                                " AND n.user_id = recipients.user_id AND ")
                                     + kUnreadRow
                                     + QStringLiteral("), unseen_count ="
                                                      " (SELECT COUNT(*) FROM notifications n"
                                                      " WHERE n.org_id = recipients.org_id"
                                                      " AND n.user_id = recipients.user_id AND ")
                                     + kUnseenRow + QStringLiteral(") WHERE ") + kWhereRecipient,
                                 recipientBinds(r), pg)) {
                return tx.fail(*error);
            }
        }
        if (auto error = tx.commit())
            return *error;
        return purged;
    });
}

StoreResult<qint64> Store::recountUnread(const Recipient &r)
{
    if (!r.isValid())
        return invalidRecipient();
    return d->guarded<qint64>([&]() -> StoreResult<qint64> {
        const QSqlDatabase db = d->db();
        const bool pg = d->pg;
        WriteTransaction tx = d->writeTransaction();
        if (auto error = tx.begin())
            return *error;
        bool exists = false;
        if (auto error = d->lockRecipient(r, &exists))
            return tx.fail(*error);
        qint64 count = 0, unseen = 0; // unseen: among the unread, those not seen
        {
            QSqlQuery q(db);
            if (auto error
                = run(q,
                      QStringLiteral("SELECT COUNT(*), COALESCE(SUM(CASE WHEN seen_at IS NULL"
                                     " THEN 1 ELSE 0 END), 0) FROM notifications WHERE ")
                          + kWhereRecipient + QStringLiteral(" AND ") + kUnreadRow,
                      recipientBinds(r), pg)) {
                return tx.fail(*error);
            }
            if (q.next()) {
                count = q.value(0).toLongLong();
                unseen = q.value(1).toLongLong();
            }
        }
        if (exists) {
            Binds binds = recipientBinds(r);
            binds.emplace_back(QStringLiteral(":n"), qlonglong(count));
            binds.emplace_back(QStringLiteral(":m"), qlonglong(unseen));
            QSqlQuery q(db);
            if (auto error = run(q,
                                 QStringLiteral("UPDATE recipients SET unread_count = :n,"
                                                " unseen_count = :m WHERE ")
                                     + kWhereRecipient,
                                 binds, pg)) {
                return tx.fail(*error);
            }
        }
        if (auto error = tx.commit())
            return *error;
        return count;
    });
}

} // namespace notify
