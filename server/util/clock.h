#pragma once

#include <QtGlobal>

#include <chrono>

namespace notify {

// Monotonic nanoseconds, for latencies measured across threads.
inline qint64 steadyNowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace notify
