#pragma once

#include "server/metrics/metrics.h"
#include "server/protocol/identity.h"
#include "shared/auth/jwt.h"
#include "shared/model/result.h"

#include <QObject>

#include <functional>

namespace notify {

class KeyRing;
class Metrics;
class ReaderPool;

// Checks a client credential: a JWT (CPU only against the KeyRing's current verifier,
// answered at once, or after one key-set fetch when its kid is unknown) or an opaque session
// token (a store lookup on the reader pool, answered later). Either way the answer arrives
// on ctx's thread, never blocking it.
class Authenticator
{
public:
    using Done = std::function<void(const Result<Identity, AuthFailure> &)>;

    Authenticator(KeyRing &keys, ReaderPool &readers, Metrics &metrics);

    void authenticate(const QByteArray &credential, QObject *ctx, Done done) const;

private:
    void verifyJwt(const QByteArray &credential, QObject *ctx, Done done, bool mayRefresh) const;
    void checkSession(const QByteArray &hash, std::optional<Identity> fromJwt, QObject *ctx,
                      Done done) const;

    KeyRing &m_keys;
    ReaderPool &m_readers;
    Metrics &m_metrics;
};

// The close reason (with code 4001) for a client refused with failure.
QString authCloseReason(AuthFailure failure);

} // namespace notify
