#include "server/protocol/authenticator.h"

#include "server/metrics/metrics.h"
#include "server/storage/storeworker.h"
#include "server/tokens/keyring.h"
#include "server/util/posting.h"
#include "shared/auth/sessiontoken.h"
#include "shared/codec/errorcodes.h"
#include "shared/model/validation.h"

namespace notify {

namespace {
bool hasValidIds(const Recipient &r, const QString &role)
{
    return !validateId(QStringLiteral("orgId"), r.orgId)
        && !validateId(QStringLiteral("userId"), r.userId)
        && (role.isEmpty() || !validateId(QStringLiteral("role"), role));
}
} // namespace

QString authCloseReason(AuthFailure failure)
{
    // Socket.IO clients get "unauthorized" whatever the reason (docs/protocol.md).
    return failure == AuthFailure::InvalidIdentity
        ? QStringLiteral("unauthorized: the credential names an invalid id")
        : codes::unauthorized;
}

Authenticator::Authenticator(KeyRing &keys, ReaderPool &readers, Metrics &metrics)
    : m_keys(keys)
    , m_readers(readers)
    , m_metrics(metrics)
{ }

void Authenticator::authenticate(const QByteArray &credential, QObject *ctx, Done done) const
{
    if (credential.isEmpty()) {
        done(AuthFailure::NoCredential);
        return;
    }
    if (looksLikeSessionToken(credential)) {
        checkSession(hashSessionToken(credential), std::nullopt, ctx, std::move(done));
        return;
    }
    verifyJwt(credential, ctx, std::move(done), true);
}

void Authenticator::verifyJwt(const QByteArray &credential, QObject *ctx, Done done,
                              bool mayRefresh) const
{
    const std::shared_ptr<const JwtVerifier> verifier = m_keys.verifier();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    auto verified = verifier->verify(credential, now);
    if (!verified.ok()) {
        const JwtError e = verified.error().error;
        // A kid the provider may have added since the last fetch: one fetch (rate-limited
        // node-wide), then one more try (docs/security.md, "Tokens").
        if (e == JwtError::UnknownKey && mayRefresh) {
            auto retry = [this, credential, ctx, done]() mutable {
                verifyJwt(credential, ctx, std::move(done), false);
            };
            if (m_keys.refreshForUnknownKid(ctx, std::move(retry)))
                return;
        }
        m_metrics.countTokenFailure(int(e));
        done(e == JwtError::Expired            ? AuthFailure::Expired
                 : e == JwtError::InvalidClaim ? AuthFailure::InvalidIdentity
                                               : AuthFailure::BadToken);
        return;
    }
    const JwtClaims &claims = verified.value();
    Identity identity;
    identity.recipient = Recipient {claims.org, claims.subject};
    identity.role = claims.role;
    // The same leeway as at verification, so a token is not cut off before it was accepted.
    identity.expiresAt = claims.expiresAt.addSecs(verifier->policy().leewaySeconds);
    identity.issuer = claims.issuer;
    identity.algorithm = claims.algorithm;
    identity.keyId = claims.keyId;
    if (claims.sessionId.isEmpty()) {
        done(identity);
        return;
    }
    // UTF-8, not Latin-1: two sids must never map to the same bytes.
    identity.sessionHash = claims.sessionId.toUtf8();
    checkSession(identity.sessionHash, identity, ctx, std::move(done));
}

void Authenticator::checkSession(const QByteArray &hash, std::optional<Identity> fromJwt,
                                 QObject *ctx, Done done) const
{
    m_readers.post([hash, fromJwt, ctx, done = std::move(done)](Store &store) mutable {
        auto found = store.findSession(hash);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        Result<Identity, AuthFailure> outcome = AuthFailure::Unknown;
        if (!found.ok()) {
            outcome = AuthFailure::Unknown; // storage down: refuse rather than guess
        } else if (!found.value()) {
            // A JWT's sid that the store does not know is not a revocation: accept.
            if (fromJwt)
                outcome = *fromJwt;
        } else {
            const SessionRecord &s = *found.value();
            if (s.revokedAt.isValid()) {
                outcome = AuthFailure::Revoked;
            } else if (s.expiresAt <= now) {
                outcome = AuthFailure::Expired;
            } else if (fromJwt) {
                Identity id = *fromJwt;
                id.expiresAt = qMin(id.expiresAt, s.expiresAt);
                outcome = id;
            } else if (!hasValidIds(s.recipient, s.role)) {
                // A session stored before its creation enforced the id rule.
                outcome = AuthFailure::InvalidIdentity;
            } else {
                outcome = Identity {s.recipient, s.role, s.expiresAt, s.tokenSha256Hex, {}, {}, {}};
            }
        }
        postTo(ctx, [done = std::move(done), outcome] { done(outcome); });
    });
}

} // namespace notify
