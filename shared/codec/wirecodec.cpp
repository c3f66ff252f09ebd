// The message envelopes shared by the plain protocol and the admin channel.

#include "codec/wirecodec.h"

#include <QJsonDocument>

namespace notify {

namespace {

QByteArray compact(const QJsonObject &json)
{
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

} // namespace

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
