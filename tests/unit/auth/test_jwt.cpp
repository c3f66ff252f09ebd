#include "shared/auth/jwt.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QSet>
#include <QTest>

using namespace notify;

namespace {

const QByteArray kSecret = "test-secret-7f3a9c2e5b8d1f4a6c0e";
const qint64 kNow = 1704067200; // 2024-01-01T00:00:00Z

QDateTime at(qint64 secs)
{
    return QDateTime::fromSecsSinceEpoch(secs, Qt::UTC);
}

// Deliberately built from Qt primitives, not from base64UrlEncode or mintJwt, so that the
// tests check the verifier against a second implementation.
QByteArray b64(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray signRaw(const QByteArray &headerSegment, const QByteArray &payloadSegment,
                   const QByteArray &secret = kSecret,
                   QCryptographicHash::Algorithm algorithm = QCryptographicHash::Sha256)
{
    const QByteArray input = headerSegment + '.' + payloadSegment;
    return input + '.' + b64(QMessageAuthenticationCode::hash(input, secret, algorithm));
}

QByteArray sign(const QByteArray &header, const QByteArray &payload,
                const QByteArray &secret = kSecret)
{
    return signRaw(b64(header), b64(payload), secret);
}

const QByteArray kHeader = R"({"alg":"HS256","typ":"JWT"})";

QByteArray payloadWith(const QByteArray &extra)
{
    QByteArray payload = R"({"sub":"user-1","org":"org-1")";
    if (!extra.isEmpty())
        payload += ',' + extra;
    return payload + '}';
}

QByteArray validPayload(const QByteArray &extra = {})
{
    return payloadWith(R"("exp":)" + QByteArray::number(kNow + 3600)
                       + (extra.isEmpty() ? QByteArray() : ',' + extra));
}

QString outcome(const Result<JwtClaims, JwtFailure> &result)
{
    return result.ok() ? QStringLiteral("ok") : jwtErrorName(result.error().error);
}

JwtClaims fullClaims()
{
    JwtClaims claims;
    claims.subject = QStringLiteral("user-42");
    claims.org = QStringLiteral("acme");
    claims.role = QStringLiteral("admin");
    claims.sessionId = QStringLiteral("sess-9");
    claims.issuer = QStringLiteral("notify-test");
    claims.audience = {QStringLiteral("web")};
    claims.issuedAt = at(kNow - 60);
    claims.notBefore = at(kNow - 60);
    claims.expiresAt = at(kNow + 3600);
    return claims;
}

} // namespace

class TestJwt : public QObject
{
    Q_OBJECT

private slots:
    void acceptsValidToken();
    void acceptsTokenFromIndependentImplementation();
    void acceptsPythonSignedToken();
    void checksSignatureOfWellKnownVector();
    void expiry_data();
    void expiry();
    void notYetValid_data();
    void notYetValid();
    void rejectsTamperedPayload();
    void rejectsTamperedSignature();
    void rejectsWrongSecret();
    void rejectsWhenNoSecretConfigured();
    void rejectsAlgorithms_data();
    void rejectsAlgorithms();
    void rejectsBadJson_data();
    void rejectsBadJson();
    void rejectsMalformed_data();
    void rejectsMalformed();
    void rejectsBadEncoding_data();
    void rejectsBadEncoding();
    void rejectsBadClaims_data();
    void rejectsBadClaims();
    void rejectsInvalidIdClaims_data();
    void rejectsInvalidIdClaims();
    void acceptsIdsWithSeparators();
    void issuerAndAudience_data();
    void issuerAndAudience();
    void mintOmitsEmptyClaims();
    void detailsNeverLeakTokenOrSecret();
    void errorNames();
};

void TestJwt::acceptsValidToken()
{
    const JwtClaims in = fullClaims();
    const QByteArray token = mintJwt(in, kSecret);
    const auto result = JwtVerifier(kSecret).verify(token, at(kNow));
    QCOMPARE(outcome(result), QStringLiteral("ok"));
    QCOMPARE(result->subject, in.subject);
    QCOMPARE(result->org, in.org);
    QCOMPARE(result->role, in.role);
    QCOMPARE(result->sessionId, in.sessionId);
    QCOMPARE(result->issuer, in.issuer);
    QCOMPARE(result->audience, in.audience);
    QCOMPARE(result->expiresAt, in.expiresAt);
    QCOMPARE(result->notBefore, in.notBefore);
    QCOMPARE(result->issuedAt, in.issuedAt);
}

void TestJwt::acceptsTokenFromIndependentImplementation()
{
    const QByteArray payload = R"({"sub":"u-7","org":"o-3","role":"member","exp":1704070800,)"
                               R"("aud":["a","b"],"nbf":1704067100.5})";
    const QByteArray token = sign(kHeader, payload);
    const auto result = JwtVerifier(kSecret, {}, QStringLiteral("b")).verify(token, at(kNow));
    QCOMPARE(outcome(result), QStringLiteral("ok"));
    QCOMPARE(result->subject, QStringLiteral("u-7"));
    QCOMPARE(result->org, QStringLiteral("o-3"));
    QCOMPARE(result->role, QStringLiteral("member"));
    QVERIFY(result->sessionId.isEmpty());
    QCOMPARE(result->audience, QStringList({QStringLiteral("a"), QStringLiteral("b")}));
    QCOMPARE(result->expiresAt, at(1704070800));
    QCOMPARE(result->notBefore.toMSecsSinceEpoch(), 1704067100500);
    QVERIFY(!result->issuedAt.isValid());
}

void TestJwt::acceptsPythonSignedToken()
{
    // Produced outside Qt, with Python: base64.urlsafe_b64encode(...).rstrip(b"=") of each
    // segment and hmac.new(secret, signing_input, hashlib.sha256) for the signature, over
    // header {"alg":"HS256","typ":"JWT"}, payload {"sub":"user-42","org":"acme",
    // "role":"admin","sid":"s-1","iss":"notify-test","aud":["web","mobile"],
    // "exp":1704070800,"nbf":1704067200,"iat":1704067200}.
    const QByteArray token =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
            "eyJzdWIiOiJ1c2VyLTQyIiwib3JnIjoiYWNtZSIsInJvbGUiOiJhZG1pbiIsInNpZCI6InMtMSIsImlzcyI6"
            "Im5vdGlmeS10ZXN0IiwiYXVkIjpbIndlYiIsIm1vYmlsZSJdLCJleHAiOjE3MDQwNzA4MDAsIm5iZiI6MTcw"
            "NDA2NzIwMCwiaWF0IjoxNzA0MDY3MjAwfQ."
            "qk17RM6IFVoGwjZCqKBUnuAUM3-cQxnpVuzD-M-MteU";
    const JwtVerifier verifier("independent-secret-0123456789abcdef",
                               QStringLiteral("notify-test"), QStringLiteral("mobile"));
    const auto result = verifier.verify(token, at(kNow + 60));
    QCOMPARE(outcome(result), QStringLiteral("ok"));
    QCOMPARE(result->subject, QStringLiteral("user-42"));
    QCOMPARE(result->org, QStringLiteral("acme"));
    QCOMPARE(result->role, QStringLiteral("admin"));
    QCOMPARE(result->sessionId, QStringLiteral("s-1"));
    QCOMPARE(result->issuer, QStringLiteral("notify-test"));
    QCOMPARE(result->expiresAt, at(1704070800));
    QCOMPARE(result->issuedAt, at(1704067200));

    const auto wrong = JwtVerifier("independent-secret-0123456789abcdeF").verify(token, at(kNow));
    QCOMPARE(outcome(wrong), QStringLiteral("bad_signature"));
}

void TestJwt::checksSignatureOfWellKnownVector()
{
    // The jwt.io / RFC 7519-style example token. It has no org and no exp, so it must pass
    // the signature check and only then fail on the claims.
    const QByteArray token =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
            "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
            "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    const auto right = JwtVerifier("your-256-bit-secret").verify(token, at(kNow));
    QCOMPARE(outcome(right), QStringLiteral("missing_claim"));
    QVERIFY(right.error().detail.contains(QLatin1String("org")));
    const auto wrong = JwtVerifier("your-256-bit-secreT").verify(token, at(kNow));
    QCOMPARE(outcome(wrong), QStringLiteral("bad_signature"));
}

void TestJwt::expiry_data()
{
    QTest::addColumn<qint64>("exp");
    QTest::addColumn<int>("leeway");
    QTest::addColumn<QString>("expected");
    QTest::newRow("future") << kNow + 1 << 30 << "ok";
    QTest::newRow("expired beyond leeway") << kNow - 31 << 30 << "expired";
    QTest::newRow("long expired") << kNow - 86400 << 30 << "expired";
    QTest::newRow("expired within leeway") << kNow - 29 << 30 << "ok";
    QTest::newRow("expired at leeway edge") << kNow - 30 << 30 << "ok";
    QTest::newRow("no leeway, just expired") << kNow - 1 << 0 << "expired";
    QTest::newRow("no leeway, now") << kNow << 0 << "ok";
    QTest::newRow("custom leeway") << kNow - 100 << 120 << "ok";
    QTest::newRow("negative leeway is zero") << kNow << -10 << "ok";
}

void TestJwt::expiry()
{
    QFETCH(qint64, exp);
    QFETCH(int, leeway);
    QFETCH(QString, expected);
    const QByteArray token = sign(kHeader, payloadWith("\"exp\":" + QByteArray::number(exp)));
    const JwtVerifier verifier(kSecret, {}, {}, leeway);
    QCOMPARE(outcome(verifier.verify(token, at(kNow))), expected);
}

void TestJwt::notYetValid_data()
{
    QTest::addColumn<QByteArray>("extra");
    QTest::addColumn<QString>("expected");
    const auto claim = [](const char *name, qint64 value) {
        return '"' + QByteArray(name) + "\":" + QByteArray::number(value);
    };
    QTest::newRow("nbf past") << claim("nbf", kNow - 10) << "ok";
    QTest::newRow("nbf within leeway") << claim("nbf", kNow + 30) << "ok";
    QTest::newRow("nbf future") << claim("nbf", kNow + 31) << "not_yet_valid";
    QTest::newRow("iat past") << claim("iat", kNow - 10) << "ok";
    QTest::newRow("iat within leeway") << claim("iat", kNow + 20) << "ok";
    QTest::newRow("iat future") << claim("iat", kNow + 600) << "not_yet_valid";
}

void TestJwt::notYetValid()
{
    QFETCH(QByteArray, extra);
    QFETCH(QString, expected);
    const QByteArray token = sign(kHeader, validPayload(extra));
    QCOMPARE(outcome(JwtVerifier(kSecret).verify(token, at(kNow))), expected);
}

void TestJwt::rejectsTamperedPayload()
{
    const QByteArray token = mintJwt(fullClaims(), kSecret);
    const QList<QByteArray> parts = token.split('.');
    QCOMPARE(parts.size(), 3);

    // Same signature, payload claiming another organization.
    JwtClaims forged = fullClaims();
    forged.org = QStringLiteral("victim-org");
    const QByteArray forgedPayload = mintJwt(forged, kSecret).split('.').at(1);
    const QByteArray swapped = parts[0] + '.' + forgedPayload + '.' + parts[2];
    QCOMPARE(outcome(JwtVerifier(kSecret).verify(swapped, at(kNow))),
             QStringLiteral("bad_signature"));

    // A single changed character in the payload.
    QByteArray payload = parts[1];
    payload[4] = payload[4] == 'A' ? 'B' : 'A';
    const QByteArray flipped = parts[0] + '.' + payload + '.' + parts[2];
    QCOMPARE(outcome(JwtVerifier(kSecret).verify(flipped, at(kNow))),
             QStringLiteral("bad_signature"));
}

void TestJwt::rejectsTamperedSignature()
{
    const QByteArray token = mintJwt(fullClaims(), kSecret);
    const qsizetype signatureStart = token.lastIndexOf('.') + 1;

    QByteArray flipped = token;
    flipped[signatureStart] = flipped[signatureStart] == 'A' ? 'B' : 'A';
    QCOMPARE(outcome(JwtVerifier(kSecret).verify(flipped, at(kNow))),
             QStringLiteral("bad_signature"));

    // A prefix of the right signature (e.g. a truncated MAC) must not pass either.
    const QByteArray mac = QByteArray::fromBase64(token.mid(signatureStart),
                                                  QByteArray::Base64UrlEncoding);
    QCOMPARE(mac.size(), 32);
    const QByteArray truncated = token.left(signatureStart) + b64(mac.left(30));
    QCOMPARE(outcome(JwtVerifier(kSecret).verify(truncated, at(kNow))),
             QStringLiteral("bad_signature"));

    // A longer signature whose first 32 bytes are right.
    const QByteArray extended = token.left(signatureStart) + b64(mac + QByteArray(3, '\0'));
    QCOMPARE(outcome(JwtVerifier(kSecret).verify(extended, at(kNow))),
             QStringLiteral("bad_signature"));
}

void TestJwt::rejectsWrongSecret()
{
    const QByteArray token = mintJwt(fullClaims(), "another-secret");
    QCOMPARE(outcome(JwtVerifier(kSecret).verify(token, at(kNow))),
             QStringLiteral("bad_signature"));
    QCOMPARE(outcome(JwtVerifier("another-secret").verify(token, at(kNow))),
             QStringLiteral("ok"));
}

void TestJwt::rejectsWhenNoSecretConfigured()
{
    const QByteArray token = mintJwt(fullClaims(), QByteArray());
    QCOMPARE(outcome(JwtVerifier(QByteArray()).verify(token, at(kNow))),
             QStringLiteral("bad_signature"));
}

void TestJwt::rejectsAlgorithms_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("expected");
    const QByteArray payload = b64(validPayload());
    const auto withHeader = [&](const QByteArray &header) {
        return signRaw(b64(header), payload);
    };

    // "alg":"none" with an empty signature is structurally malformed before the header is
    // even read; with any signature it is refused for its algorithm.
    QTest::newRow("none, empty signature")
            << b64(R"({"alg":"none","typ":"JWT"})") + '.' + payload + '.' << "malformed";
    QTest::newRow("none, with signature") << withHeader(R"({"alg":"none","typ":"JWT"})")
                                          << "unsupported_alg";
    QTest::newRow("None") << withHeader(R"({"alg":"None"})") << "unsupported_alg";
    QTest::newRow("hs256 lower case") << withHeader(R"({"alg":"hs256"})") << "unsupported_alg";
    QTest::newRow("HS512")
            << signRaw(b64(R"({"alg":"HS512","typ":"JWT"})"), payload, kSecret,
                       QCryptographicHash::Sha512)
            << "unsupported_alg";
    QTest::newRow("RS256") << withHeader(R"({"alg":"RS256","typ":"JWT"})")
                           << "unsupported_alg";
    QTest::newRow("missing alg") << withHeader(R"({"typ":"JWT"})") << "unsupported_alg";
    QTest::newRow("alg not a string") << withHeader(R"({"alg":256})") << "unsupported_alg";
    QTest::newRow("alg null") << withHeader(R"({"alg":null})") << "unsupported_alg";
    QTest::newRow("crit") << withHeader(R"({"alg":"HS256","crit":["exp"],"exp":1})")
                          << "unsupported_alg";
    QTest::newRow("HS256 without typ") << withHeader(R"({"alg":"HS256"})") << "ok";
}

void TestJwt::rejectsAlgorithms()
{
    QFETCH(QByteArray, token);
    QFETCH(QString, expected);
    QCOMPARE(outcome(JwtVerifier(kSecret).verify(token, at(kNow))), expected);
}

void TestJwt::rejectsBadJson_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("expected");
    const QByteArray payload = validPayload();
    QTest::newRow("header text") << sign("not json", payload) << "bad_json";
    QTest::newRow("header array") << sign(R"(["alg","HS256"])", payload) << "bad_json";
    QTest::newRow("header string") << sign(R"("HS256")", payload) << "bad_json";
    QTest::newRow("header truncated") << sign(R"({"alg":"HS256")", payload) << "bad_json";
    QTest::newRow("header binary") << sign(QByteArray("\x00\xff\x10", 3), payload) << "bad_json";
    QTest::newRow("payload text") << sign(kHeader, "hello") << "bad_json";
    QTest::newRow("payload array") << sign(kHeader, "[1,2,3]") << "bad_json";
    QTest::newRow("payload null") << sign(kHeader, "null") << "bad_json";
}

void TestJwt::rejectsBadJson()
{
    QFETCH(QByteArray, token);
    QFETCH(QString, expected);
    QCOMPARE(outcome(JwtVerifier(kSecret).verify(token, at(kNow))), expected);
}

void TestJwt::rejectsMalformed_data()
{
    QTest::addColumn<QByteArray>("token");
    const QList<QByteArray> parts = mintJwt(fullClaims(), kSecret).split('.');
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("one segment") << parts[0];
    QTest::newRow("two segments") << parts[0] + '.' + parts[1];
    QTest::newRow("four segments") << parts.join('.') + '.' + parts[2];
    QTest::newRow("empty header") << '.' + parts[1] + '.' + parts[2];
    QTest::newRow("empty payload") << parts[0] + ".." + parts[2];
    QTest::newRow("empty signature") << parts[0] + '.' + parts[1] + '.';
    QTest::newRow("only dots") << QByteArray("..");
    QTest::newRow("trailing dot") << parts.join('.') + '.';
    QTest::newRow("too long") << parts[0] + '.' + QByteArray(20000, 'A') + '.' + parts[2];
}

void TestJwt::rejectsMalformed()
{
    QFETCH(QByteArray, token);
    QCOMPARE(outcome(JwtVerifier(kSecret).verify(token, at(kNow))), QStringLiteral("malformed"));
}

void TestJwt::rejectsBadEncoding_data()
{
    QTest::addColumn<QByteArray>("token");
    const QByteArray header = b64(kHeader);
    QCOMPARE(header.size() % 4, 0); // so that one more character is an impossible length
    // A payload whose encoding is 3 mod 4 long, so a standard encoder would pad it.
    QByteArray json = validPayload();
    while (b64(json).size() % 4 != 3)
        json.insert(json.size() - 1, ' ');
    const QByteArray payload = b64(json);

    // Every case carries a valid HMAC over its exact text: only the encoding is wrong.
    QTest::newRow("payload padded") << signRaw(header, payload + '=');
    QTest::newRow("header padded") << signRaw(header + "==", payload);
    QTest::newRow("plus") << signRaw(header, payload.left(5) + '+' + payload.mid(6));
    QTest::newRow("slash") << signRaw(header, payload.left(5) + '/' + payload.mid(6));
    QTest::newRow("space") << signRaw(header, payload.left(5) + ' ' + payload.mid(5));
    QTest::newRow("newline") << signRaw(header, payload + '\n');
    QTest::newRow("header space") << signRaw(' ' + header, payload);
    QTest::newRow("impossible length") << signRaw(header + 'A', payload);

    const QByteArray valid = signRaw(header, payload);
    QTest::newRow("signature padded") << valid + '=';
    QTest::newRow("signature standard alphabet")
            << QByteArray(valid).replace('-', '+').replace('_', '/') + "+/";
    QTest::newRow("signature trailing space") << valid + ' ';
}

void TestJwt::rejectsBadEncoding()
{
    QFETCH(QByteArray, token);
    QCOMPARE(outcome(JwtVerifier(kSecret).verify(token, at(kNow))),
             QStringLiteral("bad_encoding"));
}

void TestJwt::rejectsBadClaims_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("claim");
    const QByteArray exp = "\"exp\":" + QByteArray::number(kNow + 3600);
    QTest::newRow("missing sub") << R"({"org":"o",)" + exp + '}' << "sub";
    QTest::newRow("empty sub") << R"({"sub":"","org":"o",)" + exp + '}' << "sub";
    QTest::newRow("numeric sub") << R"({"sub":42,"org":"o",)" + exp + '}' << "sub";
    QTest::newRow("missing org") << R"({"sub":"u",)" + exp + '}' << "org";
    QTest::newRow("null org") << R"({"sub":"u","org":null,)" + exp + '}' << "org";
    QTest::newRow("missing exp") << QByteArray(R"({"sub":"u","org":"o"})") << "exp";
    QTest::newRow("exp string")
            << R"({"sub":"u","org":"o","exp":")" + QByteArray::number(kNow + 3600) + "\"}"
            << "exp";
    QTest::newRow("exp bool") << QByteArray(R"({"sub":"u","org":"o","exp":true})") << "exp";
    QTest::newRow("exp huge") << QByteArray(R"({"sub":"u","org":"o","exp":1e300})") << "exp";
    QTest::newRow("nbf string") << validPayload(R"("nbf":"yesterday")") << "nbf";
    QTest::newRow("iat object") << validPayload(R"("iat":{})") << "iat";
    QTest::newRow("role number") << validPayload(R"("role":1)") << "role";
    QTest::newRow("sid array") << validPayload(R"("sid":["a"])") << "sid";
    QTest::newRow("iss number") << validPayload(R"("iss":7)") << "iss";
    QTest::newRow("aud number") << validPayload(R"("aud":7)") << "aud";
    QTest::newRow("aud mixed array") << validPayload(R"("aud":["a",1])") << "aud";
}

void TestJwt::rejectsBadClaims()
{
    QFETCH(QByteArray, payload);
    QFETCH(QString, claim);
    const auto result = JwtVerifier(kSecret).verify(sign(kHeader, payload), at(kNow));
    QCOMPARE(outcome(result), QStringLiteral("missing_claim"));
    QVERIFY2(result.error().detail.contains(claim), qPrintable(result.error().detail));
}

void TestJwt::rejectsInvalidIdClaims_data()
{
    // The API's id rule (docs/protocol.md, "Ids") for every id a token carries; the
    // signature is valid, so only the claim can be at fault.
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("detail");
    const QByteArray exp = "\"exp\":" + QByteArray::number(kNow + 3600);
    const auto claims
        = [&](const QByteArray &sub, const QByteArray &org, const QByteArray &extra = {}) {
              return R"({"sub":")" + sub + R"(","org":")" + org + R"(",)" + exp + extra + '}';
          };
    QTest::newRow("newline in sub")
        << claims(R"(eve\nadmin)", "o") << "sub: must not contain control characters";
    QTest::newRow("NUL in org") << claims("u", R"(o\u0000)")
                                << "org: must not contain control characters";
    QTest::newRow("DEL in sub") << claims("u\x7f", "o")
                                << "sub: must not contain control characters";
    QTest::newRow("C1 in role") << claims("u", "o", R"(,"role":"r\u0085")")
                                << "role: must not contain control characters";
    QTest::newRow("U+2028 in sub")
        << claims(R"(u\u2028)", "o") << "sub: must not contain line or paragraph separators";
    const QString notUnicode = QStringLiteral(
        "must be valid Unicode text (no unpaired surrogate, no U+FFFD from bytes that were "
        "not UTF-8)");
    QTest::newRow("lone high surrogate in sub")
        << claims(R"(u\ud800)", "o") << "sub: " + notUnicode;
    QTest::newRow("lone low surrogate in org") << claims("u", R"(\udfffo)") << "org: " + notUnicode;
    QTest::newRow("U+FFFD in sid")
        << claims("u", "o", R"(,"sid":"\ufffd")") << "sid: " + notUnicode;
    QTest::newRow("129 characters in sub")
        << claims(QByteArray(129, 'u'), "o") << "sub: must be 1 to 128 characters";
}

void TestJwt::rejectsInvalidIdClaims()
{
    QFETCH(QByteArray, payload);
    QFETCH(QString, detail);
    const auto result = JwtVerifier(kSecret).verify(sign(kHeader, payload), at(kNow));
    QCOMPARE(outcome(result), QStringLiteral("invalid_claim"));
    QCOMPARE(result.error().detail, detail);
}

void TestJwt::acceptsIdsWithSeparators()
{
    // `:` and `%` are ordinary characters in ids (rooms escape them); an empty role or sid
    // means none, as before.
    const QByteArray payload = validPayload(R"("role":"","sid":"")");
    auto result
        = JwtVerifier(kSecret).verify(sign(kHeader,
                                           R"({"sub":"x:user:eve","org":"acme%3A:role:","exp":)"
                                               + QByteArray::number(kNow + 60) + "}"),
                                      at(kNow));
    QCOMPARE(outcome(result), QStringLiteral("ok"));
    QCOMPARE(result->subject, QStringLiteral("x:user:eve"));
    QCOMPARE(result->org, QStringLiteral("acme%3A:role:"));
    result = JwtVerifier(kSecret).verify(sign(kHeader, payload), at(kNow));
    QCOMPARE(outcome(result), QStringLiteral("ok"));
    QVERIFY(result->role.isEmpty());
}

void TestJwt::issuerAndAudience_data()
{
    QTest::addColumn<QByteArray>("extra");
    QTest::addColumn<QString>("issuer");
    QTest::addColumn<QString>("audience");
    QTest::addColumn<QString>("expected");
    const QByteArray none;
    QTest::newRow("nothing configured") << QByteArray(R"("iss":"x","aud":"y")") << QString()
                                        << QString() << "ok";
    QTest::newRow("iss matches") << QByteArray(R"("iss":"notify")") << "notify" << QString()
                                 << "ok";
    QTest::newRow("iss mismatch") << QByteArray(R"("iss":"evil")") << "notify" << QString()
                                  << "issuer_mismatch";
    QTest::newRow("iss case differs") << QByteArray(R"("iss":"Notify")") << "notify"
                                      << QString() << "issuer_mismatch";
    QTest::newRow("iss missing") << none << "notify" << QString() << "issuer_mismatch";
    QTest::newRow("aud string matches") << QByteArray(R"("aud":"web")") << QString() << "web"
                                        << "ok";
    QTest::newRow("aud string mismatch") << QByteArray(R"("aud":"admin")") << QString()
                                         << "web" << "audience_mismatch";
    QTest::newRow("aud array contains") << QByteArray(R"("aud":["mobile","web"])") << QString()
                                        << "web" << "ok";
    QTest::newRow("aud array lacks") << QByteArray(R"("aud":["mobile","admin"])") << QString()
                                     << "web" << "audience_mismatch";
    QTest::newRow("aud empty array") << QByteArray(R"("aud":[])") << QString() << "web"
                                     << "audience_mismatch";
    QTest::newRow("aud substring") << QByteArray(R"("aud":"webapp")") << QString() << "web"
                                   << "audience_mismatch";
    QTest::newRow("aud missing") << none << QString() << "web" << "audience_mismatch";
    QTest::newRow("both match") << QByteArray(R"("iss":"notify","aud":["web"])") << "notify"
                                << "web" << "ok";
}

void TestJwt::issuerAndAudience()
{
    QFETCH(QByteArray, extra);
    QFETCH(QString, issuer);
    QFETCH(QString, audience);
    QFETCH(QString, expected);
    const JwtVerifier verifier(kSecret, issuer, audience);
    QCOMPARE(outcome(verifier.verify(sign(kHeader, validPayload(extra)), at(kNow))), expected);
}

void TestJwt::mintOmitsEmptyClaims()
{
    JwtClaims claims;
    claims.subject = QStringLiteral("u");
    claims.org = QStringLiteral("o");
    claims.expiresAt = at(kNow + 60);
    const QByteArray token = mintJwt(claims, kSecret);
    const QList<QByteArray> parts = token.split('.');
    QCOMPARE(parts.size(), 3);
    QCOMPARE(QByteArray::fromBase64(parts[0], QByteArray::Base64UrlEncoding),
             QByteArray(R"({"alg":"HS256","typ":"JWT"})"));
    const QByteArray payload = QByteArray::fromBase64(parts[1], QByteArray::Base64UrlEncoding);
    QCOMPARE(payload, QByteArray(R"({"exp":1704067260,"org":"o","sub":"u"})"));
    // The signature is plain HMAC-SHA256 over the first two segments.
    QCOMPARE(parts[2], b64(QMessageAuthenticationCode::hash(parts[0] + '.' + parts[1], kSecret,
                                                           QCryptographicHash::Sha256)));

    const auto result = JwtVerifier(kSecret).verify(token, at(kNow));
    QCOMPARE(outcome(result), QStringLiteral("ok"));
    QVERIFY(result->role.isEmpty());
    QVERIFY(result->audience.isEmpty());
    QVERIFY(!result->notBefore.isValid());
    QVERIFY(!result->issuedAt.isValid());
}

void TestJwt::detailsNeverLeakTokenOrSecret()
{
    const QByteArray payload = validPayload(R"("iss":"evil","aud":"nobody")");
    const QList<QByteArray> tokens = {
        sign(kHeader, payload),                         // issuer mismatch
        sign(kHeader, payload, "wrong-secret-value"),   // bad signature
        sign(R"({"alg":"none"})", payload),             // unsupported alg
        sign("garbage", payload),                       // bad json
        sign(kHeader, payloadWith({})),                 // missing exp
        sign(kHeader, payloadWith(R"("exp":1)")),       // expired
        b64(kHeader) + ".a+b." + b64("sig"),            // bad encoding
        b64(kHeader) + '.' + b64(payload),              // malformed
    };
    const JwtVerifier verifier(kSecret, QStringLiteral("notify"), QStringLiteral("web"));
    QSet<QString> seen;
    for (const QByteArray &token : tokens) {
        const auto result = verifier.verify(token, at(kNow));
        QVERIFY(!result.ok());
        const QString detail = result.error().detail;
        seen.insert(jwtErrorName(result.error().error));
        QVERIFY(!detail.isEmpty());
        QVERIFY2(!detail.contains(QString::fromLatin1(kSecret)), qPrintable(detail));
        for (const QByteArray &part : token.split('.')) {
            if (part.size() >= 4)
                QVERIFY2(!detail.contains(QString::fromLatin1(part)), qPrintable(detail));
        }
    }
    QCOMPARE(seen.size(), tokens.size());
}

void TestJwt::errorNames()
{
    QCOMPARE(jwtErrorName(JwtError::Malformed), QStringLiteral("malformed"));
    QCOMPARE(jwtErrorName(JwtError::BadEncoding), QStringLiteral("bad_encoding"));
    QCOMPARE(jwtErrorName(JwtError::BadJson), QStringLiteral("bad_json"));
    QCOMPARE(jwtErrorName(JwtError::UnsupportedAlgorithm), QStringLiteral("unsupported_alg"));
    QCOMPARE(jwtErrorName(JwtError::BadSignature), QStringLiteral("bad_signature"));
    QCOMPARE(jwtErrorName(JwtError::Expired), QStringLiteral("expired"));
    QCOMPARE(jwtErrorName(JwtError::NotYetValid), QStringLiteral("not_yet_valid"));
    QCOMPARE(jwtErrorName(JwtError::MissingClaim), QStringLiteral("missing_claim"));
    QCOMPARE(jwtErrorName(JwtError::IssuerMismatch), QStringLiteral("issuer_mismatch"));
    QCOMPARE(jwtErrorName(JwtError::AudienceMismatch), QStringLiteral("audience_mismatch"));
    QCOMPARE(jwtErrorName(JwtError::InvalidClaim), QStringLiteral("invalid_claim"));
}

QTEST_APPLESS_MAIN(TestJwt)
#include "test_jwt.moc"
