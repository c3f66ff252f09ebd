#include "shared/store/connectionwatchdog.h"

#include <QDebug>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <sys/socket.h>

namespace notify {

struct ConnectionWatch::State
{
    QString name;
    int limitMs = 0;
    std::mutex mutex; // fd, and the shutdown of it
    int fd = -1;
    std::atomic<qint64> busySinceMs {0}; // 0: idle
    bool firedThisRound = false;
    std::atomic<int> fired {0};
};

namespace {

qint64 nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// The one thread that looks at every watched connection; it lives until the process ends.
class Watchdog
{
public:
    static Watchdog &instance()
    {
        static Watchdog *watchdog = new Watchdog; // never destroyed: watches may outlive statics
        return *watchdog;
    }

    void add(const std::shared_ptr<ConnectionWatch::State> &state)
    {
        std::lock_guard lock(m_mutex);
        m_states.push_back(state);
        if (!m_thread.joinable())
            m_thread = std::thread([this] { run(); });
    }
    void remove(const ConnectionWatch::State *state)
    {
        std::lock_guard lock(m_mutex);
        m_states.erase(std::remove_if(m_states.begin(), m_states.end(),
                                      [state](const auto &s) { return s.get() == state; }),
                       m_states.end());
    }

private:
    void run()
    {
        for (;;) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            std::vector<std::shared_ptr<ConnectionWatch::State>> states;
            {
                std::lock_guard lock(m_mutex);
                states = m_states;
            }
            const qint64 now = nowMs();
            for (const auto &state : states) {
                const qint64 since = state->busySinceMs.load(std::memory_order_acquire);
                if (since == 0 || now - since < state->limitMs)
                    continue;
                std::lock_guard lock(state->mutex);
                if (state->fd < 0 || state->firedThisRound)
                    continue;
                state->firedThisRound = true;
                state->fired.fetch_add(1, std::memory_order_relaxed);
                ::shutdown(state->fd, SHUT_RDWR);
                qWarning().noquote() << state->name << "- no answer from the database within"
                                     << state->limitMs << "ms: connection shut down";
            }
        }
    }

    std::mutex m_mutex;
    std::vector<std::shared_ptr<ConnectionWatch::State>> m_states;
    std::thread m_thread;
};

} // namespace

ConnectionWatch::ConnectionWatch(QString name, int limitMs)
{
    if (limitMs <= 0)
        return;
    m_state = std::make_shared<State>();
    m_state->name = std::move(name);
    m_state->limitMs = limitMs;
    Watchdog::instance().add(m_state);
}

ConnectionWatch::~ConnectionWatch()
{
    if (m_state)
        Watchdog::instance().remove(m_state.get());
}

void ConnectionWatch::setSocket(int fd)
{
    if (!m_state)
        return;
    std::lock_guard lock(m_state->mutex);
    m_state->fd = fd;
    m_state->firedThisRound = false;
    // A new connection within one use (a reconnect and a retry) gets a deadline of its own.
    if (m_state->busySinceMs.load(std::memory_order_acquire) != 0)
        m_state->busySinceMs.store(nowMs(), std::memory_order_release);
}

void ConnectionWatch::clearSocket()
{
    if (!m_state)
        return;
    std::lock_guard lock(m_state->mutex);
    m_state->fd = -1;
}

void ConnectionWatch::begin()
{
    if (!m_state || m_depth++ > 0)
        return;
    m_state->busySinceMs.store(nowMs(), std::memory_order_release);
}

void ConnectionWatch::end()
{
    if (!m_state || --m_depth > 0)
        return;
    m_state->busySinceMs.store(0, std::memory_order_release);
    std::lock_guard lock(m_state->mutex);
    m_state->firedThisRound = false;
}

int ConnectionWatch::fired() const
{
    return m_state ? m_state->fired.load(std::memory_order_relaxed) : 0;
}

} // namespace notify
