#pragma once

#include <QString>

namespace notify::admin {

// Message types of the admin channel (PROTOCOL.md, "Admin channel"), one place for both ends.
namespace msg {
inline const QString hello = QStringLiteral("hello");
inline const QString snapshot = QStringLiteral("snapshot");
inline const QString connectionOpened = QStringLiteral("connection:opened");
inline const QString connectionClosed = QStringLiteral("connection:closed");
inline const QString counters = QStringLiteral("counters");
inline const QString delivery = QStringLiteral("delivery");
inline const QString sendTest = QStringLiteral("send_test");
inline const QString kick = QStringLiteral("kick");
inline const QString trace = QStringLiteral("trace");
inline const QString listNotifications = QStringLiteral("list_notifications");
inline const QString reply = QStringLiteral("reply");
inline const QString error = QStringLiteral("error");
} // namespace msg

} // namespace notify::admin
