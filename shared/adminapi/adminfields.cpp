#include "shared/adminapi/adminfields.h"

#include <QJsonValue>

#include <cmath>
#include <limits>

namespace notify::admin::fields {

bool present(const QJsonObject &json, const QString &field)
{
    const QJsonValue v = json.value(field);
    return !v.isUndefined() && !v.isNull();
}

std::optional<ValidationError> readText(const QJsonObject &json, const QString &field, Need need,
                                        int maxChars, QString &out)
{
    if (!present(json, field)) {
        if (need == Need::Required)
            return ValidationError {field, QStringLiteral("is required")};
        return std::nullopt;
    }
    const QJsonValue v = json.value(field);
    if (!v.isString())
        return ValidationError {field, QStringLiteral("must be a string")};
    out = v.toString();
    if (need == Need::Required && out.isEmpty())
        return ValidationError {field, QStringLiteral("must not be empty")};
    if (out.size() > maxChars)
        return ValidationError {field,
                                QStringLiteral("must be at most %1 characters").arg(maxChars)};
    return std::nullopt;
}

std::optional<ValidationError> readId(const QJsonObject &json, const QString &field, Need need,
                                      QString &out)
{
    if (auto e = readText(json, field, need, std::numeric_limits<int>::max(), out))
        return e;
    // An optional id given as "" means none (the support filters: every organization).
    if (out.isEmpty())
        return std::nullopt;
    return validateId(field, out);
}

std::optional<ValidationError> readRecipient(const QJsonObject &json, Recipient &out)
{
    if (auto e = readId(json, QStringLiteral("orgId"), Need::Required, out.orgId))
        return e;
    return readId(json, QStringLiteral("userId"), Need::Required, out.userId);
}

QJsonObject recipientJson(const Recipient &r)
{
    return {{QStringLiteral("orgId"), r.orgId}, {QStringLiteral("userId"), r.userId}};
}

std::optional<ValidationError> readInteger(const QJsonObject &json, const QString &field,
                                           qint64 min, qint64 max, std::optional<qint64> &out)
{
    if (!present(json, field))
        return std::nullopt;
    const QJsonValue v = json.value(field);
    const double d = v.toDouble();
    // 2^53: beyond it a double no longer holds every integer.
    if (!v.isDouble() || d != double(qint64(d)) || std::abs(d) > 9007199254740992.0
        || qint64(d) < min || qint64(d) > max)
        return ValidationError {
            field, QStringLiteral("must be an integer from %1 to %2").arg(min).arg(max)};
    out = qint64(d);
    return std::nullopt;
}

std::optional<ValidationError> readLimit(const QJsonObject &json, int max, int fallback, int &out)
{
    std::optional<qint64> limit;
    if (auto e = readInteger(json, QStringLiteral("limit"), 1, max, limit))
        return e;
    out = int(limit.value_or(fallback));
    return std::nullopt;
}

std::optional<ValidationError> readFlag(const QJsonObject &json, const QString &field, bool &out)
{
    if (!present(json, field))
        return std::nullopt;
    const QJsonValue v = json.value(field);
    if (!v.isBool())
        return ValidationError {field, QStringLiteral("must be true or false")};
    out = v.toBool();
    return std::nullopt;
}

} // namespace notify::admin::fields
