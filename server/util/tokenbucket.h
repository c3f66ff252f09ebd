#pragma once

#include <QtGlobal>

namespace notify {

// A rate limit (a client connection's messages, an API key's requests and deliveries):
// refills at ratePerSecond up to burst.
class TokenBucket
{
public:
    void configure(double ratePerSecond, int burst, qint64 nowMs)
    {
        m_rate = ratePerSecond;
        m_burst = burst;
        m_tokens = burst;
        m_lastMs = nowMs;
    }
    // true: the message may pass (one token taken).
    bool take(qint64 nowMs)
    {
        if (m_rate <= 0)
            return true;
        m_tokens = qMin<double>(m_burst, m_tokens + double(nowMs - m_lastMs) * m_rate / 1000.0);
        m_lastMs = nowMs;
        if (m_tokens < 1.0)
            return false;
        m_tokens -= 1.0;
        return true;
    }

    // For work of several units at once (a publish to many recipients): passes when the
    // bucket holds min(count, burst) tokens, then takes all count of them, so that a call
    // larger than the burst passes on a full bucket and the next ones wait for the debt.
    bool take(qint64 nowMs, qint64 count)
    {
        if (m_rate <= 0)
            return true;
        refill(nowMs);
        if (m_tokens < double(qMin<qint64>(count, m_burst)))
            return false;
        m_tokens -= double(count);
        return true;
    }
    // How long until take(nowMs, count) may pass, in milliseconds (0: now).
    qint64 msUntil(qint64 nowMs, qint64 count = 1)
    {
        if (m_rate <= 0)
            return 0;
        refill(nowMs);
        const double missing = double(qMin<qint64>(count, m_burst)) - m_tokens;
        return missing <= 0 ? 0 : qint64(missing * 1000.0 / m_rate) + 1;
    }

private:
    void refill(qint64 nowMs)
    {
        m_tokens = qMin<double>(m_burst, m_tokens + double(nowMs - m_lastMs) * m_rate / 1000.0);
        m_lastMs = nowMs;
    }

    double m_rate = 0;
    int m_burst = 0;
    double m_tokens = 0;
    qint64 m_lastMs = 0;
};

} // namespace notify
