// Key parsing and signature verification of every algorithm (docs/security.md, "Tokens"):
// keys made and tokens signed with OpenSSL directly, independent of shared/auth's own code.
#include "shared/auth/jwt.h"
#include "shared/auth/jwtkeys.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

using namespace notify;

namespace {

const qint64 kNow = 1704067200; // 2024-01-01T00:00:00Z

QDateTime now()
{
    return QDateTime::fromSecsSinceEpoch(kNow, Qt::UTC);
}

QByteArray b64(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

using Pkey = std::shared_ptr<EVP_PKEY>;

Pkey generate(const char *type, const char *param = nullptr)
{
    EVP_PKEY *key = nullptr;
    if (QByteArray(type) == "RSA")
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(2048));
    else if (QByteArray(type) == "EC")
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", param);
    else
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, type);
    return Pkey(key, EVP_PKEY_free);
}

QByteArray publicPem(const Pkey &key)
{
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, key.get());
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    QByteArray pem(data, int(length));
    BIO_free(bio);
    return pem;
}

QByteArray bnParam(const Pkey &key, const char *name, int width = 0)
{
    BIGNUM *bn = nullptr;
    EVP_PKEY_get_bn_param(key.get(), name, &bn);
    QByteArray out(width ? width : BN_num_bytes(bn), '\0');
    if (width)
        BN_bn2binpad(bn, reinterpret_cast<unsigned char *>(out.data()), width);
    else
        BN_bn2bin(bn, reinterpret_cast<unsigned char *>(out.data()));
    BN_free(bn);
    return out;
}

QJsonObject jwkOf(const Pkey &key, const QString &kid, const QString &alg = {})
{
    QJsonObject jwk;
    if (EVP_PKEY_is_a(key.get(), "RSA")) {
        jwk = {{"kty", "RSA"},
               {"n", QString::fromLatin1(b64(bnParam(key, OSSL_PKEY_PARAM_RSA_N)))},
               {"e", QString::fromLatin1(b64(bnParam(key, OSSL_PKEY_PARAM_RSA_E)))}};
    } else if (EVP_PKEY_is_a(key.get(), "EC")) {
        const int bits = EVP_PKEY_get_bits(key.get());
        const int width = bits / 8;
        jwk = {{"kty", "EC"},
               {"crv", bits == 256 ? "P-256" : "P-384"},
               {"x", QString::fromLatin1(b64(bnParam(key, OSSL_PKEY_PARAM_EC_PUB_X, width)))},
               {"y", QString::fromLatin1(b64(bnParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, width)))}};
    } else {
        unsigned char raw[32];
        size_t length = sizeof raw;
        EVP_PKEY_get_raw_public_key(key.get(), raw, &length);
        jwk = {{"kty", "OKP"},
               {"crv", "Ed25519"},
               {"x", QString::fromLatin1(b64(QByteArray(reinterpret_cast<char *>(raw), 32)))}};
    }
    jwk.insert("kid", kid);
    jwk.insert("use", "sig");
    if (!alg.isEmpty())
        jwk.insert("alg", alg);
    return jwk;
}

QByteArray jwks(const QJsonArray &keys)
{
    return QJsonDocument(QJsonObject {{"keys", keys}}).toJson(QJsonDocument::Compact);
}

// Signs with OpenSSL; ECDSA's DER is turned into JOSE's r||s here, independently.
QByteArray signWith(const Pkey &key, const QByteArray &alg, const QByteArray &input)
{
    const EVP_MD *md = nullptr;
    if (alg.endsWith("256"))
        md = EVP_sha256();
    else if (alg.endsWith("384"))
        md = EVP_sha384();
    else if (alg.endsWith("512"))
        md = EVP_sha512();
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = nullptr;
    EVP_DigestSignInit(ctx, &pctx, alg == "EdDSA" ? nullptr : md, nullptr, key.get());
    if (alg.startsWith("PS")) {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    }
    size_t length = 0;
    const auto *data = reinterpret_cast<const unsigned char *>(input.constData());
    EVP_DigestSign(ctx, nullptr, &length, data, size_t(input.size()));
    QByteArray signature(int(length), '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char *>(signature.data()), &length, data,
                   size_t(input.size()));
    signature.resize(int(length));
    EVP_MD_CTX_free(ctx);
    if (alg.startsWith("ES")) {
        const int half = alg == "ES256" ? 32 : 48;
        const auto *der = reinterpret_cast<const unsigned char *>(signature.constData());
        ECDSA_SIG *sig = d2i_ECDSA_SIG(nullptr, &der, long(signature.size()));
        QByteArray raw(2 * half, '\0');
        BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char *>(raw.data()), half);
        BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char *>(raw.data()) + half,
                     half);
        ECDSA_SIG_free(sig);
        return raw;
    }
    return signature;
}

QByteArray header(const QByteArray &alg, const QByteArray &kid = {})
{
    QJsonObject h {{"alg", QString::fromLatin1(alg)}, {"typ", "JWT"}};
    if (!kid.isEmpty())
        h.insert("kid", QString::fromLatin1(kid));
    return QJsonDocument(h).toJson(QJsonDocument::Compact);
}

QByteArray payload(const QJsonObject &extra = {})
{
    QJsonObject p {{"sub", "user-1"}, {"org", "org-1"}, {"exp", kNow + 3600}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        p.insert(it.key(), it.value());
    return QJsonDocument(p).toJson(QJsonDocument::Compact);
}

QByteArray token(const Pkey &key, const QByteArray &alg, const QByteArray &kid = {},
                 const QByteArray &body = payload())
{
    const QByteArray input = b64(header(alg, kid)) + '.' + b64(body);
    return input + '.' + b64(signWith(key, alg, input));
}

QByteArray hmacToken(const QByteArray &secret, const QByteArray &alg, const QByteArray &kid,
                     const QByteArray &body = payload())
{
    const QByteArray input = b64(header(alg, kid)) + '.' + b64(body);
    const JwtAlg named = *jwtAlgFromName(QString::fromLatin1(alg));
    return input + '.' + b64(jwtHmac(named, secret, input));
}

std::shared_ptr<const JwtKeySet> setOf(std::initializer_list<JwtKey> keys)
{
    auto set = std::make_shared<JwtKeySet>();
    for (const JwtKey &key : keys)
        set->add(key);
    return set;
}

QString outcome(const Result<JwtClaims, JwtFailure> &result)
{
    return result.ok() ? QStringLiteral("ok") : jwtErrorName(result.error().error);
}

struct Keys
{
    Pkey rsa = generate("RSA");
    Pkey p256 = generate("EC", "P-256");
    Pkey p384 = generate("EC", "P-384");
    Pkey ed = generate("ED25519");
};

const Keys &keys()
{
    static const Keys k;
    return k;
}

} // namespace

class TestJwtKeys : public QObject
{
    Q_OBJECT
private slots:
    void everyAlgorithmFromPem_data();
    void everyAlgorithmFromPem();
    void everyAlgorithmFromJwks();
    void secretsSelectedByKid();
    void algorithmConfusionRefused();
    void jwkAlgBindsTheKey();
    void curveBoundToAlgorithm();
    void noneAndCritRefused();
    void tamperedSignatureRefused();
    void jwksLimits();
    void jwksSkipsAndRefuses();
    void pemRefusals();
    void claimMapping();
};

void TestJwtKeys::everyAlgorithmFromPem_data()
{
    QTest::addColumn<QByteArray>("alg");
    QTest::addColumn<int>("which");
    for (const char *alg : {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
        QTest::newRow(alg) << QByteArray(alg) << 0;
    QTest::newRow("ES256") << QByteArray("ES256") << 1;
    QTest::newRow("ES384") << QByteArray("ES384") << 2;
    QTest::newRow("EdDSA") << QByteArray("EdDSA") << 3;
}

void TestJwtKeys::everyAlgorithmFromPem()
{
    QFETCH(QByteArray, alg);
    QFETCH(int, which);
    const Pkey key = std::array {keys().rsa, keys().p256, keys().p384, keys().ed}[which];
    auto parsed = parsePemPublicKey(publicPem(key), QStringLiteral("k1"));
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error()));
    const JwtVerifier verifier(setOf({*parsed}), JwtPolicy {});
    const auto result = verifier.verify(token(key, alg, "k1"), now());
    QCOMPARE(outcome(result), QStringLiteral("ok"));
    QCOMPARE(result->algorithm, QString::fromLatin1(alg));
    QCOMPARE(result->keyId, QStringLiteral("k1"));
    QCOMPARE(result->subject, QStringLiteral("user-1"));
    // Without a kid the key is found by its type.
    QCOMPARE(outcome(verifier.verify(token(key, alg), now())), QStringLiteral("ok"));
}

void TestJwtKeys::everyAlgorithmFromJwks()
{
    const QByteArray doc = jwks({jwkOf(keys().rsa, "rsa", "RS256"), jwkOf(keys().p256, "p256"),
                                 jwkOf(keys().p384, "p384"), jwkOf(keys().ed, "ed")});
    auto set = parseJwks(doc);
    QVERIFY2(set.ok(), qPrintable(set.ok() ? QString() : set.error()));
    QCOMPARE(set->size(), 4);
    const JwtVerifier verifier(std::make_shared<const JwtKeySet>(*set), JwtPolicy {});
    QCOMPARE(outcome(verifier.verify(token(keys().rsa, "RS256", "rsa"), now())), "ok");
    QCOMPARE(outcome(verifier.verify(token(keys().p256, "ES256", "p256"), now())), "ok");
    QCOMPARE(outcome(verifier.verify(token(keys().p384, "ES384", "p384"), now())), "ok");
    QCOMPARE(outcome(verifier.verify(token(keys().ed, "EdDSA", "ed"), now())), "ok");
    QCOMPARE(outcome(verifier.verify(token(keys().ed, "EdDSA", "gone"), now())), "unknown_key");
    // A kid of one key with the signature of another.
    QCOMPARE(outcome(verifier.verify(token(keys().p384, "ES256", "p256"), now())), "bad_signature");
}

void TestJwtKeys::secretsSelectedByKid()
{
    const QByteArray oldSecret = "old-secret-0123456789abcdef0123456789";
    const QByteArray newSecret = QByteArray("new-secret-").leftJustified(64, 'n');
    const JwtVerifier verifier(
        setOf({*makeSecretKey(oldSecret, "old"), *makeSecretKey(newSecret, "new")}), JwtPolicy {});
    QCOMPARE(outcome(verifier.verify(hmacToken(oldSecret, "HS256", "old"), now())), "ok");
    QCOMPARE(outcome(verifier.verify(hmacToken(newSecret, "HS256", "new"), now())), "ok");
    QCOMPARE(outcome(verifier.verify(hmacToken(newSecret, "HS512", "new"), now())), "ok");
    QCOMPARE(outcome(verifier.verify(hmacToken(newSecret, "HS256", {}), now())), "ok");
    QCOMPARE(outcome(verifier.verify(hmacToken(oldSecret, "HS256", "new"), now())),
             "bad_signature");
    // HS512 needs a 64-byte secret (RFC 7518 §3.2): the old one cannot verify it.
    QCOMPARE(outcome(verifier.verify(hmacToken(oldSecret, "HS512", "old"), now())),
             "unsupported_alg");
    QVERIFY(!makeSecretKey("short").ok());
}

void TestJwtKeys::algorithmConfusionRefused()
{
    const QByteArray pem = publicPem(keys().rsa);
    const JwtVerifier verifier(setOf({*parsePemPublicKey(pem, "rsa")}), JwtPolicy {});
    // HS256 "signed" with the public key's PEM, and with its DER: the key is RSA, so no HMAC.
    QCOMPARE(outcome(verifier.verify(hmacToken(pem, "HS256", "rsa"), now())), "unsupported_alg");
    QCOMPARE(outcome(verifier.verify(hmacToken(pem, "HS256", {}), now())), "unsupported_alg");
    unsigned char *der = nullptr;
    const int length = i2d_PUBKEY(keys().rsa.get(), &der);
    const QByteArray derBytes(reinterpret_cast<char *>(der), length);
    OPENSSL_free(der);
    QCOMPARE(outcome(verifier.verify(hmacToken(derBytes, "HS256", "rsa"), now())),
             "unsupported_alg");
    // An EC token against the RSA key.
    QCOMPARE(outcome(verifier.verify(token(keys().p256, "ES256", "rsa"), now())),
             "unsupported_alg");
}

void TestJwtKeys::jwkAlgBindsTheKey()
{
    auto set = parseJwks(jwks({jwkOf(keys().rsa, "rsa", "RS256")}));
    QVERIFY(set.ok());
    const JwtVerifier verifier(std::make_shared<const JwtKeySet>(*set), JwtPolicy {});
    QCOMPARE(outcome(verifier.verify(token(keys().rsa, "RS256", "rsa"), now())), "ok");
    QCOMPARE(outcome(verifier.verify(token(keys().rsa, "PS256", "rsa"), now())), "unsupported_alg");
    QCOMPARE(outcome(verifier.verify(token(keys().rsa, "RS512", "rsa"), now())), "unsupported_alg");
    // A JWK whose alg does not fit its type is not used at all.
    auto mismatched = parseJwk(QJsonDocument(jwkOf(keys().p256, "p", "RS256")).toJson());
    QVERIFY(!mismatched.ok());
}

void TestJwtKeys::curveBoundToAlgorithm()
{
    const JwtVerifier verifier(setOf({*parsePemPublicKey(publicPem(keys().p384), "ec")}),
                               JwtPolicy {});
    QCOMPARE(outcome(verifier.verify(token(keys().p384, "ES384", "ec"), now())), "ok");
    // A P-256 signature claimed for the P-384 key, and ES256 against it.
    QCOMPARE(outcome(verifier.verify(token(keys().p256, "ES256", "ec"), now())), "unsupported_alg");
    // An r||s of the wrong length is refused, not read past.
    const QByteArray good = token(keys().p384, "ES384", "ec");
    QCOMPARE(outcome(verifier.verify(good.left(good.lastIndexOf('.') + 1) + b64("short"), now())),
             "bad_signature");
}

void TestJwtKeys::noneAndCritRefused()
{
    const JwtVerifier verifier(setOf({*parsePemPublicKey(publicPem(keys().ed), "ed")}),
                               JwtPolicy {});
    const QByteArray body = b64(payload());
    QCOMPARE(outcome(verifier.verify(b64(R"({"alg":"none"})") + '.' + body + ".eA", now())),
             "unsupported_alg");
    const QByteArray critInput = b64(R"({"alg":"EdDSA","kid":"ed","crit":["exp"]})") + '.' + body;
    QCOMPARE(outcome(verifier.verify(critInput + '.' + b64(signWith(keys().ed, "EdDSA", critInput)),
                                     now())),
             "unsupported_alg");
}

void TestJwtKeys::tamperedSignatureRefused()
{
    const JwtVerifier verifier(setOf({*parsePemPublicKey(publicPem(keys().rsa))}), JwtPolicy {});
    const QByteArray good = token(keys().rsa, "PS256");
    const QByteArray other = b64(payload({{"sub", "mallory"}}));
    const QList<QByteArray> parts = good.split('.');
    QCOMPARE(outcome(verifier.verify(parts[0] + '.' + other + '.' + parts[2], now())),
             "bad_signature");
}

void TestJwtKeys::jwksLimits()
{
    QJsonArray many;
    for (int i = 0; i <= kMaxJwksKeys; ++i)
        many.append(jwkOf(keys().ed, QStringLiteral("k%1").arg(i)));
    QVERIFY(!parseJwks(jwks(many)).ok());
    many.removeLast();
    QVERIFY(parseJwks(jwks(many)).ok());
    QJsonObject padded {{"keys", QJsonArray {jwkOf(keys().ed, "ed")}},
                        {"pad", QString(kMaxJwksBytes, QLatin1Char('x'))}};
    QVERIFY(!parseJwks(QJsonDocument(padded).toJson()).ok());
}

void TestJwtKeys::jwksSkipsAndRefuses()
{
    // Unusable keys are skipped: an encryption key, an unknown curve, an oct secret.
    QJsonObject enc = jwkOf(keys().rsa, "enc");
    enc.insert("use", "enc");
    QJsonObject x448 {{"kty", "OKP"}, {"crv", "X448"}, {"x", "AAAA"}};
    QJsonObject oct {{"kty", "oct"}, {"k", "c2VjcmV0"}};
    auto set = parseJwks(jwks({enc, x448, oct, jwkOf(keys().ed, "ed")}));
    QVERIFY2(set.ok(), qPrintable(set.ok() ? QString() : set.error()));
    QCOMPARE(set->size(), 1);
    QVERIFY(!parseJwks(jwks({enc, oct})).ok()); // nothing usable
    // Private material is a leak: the whole set is refused.
    QJsonObject priv = jwkOf(keys().p256, "p");
    priv.insert("d", "AAAA");
    QVERIFY(!parseJwks(jwks({priv, jwkOf(keys().ed, "ed")})).ok());
    for (const QByteArray &garbage : {QByteArray(), QByteArray("[]"), QByteArray("{\"keys\":{}}"),
                                      QByteArray("<html>"), QByteArray("{\"keys\":[1]}")})
        QVERIFY2(!parseJwks(garbage).ok(), garbage.constData());
}

void TestJwtKeys::pemRefusals()
{
    QVERIFY(!parsePemPublicKey("not a key").ok());
    const Pkey small(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(1024)), EVP_PKEY_free);
    QVERIFY(!parsePemPublicKey(publicPem(small)).ok());
}

void TestJwtKeys::claimMapping()
{
    JwtPolicy policy;
    policy.userClaim = QStringLiteral("preferred_username");
    policy.orgClaim = QStringLiteral("https://example.com/org");
    policy.roleClaim = QStringLiteral("realm_access.roles");
    policy.roles = QStringList {"admin", "member"};
    const JwtVerifier verifier(setOf({*parsePemPublicKey(publicPem(keys().ed))}), policy);
    QJsonObject claims {
        {"preferred_username", "alice"},
        {"https://example.com/org", "acme"},
        {"realm_access", QJsonObject {{"roles", QJsonArray {"offline", "member", "admin"}}}}};
    auto result = verifier.verify(token(keys().ed, "EdDSA", {}, payload(claims)), now());
    QCOMPARE(outcome(result), "ok");
    QCOMPARE(result->subject, QStringLiteral("alice"));
    QCOMPARE(result->org, QStringLiteral("acme"));
    QCOMPARE(result->role, QStringLiteral("member"));

    // No organization claim: the default, when one is set.
    JwtPolicy single;
    single.defaultOrg = QStringLiteral("main");
    const JwtVerifier tenant(setOf({*parsePemPublicKey(publicPem(keys().ed))}), single);
    QJsonObject noOrg = QJsonDocument::fromJson(payload()).object();
    noOrg.remove("org");
    result = tenant.verify(token(keys().ed, "EdDSA", {}, QJsonDocument(noOrg).toJson()), now());
    QCOMPARE(outcome(result), "ok");
    QCOMPARE(result->org, QStringLiteral("main"));
    // The id rule applies to what the claims yield.
    result = verifier.verify(token(keys().ed, "EdDSA", {},
                                   payload({{"preferred_username", QStringLiteral("bad\u0001id")},
                                            {"https://example.com/org", "a"}})),
                             now());
    QCOMPARE(outcome(result), "invalid_claim");
}

QTEST_GUILESS_MAIN(TestJwtKeys)
#include "test_jwtkeys.moc"
