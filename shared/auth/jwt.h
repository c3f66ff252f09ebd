#pragma once

#include "shared/auth/jwtkeys.h"
#include "shared/model/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <memory>

namespace notify {

struct JwtClaims
{
    QString subject;   // sub: user id
    QString org;       // org: organization id
    QString role;      // optional
    QString sessionId; // sid, optional
    QString issuer;    // iss, optional
    QStringList audience; // aud: a string or an array of strings
    QDateTime expiresAt;  // exp, required
    QDateTime notBefore;  // nbf, optional
    QDateTime issuedAt;   // iat, optional
    QString algorithm;    // the header's alg that was verified, e.g. "RS256"
    QString keyId;        // the header's kid, empty when it had none
};

enum class JwtError {
    Malformed,            // not three non-empty dot-separated segments
    BadEncoding,          // a segment is not strict base64url
    BadJson,              // header or payload is not a JSON object
    UnsupportedAlgorithm, // alg missing, none, unknown, or no key of its type (crit too)
    BadSignature,
    Expired,
    NotYetValid, // nbf or iat in the future beyond the leeway
    MissingClaim, // sub, org or exp absent or of the wrong type
    IssuerMismatch,
    AudienceMismatch,
    InvalidClaim, // sub, org, role or sid breaks the id rule (docs/protocol.md, "Ids")
    UnknownKey,   // the header's kid names no key of the set
};

struct JwtFailure
{
    JwtError error;
    QString detail; // human text, never contains the token or the secret
};

// Stable, lower_snake names for metrics labels and logs: "malformed", "bad_encoding",
// "bad_json", "unsupported_alg", "bad_signature", "expired", "not_yet_valid",
// "missing_claim", "issuer_mismatch", "audience_mismatch", "invalid_claim", "unknown_key".
QString jwtErrorName(JwtError error);

inline constexpr int jwtErrorKinds = 12;

// What a token must say and where the identity comes from (docs/configuration.md, "Tokens").
// A claim path is a claim name, a namespaced URI claim ("https://example.com/org"), or a
// dotted path into nested objects ("realm_access.roles"); the whole name is tried first.
struct JwtPolicy
{
    QStringList issuers;   // iss must be one of them; empty: not checked
    QStringList audiences; // aud (a string or an array) must hold one; empty: not checked
    int leewaySeconds = 30;
    QString userClaim = QStringLiteral("sub");
    QString orgClaim = QStringLiteral("org");
    QString roleClaim = QStringLiteral("role");
    // An array of roles yields the first one listed here; a single role outside it yields
    // none. Empty: the first string of an array, any single role.
    QStringList roles;
    QString defaultOrg; // used when the token has no organization claim
};

class JwtVerifier
{
public:
    JwtVerifier(std::shared_ptr<const JwtKeySet> keys, JwtPolicy policy);
    // One HS256 secret without a kid (tests and tools).
    explicit JwtVerifier(QByteArray secret, QString issuer = {}, QString audience = {},
                         int leewaySeconds = 30);

    // The key is chosen by the header's kid (or, without one, every key that fits alg) and
    // must allow alg; the signature is checked before any claim is read.
    Result<JwtClaims, JwtFailure> verify(QByteArrayView token, const QDateTime &now) const;

    const JwtKeySet &keys() const { return *m_keys; }
    const JwtPolicy &policy() const { return m_policy; }

private:
    std::shared_ptr<const JwtKeySet> m_keys;
    JwtPolicy m_policy;
};

// The value at a claim path (see JwtPolicy); undefined when absent.
QJsonValue jwtClaimAt(const QJsonObject &payload, const QString &path);

// Signs claims as an HS256 JWT (header {"alg":"HS256","typ":"JWT"}, with "kid" when kid is
// not empty). Empty optional claims and null times are omitted.
QByteArray mintJwt(const JwtClaims &claims, QByteArrayView secret, const QString &kid = {});

} // namespace notify
