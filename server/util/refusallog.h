#pragma once

#include <QDateTime>
#include <QMutex>
#include <QString>

#include <deque>
#include <vector>

namespace notify {

// Why the client port refused a connection, for support (docs/operations.md, "Support
// actions"): "why can't she connect". Never holds the credential, nor the hash of a session
// token (which revokes it): only who the credential claims to be, when that can be read.
struct Refusal
{
    QDateTime at;
    // A word of docs/protocol.md's list ("refused_connections"): bad_token, expired,
    // revoked, unknown_session, no_credential, invalid_identity, origin_not_allowed,
    // limit_reached, memory_limit; detail says more (a JWT's error, e.g. bad_signature; the
    // memory figures).
    QString reason;
    QString detail;
    QString protocol; // websocket, socketio, sse, http (a user route; the console's names)
    QString remoteAddress;
    QString origin;
    QString userAgent;
    // Who the credential claims to be (a JWT's claims, read without trusting them, or the
    // identity a verified credential was refused with, e.g. over the connection limit);
    // empty when nothing could be read (an opaque session token that is not known).
    QString orgId;
    QString userId;
};

// The client port's last refusals on this node, a bounded ring shared by every shard
// (written on shard threads, read by the admin channel). Refusals are rare next to
// deliveries; one mutex is enough.
class RefusalLog
{
public:
    static constexpr int capacity = 1000;

    void record(Refusal refusal);
    // Newest first, at most limit; of one user when userId is not empty (of one
    // organization when orgId is not empty).
    std::vector<Refusal> recent(const QString &orgId, const QString &userId, int limit) const;
    // How many were recorded since start, for the console (older ones are gone).
    quint64 total() const;

private:
    mutable QMutex m_mutex;
    std::deque<Refusal> m_ring;
    quint64 m_total = 0;
};

} // namespace notify
