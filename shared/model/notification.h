#pragma once

#include "shared/model/priority.h"
#include "shared/model/recipient.h"

#include <QDateTime>
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

    bool isRead() const { return readAt.isValid(); }
    bool isDeleted() const { return deletedAt.isValid(); }
};

} // namespace notify
