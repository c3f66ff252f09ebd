#pragma once

#include <QtGlobal>

namespace notify {

// Per-connection message rate limit: refills at ratePerSecond up to burst.
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

private:
    double m_rate = 0;
    int m_burst = 0;
    double m_tokens = 0;
    qint64 m_lastMs = 0;
};

} // namespace notify
