// The plain protocol's request decoder (one WebSocket text message): the envelope
// {"type","id"?,"data"?} that PlainConnection hands to the shard, and the replies built from it.

#include "fuzzcheck.h"

#include "shared/codec/wirecodec.h"

#include <QJsonDocument>

using namespace notify;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView text = fuzz::bytes(data, size);
    const auto request = decodeRequestEnvelope(text);
    if (!request) {
        const EnvelopeError &e = request.error();
        FUZZ_CHECK(e.code == QLatin1String("invalid_json")
                   || e.code == QLatin1String("invalid_payload"));
        FUZZ_CHECK(!e.message.isEmpty());
        // The error goes back as one JSON object, whatever the id held.
        const QJsonDocument reply
            = QJsonDocument::fromJson(encodeError(e.requestId, e.code, e.message));
        FUZZ_CHECK(reply.isObject());
        FUZZ_CHECK(reply.object().value(QStringLiteral("replyTo")).toString() == e.requestId);
        return 0;
    }
    const RequestEnvelope &r = *request;
    // Accepted: the text was a JSON object whose "type" is a string and "data" an object.
    const QJsonObject msg = QJsonDocument::fromJson(text.toByteArray()).object();
    FUZZ_CHECK(msg.value(QStringLiteral("type")).toString() == r.type);
    FUZZ_CHECK(r.data == msg.value(QStringLiteral("data")).toObject());
    // The reply echoes the id exactly, and re-encoding the request decodes to the same.
    const QJsonDocument reply = QJsonDocument::fromJson(encodeReply(r.requestId, r.data));
    FUZZ_CHECK(reply.object().value(QStringLiteral("replyTo")).toString() == r.requestId);
    FUZZ_CHECK(reply.object().value(QStringLiteral("data")).toObject() == r.data);
    QJsonObject again {{QStringLiteral("type"), r.type}, {QStringLiteral("data"), r.data}};
    if (!r.requestId.isEmpty())
        again.insert(QStringLiteral("id"), r.requestId);
    const auto redecoded
        = decodeRequestEnvelope(QJsonDocument(again).toJson(QJsonDocument::Compact));
    FUZZ_CHECK(redecoded.ok());
    FUZZ_CHECK(redecoded->type == r.type && redecoded->requestId == r.requestId
               && redecoded->data == r.data);
    return 0;
}
