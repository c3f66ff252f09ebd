#pragma once

#include "server/api/bodyfields.h"

#include "shared/model/notification.h"

#include <QJsonObject>

#include <vector>

namespace notify::http {

// Recipients of one POST /api/v1/notifications, before duplicates are removed.
constexpr int maxPublishRecipients = 1000;

// The body of POST /api/v1/notifications (docs/protocol.md, "HTTP API"): either "recipients":
// [{orgId, userId}] or "orgId" + "userIds", then the content fields and an optional
// idempotencyKey. One draft per distinct recipient, in the order given, each holding the same
// (implicitly shared) content. The first problem found is the error, recipients before content.
HttpResult<std::vector<NewNotification>> parsePublish(const QJsonObject &body);

} // namespace notify::http
