#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace notify::bench {

// A blocking HTTP/1.1 client on one keep-alive connection (reconnects when the server
// closes it). Enough HTTP for our two servers: Content-Length or chunked bodies.
class HttpClient
{
public:
    HttpClient(std::string host, int port, int timeoutS);
    ~HttpClient();
    HttpClient(const HttpClient &) = delete;
    HttpClient &operator=(const HttpClient &) = delete;

    // Returns the status code, or -1 with `error` set on a transport failure.
    int request(std::string_view method, std::string_view path, std::string_view extraHeaders,
                std::string_view body, std::string &responseBody, std::string &error);

private:
    bool ensureConnected(std::string &error);
    void disconnect();
    bool fill(std::string &error); // reads more into m_buf

    std::string m_host;
    int m_port;
    int m_timeoutS;
    int m_fd = -1;
    std::string m_buf;
};

struct PublishResult
{
    int64_t requests = 0;
    int64_t ok = 0; // 2xx
    int64_t failed = 0; // transport errors and non-2xx
    int64_t created = 0; // notifications in 2xx answers ("seq" entries)
    int64_t deliveredConnections = 0; // sum of the answers' deliveredConnections
    int64_t firstSendMono = 0;
    int64_t lastAnswerMono = 0;
    std::vector<int64_t> requestLatency; // µs per request
    std::vector<std::string> errors; // the first few
};

// The body of request number `k`; called concurrently from the publisher threads, each with
// its own random generator.
using BodyMaker = std::function<std::string(int64_t k, std::mt19937_64 &rng)>;

// Sends `total` POSTs to `path` over `concurrency` keep-alive connections, each thread
// taking the next ticket; with `perSecond` > 0, ticket k is not sent before start + k/rate
// (an open-loop schedule, so a slow answer does not lower the offered rate while other
// connections are free).
PublishResult publish(const std::string &host, int port, const std::string &apiKey,
                      const std::string &path, int64_t total, int concurrency, double perSecond,
                      int timeoutS, const BodyMaker &makeBody);

} // namespace notify::bench
