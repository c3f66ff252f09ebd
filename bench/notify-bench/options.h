#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace notify::bench {

enum class Protocol { Plain, SocketIo };

struct Options
{
    Protocol protocol = Protocol::Plain;
    std::string serverName = "notifyd"; // a label for the report only
    std::string host = "127.0.0.1";
    int wsPort = 8080;
    int apiPort = 8081;
    std::string apiKey;
    std::string jwtSecret;
    int serverPid = 0; // 0: no server CPU/RSS figures
    std::string sioNamespace = "/notifications";
    std::string org = "bench";

    std::vector<std::string> scenarios {"connect", "fanout", "broadcast", "ingest"};
    int connections = 1000;
    int threads = 2; // socket worker threads, each with its own epoll loop
    int connectConcurrency = 200; // handshakes in flight at once, over all workers
    std::vector<std::string> sources {"127.0.0.1"};

    int fanoutCount = 20000; // notifications (one recipient each)
    double fanoutRate = 0; // deliveries per second; 0 = as fast as the server answers
    int fanoutBatch = 1; // recipients per POST
    // Publishing through another node of a cluster (bench/cluster): its answers count no
    // local deliveries; every recipient is connected, so one delivery per created row.
    bool fanoutRemote = false;
    // Each client acks every notification:new (plain protocol): the store records the
    // delivery, and writes a `delivered` webhook event where the organization has an
    // endpoint (docs/operations.md, "Webhooks").
    bool ack = false;
    int httpConcurrency = 16;

    int broadcastRounds = 10;

    int ingestCount = 100000;
    int ingestBatch = 100;
    int ingestConcurrency = 8;
    int ingestUsers = 10000; // offline recipients: ingest measures persistence, not fan-out

    int settleMs = 2000;
    int timeoutS = 60;
    std::string jsonPath; // append one JSON line per scenario
    bool quiet = false;
};

// Parses argv; on a bad or missing value prints the reason (or the help) and returns false.
bool parseOptions(int argc, char **argv, Options &out, int &exitCode);

} // namespace notify::bench
