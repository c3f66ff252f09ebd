// The admin channel's request decoding: the envelope AdminChannel::onText reads (the same
// decoder as the plain protocol's), then the send_test payload as sendTest reads it (ids,
// then the notification content with "TEST" as the default type).

#include "fuzzcheck.h"

#include "shared/codec/wirecodec.h"
#include "shared/model/validation.h"

using namespace notify;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // The console sends QString text; the channel converts it to UTF-8 before decoding.
    const QString text = QString::fromUtf8(fuzz::bytes(data, size));
    const auto request = decodeRequestEnvelope(text.toUtf8());
    if (!request)
        return 0;
    QJsonObject content = request->data;
    for (const QString &field : {QStringLiteral("orgId"), QStringLiteral("userId")}) {
        const QJsonValue v = content.value(field);
        if (v.isString() && !validateId(field, v.toString()))
            FUZZ_CHECK(!v.toString().isEmpty() && v.toString().size() <= 2 * limits::maxIdLength);
    }
    if (!content.contains(QStringLiteral("type")) || content.value(QStringLiteral("type")).isNull())
        content.insert(QStringLiteral("type"), QStringLiteral("TEST"));
    const auto parsed = parseNotificationContent(content);
    if (parsed) {
        FUZZ_CHECK(!parsed->type.isEmpty() && !parsed->title.isEmpty());
        FUZZ_CHECK(!validateMetadata(parsed->metadata));
    }
    // A reply or an error for any request id goes out as JSON.
    FUZZ_CHECK(!encodeReply(request->requestId, request->data).isEmpty());
    return 0;
}
