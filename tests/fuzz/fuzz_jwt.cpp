// JWT verification (HS256). Raw tokens exercise the framing and the signature check; tokens
// signed here with the verifier's secret, from a fuzzed header and payload, get past the
// signature so that the header and claim parsing is fuzzed too.

#include "fuzzcheck.h"

#include "shared/auth/base64url.h"
#include "shared/auth/jwt.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>

using namespace notify;

namespace {

const QByteArray secret = "fuzz-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
// A fixed "now", so that a crash reproduces whatever the day.
const QDateTime now = QDateTime::fromSecsSinceEpoch(1800000000, Qt::UTC);

void checkAccepted(const JwtClaims &c, const JwtVerifier &verifier)
{
    FUZZ_CHECK(!c.subject.isEmpty() && !c.org.isEmpty());
    FUZZ_CHECK(c.expiresAt.isValid());
    FUZZ_CHECK(c.expiresAt.toMSecsSinceEpoch() + 30000 >= now.toMSecsSinceEpoch());
    FUZZ_CHECK(!c.notBefore.isValid()
               || c.notBefore.toMSecsSinceEpoch() - 30000 <= now.toMSecsSinceEpoch());
    FUZZ_CHECK(!c.issuedAt.isValid()
               || c.issuedAt.toMSecsSinceEpoch() - 30000 <= now.toMSecsSinceEpoch());
    // What we accept, we can mint again, and it verifies to the same identity (times lose
    // their fraction of a second, which may only make a token expire).
    const QByteArray again = mintJwt(c, secret);
    auto reverified = verifier.verify(again, now);
    if (!reverified.ok()) {
        FUZZ_CHECK(reverified.error().error == JwtError::Expired);
        return;
    }
    FUZZ_CHECK(reverified->subject == c.subject && reverified->org == c.org);
    FUZZ_CHECK(reverified->role == c.role && reverified->sessionId == c.sessionId);
    FUZZ_CHECK(reverified->issuer == c.issuer && reverified->audience == c.audience);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const JwtVerifier verifier(secret);
    const QByteArrayView input = fuzz::bytes(data, size);

    auto raw = verifier.verify(input, now);
    if (raw.ok())
        checkAccepted(*raw, verifier); // only a token signed with `secret` can get here
    else
        FUZZ_CHECK(!jwtErrorName(raw.error().error).isEmpty());

    // Header and payload separated by the first NUL (no NUL: the standard header).
    const qsizetype nul = input.indexOf('\0');
    const QByteArray header
        = nul < 0 ? QByteArray(R"({"alg":"HS256","typ":"JWT"})") : input.first(nul).toByteArray();
    const QByteArray payload = (nul < 0 ? input : input.sliced(nul + 1)).toByteArray();
    QByteArray token = base64UrlEncode(header) + '.' + base64UrlEncode(payload);
    const QByteArray signature
        = QMessageAuthenticationCode::hash(token, secret, QCryptographicHash::Sha256);
    token += '.' + base64UrlEncode(signature);
    auto signedResult = verifier.verify(token, now);
    if (signedResult.ok()) {
        checkAccepted(*signedResult, verifier);
    } else {
        const JwtError e = signedResult.error().error;
        // Correctly framed and signed: only the header and the claims can be at fault (or
        // the framing when a segment is empty or the token too long).
        FUZZ_CHECK(e != JwtError::BadEncoding && e != JwtError::BadSignature);
        if (!header.isEmpty() && !payload.isEmpty() && token.size() <= 16 * 1024)
            FUZZ_CHECK(e != JwtError::Malformed);
        // The detail never echoes the token.
        FUZZ_CHECK(!signedResult.error().detail.contains(QString::fromLatin1(token)));
    }
    // A verifier that expects an issuer and audience accepts a subset.
    const JwtVerifier strict(secret, QStringLiteral("notify"), QStringLiteral("clients"));
    auto strictResult = strict.verify(token, now);
    if (strictResult.ok()) {
        FUZZ_CHECK(signedResult.ok());
        FUZZ_CHECK(strictResult->issuer == QLatin1String("notify"));
        FUZZ_CHECK(strictResult->audience.contains(QStringLiteral("clients")));
    }
    return 0;
}
