#pragma once

#include "shared/model/notification.h"

#include <QDateTime>
#include <QStringList>

#include <vector>

namespace notify {

// What a delivery tells a user, independent of any wire vocabulary: each dialect's encoder
// (dialect/dialectevents.h) turns it into that dialect's events.
struct DeliveryContent
{
    enum class Kind {
        Other, // an announcement: every dialect sends the standard events
        Created, // notification, unreadCount after it
        Read, // ids read at `at` (changed: their rows after the change, when a dialect needs them)
        ReadAll, // every unread one, ids, at `at`
        Deleted, // ids deleted at `at`
        Seen, // ids seen at `at` (docs/protocol.md, "Inbox states")
        SeenAll, // every unseen one, ids, at `at`
        UnreadCount, // just the count
    };
    Kind kind = Kind::Other;
    Notification notification;
    QStringList ids;
    QDateTime at;
    std::vector<Notification> changed;
    qint64 unreadCount = 0;
    qint64 unseenCount = 0; // the standard count event's; the dialects have none
};

} // namespace notify
