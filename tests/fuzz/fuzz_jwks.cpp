// The JWK and JWKS parser (shared/auth/jwtkeys.*), fed bytes as an identity provider (or
// whoever answers in its name) would: every set it accepts is within the limits and holds
// only keys bound to algorithms of their type; a single JWK it accepts is the same key in a
// set of one.

#include "fuzzcheck.h"

#include "shared/auth/jwt.h"
#include "shared/auth/jwtkeys.h"

using namespace notify;

namespace {

bool typeFits(const JwtKey &key, JwtAlg alg)
{
    switch (key.type) {
    case JwtKey::Type::Secret:
        return alg == JwtAlg::HS256 || alg == JwtAlg::HS384 || alg == JwtAlg::HS512;
    case JwtKey::Type::Rsa:
        return alg == JwtAlg::RS256 || alg == JwtAlg::RS384 || alg == JwtAlg::RS512
            || alg == JwtAlg::PS256 || alg == JwtAlg::PS384 || alg == JwtAlg::PS512;
    case JwtKey::Type::Ec:
        return alg == JwtAlg::ES256 || alg == JwtAlg::ES384;
    case JwtKey::Type::Ed25519:
        return alg == JwtAlg::EdDSA;
    }
    return false;
}

void checkKey(const JwtKey &key)
{
    FUZZ_CHECK(!key.algorithms.isEmpty());
    FUZZ_CHECK(key.type != JwtKey::Type::Secret); // a published set never yields a secret
    FUZZ_CHECK(key.publicKey != nullptr);
    for (JwtAlg alg : key.algorithms)
        FUZZ_CHECK(typeFits(key, alg));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    auto set = parseJwks(bytes);
    if (set.ok()) {
        FUZZ_CHECK(!set->isEmpty() && set->size() <= kMaxJwksKeys);
        for (const JwtKey &key : set->keys())
            checkKey(key);
        // Verification with any key of the set on a garbage token never crashes or accepts.
        const JwtVerifier verifier(std::make_shared<const JwtKeySet>(*set), JwtPolicy {});
        const QDateTime now = QDateTime::fromSecsSinceEpoch(1800000000, Qt::UTC);
        FUZZ_CHECK(!verifier.verify("eyJhbGciOiJFUzI1NiJ9.e30.AAAA", now).ok());
    }
    auto key = parseJwk(bytes);
    if (key.ok())
        checkKey(*key);
    return 0;
}
