// Store: reads for many users in one statement. The cluster bus (docs/operations.md,
// "Cluster") reads, for each signal, the rows of every recipient it names; one statement per
// recipient cost a round trip each (three with QPSQL's PREPARE, EXECUTE and DEALLOCATE) on
// a thread whose signals queue behind them.

#include "shared/store/store_p.h"

#include <QSqlError>

namespace notify {

using namespace storedetail;

namespace {

// Ranges (six values each) or recipients (two each) per statement: well under SQLite's
// oldest bound-parameter limit (999) and PostgreSQL's.
constexpr size_t kRangeChunk = 100;
constexpr size_t kRecipientChunk = 200;

// The values of one statement. On SQLite they are bound (in-process, no round trip). On
// PostgreSQL they are written into the statement as literals, so that the read is one
// round trip: QPSQL runs a bound statement as PREPARE, EXECUTE and DEALLOCATE, three round
// trips, and writes the values into its EXECUTE as literals anyway. Text goes in an E''
// literal with quote and backslash escaped, which means the same whatever
// standard_conforming_strings is; a NUL (which PostgreSQL text cannot hold) is refused.
class Values
{
public:
    explicit Values(bool literal)
        : m_literal(literal)
    { }

    QString text(const QString &v)
    {
        if (!m_literal)
            return bind(v);
        if (v.contains(QChar(0)))
            m_refused = true;
        QString escaped = v;
        escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
        escaped.replace(QLatin1Char('\''), QLatin1String("''"));
        return QLatin1String("E'") + escaped + QLatin1Char('\'');
    }
    QString number(qint64 v) { return m_literal ? QString::number(v) : bind(qlonglong(v)); }

    std::optional<StoreError> run(QSqlQuery &q, const QString &sql, bool pg) const
    {
        if (m_refused)
            return StoreError::internal(QStringLiteral("an org or user id holds a NUL"));
        if (!m_literal)
            return storedetail::run(q, sql, m_binds, pg);
        q.setForwardOnly(true);
        if (!q.exec(sql))
            return toStoreError(q.lastError(), pg, QStringLiteral("query"));
        return std::nullopt;
    }

private:
    QString bind(const QVariant &v)
    {
        const QString name = QStringLiteral(":v%1").arg(m_binds.size());
        m_binds.emplace_back(name, v);
        return name;
    }

    const bool m_literal;
    bool m_refused = false;
    Binds m_binds;
};

// "WITH want(...) AS (VALUES (...), ...)": the wanted keys as a table to join. The casts
// give PostgreSQL the values' types, which a VALUES list does not tell it.
QString wantTable(const QStringList &columns, const std::vector<QStringList> &rows)
{
    QStringList lines;
    lines.reserve(qsizetype(rows.size()));
    for (const QStringList &row : rows)
        lines.append(QLatin1Char('(') + row.join(QStringLiteral(", ")) + QLatin1Char(')'));
    return QStringLiteral("WITH want(") + columns.join(QStringLiteral(", "))
        + QStringLiteral(") AS (VALUES ") + lines.join(QStringLiteral(", ")) + QLatin1Char(')');
}

QString cast(const QString &value, const char *type)
{
    return QStringLiteral("CAST(%1 AS %2)").arg(value, QLatin1String(type));
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
            Values values(d->pg);
            std::vector<QStringList> want;
            for (size_t i = from; i < to; ++i) {
                const SeqRange &r = ranges[i];
                // No since: every row (created_at is milliseconds since 1970).
                const qint64 since = r.since.isValid() ? r.since.toMSecsSinceEpoch() : -1;
                want.push_back({cast(values.number(qint64(i)), "BIGINT"),
                                cast(values.text(r.recipient.orgId), "TEXT"),
                                cast(values.text(r.recipient.userId), "TEXT"),
                                cast(values.number(r.afterSeq), "BIGINT"),
                                cast(values.number(r.toSeq), "BIGINT"),
                                cast(values.number(since), "BIGINT")});
            }
            const QString sql
                = wantTable({QStringLiteral("w_i"), QStringLiteral("w_org"),
                             QStringLiteral("w_user"), QStringLiteral("w_after"),
                             QStringLiteral("w_to"), QStringLiteral("w_since")},
                            want)
                + QStringLiteral(" SELECT ") + kColumns
                + QStringLiteral(
                      " FROM want JOIN notifications ON org_id = w_org AND user_id = w_user"
                      " AND seq > w_after AND seq <= w_to"
                      " JOIN notification_contents USING (content_id)"
                      " WHERE deleted_at IS NULL AND created_at > w_since"
                      " ORDER BY w_i, seq LIMIT ")
                + values.number(limit + 1 - qint64(rows.size()));
            QSqlQuery q(d->db());
            if (auto error = values.run(q, sql, d->pg))
                return *error;
            while (q.next())
                rows.push_back(readNotification(q));
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
            Values values(d->pg);
            std::vector<QStringList> want;
            for (size_t i = from; i < to; ++i) {
                want.push_back({cast(values.text(recipients[i].orgId), "TEXT"),
                                cast(values.text(recipients[i].userId), "TEXT")});
            }
            QSqlQuery q(d->db());
            if (auto error = values.run(
                    q,
                    wantTable({QStringLiteral("w_org"), QStringLiteral("w_user")}, want)
                        + QStringLiteral(" SELECT org_id, user_id, unread_count FROM want"
                                         " JOIN recipients ON org_id = w_org AND user_id = w_user"),
                    d->pg)) {
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
