#pragma once

#include "server/config/config.h"
#include "shared/auth/jwt.h"
#include "shared/model/result.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace notify {

// The node's token verifier: the configured keys (secrets, PEM files, a JWKS file) and the
// last good key set of --jwt-jwks-url, under the claim policy of the configuration. Built
// whole and swapped atomically, so every shard thread verifies against one immutable
// JwtVerifier and no key is parsed per connection (docs/security.md, "Tokens").
class KeyRing
{
public:
    explicit KeyRing(const ServerConfig &config);

    // The current verifier; any thread, never blocks.
    std::shared_ptr<const JwtVerifier> verifier() const { return m_current.load(); }

    // Re-reads the secrets, the PEM files and the JWKS file from config (at start and on
    // SIGHUP). On an error nothing changes and the error says which key.
    Result<Done, QString> loadLocal(const ServerConfig &config);
    // A key set fetched from --jwt-jwks-url replaces the previous one.
    void setRemote(std::shared_ptr<const JwtKeySet> keys);
    // Called by the fetcher when a fetch ended, whatever its outcome: wakes the waiters.
    void fetchEnded();

    bool usesRemote() const { return m_usesRemote; }
    // False while --jwt-jwks-url is set and no key set has arrived yet (/readyz 503).
    bool ready() const { return !m_usesRemote || m_remoteArrived.load(); }

    // A token named a kid no key has. With a JWKS URL, at most once per minRefreshMs this
    // asks for a fetch (through the refresh callback) and calls retry on ctx's thread when
    // that fetch ended; returns false (and never calls retry) when no fetch will come.
    bool refreshForUnknownKid(QObject *ctx, std::function<void()> retry);
    // Set by the fetcher's owner: asks for a fetch now, from any thread; cleared (empty)
    // before the fetcher goes, after which an unknown kid is refused at once.
    void setRefreshRequest(std::function<void()> request);

    quint64 unknownKidFetches() const { return m_unknownKidFetches.load(); }

private:
    void rebuild(); // under m_mutex

    const bool m_usesRemote;
    const int m_minRefreshMs;
    mutable std::mutex m_mutex;
    JwtKeySet m_local;
    std::shared_ptr<const JwtKeySet> m_remote;
    JwtPolicy m_policy;
    std::atomic<std::shared_ptr<const JwtVerifier>> m_current;
    std::atomic<bool> m_remoteArrived {false};
    std::function<void()> m_requestRefresh; // under m_mutex
    qint64 m_lastUnknownKidFetchMs = -1; // monotonic, -1: never; under m_mutex
    bool m_fetchPending = false; // under m_mutex
    std::vector<std::pair<QObject *, std::function<void()>>> m_waiters; // under m_mutex
    std::atomic<quint64> m_unknownKidFetches {0};
};

JwtPolicy jwtPolicyFrom(const ServerConfig &config);

} // namespace notify
