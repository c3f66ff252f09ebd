// Store: what each node's delivery hub did with each created notification (schema version
// 8, docs/protocol.md "Delivery of a notification").

#include "shared/store/store_p.h"

namespace notify {

using namespace storedetail;

std::optional<StoreError> Store::Private::insertPushes(const std::vector<PushRecord> &pushes)
{
    const QString &node = config.busNode;
    // One kept statement run per row: on SQLite a step of a prepared insert that appends to
    // the clustered key, cheaper than building a statement per batch.
    for (const PushRecord &p : pushes) {
        if (auto error
            = execInts(Stmt::InsertPush,
                       {p.notificationId, SqlValue::text(node), p.atMs, qint64(p.connections)}))
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
