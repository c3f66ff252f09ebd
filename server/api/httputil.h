#pragma once

#include "shared/codec/errorcodes.h"
#include "shared/model/recipient.h"

#include "shared/model/result.h"
#include "shared/model/validation.h"
#include "shared/store/storeerror.h"

#include "server/api/apirequest.h"
#include "server/api/bodyfields.h"
#include "server/api/httpreply.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace notify {

namespace http {

constexpr qint64 maxBodyBytes = 1024 * 1024;

QByteArray compactJson(const QJsonObject &object);
// 401 unauthorized with a WWW-Authenticate: Bearer challenge.
void replyUnauthorized(const HttpReply &reply, const QString &message);

// The bearer token of the Authorization header ("Bearer" case-insensitive); empty if none.
QByteArray bearerToken(const ApiRequest &request);
// True when token equals one of keys. Every key is compared, each in constant time, so the
// timing tells nothing about which key or how much of it matched.
bool matchesApiKey(const QByteArray &token, const QStringList &keys);

// Query helpers: absent (or empty) parameters give std::nullopt; a present one that does not
// fit is a 400 naming the parameter.
HttpResult<std::optional<qint64>> queryInteger(const ApiRequest &request, const QString &name,
                                               qint64 min, qint64 max);
HttpResult<bool> queryBool(const ApiRequest &request, const QString &name, bool fallback);
// A required id parameter (orgId, userId): validated with validateId.
HttpResult<QString> queryId(const ApiRequest &request, const QString &name);
// The recipient named by the required orgId and userId parameters.
HttpResult<Recipient> queryRecipient(const ApiRequest &request);

} // namespace http

} // namespace notify
