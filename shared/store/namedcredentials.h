#pragma once

// Internal to the store: what api_keys (apikeys.cpp) and operators (operators.cpp) share.
// Both hold hashed credentials under a unique name, revoked by setting revoked_at, and every
// change bumps api_key_changes.version in the same transaction, so that the nodes' copies
// follow within their poll. Not public API.

#include "shared/store/sqlsupport.h"
#include "shared/store/store.h"

namespace notify::storedetail {

// Inserts a row with insertSql and binds unless table has a row named name already; false
// then (nothing changed). table is one of the store's own table names, never input.
StoreResult<bool> insertNamed(Store &store, const QString &table, const QString &name,
                              const QString &insertSql, const Binds &binds);
// true when an active row of that name was revoked now.
StoreResult<bool> revokeNamed(Store &store, const QString &table, const QString &name,
                              const QDateTime &at);

} // namespace notify::storedetail
