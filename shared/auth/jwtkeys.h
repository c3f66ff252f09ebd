#pragma once

#include "shared/model/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

struct evp_pkey_st; // OpenSSL's EVP_PKEY, kept out of every includer

namespace notify {

// The JWS algorithms notifyd verifies (RFC 7518 §3, RFC 8037 §3.1). "none" is not one.
enum class JwtAlg {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    EdDSA
};

std::optional<JwtAlg> jwtAlgFromName(QStringView name); // exact, case-sensitive
QString jwtAlgName(JwtAlg alg);

// One verification key. Its type fixes the algorithms it may verify (docs/security.md,
// "Tokens"): a token whose alg does not fit the key it selects is refused, so the bytes of a
// public key can never be used as an HMAC secret.
struct JwtKey
{
    enum class Type { Secret, Rsa, Ec, Ed25519 };

    Type type = Type::Secret;
    QString kid; // empty: the key has no id and is tried for tokens without a kid
    QList<JwtAlg> algorithms; // never empty for a key in a set
    QByteArray secret; // Secret only; never logged
    std::shared_ptr<evp_pkey_st> publicKey; // Rsa, Ec, Ed25519
    QString origin; // where it came from, for logs: "--jwt-secret", a file name, "jwks"

    bool allows(JwtAlg alg) const { return algorithms.contains(alg); }
};

// An immutable set of keys once built; shared by every shard thread through a
// std::shared_ptr<const JwtKeySet> (verification only reads it).
class JwtKeySet
{
public:
    void add(JwtKey key) { m_keys.append(std::move(key)); }
    void append(const JwtKeySet &other) { m_keys.append(other.m_keys); }

    const QList<JwtKey> &keys() const { return m_keys; }
    bool isEmpty() const { return m_keys.isEmpty(); }
    qsizetype size() const { return m_keys.size(); }
    bool hasKid(const QString &kid) const;
    bool hasAlgorithm(JwtAlg alg) const;

private:
    QList<JwtKey> m_keys;
};

// Limits of a JSON Web Key Set: larger ones are refused whole (docs/security.md).
inline constexpr qsizetype kMaxJwksBytes = 1024 * 1024;
inline constexpr int kMaxJwksKeys = 100;

// An HMAC secret (--jwt-secret): HS256, and HS384/HS512 when it is at least as long as their
// hash (RFC 7518 §3.2). At least 32 bytes.
Result<JwtKey, QString> makeSecretKey(QByteArray secret, QString kid = {});

// A PEM public key (SubjectPublicKeyInfo, "BEGIN PUBLIC KEY", or "BEGIN RSA PUBLIC KEY"):
// RSA (at least 2048 bits) → RS*/PS*, EC P-256 → ES256, P-384 → ES384, Ed25519 → EdDSA.
Result<JwtKey, QString> parsePemPublicKey(QByteArrayView pem, QString kid = {});

// One JWK (RFC 7517 §4) of kty RSA, EC or OKP/Ed25519. Its optional "alg" narrows the key to
// that algorithm (and must fit its type); "use" other than "sig" and private members
// ("d", "p", ...) are refused; so is "oct" (a published set never carries secrets).
Result<JwtKey, QString> parseJwk(QByteArrayView json);

// A JWKS document {"keys":[...]} of at most kMaxJwksBytes and kMaxJwksKeys. Keys that are not
// usable for signatures (use "enc", unknown kty or curve, missing members, an alg unlike the
// key's type) are skipped, as RFC 7517 §5 asks; a malformed document, a key with private
// material, or a set without any usable key is an error.
Result<JwtKeySet, QString> parseJwks(QByteArrayView json);

// Verifies signature over signingInput with key for alg (which key.allows()). ES* signatures
// are JOSE's fixed-length r||s (RFC 7518 §3.4), converted to DER for OpenSSL.
bool verifyJwtSignature(const JwtKey &key, JwtAlg alg, QByteArrayView signingInput,
                        QByteArrayView signature);

// HMAC for minting tokens (tests, the quick start, "notifyd token").
QByteArray jwtHmac(JwtAlg alg, QByteArrayView key, QByteArrayView data);

} // namespace notify
