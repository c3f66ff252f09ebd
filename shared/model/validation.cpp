#include "shared/model/validation.h"

#include "shared/model/textlength.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QUrl>

namespace notify {

namespace {

ValidationError error(const QString &field, const QString &reason)
{
    return ValidationError {field, reason};
}

QString lengthRange(int max)
{
    return QStringLiteral("must be 1 to %1 characters").arg(max);
}

QString atMost(int max)
{
    return QStringLiteral("must be at most %1 characters").arg(max);
}

// Whitespace, control characters and backslashes have no business in a link we hand to a
// browser: browsers strip or reinterpret them ("/\evil.com" is read as "//evil.com",
// "java\tscript:" as "javascript:"), which is how open redirects and XSS slip through.
bool hasUnsafeUrlCharacter(QStringView url)
{
    for (QChar c : url) {
        if (c.category() == QChar::Other_Control || c.isSpace() || c == u'\\')
            return true;
    }
    return false;
}

bool isSafeRelativePath(QStringView url)
{
    return url.startsWith(u'/') && !url.startsWith(u"//");
}

bool isHttpUrlWithHost(const QString &url)
{
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid())
        return false;
    const QString scheme = parsed.scheme(); // QUrl lower-cases the scheme
    return (scheme == u"http" || scheme == u"https") && !parsed.host().isEmpty();
}

// Reads an optional string and validates it with check when it is not empty.
template<typename Check>
std::optional<ValidationError> readOptional(const QJsonObject &json, const QString &field,
                                            QString &out, Check check)
{
    auto value = optionalString(json, field);
    if (!value)
        return value.error();
    out = std::move(value).value();
    if (out.isEmpty())
        return std::nullopt;
    return check(out);
}

// What an id (docs/protocol.md, "Ids") must not contain: the first problem found.
enum class IdCharacters {
    Ok,
    Control, // C0, DEL, C1: newlines and escapes forge log lines and headers
    LineSeparator, // U+2028, U+2029: line breaks to JavaScript and to many log viewers
    // An unpaired surrogate (a JSON escape of U+D800 without its pair) has no UTF-8 form:
    // stored, it would be replaced, and two ids would become one. U+FFFD is what a decoder
    // leaves for bytes that were not UTF-8 (a query string, a token), refused for the same
    // reason.
    NotUnicode,
};

IdCharacters checkIdCharacters(QStringView text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            ++i;
            continue;
        }
        if (c.isSurrogate() || c == QChar::ReplacementCharacter)
            return IdCharacters::NotUnicode;
        if (c.category() == QChar::Other_Control)
            return IdCharacters::Control;
        if (c == QChar::LineSeparator || c == QChar::ParagraphSeparator)
            return IdCharacters::LineSeparator;
    }
    return IdCharacters::Ok;
}

Result<QString, ValidationError> requiredString(const QJsonObject &json, const QString &field)
{
    const QJsonValue value = json.value(field);
    if (value.isUndefined() || value.isNull())
        return error(field, QStringLiteral("is required"));
    if (!value.isString())
        return error(field, QStringLiteral("must be a string"));
    return value.toString();
}

} // namespace

std::optional<ValidationError> validateId(const QString &field, const QString &value)
{
    const qsizetype length = codePointCount(value);
    if (length < 1 || length > limits::maxIdLength)
        return error(field, lengthRange(limits::maxIdLength));
    switch (checkIdCharacters(value)) {
    case IdCharacters::Ok:
        return std::nullopt;
    case IdCharacters::Control:
        return error(field, QStringLiteral("must not contain control characters"));
    case IdCharacters::LineSeparator:
        return error(field, QStringLiteral("must not contain line or paragraph separators"));
    case IdCharacters::NotUnicode:
        return error(field,
                     QStringLiteral("must be valid Unicode text (no unpaired surrogate, no "
                                    "U+FFFD from bytes that were not UTF-8)"));
    }
    return std::nullopt;
}

std::optional<ValidationError> validateTitle(const QString &value)
{
    const qsizetype length = codePointCount(value);
    if (length < 1 || length > limits::maxTitleLength)
        return error(QStringLiteral("title"), lengthRange(limits::maxTitleLength));
    return std::nullopt;
}

std::optional<ValidationError> validateBody(const QString &value)
{
    if (codePointCount(value) > limits::maxBodyLength)
        return error(QStringLiteral("body"), atMost(limits::maxBodyLength));
    return std::nullopt;
}

std::optional<ValidationError> validateActionUrl(const QString &value)
{
    const QString field = QStringLiteral("actionUrl");
    if (value.isEmpty())
        return std::nullopt;
    if (codePointCount(value) > limits::maxActionUrlLength)
        return error(field, atMost(limits::maxActionUrlLength));
    const bool ok
        = !hasUnsafeUrlCharacter(value) && (isSafeRelativePath(value) || isHttpUrlWithHost(value));
    if (!ok) {
        return error(field,
                     QStringLiteral("must be a path starting with a single / "
                                    "or an absolute http or https URL"));
    }
    return std::nullopt;
}

std::optional<ValidationError> validateMetadata(const QJsonObject &value)
{
    const qsizetype bytes = QJsonDocument(value).toJson(QJsonDocument::Compact).size();
    if (bytes > limits::maxMetadataBytes) {
        return error(QStringLiteral("metadata"),
                     QStringLiteral("must be at most %1 bytes as compact JSON")
                         .arg(limits::maxMetadataBytes));
    }
    return std::nullopt;
}

Result<QString, ValidationError> optionalString(const QJsonObject &json, const QString &field)
{
    const QJsonValue value = json.value(field);
    if (value.isUndefined() || value.isNull())
        return QString();
    if (!value.isString())
        return error(field, QStringLiteral("must be a string"));
    return value.toString();
}

Result<NotificationContent, ValidationError> parseNotificationContent(const QJsonObject &json)
{
    NotificationContent content;

    auto type = requiredString(json, QStringLiteral("type"));
    if (!type)
        return type.error();
    content.type = std::move(type).value();
    if (auto e = validateId(QStringLiteral("type"), content.type))
        return *e;

    auto title = requiredString(json, QStringLiteral("title"));
    if (!title)
        return title.error();
    content.title = std::move(title).value();
    if (auto e = validateTitle(content.title))
        return *e;

    if (auto e = readOptional(json, QStringLiteral("body"), content.body, validateBody))
        return *e;

    const QJsonValue priority = json.value(QStringLiteral("priority"));
    if (!priority.isUndefined() && !priority.isNull()) {
        const auto parsed = priority.isString() ? parsePriority(priority.toString()) : std::nullopt;
        if (!parsed) {
            return error(QStringLiteral("priority"),
                         QStringLiteral("must be one of low, normal, high, urgent"));
        }
        content.priority = *parsed;
    }

    if (auto e
        = readOptional(json, QStringLiteral("actionUrl"), content.actionUrl, validateActionUrl))
        return *e;
    const auto entityField = [](const QString &field) {
        return [field](const QString &v) {
            return validateId(field, v);
        };
    };
    if (auto e = readOptional(json, QStringLiteral("entityType"), content.entityType,
                              entityField(QStringLiteral("entityType"))))
        return *e;
    if (auto e = readOptional(json, QStringLiteral("entityId"), content.entityId,
                              entityField(QStringLiteral("entityId"))))
        return *e;

    const QJsonValue metadata = json.value(QStringLiteral("metadata"));
    if (!metadata.isUndefined() && !metadata.isNull()) {
        if (!metadata.isObject())
            return error(QStringLiteral("metadata"), QStringLiteral("must be a JSON object"));
        content.metadata = metadata.toObject();
        if (auto e = validateMetadata(content.metadata))
            return *e;
    }
    return content;
}

Result<QStringList, ValidationError> parseIdList(const QJsonValue &value, const QString &field,
                                                 int maxCount)
{
    if (!value.isArray())
        return error(field, QStringLiteral("must be an array of ids"));
    const QJsonArray array = value.toArray();
    if (array.isEmpty() || array.size() > maxCount)
        return error(field, QStringLiteral("must contain 1 to %1 ids").arg(maxCount));

    QStringList ids;
    QSet<QString> seen;
    for (const QJsonValue &item : array) {
        if (!item.isString())
            return error(field, QStringLiteral("must contain only strings"));
        const QString id = item.toString();
        if (auto e = validateId(field, id))
            return *e;
        if (!seen.contains(id)) {
            seen.insert(id);
            ids.append(id);
        }
    }
    return ids;
}

} // namespace notify
