#include "options.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <sstream>

namespace notify::bench {

namespace {

const char *const helpText =
    R"(notify-bench: load generator for notifyd and the Socket.IO reference peer.

Opens N authenticated WebSocket connections (plain protocol or Socket.IO), publishes
through the HTTP API and measures the server as a user would compare two servers.

Connection and server:
  --protocol plain|socketio   client protocol (default plain)
  --server-name NAME          label in the report (default notifyd)
  --host ADDR                 server address (default 127.0.0.1)
  --ws-port P                 client port (default 8080)
  --api-port P                HTTP API port (default 8081)
  --api-key K                 API key for publishing (required)
  --jwt-secret S              HS256 secret to sign user tokens (required)
  --server-pid PID            server process: CPU from /proc/PID/stat, RSS from status
  --namespace NSP             Socket.IO namespace (default /notifications)
  --org ORG                   organization of all bench users (default bench)

Load:
  --scenarios LIST            comma list of connect,fanout,broadcast,ingest (default all);
                              fanout and broadcast use the connections of connect
  -n, --connections N         connections, one user each (default 1000)
  --threads T                 client socket threads (default 2)
  --connect-concurrency C     handshakes in flight (default 200)
  --sources A,B,...           local source addresses, round-robin (default 127.0.0.1)
  --fanout-count M            notifications, one random connected user each (default 20000)
  --fanout-rate R             target deliveries/s, 0 = maximum (default 0)
  --fanout-batch B            recipients per POST (default 1)
  --fanout-remote             the API port is another node of a cluster: it reports no
                              local deliveries, so expect one per notification created
  --ack                       every client acks each notification it gets (plain only):
                              deliveries recorded, webhook events written
  --http-concurrency C        keep-alive HTTP connections for fanout (default 16)
  --broadcast-rounds K        announcements to the organization (default 10)
  --ingest-count M            notifications to persist (default 100000)
  --ingest-batch B            recipients per POST (default 100)
  --ingest-concurrency C      HTTP connections for ingest (default 8)
  --ingest-users U            offline recipients for ingest (default 10000)
  --settle-ms MS              wait before the after-connect RSS sample (default 2000)
  --timeout-s S               give up on a phase after S seconds (default 60)

Output:
  --json FILE                 append one JSON line per scenario
  --quiet                     no progress lines on stderr
)";

std::vector<std::string> splitComma(const std::string &s)
{
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

bool toInt(const std::string &s, int lo, int hi, int &out)
{
    char *end = nullptr;
    errno = 0;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (errno != 0 || end == s.c_str() || *end != '\0' || v < lo || v > hi)
        return false;
    out = int(v);
    return true;
}

} // namespace

bool parseOptions(int argc, char **argv, Options &o, int &exitCode)
{
    exitCode = 0;
    using Setter = std::function<bool(const std::string &)>;
    auto intOpt = [](int &field, int lo, int hi) {
        return Setter([&field, lo, hi](const std::string &v) { return toInt(v, lo, hi, field); });
    };
    auto strOpt = [](std::string &field) {
        return Setter([&field](const std::string &v) {
            field = v;
            return !v.empty();
        });
    };
    std::map<std::string, Setter> setters {
        {"--protocol",
         [&o](const std::string &v) {
             if (v == "plain")
                 o.protocol = Protocol::Plain;
             else if (v == "socketio" || v == "socket.io" || v == "sio")
                 o.protocol = Protocol::SocketIo;
             else
                 return false;
             return true;
         }},
        {"--server-name", strOpt(o.serverName)},
        {"--host", strOpt(o.host)},
        {"--ws-port", intOpt(o.wsPort, 1, 65535)},
        {"--api-port", intOpt(o.apiPort, 1, 65535)},
        {"--api-key", strOpt(o.apiKey)},
        {"--jwt-secret", strOpt(o.jwtSecret)},
        {"--server-pid", intOpt(o.serverPid, 1, 1 << 30)},
        {"--namespace", strOpt(o.sioNamespace)},
        {"--org", strOpt(o.org)},
        {"--scenarios",
         [&o](const std::string &v) {
             o.scenarios = splitComma(v);
             for (const auto &s : o.scenarios)
                 if (s != "connect" && s != "fanout" && s != "broadcast" && s != "ingest")
                     return false;
             return !o.scenarios.empty();
         }},
        {"--connections", intOpt(o.connections, 0, 1000000)},
        {"-n", intOpt(o.connections, 0, 1000000)},
        {"--threads", intOpt(o.threads, 1, 64)},
        {"--connect-concurrency", intOpt(o.connectConcurrency, 1, 100000)},
        {"--sources",
         [&o](const std::string &v) {
             o.sources = splitComma(v);
             return !o.sources.empty();
         }},
        {"--fanout-count", intOpt(o.fanoutCount, 0, 100000000)},
        {"--fanout-rate",
         [&o](const std::string &v) {
             char *end = nullptr;
             o.fanoutRate = std::strtod(v.c_str(), &end);
             return end != v.c_str() && *end == '\0' && o.fanoutRate >= 0;
         }},
        {"--fanout-batch", intOpt(o.fanoutBatch, 1, 1000)},
        {"--http-concurrency", intOpt(o.httpConcurrency, 1, 1000)},
        {"--broadcast-rounds", intOpt(o.broadcastRounds, 1, 100000)},
        {"--ingest-count", intOpt(o.ingestCount, 0, 100000000)},
        {"--ingest-batch", intOpt(o.ingestBatch, 1, 1000)},
        {"--ingest-concurrency", intOpt(o.ingestConcurrency, 1, 1000)},
        {"--ingest-users", intOpt(o.ingestUsers, 1, 10000000)},
        {"--settle-ms", intOpt(o.settleMs, 0, 600000)},
        {"--timeout-s", intOpt(o.timeoutS, 1, 36000)},
        {"--json", strOpt(o.jsonPath)},
    };
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(helpText, stdout);
            return false;
        }
        if (arg == "--quiet") {
            o.quiet = true;
            continue;
        }
        if (arg == "--fanout-remote") {
            o.fanoutRemote = true;
            continue;
        }
        if (arg == "--ack") {
            o.ack = true;
            continue;
        }
        std::string value;
        bool haveValue = false;
        if (const auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            haveValue = true;
        }
        const auto it = setters.find(arg);
        if (it == setters.end()) {
            std::fprintf(stderr, "notify-bench: unknown option %s (see --help)\n", arg.c_str());
            exitCode = 2;
            return false;
        }
        if (!haveValue) {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "notify-bench: %s needs a value\n", arg.c_str());
                exitCode = 2;
                return false;
            }
            value = argv[++i];
        }
        if (!it->second(value)) {
            std::fprintf(stderr, "notify-bench: invalid value for %s: '%s'\n", arg.c_str(),
                         value.c_str());
            exitCode = 2;
            return false;
        }
    }
    if (o.apiKey.empty() || o.jwtSecret.empty()) {
        std::fprintf(stderr, "notify-bench: --api-key and --jwt-secret are required\n");
        exitCode = 2;
        return false;
    }
    return true;
}

} // namespace notify::bench
