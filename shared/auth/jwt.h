#pragma once

#include "shared/model/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

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
};

enum class JwtError {
    Malformed,            // not three non-empty dot-separated segments
    BadEncoding,          // a segment is not strict base64url
    BadJson,              // header or payload is not a JSON object
    UnsupportedAlgorithm, // alg is anything but HS256 (none, HS512, RS256, missing)
    BadSignature,
    Expired,
    NotYetValid, // nbf or iat in the future beyond the leeway
    MissingClaim, // sub, org or exp absent or of the wrong type
    IssuerMismatch,
    AudienceMismatch,
    InvalidClaim, // sub, org, role or sid breaks the id rule (docs/protocol.md, "Ids")
};

struct JwtFailure
{
    JwtError error;
    QString detail; // human text, never contains the token or the secret
};

// Stable, lower_snake names for metrics labels and logs: "malformed", "bad_encoding",
// "bad_json", "unsupported_alg", "bad_signature", "expired", "not_yet_valid",
// "missing_claim", "issuer_mismatch", "audience_mismatch", "invalid_claim".
QString jwtErrorName(JwtError error);

class JwtVerifier
{
public:
    // issuer/audience: checked only when non-empty.
    explicit JwtVerifier(QByteArray secret, QString issuer = {}, QString audience = {},
                         int leewaySeconds = 30);

    // The signature is checked before any claim is trusted; comparison is constant-time.
    Result<JwtClaims, JwtFailure> verify(QByteArrayView token, const QDateTime &now) const;

private:
    QByteArray m_secret;
    QString m_issuer;
    QString m_audience;
    int m_leewaySeconds;
};

// Signs claims as an HS256 JWT (header {"alg":"HS256","typ":"JWT"}). Empty optional claims
// and null times are omitted.
QByteArray mintJwt(const JwtClaims &claims, QByteArrayView secret);

} // namespace notify
