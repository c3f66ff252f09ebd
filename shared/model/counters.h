#pragma once

#include <QtGlobal>

namespace notify {

// Node-wide delivery counters, as the admin channel and /metrics report them.
struct Counters
{
    quint64 created = 0;
    quint64 sent = 0;
    quint64 acked = 0;
    quint64 read = 0;
    quint64 failed = 0;
    quint64 dropped = 0;
    quint64 authFailures = 0;
    quint64 heartbeatTimeouts = 0;
    quint64 rateLimited = 0;

    Counters &operator+=(const Counters &o)
    {
        created += o.created;
        sent += o.sent;
        acked += o.acked;
        read += o.read;
        failed += o.failed;
        dropped += o.dropped;
        authFailures += o.authFailures;
        heartbeatTimeouts += o.heartbeatTimeouts;
        rateLimited += o.rateLimited;
        return *this;
    }
    // Per-interval rates: this minus an earlier snapshot (counters never go down).
    Counters since(const Counters &earlier) const
    {
        Counters d;
        d.created = created - earlier.created;
        d.sent = sent - earlier.sent;
        d.acked = acked - earlier.acked;
        d.read = read - earlier.read;
        d.failed = failed - earlier.failed;
        d.dropped = dropped - earlier.dropped;
        d.authFailures = authFailures - earlier.authFailures;
        d.heartbeatTimeouts = heartbeatTimeouts - earlier.heartbeatTimeouts;
        d.rateLimited = rateLimited - earlier.rateLimited;
        return d;
    }
    friend bool operator==(const Counters &, const Counters &) = default;
};

} // namespace notify
