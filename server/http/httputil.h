#pragma once

#include "shared/codec/errorcodes.h"
#include "shared/model/recipient.h"

#include "shared/model/result.h"
#include "shared/model/validation.h"
#include "shared/store/storeerror.h"

#include "server/http/apirequest.h"
#include "server/http/httpreply.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace notify {

namespace http {

constexpr qint64 maxBodyBytes = 1024 * 1024;

// Error codes of the HTTP API: the one vocabulary of shared/codec/errorcodes.h.
namespace codes = notify::codes;

// A request failure on its way to the client: status plus {"error":{"code","message"}}.
struct HttpError
{
    int status = 400;
    QString code;
    QString message;

    static HttpError invalid(const ValidationError &e)
    {
        return {400, codes::invalidPayload, e.message()};
    }
    static HttpError invalid(const QString &field, const QString &reason)
    {
        return invalid(ValidationError {field, reason});
    }
    // 503 when the store is unreachable (the caller may retry), 500 otherwise.
    static HttpError fromStore(const StoreError &e);
};

template<typename T> using HttpResult = Result<T, HttpError>;

QByteArray compactJson(const QJsonObject &object);
// 401 unauthorized with a WWW-Authenticate: Bearer challenge.
void replyUnauthorized(const HttpReply &reply, const QString &message);

// The bearer token of the Authorization header ("Bearer" case-insensitive); empty if none.
QByteArray bearerToken(const ApiRequest &request);
// True when token equals one of keys. Every key is compared, each in constant time, so the
// timing tells nothing about which key or how much of it matched.
bool matchesApiKey(const QByteArray &token, const QStringList &keys);

// The body as a JSON object: 400 invalid_json with the parser's message when it does not
// parse, 400 invalid_payload when it parses to something else than an object.
HttpResult<QJsonObject> parseJsonObject(const QByteArray &body);

// Query helpers: absent (or empty) parameters give std::nullopt; a present one that does not
// fit is a 400 naming the parameter.
HttpResult<std::optional<qint64>> queryInteger(const ApiRequest &request, const QString &name,
                                               qint64 min, qint64 max);
HttpResult<bool> queryBool(const ApiRequest &request, const QString &name, bool fallback);
// A required id parameter (orgId, userId): validated with validateId.
HttpResult<QString> queryId(const ApiRequest &request, const QString &name);
// The recipient named by the required orgId and userId parameters.
HttpResult<Recipient> queryRecipient(const ApiRequest &request);

// Field helpers for JSON bodies. A required id must be a string that passes validateId; an
// optional one may be absent or null (empty result).
HttpResult<QString> requiredId(const QJsonObject &json, const QString &field);
HttpResult<QString> optionalId(const QJsonObject &json, const QString &field);
// A JSON number that is an integer in [min, max].
HttpResult<qint64> requiredInteger(const QJsonObject &json, const QString &field, qint64 min,
                                   qint64 max);

} // namespace http

} // namespace notify
