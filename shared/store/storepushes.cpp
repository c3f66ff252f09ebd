// Store: what each node's delivery hub did with each created notification (schema version
// 8, docs/protocol.md "Delivery of a notification").

#include "shared/store/store_p.h"

namespace notify {

using namespace storedetail;

std::optional<StoreError> Store::Private::insertPushes(const std::vector<PushRecord> &pushes)
{
    const QString &node = config.busNode;
    const SqlValue nodeValue = SqlValue::text(node);
    // Kept statements only (preparing one per batch size would cost more than the rows):
    // pushRowsPerStatement rows at a time, the rest one by one. Each row appends to the
    // clustered key.
    size_t i = 0;
    std::vector<SqlValue> values;
    values.reserve(size_t(pushRowsPerStatement) * 4);
    for (; i + pushRowsPerStatement <= pushes.size(); i += pushRowsPerStatement) {
        values.clear();
        for (size_t row = i; row < i + pushRowsPerStatement; ++row) {
            const PushRecord &p = pushes[row];
            values.insert(values.end(),
                          {SqlValue(p.notificationId), nodeValue, SqlValue(p.atMs),
                           SqlValue(qint64(p.connections))});
        }
        if (auto error = execInts(Stmt::InsertPushRows, values))
            return error;
    }
    for (; i < pushes.size(); ++i) {
        const PushRecord &p = pushes[i];
        if (auto error = execInts(Stmt::InsertPush,
                                  {p.notificationId, nodeValue, p.atMs, qint64(p.connections)}))
            return error;
    }
    return std::nullopt;
}

StoreResult<Done> Store::recordPushes(const std::vector<PushRecord> &pushes)
{
    if (pushes.empty())
        return Done {};
    return d->guarded<Done>([&]() -> StoreResult<Done> {
        WriteTransaction tx = d->writeTransaction();
        if (auto error = tx.begin())
            return *error;
        if (auto error = d->insertPushes(pushes))
            return tx.fail(*error);
        if (auto error = tx.commit())
            return *error;
        return Done {};
    });
}

StoreResult<QHash<QString, std::vector<NodePush>>> Store::pushesOf(const QStringList &requested)
{
    return d->guarded<QHash<QString, std::vector<NodePush>>>(
        [&]() -> StoreResult<QHash<QString, std::vector<NodePush>>> {
            QHash<QString, std::vector<NodePush>> out;
            const QStringList ids = uniqueIds(requested);
            for (qsizetype start = 0; start < ids.size(); start += kIdChunk) {
                Binds binds;
                const QString list = idList(ids.mid(start, kIdChunk), binds);
                QSqlQuery q(d->db());
                if (auto error = run(q,
                                     QStringLiteral("SELECT notification_id, node, pushed_at,"
                                                    " connections FROM notification_pushes"
                                                    " WHERE notification_id IN ")
                                         + list + QStringLiteral(" ORDER BY pushed_at, node"),
                                     binds, d->pg)) {
                    return *error;
                }
                while (q.next()) {
                    out[q.value(0).toString()].push_back(NodePush {
                        q.value(1).toString(), fromMs(q.value(2)), q.value(3).toLongLong()});
                }
            }
            return out;
        });
}

} // namespace notify
