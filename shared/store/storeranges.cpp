// Store: reads for many users in one statement. The cluster bus (docs/operations.md,
// "Cluster") reads, for each signal, the rows of every recipient it names; one statement per
// recipient cost a round trip each (three with QPSQL's PREPARE, EXECUTE and DEALLOCATE) on
// a thread whose signals queue behind them.

#include "shared/store/store_p.h"

#include <functional>

namespace notify {

using namespace storeimpl;

namespace {

// Ranges (six values each) or recipients (two each) per statement: well under SQLite's
// oldest bound-parameter limit (999) and PostgreSQL's.
constexpr size_t kRangeChunk = 100;
constexpr size_t kRecipientChunk = 200;

// "WITH want(w_i, ...) AS (VALUES (...), ...)": the wanted keys as a table to join. The
// casts give PostgreSQL the parameters' types, which a VALUES list does not tell it.
QString wantTable(const QStringList &columns, const QStringList &types, size_t from, size_t to,
                  Binds &binds, const std::function<QVariantList(size_t)> &values)
{
    QStringList rows;
    for (size_t i = from; i < to; ++i) {
        const QVariantList row = values(i);
        QStringList cells;
        for (qsizetype c = 0; c < columns.size(); ++c) {
            const QString name = QStringLiteral(":%1%2").arg(columns.at(c)).arg(i - from);
            cells.append(QStringLiteral("CAST(%1 AS %2)").arg(name, types.at(c)));
            binds.emplace_back(name, row.at(c));
        }
        rows.append(QLatin1Char('(') + cells.join(QStringLiteral(", ")) + QLatin1Char(')'));
    }
    return QStringLiteral("WITH want(") + columns.join(QStringLiteral(", "))
        + QStringLiteral(") AS (VALUES ") + rows.join(QStringLiteral(", ")) + QLatin1Char(')');
}

} // namespace

StoreResult<Page> Store::readRanges(const std::vector<SeqRange> &ranges, int limit)
{
    for (const SeqRange &range : ranges) {
        if (!range.recipient.isValid())
            return invalidRecipient();
    }
    limit = std::clamp(limit, 1, 1000);
    return d->guarded<Page>([&]() -> StoreResult<Page> {
        std::vector<Notification> rows;
        for (size_t from = 0; from < ranges.size() && int(rows.size()) <= limit;
             from += kRangeChunk) {
            const size_t to = std::min(ranges.size(), from + kRangeChunk);
            Binds binds;
            const QString want = wantTable(
                {QStringLiteral("w_i"), QStringLiteral("w_org"), QStringLiteral("w_user"),
                 QStringLiteral("w_after"), QStringLiteral("w_to"), QStringLiteral("w_since")},
                {QStringLiteral("BIGINT"), QStringLiteral("TEXT"), QStringLiteral("TEXT"),
                 QStringLiteral("BIGINT"), QStringLiteral("BIGINT"), QStringLiteral("BIGINT")},
                from, to, binds, [&](size_t i) {
                    const SeqRange &r = ranges[i];
                    // No since: every row (created_at is milliseconds since 1970).
                    const qint64 since = r.since.isValid() ? r.since.toMSecsSinceEpoch() : -1;
                    return QVariantList {qlonglong(i),       r.recipient.orgId,
                                         r.recipient.userId, qlonglong(r.afterSeq),
                                         qlonglong(r.toSeq), qlonglong(since)};
                });
            binds.emplace_back(QStringLiteral(":limit"), qlonglong(limit + 1 - int(rows.size())));
            auto chunk = d->select(
                want + QStringLiteral(" SELECT ") + kColumns
                    + QStringLiteral(
                        " FROM want JOIN notifications ON org_id = w_org AND user_id = w_user"
                        " AND seq > w_after AND seq <= w_to"
                        " JOIN notification_contents USING (content_id)"
                        " WHERE deleted_at IS NULL AND created_at > w_since"
                        " ORDER BY w_i, seq LIMIT :limit"),
                binds);
            if (!chunk)
                return chunk.error();
            for (Notification &n : chunk.value())
                rows.push_back(std::move(n));
        }
        return takePage(std::move(rows), limit);
    });
}

StoreResult<QHash<Recipient, qint64>> Store::unreadCounts(const std::vector<Recipient> &recipients)
{
    for (const Recipient &r : recipients) {
        if (!r.isValid())
            return invalidRecipient();
    }
    return d->guarded<QHash<Recipient, qint64>>([&]() -> StoreResult<QHash<Recipient, qint64>> {
        QHash<Recipient, qint64> counts;
        for (const Recipient &r : recipients)
            counts.insert(r, 0);
        for (size_t from = 0; from < recipients.size(); from += kRecipientChunk) {
            const size_t to = std::min(recipients.size(), from + kRecipientChunk);
            Binds binds;
            const QString want = wantTable(
                {QStringLiteral("w_org"), QStringLiteral("w_user")},
                {QStringLiteral("TEXT"), QStringLiteral("TEXT")}, from, to, binds, [&](size_t i) {
                    return QVariantList {recipients[i].orgId, recipients[i].userId};
                });
            QSqlQuery q(d->db());
            if (auto error = run(
                    q,
                    want
                        + QStringLiteral(" SELECT org_id, user_id, unread_count FROM want"
                                         " JOIN recipients ON org_id = w_org AND user_id = w_user"),
                    binds, d->pg)) {
                return *error;
            }
            while (q.next())
                counts.insert({q.value(0).toString(), q.value(1).toString()},
                              q.value(2).toLongLong());
        }
        return counts;
    });
}

} // namespace notify
