#pragma once

// The request bodies' JSON, read without any connection or reply: the error type of every
// route and the field helpers. Pure functions (fuzzed: tests/fuzz/fuzz_publish.cpp).

#include "shared/codec/errorcodes.h"
#include "shared/model/result.h"
#include "shared/model/validation.h"
#include "shared/store/storeerror.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace notify::http {

// Error codes of the HTTP API: the one vocabulary of shared/codec/errorcodes.h.
namespace codes = notify::codes;

// A request failure on its way to the client: status plus {"error":{"code","message"}}.
struct HttpError
{
    int status = 400;
    QString code;
    QString message;
    // Sent as Retry-After when > 0 (the store's 503s).
    int retryAfterSeconds = 0;

    static HttpError invalid(const ValidationError &e)
    {
        return {400, codes::invalidPayload, e.message()};
    }
    static HttpError invalid(const QString &field, const QString &reason)
    {
        return invalid(ValidationError {field, reason});
    }
    // 503 when the store is unreachable (the caller may retry), 500 otherwise. A fault of
    // the environment gets its own code (storage_full...).
    static HttpError fromStore(const StoreError &e);
    // The 503 of a store fault of the environment: code and message, for a publish's answer
    // and /readyz alike. Cause::Other gives the generic `unavailable`.
    static HttpError storeFault(StoreError::Cause cause);
};

template<typename T> using HttpResult = Result<T, HttpError>;

// The body as a JSON object: 400 invalid_json with the parser's message when it does not
// parse, 400 invalid_payload when it parses to something else than an object.
HttpResult<QJsonObject> parseJsonObject(const QByteArray &body);

// Field helpers for JSON bodies. A required id must be a string that passes validateId; an
// optional one may be absent or null (empty result).
HttpResult<QString> requiredId(const QJsonObject &json, const QString &field);
HttpResult<QString> optionalId(const QJsonObject &json, const QString &field);
// A JSON number that is an integer in [min, max].
HttpResult<qint64> requiredInteger(const QJsonObject &json, const QString &field, qint64 min,
                                   qint64 max);

} // namespace notify::http
