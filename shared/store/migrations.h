#pragma once

// Internal to the store (and its tests): the versioned schema. Store::migrate() brings a
// database to the newest version; tests use migrateTo() to build an older one.

#include "shared/store/store.h"

#include <QStringList>

#include <vector>

namespace notify::storedetail {

struct Migration
{
    int version = 0;
    QString description;
    QStringList statements; // portable SQL: the same text runs on SQLite and PostgreSQL
    QStringList postgresStatements; // when not empty, what PostgreSQL runs instead
};

// Ordered by version, starting at 1, without gaps.
const std::vector<Migration> &migrations();

// Applies every missing migration up to targetVersion, each in its own transaction that
// also records it in schema_migrations. Never goes down; idempotent; safe when several
// processes start at once (SQLite: BEGIN IMMEDIATE, PostgreSQL: an advisory lock).
StoreResult<Done> migrateTo(Store &store, int targetVersion);

// 0 for an empty database.
StoreResult<int> currentVersion(Store &store);

} // namespace notify::storedetail
