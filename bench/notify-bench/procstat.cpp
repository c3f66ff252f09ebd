#include "procstat.h"

#include <dirent.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

namespace notify::bench {

namespace {

bool readFile(const std::string &path, std::string &out)
{
    FILE *f = std::fopen(path.c_str(), "r");
    if (!f)
        return false;
    char buf[4096];
    size_t n;
    out.clear();
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
        out.append(buf, n);
    std::fclose(f);
    return true;
}

int64_t statusKb(const std::string &status, const char *key)
{
    const auto pos = status.find(key);
    if (pos == std::string::npos)
        return -1;
    return std::strtoll(status.c_str() + pos + std::strlen(key), nullptr, 10);
}

// utime + stime of one /proc stat line, or -1.
double statCpuSeconds(const std::string &text, std::string *name)
{
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const auto open = text.find('(');
    const auto close = text.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open)
        return -1;
    if (name)
        *name = text.substr(open + 1, close - open - 1);
    const char *p = text.c_str() + close + 2; // field 3 (state)
    // utime and stime are fields 14 and 15; p points at field 3.
    for (int field = 3; field < 14 && *p; ++field) {
        p = std::strchr(p, ' ');
        if (!p)
            return -1;
        ++p;
    }
    char *end = nullptr;
    const unsigned long long utime = std::strtoull(p, &end, 10);
    const unsigned long long stime = std::strtoull(end, nullptr, 10);
    return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

} // namespace

std::vector<ThreadCpu> sampleThreads(int pid)
{
    std::vector<ThreadCpu> out;
    if (pid <= 0)
        return out;
    const std::string base = "/proc/" + std::to_string(pid) + "/task";
    DIR *dir = opendir(base.c_str());
    if (!dir)
        return out;
    std::map<std::string, ThreadCpu> byName;
    std::string text;
    while (const dirent *entry = readdir(dir)) {
        if (entry->d_name[0] == '.')
            continue;
        std::string name;
        if (!readFile(base + "/" + entry->d_name + "/stat", text))
            continue;
        const double cpu = statCpuSeconds(text, &name);
        if (cpu < 0)
            continue;
        ThreadCpu &t = byName[name];
        t.name = name;
        t.cpuSeconds += cpu;
        ++t.threads;
    }
    closedir(dir);
    for (auto &[name, t] : byName)
        out.push_back(t);
    return out;
}

std::vector<ThreadCpu> threadDelta(const std::vector<ThreadCpu> &before,
                                   const std::vector<ThreadCpu> &after)
{
    std::vector<ThreadCpu> out;
    for (const ThreadCpu &a : after) {
        ThreadCpu d = a;
        for (const ThreadCpu &b : before) {
            if (b.name == a.name)
                d.cpuSeconds -= b.cpuSeconds;
        }
        out.push_back(d);
    }
    std::sort(out.begin(), out.end(),
              [](const ThreadCpu &x, const ThreadCpu &y) { return x.cpuSeconds > y.cpuSeconds; });
    return out;
}

ProcSample sampleProcess(int pid)
{
    ProcSample s;
    if (pid <= 0)
        return s;
    const std::string base = "/proc/" + std::to_string(pid);
    std::string text;
    if (readFile(base + "/stat", text))
        s.cpuSeconds = statCpuSeconds(text, nullptr);
    if (readFile(base + "/status", text)) {
        const int64_t rss = statusKb(text, "VmRSS:");
        const int64_t hwm = statusKb(text, "VmHWM:");
        s.rssBytes = rss < 0 ? -1 : rss * 1024;
        s.hwmBytes = hwm < 0 ? -1 : hwm * 1024;
    }
    return s;
}

double selfCpuSeconds()
{
    rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    auto secs = [](const timeval &tv) {
        return double(tv.tv_sec) + double(tv.tv_usec) / 1e6;
    };
    return secs(ru.ru_utime) + secs(ru.ru_stime);
}

int64_t wallMicros()
{
    timespec ts {};
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

int64_t monoMicros()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

} // namespace notify::bench
