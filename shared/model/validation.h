#pragma once

#include "shared/model/notification.h"
#include "shared/model/result.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <optional>

namespace notify {

// Why an external input was refused: which field, and why, in words a client developer
// can act on. message() is "field: reason".
struct ValidationError
{
    QString field;
    QString reason;

    QString message() const { return field + QStringLiteral(": ") + reason; }
    friend bool operator==(const ValidationError &, const ValidationError &) = default;
};

namespace limits {
constexpr int maxIdLength = 128;
constexpr int maxTitleLength = 200;
constexpr int maxBodyLength = 4000;
constexpr int maxActionUrlLength = 2048;
constexpr int maxMetadataBytes = 8 * 1024; // compact JSON encoding
constexpr int maxTypeLength = 128;
// Ids in one mark_read or delete, over a socket or a route (docs/configuration.md).
constexpr int maxIdsPerRequest = 500;
} // namespace limits

// Each returns std::nullopt when the value is acceptable.
// ids (orgId, userId, roles, entity ids, idempotency keys, types, the claims of a token):
// docs/protocol.md "Ids": 1..128 code points; no control characters (C0, DEL, C1), no U+2028
// or U+2029, no unpaired surrogate and no U+FFFD.
std::optional<ValidationError> validateId(const QString &field, const QString &value);
std::optional<ValidationError> validateTitle(const QString &value);        // 1..200
std::optional<ValidationError> validateBody(const QString &value);         // 0..4000
std::optional<ValidationError> validateActionUrl(const QString &value);    // "" or relative path or http(s) URL, <= 2048
std::optional<ValidationError> validateMetadata(const QJsonObject &value); // <= 8 KiB encoded

// Strict parsers of JSON input. A field of the wrong JSON type is an error, never coerced.
// A JSON object with the content fields of docs/protocol.md's publish body (type, title, body?,
// priority?, actionUrl?, entityType?, entityId?, metadata?). Unknown fields are ignored.
Result<NotificationContent, ValidationError> parseNotificationContent(const QJsonObject &json);
// A list of notification ids, 1..maxCount, each a valid id; duplicates removed, order kept.
Result<QStringList, ValidationError> parseIdList(const QJsonValue &value, const QString &field,
                                                 int maxCount);
// An optional string field: absent or null gives an empty string.
Result<QString, ValidationError> optionalString(const QJsonObject &json, const QString &field);

} // namespace notify
