#include "server/eventloop/timerheap.h"

#include <QCoreApplication>
#include <QTimerEvent>

#include <algorithm>
#include <limits>

namespace notify {

using namespace std::chrono;

namespace {

// Coarse timers may fire up to 5% late (Qt's documented accuracy). Rounding the deadline up to
// a shared grid lets timers with similar deadlines expire in the same wake-up.
TimerHeap::TimePoint roundUpCoarse(TimerHeap::TimePoint t, qint64 intervalMs)
{
    static constexpr qint64 grids[] = {1000, 500, 250, 100, 50, 25, 10, 5, 2, 1};
    const qint64 slackMs = intervalMs / 20;
    for (qint64 grid : grids) {
        if (grid <= slackMs) {
            const auto step = duration_cast<TimerHeap::Clock::duration>(milliseconds(grid));
            const auto since = t.time_since_epoch();
            const auto rem = since % step;
            return rem == TimerHeap::Clock::duration::zero() ? t : t + (step - rem);
        }
    }
    return t;
}

TimerHeap::TimePoint roundUpSecond(TimerHeap::TimePoint t)
{
    const auto since = t.time_since_epoch();
    const auto rem = since % seconds(1);
    return rem == TimerHeap::Clock::duration::zero() ? t : t + (seconds(1) - rem);
}

// Mirrors QTimerInfoList: short coarse timers are precise (5% is under 1 ms), long ones very
// coarse (5% is over a second).
Qt::TimerType effectiveType(qint64 intervalMs, Qt::TimerType requested)
{
    if (requested == Qt::CoarseTimer) {
        if (intervalMs <= 20)
            return Qt::PreciseTimer;
        if (intervalMs >= 20000)
            return Qt::VeryCoarseTimer;
    }
    return requested;
}

milliseconds effectiveInterval(qint64 intervalMs, Qt::TimerType type)
{
    if (type == Qt::VeryCoarseTimer)
        return seconds((intervalMs + 500) / 1000); // whole seconds, like Qt
    return milliseconds(intervalMs);
}

} // namespace

TimerHeap::~TimerHeap()
{
    // A dispatcher destroyed from inside a timer's handler must not leave that frame
    // pointing into freed memory.
    for (auto &entry : m_timers) {
        if (entry.second.activeRef)
            *entry.second.activeRef = nullptr;
    }
}

void TimerHeap::add(int timerId, qint64 intervalMs, Qt::TimerType type, QObject *object,
                    TimePoint now)
{
    if (m_timers.count(timerId) != 0)
        remove(timerId);

    intervalMs = std::max<qint64>(intervalMs, 0);
    Timer &timer = m_timers[timerId];
    timer.id = timerId;
    timer.interval = intervalMs;
    timer.requestedType = type;
    timer.type = effectiveType(intervalMs, type);
    timer.object = object;
    timer.nominal = now;
    schedule(timer, now, now);
    heapPush(&timer);
    m_byObject[object].push_back(timerId);
}

void TimerHeap::schedule(Timer &timer, TimePoint base, TimePoint now)
{
    const auto interval = effectiveInterval(timer.interval, timer.type);
    timer.nominal = base + interval;
    // A timer that fell behind (the thread was busy) skips the missed periods instead of
    // firing in a burst, as Qt does.
    if (timer.nominal < now)
        timer.nominal = now + interval;

    switch (timer.type) {
    case Qt::PreciseTimer:
        timer.deadline = timer.nominal;
        break;
    case Qt::CoarseTimer:
        timer.deadline = roundUpCoarse(timer.nominal, timer.interval);
        break;
    case Qt::VeryCoarseTimer:
        timer.deadline = roundUpSecond(timer.nominal);
        break;
    }
    // Strictly after the last activation pass: a zero-interval timer (re)started during a
    // pass fires in the next pass, never twice in one, so it cannot starve sockets.
    if (timer.deadline <= m_lastActivation)
        timer.deadline = m_lastActivation + Clock::duration(1);
}

bool TimerHeap::remove(int timerId)
{
    auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return false;
    Timer &timer = it->second;
    auto objIt = m_byObject.find(timer.object);
    if (objIt != m_byObject.end()) {
        auto &ids = objIt->second;
        ids.erase(std::remove(ids.begin(), ids.end(), timerId), ids.end());
        if (ids.empty())
            m_byObject.erase(objIt);
    }
    forget(timer);
    m_timers.erase(it);
    return true;
}

bool TimerHeap::removeAll(QObject *object)
{
    auto objIt = m_byObject.find(object);
    if (objIt == m_byObject.end())
        return false;
    const std::vector<int> ids = std::move(objIt->second);
    m_byObject.erase(objIt);
    for (int id : ids) {
        auto it = m_timers.find(id);
        if (it == m_timers.end())
            continue;
        forget(it->second);
        m_timers.erase(it);
    }
    return true;
}

void TimerHeap::forget(Timer &timer)
{
    heapErase(&timer);
    if (timer.activeRef)
        *timer.activeRef = nullptr;
}

QList<QAbstractEventDispatcher::TimerInfo> TimerHeap::timersFor(QObject *object) const
{
    QList<QAbstractEventDispatcher::TimerInfo> list;
    auto objIt = m_byObject.find(object);
    if (objIt == m_byObject.end())
        return list;
    for (int id : objIt->second) {
        const Timer &timer = m_timers.at(id);
        const int interval = int(std::min<qint64>(timer.interval,
                                                  std::numeric_limits<int>::max()));
        list.append({timer.id, interval, timer.requestedType});
    }
    return list;
}

int TimerHeap::remainingMs(int timerId, TimePoint now) const
{
    auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return -1;
    const auto left = it->second.deadline - now;
    if (left <= Clock::duration::zero())
        return 0;
    const auto ms = duration_cast<milliseconds>(left).count();
    return int(std::min<qint64>(ms, std::numeric_limits<int>::max()));
}

std::optional<TimerHeap::Clock::duration> TimerHeap::timeToNext(TimePoint now) const
{
    if (m_heap.empty())
        return std::nullopt;
    const auto left = m_heap.front()->deadline - now;
    return std::max(left, Clock::duration::zero());
}

int TimerHeap::activate(TimePoint now)
{
    m_lastActivation = std::max(m_lastActivation, now);
    int fired = 0;
    while (!m_heap.empty()) {
        Timer *timer = m_heap.front();
        if (timer->deadline > now)
            break;

        // Reschedule before delivery, so the handler may kill or restart the timer, and so
        // each timer fires at most once per pass (its new deadline is after `now`).
        schedule(*timer, timer->nominal, now);
        siftDown(0);
        if (timer->interval > 0)
            ++fired;

        // A handler that spins a nested event loop must not get its own timer again.
        if (timer->activeRef)
            continue;
        Timer *current = timer;
        timer->activeRef = &current;
        QTimerEvent event(timer->id);
        QCoreApplication::sendEvent(timer->object, &event);
        if (current) // cleared by remove() if the handler killed the timer
            current->activeRef = nullptr;
    }
    return fired;
}

void TimerHeap::heapPush(Timer *timer)
{
    m_heap.push_back(timer);
    timer->heapIndex = m_heap.size() - 1;
    siftUp(timer->heapIndex);
}

void TimerHeap::heapErase(Timer *timer)
{
    const std::size_t index = timer->heapIndex;
    if (index >= m_heap.size() || m_heap[index] != timer)
        return;
    Timer *last = m_heap.back();
    m_heap.pop_back();
    if (index == m_heap.size())
        return;
    place(index, last);
    siftUp(index);
    siftDown(last->heapIndex);
}

void TimerHeap::place(std::size_t index, Timer *timer)
{
    m_heap[index] = timer;
    timer->heapIndex = index;
}

void TimerHeap::siftUp(std::size_t index)
{
    Timer *timer = m_heap[index];
    while (index > 0) {
        const std::size_t parent = (index - 1) / 2;
        if (!(timer->deadline < m_heap[parent]->deadline))
            break;
        place(index, m_heap[parent]);
        index = parent;
    }
    place(index, timer);
}

void TimerHeap::siftDown(std::size_t index)
{
    const std::size_t n = m_heap.size();
    Timer *timer = m_heap[index];
    for (;;) {
        std::size_t child = 2 * index + 1;
        if (child >= n)
            break;
        if (child + 1 < n && m_heap[child + 1]->deadline < m_heap[child]->deadline)
            ++child;
        if (!(m_heap[child]->deadline < timer->deadline))
            break;
        place(index, m_heap[child]);
        index = child;
    }
    place(index, timer);
}

} // namespace notify
