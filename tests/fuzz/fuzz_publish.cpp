// The publish route's body (docs/protocol.md, "HTTP API", POST /api/v1/notifications) as the
// API reads it: the raw bytes through parseJsonObject, then parsePublish (recipients in both
// forms, content, idempotency key). Either a clear 400 or drafts that each pass validation.

#include "fuzzcheck.h"

#include "server/api/bodyfields.h"
#include "server/api/publishrequest.h"
#include "shared/model/validation.h"

#include <QSet>

using namespace notify;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto body = http::parseJsonObject(fuzz::bytes(data, size).toByteArray());
    if (!body) {
        FUZZ_CHECK(body.error().status == 400);
        FUZZ_CHECK(body.error().code == codes::invalidJson
                   || body.error().code == codes::invalidPayload);
        FUZZ_CHECK(!body.error().message.isEmpty());
        return 0;
    }
    const auto drafts = http::parsePublish(body.value());
    if (!drafts) {
        FUZZ_CHECK(drafts.error().status == 400);
        FUZZ_CHECK(!drafts.error().code.isEmpty() && !drafts.error().message.isEmpty());
        return 0;
    }
    const std::vector<NewNotification> &items = drafts.value();
    FUZZ_CHECK(!items.empty() && items.size() <= size_t(http::maxPublishRecipients));
    QSet<Recipient> seen;
    for (const NewNotification &n : items) {
        FUZZ_CHECK(!validateId(QStringLiteral("orgId"), n.recipient.orgId));
        FUZZ_CHECK(!validateId(QStringLiteral("userId"), n.recipient.userId));
        FUZZ_CHECK(n.idempotencyKey.isEmpty()
                   || !validateId(QStringLiteral("idempotencyKey"), n.idempotencyKey));
        FUZZ_CHECK(n.idempotencyKey == items.front().idempotencyKey);
        FUZZ_CHECK(n.content.title == items.front().content.title
                   && n.content.type == items.front().content.type
                   && n.content.metadata == items.front().content.metadata);
        FUZZ_CHECK(!validateTitle(n.content.title) && !n.content.title.isEmpty());
        seen.insert(n.recipient);
    }
    // Duplicates are removed, the order of first appearance kept.
    FUZZ_CHECK(seen.size() == qsizetype(items.size()));
    return 0;
}
