#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace notify::bench {

// One sample of a process as /proc shows it. Fields are -1 when the process is unknown.
struct ProcSample
{
    double cpuSeconds = -1; // utime + stime from /proc/PID/stat
    int64_t rssBytes = -1; // VmRSS from /proc/PID/status
    int64_t hwmBytes = -1; // VmHWM: the peak RSS
};

ProcSample sampleProcess(int pid);

// CPU seconds (utime + stime) of each thread of pid, summed by thread name (comm), from
// /proc/PID/task/*/stat: which thread the server's CPU went to (writer, HTTP, shards...).
// Threads that ended between two samples are missing from the later one.
struct ThreadCpu
{
    std::string name;
    double cpuSeconds = 0;
    int threads = 0;
};
std::vector<ThreadCpu> sampleThreads(int pid);
// after - before by name, sorted by CPU descending.
std::vector<ThreadCpu> threadDelta(const std::vector<ThreadCpu> &before,
                                   const std::vector<ThreadCpu> &after);
// This process's own CPU (user + system) from getrusage: how much the client cost.
double selfCpuSeconds();
// Wall clock in microseconds since the epoch (the same clock the servers stamp createdAt with).
int64_t wallMicros();
// Monotonic microseconds, for durations.
int64_t monoMicros();

} // namespace notify::bench
