#include "server/api/bodyfields.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace notify::http {

HttpResult<QJsonObject> parseJsonObject(const QByteArray &body)
{
    if (body.trimmed().isEmpty())
        return HttpError {400, codes::invalidJson,
                          QStringLiteral("the request body must be a JSON object; it is empty")};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // Qt's parser refuses scalars at the top level; they are JSON, just not an object.
        QJsonParseError wrappedError;
        const QJsonDocument wrapped = QJsonDocument::fromJson('[' + body + ']', &wrappedError);
        if (wrappedError.error == QJsonParseError::NoError && wrapped.array().size() == 1)
            return HttpError {400, codes::invalidPayload,
                              QStringLiteral("the request body must be a JSON object")};
        return HttpError {400, codes::invalidJson,
                          QStringLiteral("malformed JSON at offset %1: %2")
                              .arg(parseError.offset)
                              .arg(parseError.errorString())};
    }
    if (!document.isObject())
        return HttpError {400, codes::invalidPayload,
                          QStringLiteral("the request body must be a JSON object")};
    return document.object();
}

HttpResult<QString> requiredId(const QJsonObject &json, const QString &field)
{
    const QJsonValue value = json.value(field);
    if (value.isUndefined() || value.isNull())
        return HttpError::invalid(field, QStringLiteral("is required"));
    if (!value.isString())
        return HttpError::invalid(field, QStringLiteral("must be a string"));
    if (auto e = validateId(field, value.toString()))
        return HttpError::invalid(*e);
    return value.toString();
}

HttpResult<QString> optionalId(const QJsonObject &json, const QString &field)
{
    const QJsonValue value = json.value(field);
    if (value.isUndefined() || value.isNull())
        return QString();
    return requiredId(json, field);
}

HttpResult<qint64> requiredInteger(const QJsonObject &json, const QString &field, qint64 min,
                                   qint64 max)
{
    const QJsonValue value = json.value(field);
    if (value.isUndefined() || value.isNull())
        return HttpError::invalid(field, QStringLiteral("is required"));
    const double v = value.toDouble();
    // Range first: converting an out-of-range double to an integer is undefined.
    if (!value.isDouble() || v < double(min) || v > double(max) || v != double(qint64(v)))
        return HttpError::invalid(
            field, QStringLiteral("must be an integer from %1 to %2").arg(min).arg(max));
    return qint64(v);
}

} // namespace notify::http
