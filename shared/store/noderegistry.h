#pragma once

// The `nodes` table: one row per running notifyd on a database (docs/operations.md,
// "Cluster"). Kept apart from Store's inbox operations; runs on any Store connection.

#include "shared/store/store.h"

#include <QJsonObject>

namespace notify::noderegistry {

struct NodeRow
{
    QString id;
    QString name;
    QString clientAddress;
    QString apiAddress;
    QString version;
    QDateTime startedAt;
    QDateTime heartbeatAt;
    qint64 connectionsPlain = 0;
    qint64 connectionsSocketIo = 0;
    QJsonObject counters;
};

// Inserts or refreshes the node's row (heartbeat_at = row.heartbeatAt).
StoreResult<Done> upsert(Store &store, const NodeRow &row);
// Every row, oldest start first.
StoreResult<std::vector<NodeRow>> list(Store &store);
// Deletes rows whose heartbeat is older than cutoff; returns how many.
StoreResult<int> removeStale(Store &store, const QDateTime &cutoff);
// Deletes one row (a node leaving cleanly).
StoreResult<Done> remove(Store &store, const QString &id);

} // namespace notify::noderegistry
