#pragma once

#include "shared/model/priority.h"
#include "shared/model/recipient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace notify {

// What a publisher says; shared by every recipient of one publish call.
struct NotificationContent
{
    QString type;
    QString title;
    QString body;
    Priority priority = Priority::Normal;
    QString actionUrl;
    QString entityType;
    QString entityId;
    QJsonObject metadata;
    // Buttons (docs/protocol.md, "Inbox states"): at most 3 {id, label, url?, style}.
    QJsonArray actions;
};

// A notification to be stored for one recipient.
struct NewNotification
{
    Recipient recipient;
    NotificationContent content;
    QString idempotencyKey; // empty: none
};

// A stored notification. Timestamps are UTC; a null QDateTime means "not yet".
struct Notification
{
    QString id; // uuid without braces
    Recipient recipient;
    qint64 seq = 0;
    NotificationContent content;
    QString idempotencyKey;
    QDateTime createdAt;
    QDateTime deliveredAt;
    QDateTime readAt;
    QDateTime deletedAt;
    // The inbox states (docs/protocol.md, "Inbox states"); null: not (yet).
    QDateTime seenAt; // set by a read too: read implies seen
    QDateTime archivedAt;
    QDateTime snoozedUntil;
    QDateTime expiresAt;
    QString actedActionId;
    QDateTime actedAt;

    bool isRead() const { return readAt.isValid(); }
    bool isDeleted() const { return deletedAt.isValid(); }
    bool isSeen() const { return seenAt.isValid() || readAt.isValid(); }
};

} // namespace notify
