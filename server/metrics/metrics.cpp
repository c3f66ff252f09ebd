#include "server/metrics/metrics.h"

#include "shared/auth/jwt.h"
#include <iterator>

namespace notify {

namespace {
quint64 load(const std::atomic<quint64> &c)
{
    return c.load(std::memory_order_relaxed);
}

void appendCounter(QByteArray &out, const char *name, const char *help, quint64 value,
                   const char *type = "counter")
{
    out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
    out += QByteArray(name) + ' ' + QByteArray::number(value) + '\n';
}
} // namespace

void Histogram::observe(double value)
{
    size_t i = 0;
    while (i < m_bounds.size() && value > m_bounds[i])
        ++i;
    m_buckets[i].fetch_add(1, std::memory_order_relaxed);
    m_count.fetch_add(1, std::memory_order_relaxed);
    m_sumMicros.fetch_add(quint64(value * 1e6), std::memory_order_relaxed);
}

void Histogram::appendPrometheus(QByteArray &out, const char *name, const char *help) const
{
    out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " histogram\n";
    quint64 cumulative = 0;
    for (size_t i = 0; i < m_bounds.size(); ++i) {
        cumulative += load(m_buckets[i]);
        out += QByteArray(name) + "_bucket{le=\"" + QByteArray::number(m_bounds[i], 'g', 6) + "\"} "
            + QByteArray::number(cumulative) + '\n';
    }
    cumulative += load(m_buckets[m_bounds.size()]);
    out += QByteArray(name) + "_bucket{le=\"+Inf\"} " + QByteArray::number(cumulative) + '\n';
    out += QByteArray(name) + "_sum " + QByteArray::number(double(load(m_sumMicros)) / 1e6, 'f', 6)
        + '\n';
    out += QByteArray(name) + "_count " + QByteArray::number(load(m_count)) + '\n';
}

const char *authFailureName(AuthFailure f)
{
    switch (f) {
    case AuthFailure::NoCredential:
        return "no_credential";
    case AuthFailure::BadToken:
        return "bad_token";
    case AuthFailure::Expired:
        return "expired";
    case AuthFailure::Revoked:
        return "revoked";
    case AuthFailure::Unknown:
        return "unknown_session";
    case AuthFailure::InvalidIdentity:
        return "invalid_identity";
    }
    return "unknown";
}

quint64 Metrics::authFailuresTotal() const
{
    quint64 total = 0;
    for (const auto &c : authFailures)
        total += load(c);
    return total;
}

Counters Metrics::snapshot() const
{
    Counters c;
    c.created = load(created);
    c.sent = load(sent);
    c.acked = load(acked);
    c.read = load(read);
    c.failed = load(failed);
    c.dropped = load(dropped);
    c.authFailures = authFailuresTotal();
    c.heartbeatTimeouts = load(heartbeatTimeouts);
    c.rateLimited = load(rateLimited);
    return c;
}

QByteArray Metrics::prometheusText() const
{
    QByteArray out;
    out.reserve(6000);
    out += "# HELP notify_connections Live client connections by protocol.\n"
           "# TYPE notify_connections gauge\n";
    out += "notify_connections{protocol=\"plain\"} " + QByteArray::number(load(connectionsPlain))
        + '\n';
    out += "notify_connections{protocol=\"socket.io\"} "
        + QByteArray::number(load(connectionsSocketIo)) + '\n';
    out += "notify_connections{protocol=\"sse\"} " + QByteArray::number(load(connectionsSse))
        + '\n';
    appendCounter(out, "notify_notifications_created_total",
                  "Notifications committed to the store.", load(created));
    appendCounter(out, "notify_frames_sent_total", "Event frames pushed to client connections.",
                  load(sent));
    appendCounter(out, "notify_acks_total", "Delivery receipts received from clients.",
                  load(acked));
    appendCounter(out, "notify_reads_total", "Notifications marked read.", load(read));
    appendCounter(out, "notify_failed_total",
                  "Requests that failed with an internal or storage error.", load(failed));
    appendCounter(out, "notify_dropped_connections_total",
                  "Slow consumers closed because their send buffer passed the bound.",
                  load(dropped));
    appendCounter(out, "notify_heartbeat_timeouts_total", "Connections ended for an overdue pong.",
                  load(heartbeatTimeouts));
    appendCounter(out, "notify_rate_limited_total", "Client messages refused by the rate limit.",
                  load(rateLimited));
    appendCounter(out, "notify_broadcasts_total", "Announcements sent.", load(broadcasts));
    appendCounter(out, "notify_webhooks_sent_total", "Webhook events an endpoint accepted (2xx).",
                  load(webhooksSent));
    appendCounter(out, "notify_webhooks_failed_total",
                  "Webhook calls that failed (error, timeout, not 2xx); each is retried.",
                  load(webhooksFailed));
    appendCounter(out, "notify_webhooks_dropped_total",
                  "Webhook events dropped from a full outbox, oldest first.",
                  load(webhooksDropped));
    appendCounter(out, "notify_webhooks_disabled_total",
                  "Webhook endpoints disabled after failing for 24 hours.", load(webhooksDisabled));
    out += "# HELP notify_store_fault 1 while the store's writes fail for this fault of the "
           "environment.\n# TYPE notify_store_fault gauge\n";
    const int fault = storeFault.load(std::memory_order_relaxed);
    for (int i = 0; i < int(std::size(storeFaultKinds)); ++i) {
        out += QByteArray("notify_store_fault{kind=\"") + storeFaultKinds[i] + "\"} "
            + (fault == i + 1 ? "1\n" : "0\n");
    }
    out += "# HELP notify_refused_connections_total Client-port connections closed at accept.\n"
           "# TYPE notify_refused_connections_total counter\n"
           "notify_refused_connections_total{reason=\"total\"} "
        + QByteArray::number(load(refusedTotal))
        + "\nnotify_refused_connections_total{reason=\"per_address\"} "
        + QByteArray::number(load(refusedPerAddress)) + '\n';
    appendCounter(out, "notify_sessions_refused_total",
                  "Engine.IO sessions refused by the cap on sessions without a CONNECT.",
                  load(sessionsRefused));
    appendCounter(out, "notify_sessions_expired_total",
                  "Engine.IO sessions ended for no granted CONNECT in time.",
                  load(sessionsExpired));
    appendCounter(out, "notify_accept_pauses_total",
                  "Times the client port paused accepting (out of descriptors).",
                  load(acceptPauses));
    appendCounter(out, "notify_request_timeouts_total",
                  "Client-port connections cut for an incomplete request at its deadline.",
                  load(requestTimeouts));
    out += "# HELP notify_auth_failures_total Rejected client credentials by reason.\n"
           "# TYPE notify_auth_failures_total counter\n";
    for (int i = 0; i < authFailureKinds; ++i) {
        out += QByteArray("notify_auth_failures_total{reason=\"") + authFailureName(AuthFailure(i))
            + "\"} " + QByteArray::number(load(authFailures[i])) + '\n';
    }
    out += "# HELP notify_token_failures_total Refused client JWTs by the verifier's reason.\n"
           "# TYPE notify_token_failures_total counter\n";
    static_assert(tokenFailureKinds == jwtErrorKinds);
    for (int i = 0; i < jwtErrorKinds; ++i) {
        out += QByteArray("notify_token_failures_total{reason=\"")
            + jwtErrorName(JwtError(i)).toLatin1() + "\"} "
            + QByteArray::number(load(tokenFailures[i])) + '\n';
    }
    commitToSend.appendPrometheus(out, "notify_commit_to_send_seconds",
                                  "Time from store commit to the frame handed to the socket.");
    storeCommitTime.appendPrometheus(out, "notify_store_commit_seconds",
                                     "Duration of one group-commit transaction.");
    storeBatchSize.appendPrometheus(out, "notify_store_batch_size",
                                    "Notifications per group-commit transaction.");
    return out;
}

} // namespace notify
