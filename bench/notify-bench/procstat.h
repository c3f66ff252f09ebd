#pragma once

#include <cstdint>

namespace notify::bench {

// One sample of a process as /proc shows it. Fields are -1 when the process is unknown.
struct ProcSample
{
    double cpuSeconds = -1; // utime + stime from /proc/PID/stat
    int64_t rssBytes = -1; // VmRSS from /proc/PID/status
    int64_t hwmBytes = -1; // VmHWM: the peak RSS
};

ProcSample sampleProcess(int pid);
// This process's own CPU (user + system) from getrusage: how much the client cost.
double selfCpuSeconds();
// Wall clock in microseconds since the epoch (the same clock the servers stamp createdAt with).
int64_t wallMicros();
// Monotonic microseconds, for durations.
int64_t monoMicros();

} // namespace notify::bench
