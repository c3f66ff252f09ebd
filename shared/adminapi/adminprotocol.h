#pragma once

#include "shared/codec/errorcodes.h"

#include <QString>

namespace notify::admin {

// The console's WebSocket path on the API port.
inline const QString path = QStringLiteral("/admin");

// Message types of the admin channel (docs/protocol.md, "Admin channel"), one place for both ends.
namespace msg {
inline const QString hello = QStringLiteral("hello");
// Pushed once after hello; also a request (reply data = the same snapshot object).
inline const QString snapshot = QStringLiteral("snapshot");
inline const QString connectionOpened = QStringLiteral("connection:opened");
inline const QString connectionClosed = QStringLiteral("connection:closed");
inline const QString counters = QStringLiteral("counters");
// Pushed every statsIntervalMs: the live figures (RTT, frames, bytes) of every connection.
inline const QString connectionStats = QStringLiteral("connection:stats");
// Request: one user's whole story (connections, unread count, inbox page).
inline const QString user = QStringLiteral("user");
inline const QString delivery = QStringLiteral("delivery");
// Pushed to tracing consoles: another node dropped trace records it could not send on.
inline const QString deliveryDropped = QStringLiteral("delivery:dropped");
inline const QString sendTest = QStringLiteral("send_test");
inline const QString kick = QStringLiteral("kick");
inline const QString trace = QStringLiteral("trace");
inline const QString listNotifications = QStringLiteral("list_notifications");
// Request: the nodes of the cluster (this node alone on SQLite).
inline const QString nodes = QStringLiteral("nodes");
// Request: the client connections of the cluster's other nodes.
inline const QString clusterConnections = QStringLiteral("cluster_connections");
// Request: get one user's changes from now on ({orgId, userId}; {} stops), replacing the
// console's previous watch; pushed: user:changed for each change of that user, cluster-wide.
inline const QString watchUser = QStringLiteral("watch_user");
inline const QString userChanged = QStringLiteral("user:changed");
// Support actions for one user (docs/protocol.md, "Support requests"), role support.
inline const QString revokeSessions = QStringLiteral("revoke_sessions");
inline const QString markRead = QStringLiteral("mark_read");
inline const QString deleteNotifications = QStringLiteral("delete_notifications");
inline const QString findNotification = QStringLiteral("find_notification");
inline const QString broadcastHistory = QStringLiteral("broadcast_history");
inline const QString refusedConnections = QStringLiteral("refused_connections");
// The audit log and the API keys (docs/protocol.md, "Admin requests"), role admin.
inline const QString audit = QStringLiteral("audit");
inline const QString keysList = QStringLiteral("keys_list");
inline const QString keysCreate = QStringLiteral("keys_create");
inline const QString keysRevoke = QStringLiteral("keys_revoke");
// The organizations' webhook endpoints (docs/protocol.md, "Admin requests"), role admin.
inline const QString webhooksList = QStringLiteral("webhooks_list");
inline const QString webhooksAdd = QStringLiteral("webhooks_add");
inline const QString webhooksRemove = QStringLiteral("webhooks_remove");
inline const QString webhooksEnable = QStringLiteral("webhooks_enable");
inline const QString reply = QStringLiteral("reply");
inline const QString error = QStringLiteral("error");
} // namespace msg

// Operator roles (docs/protocol.md, "Roles"): each may do what the ones before it may.
namespace role {
inline const QString viewer = QStringLiteral("viewer");
inline const QString support = QStringLiteral("support");
inline const QString admin = QStringLiteral("admin");

// 0 viewer, 1 support, 2 admin; -1 for anything else.
inline int rank(const QString &name)
{
    return name == viewer ? 0 : name == support ? 1 : name == admin ? 2 : -1;
}

// The least role a request needs: viewer watches (snapshot, nodes, trace); support also
// opens a user's story and inbox and sends tests; admin also kicks.
inline const QString &required(const QString &type)
{
    if (type == msg::kick)
        return admin;
    if (type == msg::sendTest || type == msg::user || type == msg::listNotifications
        || type == msg::watchUser)
        return support;
    // Who did what, the keys and the webhooks of every organization are for admins (as GET
    // /api/v1/audit and /api/v1/webhooks).
    if (type == msg::audit || type == msg::keysList || type == msg::keysCreate
        || type == msg::keysRevoke || type == msg::webhooksList || type == msg::webhooksAdd
        || type == msg::webhooksRemove || type == msg::webhooksEnable)
        return admin;
    // Acting for a user and reading what support reads about users.
    if (type == msg::revokeSessions || type == msg::markRead || type == msg::deleteNotifications
        || type == msg::findNotification || type == msg::broadcastHistory
        || type == msg::refusedConnections)
        return support;
    return viewer;
}

// Requests that change something: audited with their outcome (the reply or the error).
inline bool audited(const QString &type)
{
    return type == msg::kick || type == msg::sendTest || type == msg::revokeSessions
        || type == msg::markRead || type == msg::deleteNotifications || type == msg::keysCreate
        || type == msg::keysRevoke || type == msg::webhooksAdd || type == msg::webhooksRemove
        || type == msg::webhooksEnable;
}

inline bool allows(const QString &roleName, const QString &type)
{
    return rank(roleName) >= rank(required(type));
}
} // namespace role

// Error codes the admin channel answers with: the one vocabulary of shared/codec/errorcodes.h.
namespace codes = notify::codes;

// Close code and reason when the admin key is missing or wrong.
inline constexpr int closeUnauthorized = 4001;
// Close code for a path that is not the admin channel's.
inline constexpr int closeUnknownPath = 4004;
// How often connection:stats goes out.
inline constexpr int statsIntervalMs = 2000;

} // namespace notify::admin
