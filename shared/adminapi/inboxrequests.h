#pragma once

// The requests that read one user (docs/protocol.md, "Admin channel"): user (the whole
// story: live connections, unread count, inbox page), list_notifications (an inbox page) and
// watch_user (that user's changes from now on). The console writes the requests with toJson
// and reads the replies with fromJson; the server the other way round.

#include "shared/model/recipient.h"
#include "shared/model/result.h"
#include "shared/model/validation.h"

#include <QJsonArray>
#include <QJsonObject>

#include <optional>

namespace notify::admin {

// The most notifications one page holds, and how many when the request does not say.
inline constexpr int maxPageLimit = 100;
inline constexpr int defaultPageLimit = 20;

// A page of an inbox: admin notification objects (notificationToAdminJson) with their
// delivery (deliveredAt, readAt), newest first.
struct InboxPage
{
    QJsonArray notifications;
    bool hasMore = false;
};

struct ListNotificationsReply
{
    InboxPage page;

    QJsonObject toJson() const;
    static ListNotificationsReply fromJson(const QJsonObject &json);
};

struct ListNotificationsRequest
{
    using Reply = ListNotificationsReply;
    static const QString &type();

    // An inbox is one recipient's: a whole organization is not listed.
    Recipient recipient;
    std::optional<int> limit; // 1..maxPageLimit
    std::optional<qint64> beforeSeq; // older than this seq
    bool unreadOnly = false;
    bool deleted = false; // include the deleted ones, marked

    QJsonObject toJson() const;
    static Result<ListNotificationsRequest, ValidationError> fromJson(const QJsonObject &json);
};

struct UserReply
{
    Recipient recipient;
    QJsonArray connections; // connection objects (connectionToJson) of this node
    qint64 unreadCount = -1; // -1: the reply did not say
    InboxPage page;

    QJsonObject toJson() const;
    static UserReply fromJson(const QJsonObject &json);
};

struct UserRequest
{
    using Reply = UserReply;
    static const QString &type();

    Recipient recipient;
    std::optional<int> limit; // 1..maxPageLimit
    bool deleted = false;

    QJsonObject toJson() const;
    static Result<UserRequest, ValidationError> fromJson(const QJsonObject &json);
};

struct WatchUserReply
{
    std::optional<Recipient> watching;

    QJsonObject toJson() const;
    static WatchUserReply fromJson(const QJsonObject &json);
};

// Replaces the console's previous watch; no user stops watching.
struct WatchUserRequest
{
    using Reply = WatchUserReply;
    static const QString &type();

    std::optional<Recipient> user;

    QJsonObject toJson() const;
    // Both ids or neither.
    static Result<WatchUserRequest, ValidationError> fromJson(const QJsonObject &json);
};

} // namespace notify::admin
