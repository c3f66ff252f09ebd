#include "shared/store/noderegistry.h"

#include "shared/store/sqlsupport.h"

#include <QJsonDocument>

namespace notify::noderegistry {

using namespace storedetail;

StoreResult<Done> upsert(Store &store, const NodeRow &row)
{
    const bool pg = store.config().isPostgres();
    const Store::WatchScope watched(store);
    QSqlQuery q(store.database());
    if (auto error
        = run(q,
              QStringLiteral(
                  "INSERT INTO nodes (id, name, client_address, api_address, version, started_at,"
                  " heartbeat_at, connections_plain, connections_socketio, counters)"
                  " VALUES (:id, :name, :client, :api, :version, :started, :heartbeat, :plain,"
                  " :sio, :counters) ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
                  " client_address = excluded.client_address, api_address = excluded.api_address,"
                  " version = excluded.version, heartbeat_at = excluded.heartbeat_at,"
                  " connections_plain = excluded.connections_plain,"
                  " connections_socketio = excluded.connections_socketio,"
                  " counters = excluded.counters"),
              {{QStringLiteral(":id"), row.id},
               {QStringLiteral(":name"), text(row.name)},
               {QStringLiteral(":client"), text(row.clientAddress)},
               {QStringLiteral(":api"), text(row.apiAddress)},
               {QStringLiteral(":version"), text(row.version)},
               {QStringLiteral(":started"), msOrNull(row.startedAt)},
               {QStringLiteral(":heartbeat"), msOrNull(row.heartbeatAt)},
               {QStringLiteral(":plain"), qlonglong(row.connectionsPlain)},
               {QStringLiteral(":sio"), qlonglong(row.connectionsSocketIo)},
               {QStringLiteral(":counters"),
                QString::fromUtf8(QJsonDocument(row.counters).toJson(QJsonDocument::Compact))}},
              pg)) {
        return *error;
    }
    return Done {};
}

StoreResult<std::vector<NodeRow>> list(Store &store)
{
    const bool pg = store.config().isPostgres();
    const Store::WatchScope watched(store);
    QSqlQuery q(store.database());
    if (auto error = run(q,
                         QStringLiteral("SELECT id, name, client_address, api_address, version,"
                                        " started_at, heartbeat_at, connections_plain,"
                                        " connections_socketio, counters FROM nodes"
                                        " ORDER BY started_at, id"),
                         {}, pg)) {
        return *error;
    }
    std::vector<NodeRow> rows;
    while (q.next()) {
        NodeRow r;
        r.id = q.value(0).toString();
        r.name = q.value(1).toString();
        r.clientAddress = q.value(2).toString();
        r.apiAddress = q.value(3).toString();
        r.version = q.value(4).toString();
        r.startedAt = fromMs(q.value(5));
        r.heartbeatAt = fromMs(q.value(6));
        r.connectionsPlain = q.value(7).toLongLong();
        r.connectionsSocketIo = q.value(8).toLongLong();
        r.counters = QJsonDocument::fromJson(q.value(9).toString().toUtf8()).object();
        rows.push_back(std::move(r));
    }
    return rows;
}

StoreResult<int> removeStale(Store &store, const QDateTime &cutoff)
{
    const bool pg = store.config().isPostgres();
    const Store::WatchScope watched(store);
    QSqlQuery q(store.database());
    if (auto error = run(q, QStringLiteral("DELETE FROM nodes WHERE heartbeat_at < :cutoff"),
                         {{QStringLiteral(":cutoff"), msOrNull(cutoff)}}, pg)) {
        return *error;
    }
    return q.numRowsAffected();
}

StoreResult<Done> remove(Store &store, const QString &id)
{
    const bool pg = store.config().isPostgres();
    const Store::WatchScope watched(store);
    QSqlQuery q(store.database());
    if (auto error = run(q, QStringLiteral("DELETE FROM nodes WHERE id = :id"),
                         {{QStringLiteral(":id"), id}}, pg)) {
        return *error;
    }
    return Done {};
}

} // namespace notify::noderegistry
