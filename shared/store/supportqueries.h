#pragma once

// What support looks up for a user (docs/operations.md, "Support actions"): a notification
// by its id or by its idempotency key, the broadcast history and a user's active sessions.
// Unlike Store's own reads these are not scoped to one recipient: they find the recipient.
// Only the admin channel calls them, for an operator of the support role. Runs on any Store
// connection.

#include "shared/store/store.h"

#include <vector>

namespace notify::support {

// The notification with that id, deleted or not, whoever it belongs to.
StoreResult<std::optional<Notification>> findById(Store &store, const QString &id);
// The notifications of an organization published with that idempotency key (one per user
// at most), at most limit of them.
StoreResult<std::vector<Notification>> findByIdempotencyKey(Store &store, const QString &orgId,
                                                            const QString &key, int limit);
// The newest stored broadcasts (POST /api/v1/broadcasts), newest first; of one organization
// when orgId is not empty (its own and the node-wide ones).
StoreResult<std::vector<BroadcastRecord>> broadcasts(Store &store, const QString &orgId, int limit);
// The hashes of the user's sessions that are neither revoked nor expired at now.
StoreResult<QList<QByteArray>> activeSessions(Store &store, const Recipient &r,
                                              const QDateTime &now);

} // namespace notify::support
