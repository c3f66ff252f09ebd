#pragma once

#include "shared/model/result.h"
#include "shared/model/validation.h"
#include "shared/store/webhooks.h"

#include <QJsonObject>

namespace notify {

// An endpoint as GET /api/v1/webhooks and the admin channel's `webhooks_list` answer it
// (docs/protocol.md, "/api/v1/webhooks"): its state ("enabled", "failing", "disabled"),
// the events waiting and dropped; never its secret.
QJsonObject webhookEndpointToJson(const webhooks::Endpoint &e);

// A new endpoint from a request body ({orgId, url, events?}) as POST /api/v1/webhooks and
// `webhooks_add` take it: the organization, an http(s) URL, the events (all when absent).
// Its id, secret and creation time are new.
Result<webhooks::Endpoint, ValidationError> newWebhookEndpoint(const QJsonObject &body);

} // namespace notify
