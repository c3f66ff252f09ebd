#pragma once

// What a webhook call carries (docs/protocol.md, "Webhook events"): the JSON body of an
// outbox event and its signature header, as Stripe signs: HMAC-SHA256 of "{t}.{body}" under
// the endpoint's secret, sent as `X-Notifyd-Signature: t={unix seconds},v1={hex}`.

#include "shared/store/webhooks.h"

#include <QByteArray>

namespace notify::webhooks {

// {"id":..., "type":"notification.read", "occurredAt":..., "data":{orgId, userId,
// notificationId}}; compact, the bytes that are signed.
QByteArray payload(const OutboxEvent &event);
// The lowercase hex HMAC-SHA256 of "{unixSeconds}.{body}" under secret (OpenSSL).
QByteArray signatureHex(const QByteArray &secret, qint64 unixSeconds, const QByteArray &body);
// "t={unixSeconds},v1={signatureHex}".
QByteArray signatureHeader(const QByteArray &secret, qint64 unixSeconds, const QByteArray &body);

} // namespace notify::webhooks
