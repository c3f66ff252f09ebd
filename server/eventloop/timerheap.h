#pragma once

#include <QAbstractEventDispatcher>
#include <QList>

#include <chrono>
#include <cstddef>
#include <optional>
#include <unordered_map>
#include <vector>

class QObject;

namespace notify {

// The timers of one event dispatcher: an indexed binary min-heap by deadline, so that start,
// kill and restart are O(log n) and stale entries never pile up (connection idle timers are
// restarted on every message). Not thread-safe: used only from the dispatcher's thread.
class TimerHeap
{
public:
    using Clock = std::chrono::steady_clock;
    using TimePoint = Clock::time_point;

    TimerHeap() = default;
    TimerHeap(const TimerHeap &) = delete;
    TimerHeap &operator=(const TimerHeap &) = delete;
    ~TimerHeap();

    void add(int timerId, qint64 intervalMs, Qt::TimerType type, QObject *object, TimePoint now);
    bool remove(int timerId);
    bool removeAll(QObject *object);

    QList<QAbstractEventDispatcher::TimerInfo> timersFor(QObject *object) const;
    // Milliseconds until the timer is due, 0 if overdue, -1 if there is no such timer.
    int remainingMs(int timerId, TimePoint now) const;
    // How long until the nearest deadline, or nothing when there are no timers.
    std::optional<Clock::duration> timeToNext(TimePoint now) const;

    // Sends a QTimerEvent to every timer due at `now`, each at most once per call, and
    // reschedules it. Returns the number of timers with a non-zero interval that fired,
    // which is what QEventDispatcherUNIX counts as "processed events".
    int activate(TimePoint now);

    std::size_t size() const { return m_timers.size(); }
    bool isEmpty() const { return m_timers.empty(); }

private:
    struct Timer
    {
        int id = 0;
        qint64 interval = 0;         // as requested, in ms
        Qt::TimerType requestedType = Qt::CoarseTimer;
        Qt::TimerType type = Qt::CoarseTimer; // effective, after Qt's coarse/precise rules
        QObject *object = nullptr;
        TimePoint nominal;           // the ideal expiry, kept so coarse rounding never drifts
        TimePoint deadline;          // when it really fires
        std::size_t heapIndex = 0;
        Timer **activeRef = nullptr; // set while its QTimerEvent is being delivered
    };

    void schedule(Timer &timer, TimePoint base, TimePoint now);
    void heapPush(Timer *timer);
    void heapErase(Timer *timer);
    void siftUp(std::size_t index);
    void siftDown(std::size_t index);
    void place(std::size_t index, Timer *timer);
    void forget(Timer &timer);

    std::unordered_map<int, Timer> m_timers; // node-based: Timer addresses stay valid
    std::vector<Timer *> m_heap;
    std::unordered_map<QObject *, std::vector<int>> m_byObject;
    TimePoint m_lastActivation{};
};

} // namespace notify
