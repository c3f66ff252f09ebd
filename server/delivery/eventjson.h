#pragma once

#include "shared/model/notification.h"

#include <QByteArray>
#include <QString>

namespace notify {

// The data of a notification:new event, {"notification":{...},"timestamp":"..."}, written
// directly: byte for byte what QJsonDocument (compact) makes of notificationToClientJson,
// keys in its sorted order and strings escaped as it does, at a fraction of the cost. It is
// built for every delivered notification (by a shard, Delivery::eventsFor).
QByteArray createdEventJson(const Notification &n, const QString &timestamp);

} // namespace notify
