#include "shared/codec/jsonfields.h"

#include "shared/codec/timestamp.h"

#include <cmath>

namespace notify::jsonfields {

namespace {
// Beyond this a JSON number read by JavaScript (the console's peers, browsers) loses digits.
constexpr double maxExactInteger = 9007199254740992.0; // 2^53
} // namespace

Result<qint64, ValidationError> requiredCount(const QJsonObject &json, const QString &field)
{
    const QJsonValue value = json.value(field);
    if (value.isUndefined() || value.isNull())
        return ValidationError {field, QStringLiteral("is required")};
    const double d = value.toDouble(-1);
    if (!value.isDouble() || d < 0 || d > maxExactInteger || std::trunc(d) != d)
        return ValidationError {field, QStringLiteral("must be a non-negative integer")};
    return value.toInteger();
}

Result<QString, ValidationError> requiredString(const QJsonObject &json, const QString &field)
{
    const QJsonValue value = json.value(field);
    if (value.isUndefined() || value.isNull())
        return ValidationError {field, QStringLiteral("is required")};
    if (!value.isString())
        return ValidationError {field, QStringLiteral("must be a string")};
    if (value.toString().isEmpty())
        return ValidationError {field, QStringLiteral("must not be empty")};
    return value.toString();
}

Result<QDateTime, ValidationError> optionalTimestamp(const QJsonObject &json, const QString &field)
{
    const QJsonValue value = json.value(field);
    if (value.isUndefined() || value.isNull())
        return QDateTime();
    const auto parsed = value.isString() ? parseTimestamp(value.toString()) : std::nullopt;
    if (!parsed)
        return ValidationError {field, QStringLiteral("must be an ISO-8601 timestamp or null")};
    return *parsed;
}

Result<QDateTime, ValidationError> requiredTimestamp(const QJsonObject &json, const QString &field)
{
    if (!json.contains(field) || json.value(field).isNull())
        return ValidationError {field, QStringLiteral("is required")};
    auto t = optionalTimestamp(json, field);
    if (!t)
        return ValidationError {field, QStringLiteral("must be an ISO-8601 timestamp")};
    return t;
}

} // namespace notify::jsonfields
