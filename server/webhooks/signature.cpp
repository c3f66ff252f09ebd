#include "server/webhooks/signature.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace notify::webhooks {

QByteArray payload(const OutboxEvent &event)
{
    const QJsonObject data {{QStringLiteral("orgId"), event.orgId},
                            {QStringLiteral("userId"), event.userId},
                            {QStringLiteral("notificationId"), event.notificationId}};
    const QJsonObject body {
        {QStringLiteral("id"), event.eventId()},
        {QStringLiteral("type"), QStringLiteral("notification.") + event.event},
        {QStringLiteral("occurredAt"), event.occurredAt.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("data"), data}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArray signatureHex(const QByteArray &secret, qint64 unixSeconds, const QByteArray &body)
{
    const QByteArray message = QByteArray::number(unixSeconds) + '.' + body;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!HMAC(EVP_sha256(), secret.constData(), int(secret.size()),
              reinterpret_cast<const unsigned char *>(message.constData()), size_t(message.size()),
              digest, &length)) {
        return {};
    }
    return QByteArray(reinterpret_cast<const char *>(digest), int(length)).toHex();
}

QByteArray signatureHeader(const QByteArray &secret, qint64 unixSeconds, const QByteArray &body)
{
    return "t=" + QByteArray::number(unixSeconds)
        + ",v1=" + signatureHex(secret, unixSeconds, body);
}

} // namespace notify::webhooks
