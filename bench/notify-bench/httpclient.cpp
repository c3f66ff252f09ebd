#include "httpclient.h"

#include "procstat.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>

namespace notify::bench {

namespace {

bool iequalsPrefix(std::string_view line, std::string_view prefix)
{
    if (line.size() < prefix.size())
        return false;
    for (size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(line[i])) != prefix[i])
            return false;
    return true;
}

int64_t countOccurrences(const std::string &text, std::string_view needle)
{
    int64_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at + needle.size()))
        ++n;
    return n;
}

int64_t numberAfter(const std::string &text, std::string_view key)
{
    const auto at = text.find(key);
    if (at == std::string::npos)
        return 0;
    return std::strtoll(text.c_str() + at + key.size(), nullptr, 10);
}

} // namespace

HttpClient::HttpClient(std::string host, int port, int timeoutS)
    : m_host(std::move(host))
    , m_port(port)
    , m_timeoutS(timeoutS)
{ }

HttpClient::~HttpClient()
{
    disconnect();
}

void HttpClient::disconnect()
{
    if (m_fd >= 0)
        close(m_fd);
    m_fd = -1;
    m_buf.clear();
}

bool HttpClient::ensureConnected(std::string &error)
{
    if (m_fd >= 0)
        return true;
    m_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0) {
        error = std::string("socket: ") + std::strerror(errno);
        return false;
    }
    const int one = 1;
    setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval tv {};
    tv.tv_sec = m_timeoutS;
    setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(m_port));
    inet_pton(AF_INET, m_host.c_str(), &addr.sin_addr);
    if (connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        error = std::string("connect: ") + std::strerror(errno);
        disconnect();
        return false;
    }
    return true;
}

bool HttpClient::fill(std::string &error)
{
    char chunk[65536];
    for (;;) {
        const ssize_t n = recv(m_fd, chunk, sizeof chunk, 0);
        if (n > 0) {
            m_buf.append(chunk, size_t(n));
            return true;
        }
        if (n < 0 && errno == EINTR)
            continue;
        error = n == 0 ? "connection closed" : std::string("recv: ") + std::strerror(errno);
        return false;
    }
}

int HttpClient::request(std::string_view method, std::string_view path,
                        std::string_view extraHeaders, std::string_view body,
                        std::string &responseBody, std::string &error)
{
    responseBody.clear();
    // One retry covers a keep-alive connection the server closed while idle.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (!ensureConnected(error))
            return -1;
        std::string req;
        req.reserve(256 + body.size());
        req.append(method).append(" ").append(path).append(" HTTP/1.1\r\nHost: ");
        req.append(m_host).append(":").append(std::to_string(m_port)).append("\r\n");
        req.append(extraHeaders);
        if (!body.empty() || method == "POST") {
            req.append("Content-Type: application/json\r\nContent-Length: ");
            req.append(std::to_string(body.size())).append("\r\n");
        }
        req.append("\r\n").append(body);
        size_t sent = 0;
        bool sendFailed = false;
        while (sent < req.size()) {
            const ssize_t n = send(m_fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                error = std::string("send: ") + std::strerror(errno);
                sendFailed = true;
                break;
            }
            sent += size_t(n);
        }
        if (sendFailed) {
            disconnect();
            continue;
        }
        // Head.
        size_t headEnd;
        bool retry = false;
        while ((headEnd = m_buf.find("\r\n\r\n")) == std::string::npos) {
            if (!fill(error)) {
                // Nothing at all: the idle connection was gone before we wrote.
                retry = m_buf.empty() && attempt == 0;
                disconnect();
                if (!retry)
                    return -1;
                break;
            }
        }
        if (!retry) {
            const std::string head = m_buf.substr(0, headEnd + 2);
            m_buf.erase(0, headEnd + 4);
            int status = 0;
            if (head.size() > 12 && head.compare(0, 5, "HTTP/") == 0)
                status = std::atoi(head.c_str() + 9);
            int64_t contentLength = -1;
            bool chunked = false;
            bool closeAfter = false;
            size_t lineStart = head.find("\r\n") + 2;
            while (lineStart < head.size()) {
                const size_t lineEnd = head.find("\r\n", lineStart);
                const std::string_view line(head.data() + lineStart, lineEnd - lineStart);
                if (iequalsPrefix(line, "content-length:"))
                    contentLength = std::strtoll(line.data() + 15, nullptr, 10);
                else if (iequalsPrefix(line, "transfer-encoding:")
                         && line.find("chunked") != std::string_view::npos)
                    chunked = true;
                else if (iequalsPrefix(line, "connection:")
                         && line.find("close") != std::string_view::npos)
                    closeAfter = true;
                lineStart = lineEnd + 2;
            }
            if (chunked) {
                for (;;) {
                    size_t eol;
                    while ((eol = m_buf.find("\r\n")) == std::string::npos)
                        if (!fill(error)) {
                            disconnect();
                            return -1;
                        }
                    const int64_t len = std::strtoll(m_buf.c_str(), nullptr, 16);
                    m_buf.erase(0, eol + 2);
                    while (int64_t(m_buf.size()) < len + 2)
                        if (!fill(error)) {
                            disconnect();
                            return -1;
                        }
                    responseBody.append(m_buf, 0, size_t(len));
                    m_buf.erase(0, size_t(len) + 2);
                    if (len == 0)
                        break;
                }
            } else if (contentLength >= 0) {
                while (int64_t(m_buf.size()) < contentLength)
                    if (!fill(error)) {
                        disconnect();
                        return -1;
                    }
                responseBody.assign(m_buf, 0, size_t(contentLength));
                m_buf.erase(0, size_t(contentLength));
            } else {
                // Body until close.
                std::string ignored;
                while (fill(ignored)) { }
                responseBody.swap(m_buf);
                closeAfter = true;
            }
            if (closeAfter)
                disconnect();
            return status;
        }
    }
    return -1;
}

PublishResult publish(const std::string &host, int port, const std::string &apiKey,
                      const std::string &path, int64_t total, int concurrency, double perSecond,
                      int timeoutS, const BodyMaker &makeBody)
{
    PublishResult result;
    std::mutex mutex;
    std::atomic<int64_t> next {0};
    const std::string auth = "Authorization: Bearer " + apiKey + "\r\n";
    const int64_t start = monoMicros();
    result.firstSendMono = start;

    auto worker = [&](int id) {
        HttpClient client(host, port, timeoutS);
        std::mt19937_64 rng(0x9e3779b97f4a7c15ull * uint64_t(id + 1));
        std::vector<int64_t> latencies;
        int64_t ok = 0, failed = 0, created = 0, delivered = 0, last = 0;
        std::vector<std::string> errors;
        std::string response, error;
        for (;;) {
            const int64_t k = next.fetch_add(1, std::memory_order_relaxed);
            if (k >= total)
                break;
            if (perSecond > 0) {
                const int64_t due = start + int64_t(double(k) * 1e6 / perSecond);
                const int64_t wait = due - monoMicros();
                if (wait > 0)
                    std::this_thread::sleep_for(std::chrono::microseconds(wait));
            }
            const std::string body = makeBody(k, rng);
            const int64_t t0 = monoMicros();
            const int status = client.request("POST", path, auth, body, response, error);
            const int64_t t1 = monoMicros();
            latencies.push_back(t1 - t0);
            last = std::max(last, t1);
            if (status >= 200 && status < 300) {
                ++ok;
                created += countOccurrences(response, "\"seq\":");
                delivered += numberAfter(response, "\"deliveredConnections\":");
            } else {
                ++failed;
                if (errors.size() < 4)
                    errors.push_back(status < 0 ? error
                                                : "HTTP " + std::to_string(status) + " "
                                             + response.substr(0, 200));
            }
        }
        std::lock_guard lock(mutex);
        result.ok += ok;
        result.failed += failed;
        result.created += created;
        result.deliveredConnections += delivered;
        result.lastAnswerMono = std::max(result.lastAnswerMono, last);
        result.requestLatency.insert(result.requestLatency.end(), latencies.begin(),
                                     latencies.end());
        for (auto &e : errors)
            if (result.errors.size() < 8)
                result.errors.push_back(std::move(e));
    };
    std::vector<std::thread> threads;
    const int n = int(std::max<int64_t>(1, std::min<int64_t>(concurrency, total)));
    for (int i = 0; i < n; ++i)
        threads.emplace_back(worker, i);
    for (auto &t : threads)
        t.join();
    result.requests = result.ok + result.failed;
    return result;
}

} // namespace notify::bench
