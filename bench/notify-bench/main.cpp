// notify-bench: measures a notification server the way a user would compare two of them.
// See bench/run and docs/benchmarks.md for how it is driven.

#include "httpclient.h"
#include "options.h"
#include "procstat.h"
#include "report.h"
#include "shared/auth/jwt.h"
#include "wsworker.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <functional>
#include <memory>
#include <thread>

using namespace notify::bench;

namespace {

struct Totals
{
    int64_t ready = 0, failed = 0, dropped = 0, newFrames = 0, unreadFrames = 0, announcements = 0,
            errorFrames = 0;
    int64_t lastDeliveryMono = 0, lastAnnouncementMono = 0, lastReadyMono = 0;
};

class Bench
{
public:
    explicit Bench(const Options &options)
        : m_o(options)
    { }

    int run();

private:
    Totals totals() const;
    void progress(const char *fmt, ...) const __attribute__((format(printf, 2, 3)));
    // Polls `done` every 5 ms; gives up when `progressValue` has not moved for `stallS`.
    bool waitFor(const std::function<bool()> &done, const std::function<int64_t()> &progressValue,
                 int stallS) const;
    void publishReport(const ScenarioReport &report) const;
    ScenarioReport makeReport(const char *scenario) const;
    void addFailures(ScenarioReport &report) const;

    bool connectScenario();
    void fanoutScenario();
    void broadcastScenario();
    void ingestScenario();

    const Options &m_o;
    std::vector<std::unique_ptr<WsWorker>> m_workers;
    bool m_connected = false;
};

const char *protocolName(Protocol p)
{
    return p == Protocol::Plain ? "plain" : "socket.io";
}

double seconds(int64_t micros)
{
    return double(micros) / 1e6;
}

double ratio(double a, double b)
{
    return b > 0 ? a / b : NAN;
}

Totals Bench::totals() const
{
    Totals t;
    for (const auto &w : m_workers) {
        auto &c = w->counters();
        t.ready += c.ready.load();
        t.failed += c.failed.load();
        t.dropped += c.dropped.load();
        t.newFrames += c.newFrames.load();
        t.unreadFrames += c.unreadFrames.load();
        t.announcements += c.announcements.load();
        t.errorFrames += c.errorFrames.load();
        t.lastDeliveryMono = std::max(t.lastDeliveryMono, c.lastDeliveryMono.load());
        t.lastAnnouncementMono = std::max(t.lastAnnouncementMono, c.lastAnnouncementMono.load());
        t.lastReadyMono = std::max(t.lastReadyMono, c.lastReadyMono.load());
    }
    return t;
}

void Bench::progress(const char *fmt, ...) const
{
    if (m_o.quiet)
        return;
    va_list args;
    va_start(args, fmt);
    std::fputs("notify-bench: ", stderr);
    std::vfprintf(stderr, fmt, args);
    std::fputc('\n', stderr);
    va_end(args);
}

bool Bench::waitFor(const std::function<bool()> &done,
                    const std::function<int64_t()> &progressValue, int stallS) const
{
    int64_t last = progressValue();
    int64_t lastMove = monoMicros();
    while (!done()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        const int64_t v = progressValue();
        const int64_t now = monoMicros();
        if (v != last) {
            last = v;
            lastMove = now;
        } else if (now - lastMove > int64_t(stallS) * 1000000) {
            return false;
        }
    }
    return true;
}

ScenarioReport Bench::makeReport(const char *scenario) const
{
    ScenarioReport r(scenario, m_o.serverName, protocolName(m_o.protocol));
    r.add("connections", int64_t(m_o.connections));
    return r;
}

void Bench::addFailures(ScenarioReport &report) const
{
    std::vector<std::string> samples;
    for (const auto &w : m_workers)
        for (auto &s : w->failureSamples())
            samples.push_back(std::move(s));
    if (!samples.empty())
        report.add("firstFailure", samples.front());
}

void Bench::publishReport(const ScenarioReport &report) const
{
    report.print();
    const std::string line = report.jsonLine();
    std::printf("JSON %s\n", line.c_str());
    std::fflush(stdout);
    if (!m_o.jsonPath.empty()) {
        if (FILE *f = std::fopen(m_o.jsonPath.c_str(), "a")) {
            std::fprintf(f, "%s\n", line.c_str());
            std::fclose(f);
        }
    }
}

bool Bench::connectScenario()
{
    const int n = m_o.connections;
    progress("minting %d tokens", n);
    const QByteArray secret = QByteArray::fromStdString(m_o.jwtSecret);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    std::vector<std::vector<ConnSpec>> perWorker(m_workers.size());
    for (int i = 0; i < n; ++i) {
        notify::JwtClaims claims;
        claims.subject = QStringLiteral("u%1").arg(i);
        claims.org = QString::fromStdString(m_o.org);
        claims.issuedAt = now;
        claims.expiresAt = now.addSecs(6 * 3600);
        ConnSpec spec;
        spec.index = i;
        spec.token = notify::mintJwt(claims, secret).toStdString();
        spec.source = m_o.sources[size_t(i) % m_o.sources.size()];
        perWorker[size_t(i) % m_workers.size()].push_back(std::move(spec));
    }

    const ProcSample before = sampleProcess(m_o.serverPid);
    const double selfBefore = selfCpuSeconds();
    progress("opening %d %s connections (%d in flight)", n, protocolName(m_o.protocol),
             m_o.connectConcurrency);
    const int64_t t0 = monoMicros();
    const int share = std::max<int>(
        1, (m_o.connectConcurrency + int(m_workers.size()) - 1) / int(m_workers.size()));
    for (size_t w = 0; w < m_workers.size(); ++w)
        m_workers[w]->open(std::move(perWorker[w]), share);
    auto settled = [&] {
        const Totals t = totals();
        return t.ready + t.failed >= n;
    };
    auto moved = [&] {
        const Totals t = totals();
        return t.ready + t.failed;
    };
    const bool complete = waitFor(settled, moved, m_o.timeoutS + 5);
    const Totals t = totals();
    const int64_t t1 = t.ready > 0 ? t.lastReadyMono : monoMicros();
    const ProcSample atEnd = sampleProcess(m_o.serverPid);
    const double selfAfter = selfCpuSeconds();
    progress("%lld ready, %lld failed in %.2f s; settling %d ms", (long long)t.ready,
             (long long)t.failed, seconds(t1 - t0), m_o.settleMs);
    std::this_thread::sleep_for(std::chrono::milliseconds(m_o.settleMs));
    const ProcSample after = sampleProcess(m_o.serverPid);

    ScenarioReport r = makeReport("connect");
    r.add("ready", t.ready);
    r.add("failed", t.failed + (complete ? 0 : n - t.ready - t.failed));
    r.add("seconds", seconds(t1 - t0), 3);
    r.add("connectsPerSecond", ratio(double(t.ready), seconds(t1 - t0)), 0);
    if (m_o.serverPid > 0) {
        r.add("serverRssBeforeKiB", before.rssBytes / 1024);
        r.add("serverRssAfterKiB", after.rssBytes / 1024);
        r.add("serverPeakRssKiB", after.hwmBytes / 1024);
        r.add("bytesPerConnection",
              ratio(double(after.rssBytes - before.rssBytes), double(t.ready)), 0);
        r.add("serverCpuSeconds", atEnd.cpuSeconds - before.cpuSeconds, 2);
        r.add("connectsPerServerCpuSecond",
              ratio(double(t.ready), atEnd.cpuSeconds - before.cpuSeconds), 0);
    }
    r.add("clientCpuSeconds", selfAfter - selfBefore, 2);
    addFailures(r);
    publishReport(r);
    m_connected = true;
    return t.ready > 0;
}

void Bench::fanoutScenario()
{
    const int n = m_o.connections;
    const int batch = std::min(m_o.fanoutBatch, n);
    const int64_t requests = (int64_t(m_o.fanoutCount) + batch - 1) / batch;
    const std::string org = m_o.org;
    // Distinct random users per request, so that the server's duplicate removal does not
    // change the count.
    auto body = [org, n, batch](int64_t, std::mt19937_64 &rng) {
        std::string b = "{\"orgId\":\"" + org + "\",\"userIds\":[";
        int picked[1000];
        for (int i = 0; i < batch; ++i) {
            int u;
            bool dup;
            do {
                u = int(rng() % uint64_t(n));
                dup = std::find(picked, picked + i, u) != picked + i;
            } while (dup);
            picked[i] = u;
            if (i)
                b += ',';
            b += "\"u" + std::to_string(u) + "\"";
        }
        b += "],\"type\":\"bench.fanout\",\"title\":\"Claim approved\","
             "\"body\":\"Your claim was approved by the reviewer.\","
             "\"actionUrl\":\"/claims/1\",\"metadata\":{\"benchT\":"
            + std::to_string(wallMicros()) + "}}";
        return b;
    };

    std::vector<int64_t> commit, publishLat;
    for (const auto &w : m_workers)
        w->takeLatencies(commit, publishLat); // drop anything from before
    commit.clear();
    publishLat.clear();
    const Totals t0 = totals();
    const ProcSample cpu0 = sampleProcess(m_o.serverPid);
    const std::vector<ThreadCpu> threads0 = sampleThreads(m_o.serverPid);
    const double self0 = selfCpuSeconds();
    progress("fanout: %d notifications in %lld requests, rate %s", m_o.fanoutCount,
             (long long)requests,
             m_o.fanoutRate > 0 ? std::to_string(int64_t(m_o.fanoutRate)).c_str() : "max");
    const PublishResult pub = publish(
        m_o.host, m_o.apiPort, m_o.apiKey, "/api/v1/notifications", requests, m_o.httpConcurrency,
        m_o.fanoutRate > 0 ? m_o.fanoutRate / batch : 0, m_o.timeoutS, body);
    const int64_t expected = m_o.fanoutRemote ? pub.created : pub.deliveredConnections;
    auto deliveredNow = [&] {
        const Totals t = totals();
        return std::min(t.newFrames - t0.newFrames, t.unreadFrames - t0.unreadFrames);
    };
    waitFor([&] { return deliveredNow() >= expected; }, deliveredNow, 10);
    const Totals t1 = totals();
    const ProcSample cpu1 = sampleProcess(m_o.serverPid);
    const std::vector<ThreadCpu> threads1 = sampleThreads(m_o.serverPid);
    const double self1 = selfCpuSeconds();
    for (const auto &w : m_workers)
        w->takeLatencies(commit, publishLat);

    const int64_t delivered = deliveredNow();
    const int64_t end = std::max(t1.lastDeliveryMono, pub.lastAnswerMono);
    const double wall = seconds(end - pub.firstSendMono);
    const double sendWall = seconds(pub.lastAnswerMono - pub.firstSendMono);
    std::vector<int64_t> reqLat = pub.requestLatency;

    ScenarioReport r = makeReport("fanout");
    r.add("notifications", int64_t(m_o.fanoutCount));
    r.add("recipientsPerRequest", int64_t(batch));
    r.add("requests", pub.requests);
    r.add("httpErrors", pub.failed);
    r.add("targetRate", m_o.fanoutRate, 0);
    r.add("offeredRate", ratio(double(pub.created), sendWall), 0);
    r.add("expectedDeliveries", expected);
    r.add("delivered", delivered);
    r.add("missing", std::max<int64_t>(0, expected - delivered));
    r.add("dropped", t1.dropped - t0.dropped);
    r.add("errorFrames", t1.errorFrames - t0.errorFrames);
    r.add("seconds", wall, 3);
    r.add("deliveredPerSecond", ratio(double(delivered), wall), 0);
    if (m_o.serverPid > 0) {
        r.add("serverCpuSeconds", cpu1.cpuSeconds - cpu0.cpuSeconds, 2);
        r.add("deliveriesPerServerCpuSecond",
              ratio(double(delivered), cpu1.cpuSeconds - cpu0.cpuSeconds), 0);
        r.add("serverRssKiB", cpu1.rssBytes / 1024);
        // Microseconds of each server thread's CPU per delivery (threads of one name summed).
        for (const ThreadCpu &t : threadDelta(threads0, threads1)) {
            if (t.cpuSeconds > 0 && delivered > 0)
                r.add("threadUsPerDelivery." + t.name, t.cpuSeconds * 1e6 / double(delivered), 2);
        }
    }
    r.add("clientCpuSeconds", self1 - self0, 2);
    r.addLatencyMs("commitToReceive", percentiles(commit));
    r.addLatencyMs("publishToReceive", percentiles(publishLat));
    const Percentiles http = percentiles(reqLat);
    r.add("httpP50Ms", http.p50 / 1000.0, 2);
    r.add("httpP99Ms", http.p99 / 1000.0, 2);
    if (!pub.errors.empty())
        r.add("firstHttpError", pub.errors.front());
    publishReport(r);
}

void Bench::broadcastScenario()
{
    HttpClient client(m_o.host, m_o.apiPort, m_o.timeoutS);
    const std::string auth = "Authorization: Bearer " + m_o.apiKey + "\r\n";
    const ProcSample cpu0 = sampleProcess(m_o.serverPid);
    const double self0 = selfCpuSeconds();
    const Totals start = totals();
    int64_t frames = 0, expectedTotal = 0, errors = 0, busyMicros = 0;
    std::vector<int64_t> roundMicros;
    std::string firstError;
    progress("broadcast: %d announcements to org %s", m_o.broadcastRounds, m_o.org.c_str());
    for (int round = 0; round < m_o.broadcastRounds; ++round) {
        const int64_t a0 = totals().announcements;
        const std::string body = "{\"orgId\":\"" + m_o.org
            + "\",\"title\":\"Maintenance tonight\",\"body\":\"Round " + std::to_string(round)
            + ": the service restarts at 22:00 UTC.\",\"priority\":\"high\"}";
        std::string response, error;
        const int64_t t0 = monoMicros();
        const int status
            = client.request("POST", "/api/v1/broadcasts", auth, body, response, error);
        if (status < 200 || status >= 300) {
            ++errors;
            if (firstError.empty())
                firstError = status < 0 ? error : "HTTP " + std::to_string(status) + " " + response;
            continue;
        }
        const auto at = response.find("\"deliveredConnections\":");
        const int64_t expected
            = at == std::string::npos ? 0 : std::strtoll(response.c_str() + at + 23, nullptr, 10);
        expectedTotal += expected;
        auto got = [&] {
            return totals().announcements - a0;
        };
        waitFor([&] { return got() >= expected; }, got, 10);
        const Totals t = totals();
        frames += t.announcements - a0;
        const int64_t elapsed = (t.announcements > a0 ? t.lastAnnouncementMono : monoMicros()) - t0;
        roundMicros.push_back(elapsed);
        busyMicros += elapsed;
    }
    const ProcSample cpu1 = sampleProcess(m_o.serverPid);
    const double self1 = selfCpuSeconds();
    const Totals end = totals();

    ScenarioReport r = makeReport("broadcast");
    r.add("rounds", int64_t(m_o.broadcastRounds));
    r.add("httpErrors", errors);
    r.add("expectedFrames", expectedTotal);
    r.add("frames", frames);
    r.add("missing", std::max<int64_t>(0, expectedTotal - frames));
    r.add("dropped", end.dropped - start.dropped);
    r.add("seconds", seconds(busyMicros), 3);
    r.add("framesPerSecond", ratio(double(frames), seconds(busyMicros)), 0);
    if (m_o.serverPid > 0) {
        r.add("serverCpuSeconds", cpu1.cpuSeconds - cpu0.cpuSeconds, 2);
        r.add("framesPerServerCpuSecond", ratio(double(frames), cpu1.cpuSeconds - cpu0.cpuSeconds),
              0);
    }
    r.add("clientCpuSeconds", self1 - self0, 2);
    const Percentiles p = percentiles(roundMicros);
    r.add("roundP50Ms", p.p50 / 1000.0, 2);
    r.add("roundMaxMs", p.max / 1000.0, 2);
    if (!firstError.empty())
        r.add("firstHttpError", firstError);
    publishReport(r);
}

void Bench::ingestScenario()
{
    const int users = m_o.ingestUsers;
    const int batch = std::min(m_o.ingestBatch, users);
    const int64_t requests = (int64_t(m_o.ingestCount) + batch - 1) / batch;
    const std::string org = m_o.org;
    // Offline recipients: nobody is connected as "offline-*", so this measures the write path.
    auto body = [org, users, batch](int64_t k, std::mt19937_64 &) {
        std::string b = "{\"orgId\":\"" + org + "\",\"userIds\":[";
        for (int i = 0; i < batch; ++i) {
            if (i)
                b += ',';
            b += "\"offline-" + std::to_string((k * batch + i) % users) + "\"";
        }
        b += "],\"type\":\"bench.ingest\",\"title\":\"Invoice ready\","
             "\"body\":\"Invoice 2024-"
            + std::to_string(k)
            + " is ready for review.\",\"entityType\":\"invoice\",\"entityId\":\"inv-"
            + std::to_string(k) + "\",\"metadata\":{\"amount\":1250,\"currency\":\"EUR\"}}";
        return b;
    };
    const ProcSample cpu0 = sampleProcess(m_o.serverPid);
    const double self0 = selfCpuSeconds();
    progress("ingest: %d notifications, %d per request, %d connections", m_o.ingestCount, batch,
             m_o.ingestConcurrency);
    const PublishResult pub = publish(m_o.host, m_o.apiPort, m_o.apiKey, "/api/v1/notifications",
                                      requests, m_o.ingestConcurrency, 0, m_o.timeoutS, body);
    const ProcSample cpu1 = sampleProcess(m_o.serverPid);
    const double self1 = selfCpuSeconds();
    const double wall = seconds(pub.lastAnswerMono - pub.firstSendMono);
    std::vector<int64_t> reqLat = pub.requestLatency;

    ScenarioReport r = makeReport("ingest");
    r.add("recipientsPerRequest", int64_t(batch));
    r.add("requests", pub.requests);
    r.add("httpErrors", pub.failed);
    r.add("persisted", pub.created);
    r.add("seconds", wall, 3);
    r.add("persistedPerSecond", ratio(double(pub.created), wall), 0);
    if (m_o.serverPid > 0) {
        r.add("serverCpuSeconds", cpu1.cpuSeconds - cpu0.cpuSeconds, 2);
        r.add("persistedPerServerCpuSecond",
              ratio(double(pub.created), cpu1.cpuSeconds - cpu0.cpuSeconds), 0);
        r.add("serverRssKiB", cpu1.rssBytes / 1024);
    }
    r.add("clientCpuSeconds", self1 - self0, 2);
    const Percentiles http = percentiles(reqLat);
    r.add("httpP50Ms", http.p50 / 1000.0, 2);
    r.add("httpP99Ms", http.p99 / 1000.0, 2);
    if (!pub.errors.empty())
        r.add("firstHttpError", pub.errors.front());
    publishReport(r);
}

int Bench::run()
{
    // One descriptor per connection, plus HTTP connections and a few of our own.
    rlimit lim {};
    getrlimit(RLIMIT_NOFILE, &lim);
    const rlim_t need = rlim_t(m_o.connections)
        + rlim_t(std::max(m_o.httpConcurrency, m_o.ingestConcurrency)) + rlim_t(m_o.threads) * 2
        + 64;
    if (lim.rlim_cur < need) {
        lim.rlim_cur = std::min(need, lim.rlim_max);
        setrlimit(RLIMIT_NOFILE, &lim);
        getrlimit(RLIMIT_NOFILE, &lim);
    }
    if (lim.rlim_cur < need) {
        std::fprintf(stderr,
                     "notify-bench: %d connections need %llu descriptors, the limit is %llu\n",
                     m_o.connections, (unsigned long long)need, (unsigned long long)lim.rlim_cur);
        return 2;
    }
    for (int i = 0; i < m_o.threads; ++i) {
        m_workers.push_back(std::make_unique<WsWorker>(m_o, i));
        if (!m_workers.back()->start()) {
            std::fprintf(stderr, "notify-bench: cannot create an epoll loop\n");
            return 1;
        }
    }
    const bool needsSockets
        = std::any_of(m_o.scenarios.begin(), m_o.scenarios.end(), [](const std::string &s) {
              return s == "connect" || s == "fanout" || s == "broadcast";
          });
    int status = 0;
    if (needsSockets && !connectScenario())
        status = 1;
    for (const auto &s : m_o.scenarios) {
        if (s == "fanout" && m_connected)
            fanoutScenario();
        else if (s == "broadcast" && m_connected)
            broadcastScenario();
        else if (s == "ingest")
            ingestScenario();
    }
    progress("closing connections");
    for (auto &w : m_workers)
        w->stop();
    return status;
}

} // namespace

int main(int argc, char **argv)
{
    Options options;
    int exitCode = 0;
    if (!parseOptions(argc, argv, options, exitCode))
        return exitCode;
    Bench bench(options);
    return bench.run();
}
