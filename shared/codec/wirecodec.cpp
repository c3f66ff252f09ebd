// The message envelopes shared by the plain protocol and the admin channel.

#include "shared/codec/wirecodec.h"

#include "shared/codec/errorcodes.h"

#include <QJsonDocument>

namespace notify {

namespace {

QByteArray compact(const QJsonObject &json)
{
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

} // namespace

Result<RequestEnvelope, EnvelopeError> decodeRequestEnvelope(QByteArrayView text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        return EnvelopeError {
            codes::invalidJson,
            error.error != QJsonParseError::NoError
                ? QStringLiteral("message is not valid JSON: %1").arg(error.errorString())
                : QStringLiteral("message must be a JSON object"),
            {}};
    }
    const QJsonObject msg = doc.object();
    RequestEnvelope out;
    const QJsonValue id = msg.value(QStringLiteral("id"));
    if (id.isString())
        out.requestId = id.toString();
    else if (id.isDouble())
        out.requestId = QString::number(id.toDouble(), 'g', 17);
    const QJsonValue type = msg.value(QStringLiteral("type"));
    if (!type.isString())
        return EnvelopeError {codes::invalidPayload, QStringLiteral("type: must be a string"),
                              out.requestId};
    const QJsonValue data = msg.value(QStringLiteral("data"));
    if (!data.isUndefined() && !data.isNull() && !data.isObject())
        return EnvelopeError {codes::invalidPayload, QStringLiteral("data: must be a JSON object"),
                              out.requestId};
    out.type = type.toString();
    out.data = data.toObject();
    return out;
}

Result<MessageEnvelope, QString> decodeMessageEnvelope(QByteArrayView text)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toByteArray(), &parseError);
    if (!doc.isObject())
        return parseError.errorString();
    const QJsonObject msg = doc.object();
    return MessageEnvelope {msg.value(QStringLiteral("type")).toString(),
                            msg.value(QStringLiteral("replyTo")).toString(),
                            msg.value(QStringLiteral("data")).toObject()};
}

QByteArray encodeEnvelope(const QString &type, const QJsonObject &data)
{
    return compact(QJsonObject {{QStringLiteral("type"), type}, {QStringLiteral("data"), data}});
}

QByteArray encodeReply(const QString &replyTo, const QJsonObject &data)
{
    return compact(QJsonObject {{QStringLiteral("type"), QStringLiteral("reply")},
                                {QStringLiteral("replyTo"), replyTo},
                                {QStringLiteral("data"), data}});
}

QByteArray encodeError(const QString &replyTo, const QString &code, const QString &message)
{
    QJsonObject json {
        {QStringLiteral("type"), QStringLiteral("error")},
        {QStringLiteral("data"),
         QJsonObject {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}};
    if (!replyTo.isEmpty())
        json.insert(QStringLiteral("replyTo"), replyTo);
    return compact(json);
}

} // namespace notify
