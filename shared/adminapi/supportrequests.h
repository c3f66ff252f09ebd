#pragma once

// The support requests (docs/protocol.md, "Support and admin requests") that act for one user
// or look something up: revoke_sessions, mark_read, delete_notifications, find_notification
// and broadcast_history. The console writes the requests with toJson and reads the replies
// with fromJson; the server the other way round.

#include "shared/model/recipient.h"
#include "shared/model/result.h"
#include "shared/model/validation.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

namespace notify::admin {

inline constexpr int maxIdsPerChange = 100;
inline constexpr int maxBroadcastLimit = 500;
inline constexpr int defaultBroadcastLimit = 50;

struct RevokeSessionsReply
{
    int revoked = 0;

    QJsonObject toJson() const;
    static RevokeSessionsReply fromJson(const QJsonObject &json);
};

// Every active session of the user is revoked and its connections closed (4001).
struct RevokeSessionsRequest
{
    using Reply = RevokeSessionsReply;
    static const QString &type();

    Recipient user;

    QJsonObject toJson() const;
    static Result<RevokeSessionsRequest, ValidationError> fromJson(const QJsonObject &json);
};

// What mark_read and delete_notifications change: some of one user's notifications.
struct UserNotificationIds
{
    Recipient user;
    QStringList notificationIds; // 1..maxIdsPerChange

    QJsonObject toJson() const;
    static Result<UserNotificationIds, ValidationError> fromJson(const QJsonObject &json);
};

struct MarkReadReply
{
    int updated = 0;
    qint64 unreadCount = 0;

    QJsonObject toJson() const;
    static MarkReadReply fromJson(const QJsonObject &json);
};

struct MarkReadRequest : UserNotificationIds
{
    using Reply = MarkReadReply;
    static const QString &type();
    static Result<MarkReadRequest, ValidationError> fromJson(const QJsonObject &json);
};

struct DeleteNotificationsReply
{
    int deleted = 0;
    qint64 unreadCount = 0;

    QJsonObject toJson() const;
    static DeleteNotificationsReply fromJson(const QJsonObject &json);
};

struct DeleteNotificationsRequest : UserNotificationIds
{
    using Reply = DeleteNotificationsReply;
    static const QString &type();
    static Result<DeleteNotificationsRequest, ValidationError> fromJson(const QJsonObject &json);
};

// Notifications as admin objects (notificationToAdminJson): what find_notification found.
struct FoundNotifications
{
    QJsonArray notifications;

    QJsonObject toJson() const;
    static FoundNotifications fromJson(const QJsonObject &json);
};

// By id, or by an organization's idempotency key (every recipient it was sent to).
struct FindNotificationRequest
{
    using Reply = FoundNotifications;
    static const QString &type();

    QString id;
    QString orgId; // with idempotencyKey
    QString idempotencyKey;

    QJsonObject toJson() const;
    static Result<FindNotificationRequest, ValidationError> fromJson(const QJsonObject &json);
};

struct BroadcastHistoryReply
{
    QJsonArray broadcasts; // newest first

    QJsonObject toJson() const;
    static BroadcastHistoryReply fromJson(const QJsonObject &json);
};

struct BroadcastHistoryRequest
{
    using Reply = BroadcastHistoryReply;
    static const QString &type();

    QString orgId; // empty: every organization's
    int limit = defaultBroadcastLimit; // 1..maxBroadcastLimit

    QJsonObject toJson() const;
    static Result<BroadcastHistoryRequest, ValidationError> fromJson(const QJsonObject &json);
};

} // namespace notify::admin
