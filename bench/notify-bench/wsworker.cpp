#include "wsworker.h"

#include "procstat.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

namespace notify::bench {

namespace {

constexpr uint32_t wakeSlot = 0xffffffffu;
constexpr size_t maxFailureSamples = 8;
constexpr size_t readChunk = 256 * 1024;

enum class State : uint8_t { Connecting, Handshake, Open, Closed };

// "2026-02-17T10:00:00.000Z" -> ms since the epoch, or -1.
int64_t parseIsoMillis(const char *p, size_t n)
{
    if (n < 24 || p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':' || p[16] != ':'
        || p[19] != '.')
        return -1;
    auto num = [p](int at, int len) {
        int v = 0;
        for (int i = 0; i < len; ++i)
            v = v * 10 + (p[at + i] - '0');
        return v;
    };
    int y = num(0, 4);
    const unsigned m = unsigned(num(5, 2));
    const unsigned d = unsigned(num(8, 2));
    // Days from civil (Howard Hinnant's algorithm).
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const int64_t days = int64_t(era) * 146097 + int64_t(doe) - 719468;
    return ((days * 24 + num(11, 2)) * 60 + num(14, 2)) * 60000 + int64_t(num(17, 2)) * 1000
        + num(20, 3);
}

const char *find(const char *data, size_t size, std::string_view needle)
{
    return static_cast<const char *>(memmem(data, size, needle.data(), needle.size()));
}

} // namespace

struct WsWorker::Conn
{
    int fd = -1;
    uint32_t slot = 0;
    int index = 0;
    State state = State::Connecting;
    bool ready = false;
    bool wantWrite = false;
    int64_t startMono = 0;
    std::string token; // kept until sent (Socket.IO sends it after the open packet)
    std::string in; // bytes not parsed yet
    std::string frag; // a fragmented message being assembled
    std::string out; // bytes the kernel did not take yet
};

WsWorker::WsWorker(const Options &options, int id)
    : m_options(options)
    , m_id(id)
{ }

WsWorker::~WsWorker()
{
    stop();
}

bool WsWorker::start()
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_epoll < 0 || m_wake < 0)
        return false;
    epoll_event ev {};
    ev.events = EPOLLIN;
    ev.data.u32 = wakeSlot;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &ev);
    m_readBuffer.resize(readChunk);
    m_thread = std::thread([this] { run(); });
    return true;
}

void WsWorker::stop()
{
    if (m_thread.joinable()) {
        m_stop = true;
        const uint64_t one = 1;
        [[maybe_unused]] const auto n = write(m_wake, &one, sizeof one);
        m_thread.join();
    }
    for (Conn *c : m_conns) {
        if (c && c->fd >= 0)
            close(c->fd);
        delete c;
    }
    m_conns.clear();
    if (m_epoll >= 0)
        close(m_epoll);
    if (m_wake >= 0)
        close(m_wake);
    m_epoll = m_wake = -1;
}

void WsWorker::open(std::vector<ConnSpec> specs, int concurrency)
{
    {
        std::lock_guard lock(m_commandMutex);
        for (auto &s : specs)
            m_incoming.push_back(std::move(s));
        m_incomingConcurrency = concurrency;
    }
    const uint64_t one = 1;
    [[maybe_unused]] const auto n = write(m_wake, &one, sizeof one);
}

void WsWorker::takeLatencies(std::vector<int64_t> &commit, std::vector<int64_t> &publish)
{
    std::lock_guard lock(m_latencyMutex);
    commit.insert(commit.end(), m_commitLatency.begin(), m_commitLatency.end());
    publish.insert(publish.end(), m_publishLatency.begin(), m_publishLatency.end());
    m_commitLatency.clear();
    m_publishLatency.clear();
}

std::vector<std::string> WsWorker::failureSamples()
{
    std::lock_guard lock(m_latencyMutex);
    return m_failures;
}

void WsWorker::note(const std::string &why)
{
    std::lock_guard lock(m_latencyMutex);
    if (m_failures.size() < maxFailureSamples)
        m_failures.push_back(why);
}

void WsWorker::run()
{
    epoll_event events[512];
    int64_t lastTimeoutCheck = monoMicros();
    while (!m_stop.load(std::memory_order_relaxed)) {
        const int n = epoll_wait(m_epoll, events, 512, 200);
        for (int i = 0; i < n; ++i) {
            if (events[i].data.u32 == wakeSlot) {
                uint64_t v;
                [[maybe_unused]] const auto r = read(m_wake, &v, sizeof v);
                drainCommands();
                continue;
            }
            onEvent(events[i].data.u32, events[i].events);
        }
        startPending();
        const int64_t now = monoMicros();
        if (now - lastTimeoutCheck > 500000) {
            lastTimeoutCheck = now;
            checkTimeouts();
        }
    }
}

void WsWorker::drainCommands()
{
    std::lock_guard lock(m_commandMutex);
    if (m_incoming.empty())
        return;
    // Open in index order: m_pending pops from the back.
    for (auto it = m_incoming.rbegin(); it != m_incoming.rend(); ++it)
        m_pending.push_back(std::move(*it));
    m_incoming.clear();
    m_concurrency = std::max(1, m_incomingConcurrency);
}

void WsWorker::startPending()
{
    while (m_inFlight < m_concurrency && !m_pending.empty()) {
        ConnSpec spec = std::move(m_pending.back());
        m_pending.pop_back();
        startOne(spec);
    }
}

void WsWorker::startOne(ConnSpec &spec)
{
    auto *c = new Conn;
    c->index = spec.index;
    c->token = std::move(spec.token);
    c->startMono = monoMicros();
    if (!m_freeSlots.empty()) {
        c->slot = m_freeSlots.back();
        m_freeSlots.pop_back();
        m_conns[c->slot] = c;
    } else {
        c->slot = uint32_t(m_conns.size());
        m_conns.push_back(c);
    }
    ++m_inFlight;

    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        fail(*c, std::string("socket: ") + std::strerror(errno));
        return;
    }
    const int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (!spec.source.empty() && spec.source != "0.0.0.0") {
        // Let connect() pick the port per destination, so each source address offers the
        // whole ephemeral range again.
        setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        sockaddr_in local {};
        local.sin_family = AF_INET;
        if (inet_pton(AF_INET, spec.source.c_str(), &local.sin_addr) != 1
            || bind(c->fd, reinterpret_cast<sockaddr *>(&local), sizeof local) != 0) {
            fail(*c, "bind " + spec.source + ": " + std::strerror(errno));
            return;
        }
    }
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(m_options.wsPort));
    inet_pton(AF_INET, m_options.host.c_str(), &addr.sin_addr);
    if (connect(c->fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0
        && errno != EINPROGRESS) {
        fail(*c, std::string("connect: ") + std::strerror(errno));
        return;
    }
    epoll_event ev {};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u32 = c->slot;
    c->wantWrite = true;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
        fail(*c, std::string("epoll_ctl: ") + std::strerror(errno));
        return;
    }
}

void WsWorker::updateInterest(Conn &c)
{
    const bool want = !c.out.empty();
    if (want == c.wantWrite)
        return;
    c.wantWrite = want;
    epoll_event ev {};
    ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
    ev.data.u32 = c.slot;
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
}

void WsWorker::fail(Conn &c, const std::string &why)
{
    if (c.state == State::Closed)
        return;
    if (c.ready) {
        m_counters.dropped.fetch_add(1, std::memory_order_relaxed);
    } else {
        m_counters.failed.fetch_add(1, std::memory_order_relaxed);
        --m_inFlight;
    }
    note("u" + std::to_string(c.index) + ": " + why);
    c.state = State::Closed;
    if (c.fd >= 0) {
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
        close(c.fd);
        c.fd = -1;
    }
    std::string().swap(c.in);
    std::string().swap(c.out);
    std::string().swap(c.frag);
    std::string().swap(c.token);
    // The slot stays taken until the object is freed below, after the current event.
    m_conns[c.slot] = nullptr;
    m_freeSlots.push_back(c.slot);
    delete &c;
}

void WsWorker::checkTimeouts()
{
    const int64_t limit = int64_t(m_options.timeoutS) * 1000000;
    const int64_t now = monoMicros();
    for (Conn *c : m_conns) {
        if (c && !c->ready && now - c->startMono > limit)
            fail(*c, "not ready within the timeout");
    }
}

void WsWorker::onEvent(uint32_t slot, uint32_t events)
{
    if (slot >= m_conns.size() || !m_conns[slot])
        return;
    Conn &c = *m_conns[slot];
    if (c.state == State::Connecting) {
        if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) {
                fail(c, std::string("connect: ") + std::strerror(err));
                return;
            }
            onConnected(c);
        }
        return;
    }
    if (events & EPOLLOUT) {
        flush(c);
        if (!m_conns[slot])
            return;
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
        onReadable(c);
}

void WsWorker::onConnected(Conn &c)
{
    c.state = State::Handshake;
    std::string req;
    req.reserve(512 + c.token.size());
    if (m_options.protocol == Protocol::Plain) {
        req += "GET /ws/notifications?token=";
        req += c.token;
        std::string().swap(c.token);
    } else {
        req += "GET /socket.io/?EIO=4&transport=websocket";
    }
    req += " HTTP/1.1\r\nHost: ";
    req += m_options.host + ":" + std::to_string(m_options.wsPort);
    req += "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
           "Sec-WebSocket-Version: 13\r\nUser-Agent: notify-bench\r\n\r\n";
    c.out += req;
    flush(c);
}

void WsWorker::flush(Conn &c)
{
    while (!c.out.empty()) {
        const ssize_t n = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (n > 0) {
            c.out.erase(0, size_t(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n < 0 && errno == EINTR)
            continue;
        fail(c, std::string("send: ") + std::strerror(errno));
        return;
    }
    updateInterest(c);
}

void WsWorker::onReadable(Conn &c)
{
    const uint32_t slot = c.slot;
    for (int round = 0; round < 4; ++round) {
        const ssize_t n = recv(c.fd, m_readBuffer.data(), m_readBuffer.size(), 0);
        if (n == 0) {
            fail(c, "closed by the server");
            return;
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            if (errno == EINTR)
                continue;
            fail(c, std::string("recv: ") + std::strerror(errno));
            return;
        }
        c.in.append(m_readBuffer.data(), size_t(n));
        if (c.state == State::Handshake && !parseHandshake(c))
            return;
        if (c.state == State::Open && !parseFrames(c))
            return;
        if (!m_conns[slot])
            return;
        if (size_t(n) < m_readBuffer.size())
            return;
    }
}

bool WsWorker::parseHandshake(Conn &c)
{
    const auto end = c.in.find("\r\n\r\n");
    if (end == std::string::npos) {
        if (c.in.size() > 16384) {
            fail(c, "oversized handshake response");
            return false;
        }
        return true;
    }
    if (c.in.compare(0, 12, "HTTP/1.1 101") != 0) {
        const auto eol = c.in.find("\r\n");
        fail(c, "handshake refused: " + c.in.substr(0, eol));
        return false;
    }
    c.in.erase(0, end + 4);
    c.state = State::Open;
    return true;
}

bool WsWorker::parseFrames(Conn &c)
{
    const uint32_t slot = c.slot;
    size_t pos = 0;
    const size_t size = c.in.size();
    const auto *p = reinterpret_cast<const unsigned char *>(c.in.data());
    while (size - pos >= 2) {
        const unsigned char b0 = p[pos];
        const unsigned char b1 = p[pos + 1];
        const bool fin = b0 & 0x80;
        const int opcode = b0 & 0x0f;
        const bool masked = b1 & 0x80;
        uint64_t len = b1 & 0x7f;
        size_t header = 2;
        if (len == 126) {
            if (size - pos < 4)
                break;
            len = (uint64_t(p[pos + 2]) << 8) | p[pos + 3];
            header = 4;
        } else if (len == 127) {
            if (size - pos < 10)
                break;
            len = 0;
            for (int i = 0; i < 8; ++i)
                len = (len << 8) | p[pos + 2 + i];
            header = 10;
        }
        if (len > 64 * 1024 * 1024) {
            fail(c, "frame too large");
            return false;
        }
        const size_t maskAt = pos + header;
        if (masked)
            header += 4;
        if (size - pos < header + len)
            break;
        char *payload = c.in.data() + pos + header;
        if (masked) {
            for (uint64_t i = 0; i < len; ++i)
                payload[i] = char(payload[i] ^ p[maskAt + (i & 3)]);
        }
        pos += header + size_t(len);

        switch (opcode) {
        case 0x0: // continuation
            c.frag.append(payload, size_t(len));
            if (fin) {
                std::string whole;
                whole.swap(c.frag);
                onMessage(c, whole.data(), whole.size());
            }
            break;
        case 0x1:
        case 0x2:
            if (fin) {
                onMessage(c, payload, size_t(len));
            } else {
                c.frag.assign(payload, size_t(len));
            }
            break;
        case 0x8: {
            int code = len >= 2 ? (int(uint8_t(payload[0])) << 8) | uint8_t(payload[1]) : 1005;
            std::string reason = len > 2 ? std::string(payload + 2, size_t(len - 2)) : "";
            fail(c, "close " + std::to_string(code) + " " + reason);
            return false;
        }
        case 0x9:
            sendFrame(c, 0xA, std::string_view(payload, size_t(len)));
            break;
        default: // pong and reserved opcodes
            break;
        }
        if (!m_conns[slot])
            return false;
    }
    c.in.erase(0, pos);
    return true;
}

void WsWorker::sendFrame(Conn &c, int opcode, std::string_view payload)
{
    // Clients must mask. A fixed key is fine for a benchmark against our own servers.
    static const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
    std::string frame;
    frame.reserve(payload.size() + 14);
    frame.push_back(char(0x80 | opcode));
    if (payload.size() < 126) {
        frame.push_back(char(0x80 | payload.size()));
    } else if (payload.size() < 65536) {
        frame.push_back(char(0x80 | 126));
        frame.push_back(char(payload.size() >> 8));
        frame.push_back(char(payload.size() & 0xff));
    } else {
        frame.push_back(char(0x80 | 127));
        for (int i = 7; i >= 0; --i)
            frame.push_back(char((uint64_t(payload.size()) >> (8 * i)) & 0xff));
    }
    frame.append(reinterpret_cast<const char *>(mask), 4);
    for (size_t i = 0; i < payload.size(); ++i)
        frame.push_back(char(payload[i] ^ mask[i & 3]));
    c.out += frame;
    flush(c);
}

void WsWorker::onMessage(Conn &c, const char *data, size_t size)
{
    if (m_options.protocol == Protocol::Plain) {
        // notifyd writes {"type":"<event>","data":...}; fall back to the last "type" key
        // for a peer that orders keys differently.
        static constexpr std::string_view head = "{\"type\":\"";
        const char *nameStart = nullptr;
        if (size > head.size() && std::memcmp(data, head.data(), head.size()) == 0) {
            nameStart = data + head.size();
        } else {
            static constexpr std::string_view key = "\"type\":\"";
            const char *last = nullptr;
            for (const char *at = find(data, size, key); at;
                 at = find(at + 1, size - size_t(at + 1 - data), key))
                last = at;
            if (last)
                nameStart = last + key.size();
        }
        if (!nameStart)
            return;
        const char *nameEnd = static_cast<const char *>(
            std::memchr(nameStart, '"', size - size_t(nameStart - data)));
        if (!nameEnd)
            return;
        onEventName(c, std::string_view(nameStart, size_t(nameEnd - nameStart)), data, size);
        return;
    }

    // Engine.IO v4 packet types: 0 open, 1 close, 2 ping, 3 pong, 4 message.
    if (size == 0)
        return;
    switch (data[0]) {
    case '0': { // open: join the namespace with the token in the auth object
        std::string connect = "40";
        if (m_options.sioNamespace != "/")
            connect += m_options.sioNamespace + ",";
        connect += "{\"token\":\"" + c.token + "\"}";
        std::string().swap(c.token);
        sendFrame(c, 0x1, connect);
        return;
    }
    case '1':
        fail(c, "engine.io close");
        return;
    case '2':
        sendFrame(c, 0x1, "3");
        return;
    case '4':
        break;
    default:
        return;
    }
    if (size < 2)
        return;
    const char type = data[1];
    size_t pos = 2;
    if (pos < size && data[pos] == '/') {
        const char *comma = static_cast<const char *>(std::memchr(data + pos, ',', size - pos));
        if (!comma)
            return;
        pos = size_t(comma - data) + 1;
    }
    if (type == '0')
        return; // namespace joined; readiness is the first unread_count, as for plain
    if (type == '4') {
        fail(c, "connect_error " + std::string(data + pos, size - pos));
        return;
    }
    if (type == '1') {
        fail(c, "namespace disconnect");
        return;
    }
    if (type != '2')
        return;
    while (pos < size && data[pos] >= '0' && data[pos] <= '9')
        ++pos; // an ack id
    if (size - pos < 3 || data[pos] != '[' || data[pos + 1] != '"')
        return;
    const char *nameStart = data + pos + 2;
    const char *nameEnd
        = static_cast<const char *>(std::memchr(nameStart, '"', size - size_t(nameStart - data)));
    if (!nameEnd)
        return;
    onEventName(c, std::string_view(nameStart, size_t(nameEnd - nameStart)), data, size);
}

void WsWorker::onEventName(Conn &c, std::string_view name, const char *data, size_t size)
{
    if (name == "notification:unread_count") {
        const int64_t now = monoMicros();
        if (!c.ready) {
            c.ready = true;
            --m_inFlight;
            m_counters.ready.fetch_add(1, std::memory_order_relaxed);
            m_counters.lastReadyMono.store(now, std::memory_order_relaxed);
            std::string().swap(c.token);
            c.in.shrink_to_fit();
            return;
        }
        m_counters.unreadFrames.fetch_add(1, std::memory_order_relaxed);
        m_counters.lastDeliveryMono.store(now, std::memory_order_relaxed);
        return;
    }
    if (name == "notification:new") {
        const int64_t wall = wallMicros();
        int64_t commit = 0;
        int64_t publish = 0;
        bool haveCommit = false;
        bool havePublish = false;
        static constexpr std::string_view createdKey = "\"createdAt\":\"";
        if (const char *at = find(data, size, createdKey)) {
            const char *v = at + createdKey.size();
            const int64_t ms = parseIsoMillis(v, size - size_t(v - data));
            if (ms > 0) {
                commit = wall - ms * 1000;
                haveCommit = true;
            }
        }
        static constexpr std::string_view benchKey = "\"benchT\":";
        if (const char *at = find(data, size, benchKey)) {
            const int64_t t = std::strtoll(at + benchKey.size(), nullptr, 10);
            if (t > 0) {
                publish = wall - t;
                havePublish = true;
            }
        }
        {
            std::lock_guard lock(m_latencyMutex);
            if (haveCommit)
                m_commitLatency.push_back(commit);
            if (havePublish)
                m_publishLatency.push_back(publish);
        }
        m_counters.newFrames.fetch_add(1, std::memory_order_relaxed);
        if (m_options.ack && m_options.protocol == Protocol::Plain)
            ackNotification(c, data, size);
        return;
    }
    if (name == "announcement") {
        m_counters.announcements.fetch_add(1, std::memory_order_relaxed);
        m_counters.lastAnnouncementMono.store(monoMicros(), std::memory_order_relaxed);
        return;
    }
    if (name == "error")
        m_counters.errorFrames.fetch_add(1, std::memory_order_relaxed);
}

void WsWorker::ackNotification(Conn &c, const char *data, size_t size)
{
    // {"type":"notification:new","data":{"notification":{"id":"…",…}}}: the notification's
    // own id is the first "id" after its key.
    static constexpr std::string_view notificationKey = "\"notification\":{";
    static constexpr std::string_view idKey = "\"id\":\"";
    const char *at = find(data, size, notificationKey);
    if (!at)
        return;
    at = find(at, size - size_t(at - data), idKey);
    if (!at)
        return;
    const char *start = at + idKey.size();
    const char *end
        = static_cast<const char *>(std::memchr(start, '"', size - size_t(start - data)));
    if (!end)
        return;
    std::string ack = "{\"type\":\"ack\",\"data\":{\"notificationIds\":[\"";
    ack.append(start, size_t(end - start));
    ack += "\"]}}";
    sendFrame(c, 0x1, ack);
}

} // namespace notify::bench
