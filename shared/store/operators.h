#pragma once

// The `operators` table: per-operator admin keys with a role (docs/operations.md,
// "Operators and roles"), and the `audit_log` of admin and key actions. Like api_keys, an
// operator key is kept only as its SHA-256, and every operator change bumps
// api_key_changes.version, so that the nodes' copies follow within their poll.

#include "shared/store/store.h"

#include <QStringList>

namespace notify::operators {

struct OperatorRow
{
    QString name;
    QString role; // viewer, support or admin
    QByteArray sha256Hex;
    QDateTime createdAt;
    QDateTime revokedAt;
    bool active() const { return !revokedAt.isValid(); }
};

const QStringList &roleNames();

enum class CreateOutcome { Created, NameTaken };
StoreResult<CreateOutcome> create(Store &store, const OperatorRow &row);
StoreResult<std::vector<OperatorRow>> list(Store &store);
StoreResult<bool> revoke(Store &store, const QString &name, const QDateTime &at);

} // namespace notify::operators

namespace notify::audit {

struct Entry
{
    qint64 id = 0; // assigned by the store, increasing
    QDateTime at;
    QString operatorName; // "admin-key" for the bootstrap admin key, "cli" for a subcommand
    QString node;
    QString action; // kick, send_test, keys.create, operators.revoke, ...
    QString target;
    QString result; // ok, forbidden, invalid, not_found, failed
};

struct Query
{
    int limit = 100; // 1..1000
    qint64 beforeId = 0; // 0: the newest
    QString operatorName; // empty: any
    QString action; // empty: any
    QDateTime since; // invalid: any
};

struct Page
{
    std::vector<Entry> entries; // newest first
    bool hasMore = false;
};

StoreResult<Done> record(Store &store, const Entry &entry);
StoreResult<Page> list(Store &store, const Query &query);
// Deletes entries older than cutoff; returns how many.
StoreResult<int> purgeOlderThan(Store &store, const QDateTime &cutoff);

} // namespace notify::audit
