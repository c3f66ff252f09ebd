#pragma once

// send_test (docs/protocol.md, "Admin channel"): a test notification to a user's inbox, or a
// live announcement to a room. The console builds the request with toJson, the server reads it
// with fromJson; the reply the other way round.

#include "shared/model/notification.h"
#include "shared/model/result.h"
#include "shared/model/validation.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace notify::admin {

struct SendTestReply
{
    QStringList notificationIds; // a live announcement's id when not stored
    int deliveredConnections = 0;
    // false for a live announcement (no inbox has it); an older server does not say.
    std::optional<bool> stored;

    QJsonObject toJson() const;
    // Lenient, as the console reads replies: a missing field reads as empty.
    static SendTestReply fromJson(const QJsonObject &json);
};

struct SendTestRequest
{
    using Reply = SendTestReply;
    static const QString &type();

    QString orgId;
    // Either a user (stored in the inbox) or a room by its exact name (live, not stored).
    QString userId;
    QString room;
    // The publish body's content fields; an empty type is sent as none (the server's TEST).
    NotificationContent content;

    QJsonObject toJson() const;
    // Strict: the first field that is wrong, in the order orgId, userId or room, content. The
    // room is only checked to be a string here; what it names is the server's to resolve.
    static Result<SendTestRequest, ValidationError> fromJson(const QJsonObject &json);
};

} // namespace notify::admin
