#include "shared/auth/jwtkeys.h"

#include "shared/auth/base64url.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace notify {

namespace {

constexpr int kMinRsaBits = 2048;

struct BioFree
{
    void operator()(BIO *b) const { BIO_free(b); }
};
struct BnFree
{
    void operator()(BIGNUM *b) const { BN_free(b); }
};
struct CtxFree
{
    void operator()(EVP_PKEY_CTX *c) const { EVP_PKEY_CTX_free(c); }
};
struct MdCtxFree
{
    void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); }
};
struct ParamBldFree
{
    void operator()(OSSL_PARAM_BLD *b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree
{
    void operator()(OSSL_PARAM *p) const { OSSL_PARAM_free(p); }
};
struct SigFree
{
    void operator()(ECDSA_SIG *s) const { ECDSA_SIG_free(s); }
};

std::shared_ptr<EVP_PKEY> own(EVP_PKEY *key)
{
    return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

const QList<JwtAlg> kRsaAlgs {JwtAlg::RS256, JwtAlg::RS384, JwtAlg::RS512,
                              JwtAlg::PS256, JwtAlg::PS384, JwtAlg::PS512};

const EVP_MD *digestOf(JwtAlg alg)
{
    switch (alg) {
    case JwtAlg::HS256:
    case JwtAlg::RS256:
    case JwtAlg::PS256:
    case JwtAlg::ES256:
        return EVP_sha256();
    case JwtAlg::HS384:
    case JwtAlg::RS384:
    case JwtAlg::PS384:
    case JwtAlg::ES384:
        return EVP_sha384();
    case JwtAlg::HS512:
    case JwtAlg::RS512:
    case JwtAlg::PS512:
        return EVP_sha512();
    case JwtAlg::EdDSA:
        return nullptr;
    }
    return nullptr;
}

// The key's type and algorithms from what OpenSSL parsed; nullopt for anything else.
Result<JwtKey, QString> classify(std::shared_ptr<EVP_PKEY> pkey, QString kid)
{
    JwtKey key;
    key.kid = std::move(kid);
    if (EVP_PKEY_is_a(pkey.get(), "RSA")) {
        if (EVP_PKEY_get_bits(pkey.get()) < kMinRsaBits)
            return QStringLiteral("an RSA key must have at least %1 bits").arg(kMinRsaBits);
        key.type = JwtKey::Type::Rsa;
        key.algorithms = kRsaAlgs;
    } else if (EVP_PKEY_is_a(pkey.get(), "EC")) {
        char group[64] = {};
        size_t length = 0;
        if (!EVP_PKEY_get_utf8_string_param(pkey.get(), OSSL_PKEY_PARAM_GROUP_NAME, group,
                                            sizeof group, &length))
            return QStringLiteral("an EC key without a named curve");
        const QByteArray name(group, qsizetype(length));
        key.type = JwtKey::Type::Ec;
        if (name == "prime256v1" || name == "P-256")
            key.algorithms = {JwtAlg::ES256};
        else if (name == "secp384r1" || name == "P-384")
            key.algorithms = {JwtAlg::ES384};
        else
            return QStringLiteral("EC curve %1 is not supported (P-256 or P-384)")
                .arg(QString::fromLatin1(name));
    } else if (EVP_PKEY_is_a(pkey.get(), "ED25519")) {
        key.type = JwtKey::Type::Ed25519;
        key.algorithms = {JwtAlg::EdDSA};
    } else {
        return QStringLiteral("not an RSA, EC or Ed25519 public key");
    }
    key.publicKey = std::move(pkey);
    return key;
}

std::optional<QByteArray> member(const QJsonObject &jwk, const char *name)
{
    const QJsonValue value = jwk.value(QLatin1String(name));
    if (!value.isString())
        return std::nullopt;
    auto bytes = base64UrlDecode(value.toString().toLatin1());
    if (!bytes || bytes->isEmpty())
        return std::nullopt;
    return bytes;
}

std::unique_ptr<BIGNUM, BnFree> bignum(const QByteArray &bytes)
{
    return std::unique_ptr<BIGNUM, BnFree>(BN_bin2bn(
        reinterpret_cast<const unsigned char *>(bytes.constData()), int(bytes.size()), nullptr));
}

Result<std::shared_ptr<EVP_PKEY>, QString> fromParams(const char *type, OSSL_PARAM *params)
{
    std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY *pkey = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0
        || EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0 || !pkey)
        return QStringLiteral("the key's parameters are not a valid public key");
    return own(pkey);
}

Result<std::shared_ptr<EVP_PKEY>, QString> rsaFromJwk(const QJsonObject &jwk)
{
    const auto n = member(jwk, "n");
    const auto e = member(jwk, "e");
    if (!n || !e)
        return QStringLiteral("an RSA JWK needs base64url n and e");
    if (e->size() > 8)
        return QStringLiteral("an RSA JWK's e is too large");
    auto bn = bignum(*n);
    auto be = bignum(*e);
    std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> build(OSSL_PARAM_BLD_new());
    if (!bn || !be || !build
        || !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, bn.get())
        || !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, be.get()))
        return QStringLiteral("out of memory");
    std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(build.get()));
    if (!params)
        return QStringLiteral("out of memory");
    return fromParams("RSA", params.get());
}

Result<std::shared_ptr<EVP_PKEY>, QString> ecFromJwk(const QJsonObject &jwk, const QString &crv)
{
    int size = 0;
    const char *group = nullptr;
    if (crv == QLatin1String("P-256")) {
        size = 32;
        group = "prime256v1";
    } else if (crv == QLatin1String("P-384")) {
        size = 48;
        group = "secp384r1";
    } else {
        return QStringLiteral("EC curve '%1' is not supported (P-256 or P-384)").arg(crv);
    }
    const auto x = member(jwk, "x");
    const auto y = member(jwk, "y");
    if (!x || !y || x->size() != size || y->size() != size)
        return QStringLiteral("an EC JWK needs x and y of %1 bytes").arg(size);
    QByteArray point(1, '\x04');
    point += *x;
    point += *y;
    std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> build(OSSL_PARAM_BLD_new());
    if (!build
        || !OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0)
        || !OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                             point.constData(), size_t(point.size())))
        return QStringLiteral("out of memory");
    std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(build.get()));
    if (!params)
        return QStringLiteral("out of memory");
    return fromParams("EC", params.get());
}

Result<std::shared_ptr<EVP_PKEY>, QString> okpFromJwk(const QJsonObject &jwk, const QString &crv)
{
    if (crv != QLatin1String("Ed25519"))
        return QStringLiteral("OKP curve '%1' is not supported (Ed25519)").arg(crv);
    const auto x = member(jwk, "x");
    if (!x || x->size() != 32)
        return QStringLiteral("an Ed25519 JWK needs x of 32 bytes");
    EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char *>(x->constData()), 32);
    if (!pkey)
        return QStringLiteral("the key's parameters are not a valid public key");
    return own(pkey);
}

// RFC 7517 §5: keys of a set that are not understood, lack members or are out of range are
// skipped; a key carrying private material makes the whole set suspect and is refused.
enum class JwkOutcome { Usable, Skipped, Broken };

JwkOutcome jwkFromObject(const QJsonObject &jwk, Result<JwtKey, QString> *out)
{
    const QJsonValue kty = jwk.value(QLatin1String("kty"));
    if (!kty.isString()) {
        *out = QStringLiteral("a JWK needs a kty string");
        return JwkOutcome::Skipped;
    }
    const QJsonValue use = jwk.value(QLatin1String("use"));
    if (!use.isUndefined() && use != QJsonValue(QStringLiteral("sig"))) {
        *out = QStringLiteral("the JWK is not for signatures (use)");
        return JwkOutcome::Skipped;
    }
    const QJsonValue kid = jwk.value(QLatin1String("kid"));
    if (!kid.isUndefined() && !kid.isString()) {
        *out = QStringLiteral("a JWK's kid must be a string");
        return JwkOutcome::Skipped;
    }
    const QString type = kty.toString();
    if (type != QLatin1String("RSA") && type != QLatin1String("EC")
        && type != QLatin1String("OKP")) {
        // "oct" included: a published set is no place for a shared secret.
        *out = QStringLiteral("kty '%1' is not supported").arg(type.left(16));
        return JwkOutcome::Skipped;
    }
    // A published set never needs private parts; one that has them is a leak, not a key.
    for (const char *secret : {"d", "p", "q", "dp", "dq", "qi"}) {
        if (jwk.contains(QLatin1String(secret))) {
            *out = QStringLiteral("the JWK carries private or secret key material");
            return JwkOutcome::Broken;
        }
    }
    const QString crv = jwk.value(QLatin1String("crv")).toString();
    Result<std::shared_ptr<EVP_PKEY>, QString> pkey = QString();
    if (type == QLatin1String("RSA"))
        pkey = rsaFromJwk(jwk);
    else if (type == QLatin1String("EC"))
        pkey = ecFromJwk(jwk, crv);
    else
        pkey = okpFromJwk(jwk, crv);
    if (!pkey) {
        *out = pkey.error();
        return JwkOutcome::Skipped;
    }
    auto key = classify(std::move(*pkey), kid.toString());
    if (!key) {
        *out = key.error();
        return JwkOutcome::Skipped;
    }
    // "alg" narrows the key to one algorithm, which must be one its type allows.
    const QJsonValue alg = jwk.value(QLatin1String("alg"));
    if (!alg.isUndefined()) {
        const auto named = alg.isString() ? jwtAlgFromName(alg.toString()) : std::nullopt;
        if (!named || !key->allows(*named)) {
            *out = QStringLiteral("the JWK's alg does not fit its key type");
            return JwkOutcome::Skipped;
        }
        key->algorithms = {*named};
    }
    key->origin = QStringLiteral("jwks");
    *out = std::move(*key);
    return JwkOutcome::Usable;
}

std::optional<QJsonObject> parseObject(QByteArrayView json)
{
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

// JOSE's r||s (each exactly half) as the DER SEQUENCE OpenSSL verifies.
std::optional<QByteArray> joseToDer(QByteArrayView signature, int half)
{
    if (signature.size() != 2 * half)
        return std::nullopt;
    const auto *bytes = reinterpret_cast<const unsigned char *>(signature.data());
    std::unique_ptr<ECDSA_SIG, SigFree> sig(ECDSA_SIG_new());
    BIGNUM *r = BN_bin2bn(bytes, half, nullptr);
    BIGNUM *s = BN_bin2bn(bytes + half, half, nullptr);
    if (!sig || !r || !s || !ECDSA_SIG_set0(sig.get(), r, s)) {
        BN_free(r);
        BN_free(s);
        return std::nullopt;
    }
    unsigned char *der = nullptr;
    const int length = i2d_ECDSA_SIG(sig.get(), &der);
    if (length <= 0)
        return std::nullopt;
    QByteArray out(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return out;
}

} // namespace

std::optional<JwtAlg> jwtAlgFromName(QStringView name)
{
    static const std::pair<const char *, JwtAlg> names[]
        = {{"HS256", JwtAlg::HS256}, {"HS384", JwtAlg::HS384}, {"HS512", JwtAlg::HS512},
           {"RS256", JwtAlg::RS256}, {"RS384", JwtAlg::RS384}, {"RS512", JwtAlg::RS512},
           {"PS256", JwtAlg::PS256}, {"PS384", JwtAlg::PS384}, {"PS512", JwtAlg::PS512},
           {"ES256", JwtAlg::ES256}, {"ES384", JwtAlg::ES384}, {"EdDSA", JwtAlg::EdDSA}};
    for (const auto &[text, alg] : names) {
        if (name == QLatin1String(text))
            return alg;
    }
    return std::nullopt;
}

QString jwtAlgName(JwtAlg alg)
{
    switch (alg) {
    case JwtAlg::HS256:
        return QStringLiteral("HS256");
    case JwtAlg::HS384:
        return QStringLiteral("HS384");
    case JwtAlg::HS512:
        return QStringLiteral("HS512");
    case JwtAlg::RS256:
        return QStringLiteral("RS256");
    case JwtAlg::RS384:
        return QStringLiteral("RS384");
    case JwtAlg::RS512:
        return QStringLiteral("RS512");
    case JwtAlg::PS256:
        return QStringLiteral("PS256");
    case JwtAlg::PS384:
        return QStringLiteral("PS384");
    case JwtAlg::PS512:
        return QStringLiteral("PS512");
    case JwtAlg::ES256:
        return QStringLiteral("ES256");
    case JwtAlg::ES384:
        return QStringLiteral("ES384");
    case JwtAlg::EdDSA:
        return QStringLiteral("EdDSA");
    }
    return QStringLiteral("?");
}

bool JwtKeySet::hasKid(const QString &kid) const
{
    for (const JwtKey &key : m_keys) {
        if (key.kid == kid)
            return true;
    }
    return false;
}

bool JwtKeySet::hasAlgorithm(JwtAlg alg) const
{
    for (const JwtKey &key : m_keys) {
        if (key.allows(alg))
            return true;
    }
    return false;
}

Result<JwtKey, QString> makeSecretKey(QByteArray secret, QString kid)
{
    if (secret.size() < 32)
        return QStringLiteral("a secret must be at least 32 bytes long");
    JwtKey key;
    key.type = JwtKey::Type::Secret;
    key.kid = std::move(kid);
    key.algorithms = {JwtAlg::HS256};
    if (secret.size() >= 48)
        key.algorithms.append(JwtAlg::HS384);
    if (secret.size() >= 64)
        key.algorithms.append(JwtAlg::HS512);
    key.secret = std::move(secret);
    key.origin = QStringLiteral("--jwt-secret");
    return key;
}

Result<JwtKey, QString> parsePemPublicKey(QByteArrayView pem, QString kid)
{
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
    if (!bio)
        return QStringLiteral("out of memory");
    EVP_PKEY *pkey = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
    if (!pkey && pem.contains("BEGIN RSA PUBLIC KEY")) {
        // PKCS#1, as some tools write RSA keys.
        OSSL_DECODER_CTX *decoder = OSSL_DECODER_CTX_new_for_pkey(
            &pkey, "PEM", "type-specific", "RSA", EVP_PKEY_PUBLIC_KEY, nullptr, nullptr);
        const auto *data = reinterpret_cast<const unsigned char *>(pem.data());
        size_t length = size_t(pem.size());
        if (decoder && !OSSL_DECODER_from_data(decoder, &data, &length)) {
            EVP_PKEY_free(pkey);
            pkey = nullptr;
        }
        OSSL_DECODER_CTX_free(decoder);
    }
    if (!pkey)
        return QStringLiteral("not a PEM public key (BEGIN PUBLIC KEY)");
    return classify(own(pkey), std::move(kid));
}

Result<JwtKey, QString> parseJwk(QByteArrayView json)
{
    if (json.size() > kMaxJwksBytes)
        return QStringLiteral("the JWK is larger than 1 MiB");
    const auto object = parseObject(json);
    if (!object)
        return QStringLiteral("a JWK must be a JSON object");
    Result<JwtKey, QString> out = QString();
    jwkFromObject(*object, &out);
    return out;
}

Result<JwtKeySet, QString> parseJwks(QByteArrayView json)
{
    if (json.size() > kMaxJwksBytes)
        return QStringLiteral("the key set is larger than 1 MiB");
    const auto object = parseObject(json);
    if (!object)
        return QStringLiteral("a key set must be a JSON object");
    const QJsonValue keys = object->value(QLatin1String("keys"));
    if (!keys.isArray())
        return QStringLiteral("a key set needs a \"keys\" array");
    const QJsonArray array = keys.toArray();
    if (array.size() > kMaxJwksKeys)
        return QStringLiteral("the key set has more than %1 keys").arg(kMaxJwksKeys);
    JwtKeySet set;
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array.at(i).isObject())
            return QStringLiteral("key %1 is not a JSON object").arg(i);
        Result<JwtKey, QString> key = QString();
        switch (jwkFromObject(array.at(i).toObject(), &key)) {
        case JwkOutcome::Usable:
            set.add(std::move(*key));
            break;
        case JwkOutcome::Skipped:
            break;
        case JwkOutcome::Broken:
            return QStringLiteral("key %1: %2").arg(i).arg(key.error());
        }
    }
    if (set.isEmpty())
        return QStringLiteral("the key set has no usable signature key");
    return set;
}

QByteArray jwtHmac(JwtAlg alg, QByteArrayView key, QByteArrayView data)
{
    const EVP_MD *md = digestOf(alg);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!md
        || !HMAC(md, key.data(), int(key.size()),
                 reinterpret_cast<const unsigned char *>(data.data()), size_t(data.size()), out,
                 &length))
        return {};
    return QByteArray(reinterpret_cast<const char *>(out), int(length));
}

bool verifyJwtSignature(const JwtKey &key, JwtAlg alg, QByteArrayView signingInput,
                        QByteArrayView signature)
{
    if (!key.allows(alg))
        return false;
    if (key.type == JwtKey::Type::Secret) {
        if (key.secret.isEmpty())
            return false;
        const QByteArray expected = jwtHmac(alg, key.secret, signingInput);
        return !expected.isEmpty() && constantTimeEquals(expected, signature);
    }
    if (!key.publicKey)
        return false;
    QByteArray der;
    QByteArrayView checked = signature;
    if (alg == JwtAlg::ES256 || alg == JwtAlg::ES384) {
        const auto converted = joseToDer(signature, alg == JwtAlg::ES256 ? 32 : 48);
        if (!converted)
            return false;
        der = *converted;
        checked = der;
    }
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX *pctx = nullptr;
    if (!ctx
        || EVP_DigestVerifyInit(ctx.get(), &pctx, digestOf(alg), nullptr, key.publicKey.get()) <= 0)
        return false;
    if (alg == JwtAlg::PS256 || alg == JwtAlg::PS384 || alg == JwtAlg::PS512) {
        // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash.
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0
            || EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) <= 0)
            return false;
    } else if (key.type == JwtKey::Type::Rsa) {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0)
            return false;
    }
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char *>(checked.data()),
                            size_t(checked.size()),
                            reinterpret_cast<const unsigned char *>(signingInput.data()),
                            size_t(signingInput.size()))
        == 1;
}

} // namespace notify
