#pragma once

#include "server/metrics/metrics.h"
#include "server/protocol/identity.h"
#include "shared/auth/jwt.h"
#include "shared/model/result.h"

#include <QObject>

#include <functional>

namespace notify {

class ReaderPool;

// Checks a client credential: an HS256 JWT (CPU only, answered at once) or an opaque
// session token (a store lookup on the reader pool, answered later). Either way the
// answer arrives on ctx's thread, never blocking it.
class Authenticator
{
public:
    using Done = std::function<void(const Result<Identity, AuthFailure> &)>;

    Authenticator(JwtVerifier verifier, ReaderPool &readers, int jwtLeewaySeconds = 30);

    void authenticate(const QByteArray &credential, QObject *ctx, Done done) const;

private:
    void checkSession(const QByteArray &hash, std::optional<Identity> fromJwt, QObject *ctx,
                      Done done) const;

    JwtVerifier m_verifier;
    ReaderPool &m_readers;
    int m_leewaySeconds;
};

// The close reason (with code 4001) for a client refused with failure.
QString authCloseReason(AuthFailure failure);

} // namespace notify
