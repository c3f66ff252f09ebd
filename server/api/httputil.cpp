#include "server/api/httputil.h"
#include "server/protocol/credentials.h"

#include "server/log/logging.h"
#include "shared/auth/base64url.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QUrlQuery>

namespace notify::http {

namespace {
// Digits with an optional leading minus: QString::toLongLong alone would also take "+5" and
// surrounding blanks, which a strict API should refuse.
std::optional<qint64> strictInteger(const QString &text)
{
    if (text.isEmpty() || text.size() > 19)
        return std::nullopt;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (!(c.isDigit() && c.unicode() < 128) && !(i == 0 && c == u'-' && text.size() > 1))
            return std::nullopt;
    }
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    return ok ? std::optional<qint64>(value) : std::nullopt;
}

std::optional<QString> queryValue(const ApiRequest &request, const QString &name)
{
    const QUrlQuery query = request.query();
    if (!query.hasQueryItem(name))
        return std::nullopt;
    const QString value = query.queryItemValue(name, QUrl::FullyDecoded);
    if (value.isEmpty())
        return std::nullopt;
    return value;
}
} // namespace

HttpError HttpError::fromStore(const StoreError &e)
{
    // The driver's text stays in the log; the client learns only the kind of failure.
    qCWarning(lcApi).noquote() << "store error:" << e.message;
    if (e.kind == StoreError::Kind::Unavailable)
        return storeFault(e.cause);
    return {500, codes::internal, QStringLiteral("internal error")};
}

HttpError HttpError::storeFault(StoreError::Cause cause)
{
    // A full disk or a read-only file system waits for the operator: a later retry. The
    // rest are usually over in a moment.
    switch (cause) {
    case StoreError::Cause::Full:
        return {503, codes::storageFull,
                QStringLiteral("the storage is full: no space left for the database; try again "
                               "later"),
                10};
    case StoreError::Cause::ReadOnly:
        return {503, codes::storageReadOnly,
                QStringLiteral("the storage is read-only: the database cannot be written; try "
                               "again later"),
                10};
    case StoreError::Cause::Damaged:
        return {503, codes::storageDamaged,
                QStringLiteral("the database is damaged and must be restored; try again later"),
                10};
    case StoreError::Cause::Locked:
        return {503, codes::storageLocked,
                QStringLiteral("the database is locked by another process; try again later"), 2};
    case StoreError::Cause::Timeout:
        return {503, codes::storageTimeout,
                QStringLiteral("the storage did not answer in time; try again"), 1};
    case StoreError::Cause::Other:
        break;
    }
    return {503, codes::unavailable, QStringLiteral("storage is unavailable; try again"), 1};
}

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void replyUnauthorized(const HttpReply &reply, const QString &message)
{
    const QJsonObject body {{QStringLiteral("error"),
                             QJsonObject {{QStringLiteral("code"), codes::unauthorized},
                                          {QStringLiteral("message"), message}}}};
    reply.raw(401, QByteArrayLiteral("application/json"), compactJson(body),
              {{QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer")}});
}

QByteArray bearerToken(const ApiRequest &request)
{
    return notify::bearerToken(request.value(QByteArrayLiteral("Authorization")));
}

bool matchesApiKey(const QByteArray &token, const QStringList &keys)
{
    if (token.isEmpty())
        return false;
    bool match = false;
    for (const QString &key : keys) {
        const QByteArray k = key.toUtf8();
        // No early exit: every configured key costs the same whether it matched or not.
        const bool equal = constantTimeEquals(token, k);
        match = match || (equal && !k.isEmpty());
    }
    return match;
}

HttpResult<std::optional<qint64>> queryInteger(const ApiRequest &request, const QString &name,
                                               qint64 min, qint64 max)
{
    const std::optional<QString> text = queryValue(request, name);
    if (!text)
        return std::optional<qint64>();
    const std::optional<qint64> value = strictInteger(*text);
    if (!value || *value < min || *value > max)
        return HttpError::invalid(
            name, QStringLiteral("must be an integer from %1 to %2").arg(min).arg(max));
    return value;
}

HttpResult<bool> queryBool(const ApiRequest &request, const QString &name, bool fallback)
{
    const std::optional<QString> text = queryValue(request, name);
    if (!text)
        return fallback;
    if (*text == u"true" || *text == u"1")
        return true;
    if (*text == u"false" || *text == u"0")
        return false;
    return HttpError::invalid(name, QStringLiteral("must be true or false"));
}

HttpResult<QString> queryId(const ApiRequest &request, const QString &name)
{
    const QString value = queryValue(request, name).value_or(QString());
    if (auto e = validateId(name, value))
        return HttpError::invalid(*e);
    return value;
}

HttpResult<Recipient> queryRecipient(const ApiRequest &request)
{
    auto orgId = queryId(request, QStringLiteral("orgId"));
    if (!orgId)
        return orgId.error();
    auto userId = queryId(request, QStringLiteral("userId"));
    if (!userId)
        return userId.error();
    return Recipient {orgId.value(), userId.value()};
}

} // namespace notify::http
