#include "shared/auth/jwt.h"

#include "shared/auth/base64url.h"
#include "shared/model/validation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QVarLengthArray>

#include <cmath>
#include <optional>

namespace notify {

namespace {

// Far above any real token; stops a hostile client from making us hash and parse megabytes.
constexpr qsizetype kMaxTokenLength = 16 * 1024;
// 9999-12-31T23:59:59Z: beyond it QDateTime arithmetic stops being meaningful.
constexpr double kMaxEpochSeconds = 253402300799.0;

// Keys tried for a token without a kid: a bound on the work one token can cause.
constexpr int kMaxKeysTried = 8;

JwtFailure fail(JwtError error, const QString &detail)
{
    return JwtFailure{error, detail};
}

std::optional<QJsonObject> parseObject(const QByteArray &json)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

// NumericDate (RFC 7519 §2): seconds since the epoch, fractions allowed.
enum class TimeClaim { Absent, Invalid, Present };

TimeClaim readTime(const QJsonObject &payload, const QString &name, qint64 *msecs)
{
    const QJsonValue value = payload.value(name);
    if (value.isUndefined())
        return TimeClaim::Absent;
    if (!value.isDouble())
        return TimeClaim::Invalid;
    const double seconds = value.toDouble();
    if (!std::isfinite(seconds) || std::fabs(seconds) > kMaxEpochSeconds)
        return TimeClaim::Invalid;
    *msecs = std::llround(seconds * 1000.0);
    return TimeClaim::Present;
}

QDateTime utcFromMSecs(qint64 msecs)
{
    return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC);
}

} // namespace

QString jwtErrorName(JwtError error)
{
    switch (error) {
    case JwtError::Malformed:
        return QStringLiteral("malformed");
    case JwtError::BadEncoding:
        return QStringLiteral("bad_encoding");
    case JwtError::BadJson:
        return QStringLiteral("bad_json");
    case JwtError::UnsupportedAlgorithm:
        return QStringLiteral("unsupported_alg");
    case JwtError::BadSignature:
        return QStringLiteral("bad_signature");
    case JwtError::Expired:
        return QStringLiteral("expired");
    case JwtError::NotYetValid:
        return QStringLiteral("not_yet_valid");
    case JwtError::MissingClaim:
        return QStringLiteral("missing_claim");
    case JwtError::IssuerMismatch:
        return QStringLiteral("issuer_mismatch");
    case JwtError::AudienceMismatch:
        return QStringLiteral("audience_mismatch");
    case JwtError::InvalidClaim:
        return QStringLiteral("invalid_claim");
    case JwtError::UnknownKey:
        return QStringLiteral("unknown_key");
    }
    return QStringLiteral("unknown");
}

JwtVerifier::JwtVerifier(std::shared_ptr<const JwtKeySet> keys, JwtPolicy policy)
    : m_keys(keys ? std::move(keys) : std::make_shared<const JwtKeySet>()),
      m_policy(std::move(policy))
{
    m_policy.leewaySeconds = qMax(0, m_policy.leewaySeconds);
}

namespace {
std::shared_ptr<const JwtKeySet> singleSecret(QByteArray secret)
{
    auto set = std::make_shared<JwtKeySet>();
    if (!secret.isEmpty()) {
        JwtKey key;
        key.type = JwtKey::Type::Secret;
        key.algorithms = {JwtAlg::HS256};
        key.secret = std::move(secret);
        set->add(std::move(key));
    }
    return set;
}

JwtPolicy legacyPolicy(QString issuer, QString audience, int leewaySeconds)
{
    JwtPolicy policy;
    if (!issuer.isEmpty())
        policy.issuers = QStringList {std::move(issuer)};
    if (!audience.isEmpty())
        policy.audiences = QStringList {std::move(audience)};
    policy.leewaySeconds = leewaySeconds;
    return policy;
}
} // namespace

JwtVerifier::JwtVerifier(QByteArray secret, QString issuer, QString audience, int leewaySeconds)
    : JwtVerifier(singleSecret(std::move(secret)),
                  legacyPolicy(std::move(issuer), std::move(audience), leewaySeconds))
{
}

QJsonValue jwtClaimAt(const QJsonObject &payload, const QString &path)
{
    // The whole name first: a namespaced claim ("https://example.com/org") has dots of its own.
    const auto whole = payload.constFind(path);
    if (whole != payload.constEnd())
        return *whole;
    if (!path.contains(QLatin1Char('.')))
        return QJsonValue(QJsonValue::Undefined);
    QJsonValue current = payload;
    for (const QString &segment : path.split(QLatin1Char('.'))) {
        if (!current.isObject())
            return QJsonValue(QJsonValue::Undefined);
        current = current.toObject().value(segment);
    }
    return current;
}

Result<JwtClaims, JwtFailure> JwtVerifier::verify(QByteArrayView token,
                                                  const QDateTime &now) const
{
    if (token.size() > kMaxTokenLength)
        return fail(JwtError::Malformed, QStringLiteral("token is too long"));

    const qsizetype firstDot = token.indexOf('.');
    const qsizetype secondDot = firstDot < 0 ? -1 : token.sliced(firstDot + 1).indexOf('.');
    if (firstDot < 0 || secondDot < 0)
        return fail(JwtError::Malformed, QStringLiteral("token does not have three segments"));
    const qsizetype signatureStart = firstDot + 1 + secondDot + 1;
    const QByteArrayView headerText = token.first(firstDot);
    const QByteArrayView payloadText = token.sliced(firstDot + 1, secondDot);
    const QByteArrayView signatureText = token.sliced(signatureStart);
    if (signatureText.contains('.'))
        return fail(JwtError::Malformed, QStringLiteral("token has more than three segments"));
    if (headerText.isEmpty() || payloadText.isEmpty() || signatureText.isEmpty())
        return fail(JwtError::Malformed, QStringLiteral("token has an empty segment"));

    const std::optional<QByteArray> headerJson = base64UrlDecode(headerText);
    if (!headerJson)
        return fail(JwtError::BadEncoding, QStringLiteral("header is not base64url"));
    const std::optional<QByteArray> payloadJson = base64UrlDecode(payloadText);
    if (!payloadJson)
        return fail(JwtError::BadEncoding, QStringLiteral("payload is not base64url"));
    const std::optional<QByteArray> signature = base64UrlDecode(signatureText);
    if (!signature)
        return fail(JwtError::BadEncoding, QStringLiteral("signature is not base64url"));

    const std::optional<QJsonObject> header = parseObject(*headerJson);
    if (!header)
        return fail(JwtError::BadJson, QStringLiteral("header is not a JSON object"));
    // The token names its algorithm, but only a key of a type that allows it can verify it
    // (docs/security.md, "Tokens"): that is what defeats "none" and HS/RS confusion.
    const QJsonValue algValue = header->value(QLatin1String("alg"));
    const std::optional<JwtAlg> alg =
        algValue.isString() ? jwtAlgFromName(algValue.toString()) : std::nullopt;
    if (!alg)
        return fail(JwtError::UnsupportedAlgorithm,
                    algValue.isString() ? QStringLiteral("alg is not supported")
                                        : QStringLiteral("header has no alg"));
    // RFC 7515 §4.1.11: extensions marked critical that we do not understand must fail.
    if (header->contains(QLatin1String("crit")))
        return fail(JwtError::UnsupportedAlgorithm,
                    QStringLiteral("critical header extensions are not supported"));
    const QJsonValue kidValue = header->value(QLatin1String("kid"));
    if (!kidValue.isUndefined() && !kidValue.isString())
        return fail(JwtError::BadJson, QStringLiteral("kid must be a string"));
    const QString kid = kidValue.toString();

    // No key means nothing can be authenticated; never accept a keyless MAC.
    if (m_keys->isEmpty())
        return fail(JwtError::BadSignature, QStringLiteral("no verification key configured"));
    QVarLengthArray<const JwtKey *, kMaxKeysTried> candidates;
    bool kidKnown = false;
    if (!kidValue.isUndefined()) {
        for (const JwtKey &key : m_keys->keys()) {
            if (key.kid != kid)
                continue;
            kidKnown = true;
            if (key.allows(*alg) && candidates.size() < kMaxKeysTried)
                candidates.append(&key);
        }
        if (!kidKnown)
            return fail(JwtError::UnknownKey, QStringLiteral("kid names no known key"));
    } else {
        // Keys without an id first: they are the ones meant for tokens without one.
        for (int pass = 0; pass < 2; ++pass) {
            for (const JwtKey &key : m_keys->keys()) {
                if (key.kid.isEmpty() == (pass == 0) && key.allows(*alg)
                    && candidates.size() < kMaxKeysTried)
                    candidates.append(&key);
            }
        }
    }
    if (candidates.isEmpty())
        return fail(JwtError::UnsupportedAlgorithm,
                    QStringLiteral("no configured key verifies %1").arg(jwtAlgName(*alg)));
    const QByteArrayView signingInput = token.first(signatureStart - 1);
    bool verified = false;
    for (const JwtKey *key : candidates) {
        if (verifyJwtSignature(*key, *alg, signingInput, *signature)) {
            verified = true;
            break;
        }
    }
    if (!verified)
        return fail(JwtError::BadSignature, QStringLiteral("signature does not match"));

    // From here on the payload is authentic.
    const std::optional<QJsonObject> payload = parseObject(*payloadJson);
    if (!payload)
        return fail(JwtError::BadJson, QStringLiteral("payload is not a JSON object"));

    JwtClaims claims;
    claims.algorithm = jwtAlgName(*alg);
    claims.keyId = kid;
    const QJsonValue subject = jwtClaimAt(*payload, m_policy.userClaim);
    if (!subject.isString() || subject.toString().isEmpty())
        return fail(JwtError::MissingClaim,
                    QStringLiteral("%1 must be a non-empty string").arg(m_policy.userClaim));
    claims.subject = subject.toString();
    const QJsonValue org = jwtClaimAt(*payload, m_policy.orgClaim);
    if (org.isUndefined() && !m_policy.defaultOrg.isEmpty()) {
        claims.org = m_policy.defaultOrg;
    } else if (!org.isString() || org.toString().isEmpty()) {
        return fail(JwtError::MissingClaim,
                    QStringLiteral("%1 must be a non-empty string").arg(m_policy.orgClaim));
    } else {
        claims.org = org.toString();
    }

    qint64 expMs = 0;
    if (readTime(*payload, QStringLiteral("exp"), &expMs) != TimeClaim::Present)
        return fail(JwtError::MissingClaim, QStringLiteral("exp must be a NumericDate"));
    qint64 nbfMs = 0;
    const TimeClaim nbf = readTime(*payload, QStringLiteral("nbf"), &nbfMs);
    if (nbf == TimeClaim::Invalid)
        return fail(JwtError::MissingClaim, QStringLiteral("nbf must be a NumericDate"));
    qint64 iatMs = 0;
    const TimeClaim iat = readTime(*payload, QStringLiteral("iat"), &iatMs);
    if (iat == TimeClaim::Invalid)
        return fail(JwtError::MissingClaim, QStringLiteral("iat must be a NumericDate"));

    const auto optionalString = [&](const char *name, QString *out) {
        const QJsonValue value = payload->value(QLatin1String(name));
        if (value.isUndefined())
            return true;
        if (!value.isString())
            return false;
        *out = value.toString();
        return true;
    };
    // A role claim is a string or an array of strings (Keycloak's realm_access.roles).
    const QJsonValue role = jwtClaimAt(*payload, m_policy.roleClaim);
    if (role.isString()) {
        if (m_policy.roles.isEmpty() || m_policy.roles.contains(role.toString()))
            claims.role = role.toString();
    } else if (role.isArray()) {
        const QJsonArray roles = role.toArray();
        for (const QJsonValue &entry : roles) {
            if (!entry.isString())
                return fail(JwtError::MissingClaim,
                            QStringLiteral("%1 must be a string or an array of strings")
                                .arg(m_policy.roleClaim));
            if (m_policy.roles.isEmpty() || m_policy.roles.contains(entry.toString())) {
                claims.role = entry.toString();
                break;
            }
        }
    } else if (!role.isUndefined() && !role.isNull()) {
        return fail(JwtError::MissingClaim, QStringLiteral("%1 must be a string or an array of "
                                                           "strings")
                                                .arg(m_policy.roleClaim));
    }
    if (!optionalString("sid", &claims.sessionId))
        return fail(JwtError::MissingClaim, QStringLiteral("sid must be a string"));
    if (!optionalString("iss", &claims.issuer))
        return fail(JwtError::MissingClaim, QStringLiteral("iss must be a string"));

    const QJsonValue aud = payload->value(QLatin1String("aud"));
    if (aud.isString()) {
        claims.audience.append(aud.toString());
    } else if (aud.isArray()) {
        const QJsonArray array = aud.toArray();
        for (const QJsonValue &entry : array) {
            if (!entry.isString())
                return fail(JwtError::MissingClaim,
                            QStringLiteral("aud must be a string or an array of strings"));
            claims.audience.append(entry.toString());
        }
    } else if (!aud.isUndefined()) {
        return fail(JwtError::MissingClaim,
                    QStringLiteral("aud must be a string or an array of strings"));
    }

    const qint64 nowMs = now.toMSecsSinceEpoch();
    const qint64 leewayMs = qint64(m_policy.leewaySeconds) * 1000;
    if (expMs + leewayMs < nowMs)
        return fail(JwtError::Expired, QStringLiteral("token has expired"));
    if (nbf == TimeClaim::Present && nbfMs - leewayMs > nowMs)
        return fail(JwtError::NotYetValid, QStringLiteral("token is not valid yet (nbf)"));
    if (iat == TimeClaim::Present && iatMs - leewayMs > nowMs)
        return fail(JwtError::NotYetValid, QStringLiteral("token was issued in the future"));

    if (!m_policy.issuers.isEmpty() && !m_policy.issuers.contains(claims.issuer))
        return fail(JwtError::IssuerMismatch, QStringLiteral("iss does not match"));
    if (!m_policy.audiences.isEmpty()) {
        bool matched = false;
        for (const QString &audience : std::as_const(claims.audience))
            matched = matched || m_policy.audiences.contains(audience);
        if (!matched)
            return fail(JwtError::AudienceMismatch,
                        QStringLiteral("aud does not contain the expected audience"));
    }

    // The identity claims follow the API's id rule (docs/protocol.md, "Ids"): a signature
    // proves who issued a token, not that its ids are safe to use as ids. role and sid are
    // optional; empty means absent.
    const std::pair<const char *, const QString *> ids[] = {{"sub", &claims.subject},
                                                            {"org", &claims.org},
                                                            {"role", &claims.role},
                                                            {"sid", &claims.sessionId}};
    for (const auto &[name, value] : ids) {
        if (value->isEmpty())
            continue; // sub and org were checked to be present above
        if (const auto e = validateId(QLatin1String(name), *value))
            return fail(JwtError::InvalidClaim, e->message());
    }

    claims.expiresAt = utcFromMSecs(expMs);
    if (nbf == TimeClaim::Present)
        claims.notBefore = utcFromMSecs(nbfMs);
    if (iat == TimeClaim::Present)
        claims.issuedAt = utcFromMSecs(iatMs);
    return claims;
}

QByteArray mintJwt(const JwtClaims &claims, QByteArrayView secret, const QString &kid)
{
    static const QByteArray plainHeader = base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})");
    const QByteArray header = kid.isEmpty()
        ? plainHeader
        : base64UrlEncode(QJsonDocument(QJsonObject {{QStringLiteral("alg"), QStringLiteral("HS256")},
                                                     {QStringLiteral("typ"), QStringLiteral("JWT")},
                                                     {QStringLiteral("kid"), kid}})
                              .toJson(QJsonDocument::Compact));

    QJsonObject payload;
    const auto putString = [&payload](const char *name, const QString &value) {
        if (!value.isEmpty())
            payload.insert(QLatin1String(name), value);
    };
    const auto putTime = [&payload](const char *name, const QDateTime &value) {
        if (value.isValid())
            payload.insert(QLatin1String(name), value.toSecsSinceEpoch());
    };
    putString("sub", claims.subject);
    putString("org", claims.org);
    putString("role", claims.role);
    putString("sid", claims.sessionId);
    putString("iss", claims.issuer);
    if (claims.audience.size() == 1)
        payload.insert(QLatin1String("aud"), claims.audience.constFirst());
    else if (claims.audience.size() > 1)
        payload.insert(QLatin1String("aud"), QJsonArray::fromStringList(claims.audience));
    putTime("exp", claims.expiresAt);
    putTime("nbf", claims.notBefore);
    putTime("iat", claims.issuedAt);

    QByteArray signingInput = header;
    signingInput.append('.');
    signingInput.append(base64UrlEncode(QJsonDocument(payload).toJson(QJsonDocument::Compact)));
    const QByteArray signature = jwtHmac(JwtAlg::HS256, secret, signingInput);
    signingInput.append('.');
    signingInput.append(base64UrlEncode(signature));
    return signingInput;
}

} // namespace notify
