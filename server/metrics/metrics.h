#pragma once

#include "shared/model/connectioninfo.h"
#include "shared/model/counters.h"

#include <QByteArray>
#include <QString>

#include <array>
#include <atomic>

namespace notify {

// Lock-free histogram with fixed bucket bounds, Prometheus-style cumulative on output.
// observe() is called from shard threads on the delivery path: a few relaxed adds.
class Histogram
{
public:
    static constexpr int maxBounds = 12;
    using Bounds = std::array<double, maxBounds>;
    static constexpr Bounds latencyBounds {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02,
                                           0.05,   0.1,   0.25,  0.5,   1.0,  2.5};
    static constexpr Bounds sizeBounds {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000};

    explicit Histogram(const Bounds &bounds = latencyBounds)
        : m_bounds(bounds)
    { }
    void observe(double value);
    void appendPrometheus(QByteArray &out, const char *name, const char *help) const;

private:
    Bounds m_bounds;
    std::array<std::atomic<quint64>, maxBounds + 1> m_buckets {};
    std::atomic<quint64> m_count {0};
    std::atomic<quint64> m_sumMicros {0};
};

// InvalidIdentity: an authentic credential whose ids break the id rule (docs/protocol.md).
enum class AuthFailure { NoCredential, BadToken, Expired, Revoked, Unknown, InvalidIdentity };
inline constexpr int authFailureKinds = 6;
const char *authFailureName(AuthFailure f);

// Every counter of the node. Written from any thread with relaxed atomics; read by
// /metrics, /api/v1/stats and the admin channel's once-a-second counters.
class Metrics
{
public:
    std::atomic<quint64> created {0};
    std::atomic<quint64> sent {0}; // frames pushed to clients
    std::atomic<quint64> acked {0};
    std::atomic<quint64> read {0};
    std::atomic<quint64> failed {0};
    std::atomic<quint64> dropped {0}; // slow consumers closed
    std::atomic<quint64> heartbeatTimeouts {0};
    std::atomic<quint64> rateLimited {0};
    std::atomic<quint64> connectionsPlain {0};
    std::atomic<quint64> connectionsSocketIo {0};
    std::atomic<quint64> connectionsSse {0};
    std::atomic<quint64> &connectionsOf(ClientProtocol protocol)
    {
        return protocol == ClientProtocol::Plain ? connectionsPlain
            : protocol == ClientProtocol::Sse    ? connectionsSse
                                                 : connectionsSocketIo;
    }
    std::atomic<quint64> broadcasts {0};
    // Signed webhooks (server/webhooks): calls that went through, calls that failed (and will
    // be retried), events dropped by the outbox bound, endpoints disabled after a day of
    // failures.
    std::atomic<quint64> webhooksSent {0};
    std::atomic<quint64> webhooksFailed {0};
    std::atomic<quint64> webhooksDropped {0};
    std::atomic<quint64> webhooksDisabled {0};
    // Client port admission (docs/security.md, "The client port"): connections closed at accept
    // (total cap, per-address cap), Engine.IO sessions refused or ended unconnected, accept
    // pauses for lack of descriptors, connections cut at a head/body deadline.
    std::atomic<quint64> refusedTotal{0};
    std::atomic<quint64> refusedPerAddress{0};
    std::atomic<quint64> sessionsRefused{0};
    std::atomic<quint64> sessionsExpired{0};
    std::atomic<quint64> acceptPauses{0};
    std::atomic<quint64> requestTimeouts{0};
    std::array<std::atomic<quint64>, authFailureKinds> authFailures{};
    // Refused JWTs by the verifier's reason (JwtError, jwtErrorName()).
    // Sized like JwtError (metrics.cpp checks that the two agree).
    static constexpr int tokenFailureKinds = 12;
    std::array<std::atomic<quint64>, tokenFailureKinds> tokenFailures{};
    // The store writer's fault of the environment (StoreError::Cause of shared/store, as an
    // int; 0: none), shown as notify_store_fault{kind=...}.
    std::atomic<int> storeFault {0};
    // The names of the causes 1.., in StoreError::Cause's order (storeworker.cpp checks).
    static constexpr const char *storeFaultKinds[] {"full", "read_only", "damaged", "locked",
                                                    "timeout"};
    Histogram commitToSend;     // commit → frame handed to the socket
    Histogram storeCommitTime;  // one group-commit transaction
    Histogram storeBatchSize{Histogram::sizeBounds}; // notifications per transaction

    void countAuthFailure(AuthFailure f) { authFailures[int(f)].fetch_add(1, std::memory_order_relaxed); }
    void countTokenFailure(int jwtError)
    {
        if (jwtError >= 0 && jwtError < tokenFailureKinds)
            tokenFailures[jwtError].fetch_add(1, std::memory_order_relaxed);
    }
    quint64 authFailuresTotal() const;
    Counters snapshot() const;
    QByteArray prometheusText() const;
};

inline void bump(std::atomic<quint64> &c, quint64 n = 1)
{
    c.fetch_add(n, std::memory_order_relaxed);
}

} // namespace notify
