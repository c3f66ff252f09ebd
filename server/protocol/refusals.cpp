#include "server/protocol/refusals.h"

#include "server/http1/httprequest.h"
#include "server/protocol/credentials.h"
#include "server/tokens/keyring.h"
#include "shared/auth/base64url.h"
#include "shared/auth/jwt.h"
#include "shared/auth/sessiontoken.h"
#include "shared/codec/timestamp.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace notify::refusals {

Refusal of(const ConnectionInfo &info, const QString &reason)
{
    Refusal r;
    r.at = QDateTime::currentDateTimeUtc();
    r.reason = reason;
    r.protocol = info.protocol == ClientProtocol::SocketIo ? QStringLiteral("socketio")
        : info.protocol == ClientProtocol::Sse             ? QStringLiteral("sse")
                                                           : QStringLiteral("websocket");
    r.remoteAddress = info.remoteAddress;
    r.origin = info.origin;
    r.userAgent = info.userAgent;
    return r;
}

Refusal ofRequest(const http1::RequestHead &head, const QString &remoteAddress,
                  const QString &protocol, const QString &reason, const KeyRing *keys)
{
    Refusal r;
    r.at = QDateTime::currentDateTimeUtc();
    r.reason = reason;
    r.protocol = protocol;
    r.remoteAddress = remoteAddress;
    r.origin = QString::fromUtf8(head.header("origin"));
    r.userAgent = QString::fromUtf8(head.header("user-agent"));
    describeCredential(r,
                       plainCredential(QUrlQuery(QString::fromUtf8(head.query())),
                                       head.header("authorization"), head.header("cookie")),
                       keys, false);
    return r;
}

void describeCredential(Refusal &refusal, const QByteArray &credential, const KeyRing *keys,
                        bool withDetail)
{
    if (credential.isEmpty())
        return;
    if (looksLikeSessionToken(credential)) {
        if (withDetail)
            refusal.detail = QStringLiteral("session token");
        return;
    }
    const QList<QByteArray> parts = credential.split('.');
    if (parts.size() != 3)
        return;
    const std::optional<QByteArray> payloadText = base64UrlDecode(parts.at(1));
    const QJsonObject payload
        = payloadText ? QJsonDocument::fromJson(*payloadText).object() : QJsonObject();
    std::shared_ptr<const JwtVerifier> verifier = keys ? keys->verifier() : nullptr;
    if (!payload.isEmpty()) {
        refusal.userId = payload.value(QStringLiteral("sub")).toString();
        const QString orgClaim = verifier ? verifier->policy().orgClaim : QStringLiteral("org");
        const QJsonValue org = jwtClaimAt(payload, orgClaim);
        refusal.orgId = org.isString() ? org.toString()
            : verifier                 ? verifier->policy().defaultOrg
                                       : QString();
    }
    if (verifier && withDetail) {
        auto verified = verifier->verify(credential, QDateTime::currentDateTimeUtc());
        if (!verified.ok())
            refusal.detail = jwtErrorName(verified.error().error);
    }
}

QJsonObject toJson(const Refusal &r, const QString &nodeId, const QString &nodeName)
{
    return {{QStringLiteral("at"), formatTimestamp(r.at)},
            {QStringLiteral("node"), nodeId},
            {QStringLiteral("nodeName"), nodeName},
            {QStringLiteral("reason"), r.reason},
            {QStringLiteral("detail"), r.detail},
            {QStringLiteral("protocol"), r.protocol},
            {QStringLiteral("remoteAddress"), r.remoteAddress},
            {QStringLiteral("origin"), r.origin},
            {QStringLiteral("userAgent"), r.userAgent},
            {QStringLiteral("orgId"), r.orgId},
            {QStringLiteral("userId"), r.userId}};
}

QString reasonOf(AuthFailure failure)
{
    return QString::fromLatin1(authFailureName(failure));
}

} // namespace notify::refusals
