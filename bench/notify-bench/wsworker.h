#pragma once

#include "options.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace notify::bench {

struct ConnSpec
{
    int index = 0; // the user is "u<index>"
    std::string token; // JWT for that user
    std::string source; // local address to bind, empty for the kernel's choice
};

// What one worker has seen. Written by the worker thread only, read by the main thread.
struct WorkerCounters
{
    std::atomic<int64_t> ready {0}; // authenticated: the first unread_count arrived
    std::atomic<int64_t> failed {0}; // never became ready (refused, closed, timed out)
    std::atomic<int64_t> dropped {0}; // closed by the server after being ready
    std::atomic<int64_t> newFrames {0};
    std::atomic<int64_t> unreadFrames {0}; // unread_count after the initial one
    std::atomic<int64_t> announcements {0};
    std::atomic<int64_t> errorFrames {0};
    std::atomic<int64_t> lastDeliveryMono {0}; // monotonic µs of the latest unread_count
    std::atomic<int64_t> lastAnnouncementMono {0};
    std::atomic<int64_t> lastReadyMono {0};
};

// One thread with its own epoll loop driving a share of the client connections: a minimal
// WebSocket client (RFC 6455, text frames, ping/pong, fragmentation) with the plain
// notifyd protocol or Socket.IO v5 over Engine.IO v4 on top. Raw sockets instead of
// QWebSocket keep the client's CPU per frame small: on a 2-core machine every cycle the
// client spends is taken from the server under test.
class WsWorker
{
public:
    WsWorker(const Options &options, int id);
    ~WsWorker();
    WsWorker(const WsWorker &) = delete;
    WsWorker &operator=(const WsWorker &) = delete;

    bool start(); // false when epoll/eventfd cannot be created
    void stop(); // closes every connection and joins the thread

    // Thread-safe: queue connections to open, at most `concurrency` handshakes at once.
    void open(std::vector<ConnSpec> specs, int concurrency);

    WorkerCounters &counters() { return m_counters; }
    // Thread-safe: takes the latencies recorded so far (µs): commit-to-receive (receive
    // wall time − the notification's createdAt) and publish-to-receive (− metadata.benchT).
    void takeLatencies(std::vector<int64_t> &commit, std::vector<int64_t> &publish);
    // The first failure reasons seen (for the report), at most a few.
    std::vector<std::string> failureSamples();

private:
    struct Conn;
    void run();
    void drainCommands();
    void startPending();
    void startOne(ConnSpec &spec);
    void onEvent(uint32_t slot, uint32_t events);
    void onConnected(Conn &c);
    void onReadable(Conn &c);
    bool parseHandshake(Conn &c);
    bool parseFrames(Conn &c);
    void onMessage(Conn &c, const char *data, size_t size);
    void onEventName(Conn &c, std::string_view name, const char *data, size_t size);
    // --ack: answers a notification:new with the ack of its id.
    void ackNotification(Conn &c, const char *data, size_t size);
    void sendFrame(Conn &c, int opcode, std::string_view payload);
    void flush(Conn &c);
    void updateInterest(Conn &c);
    void fail(Conn &c, const std::string &why);
    void checkTimeouts();
    void note(const std::string &why);

    const Options &m_options;
    int m_id;
    int m_epoll = -1;
    int m_wake = -1;
    std::thread m_thread;
    std::atomic<bool> m_stop {false};

    std::mutex m_commandMutex;
    std::vector<ConnSpec> m_incoming;
    int m_incomingConcurrency = 0;

    std::vector<ConnSpec> m_pending; // waiting for a handshake slot (popped from the back)
    int m_concurrency = 1;
    int m_inFlight = 0;
    std::vector<Conn *> m_conns; // slot -> connection
    std::vector<uint32_t> m_freeSlots;
    std::string m_readBuffer;
    std::string m_handshakeHead;

    std::mutex m_latencyMutex;
    std::vector<int64_t> m_commitLatency;
    std::vector<int64_t> m_publishLatency;
    std::vector<std::string> m_failures;

    WorkerCounters m_counters;
};

} // namespace notify::bench
