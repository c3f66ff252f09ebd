// The announcement object (docs/protocol.md), one builder for the HTTP API's broadcasts and
// the console's live send_test.
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"

namespace notify {

QJsonObject announcementToJson(const QString &id, const QString &title, const QString &body,
                               const QString &priority, const QString &actionUrl,
                               const QDateTime &createdAt)
{
    return QJsonObject {
        {QStringLiteral("id"), id},
        {QStringLiteral("title"), title},
        {QStringLiteral("body"), body},
        {QStringLiteral("priority"), priority},
        {QStringLiteral("actionUrl"),
         actionUrl.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(actionUrl)},
        {QStringLiteral("createdAt"), formatTimestamp(createdAt)}};
}

} // namespace notify
