#include "server/eventloop/epolleventdispatcher.h"

#include <QCoreApplication>
#include <QEvent>
#include <QSocketNotifier>
#include <QThread>
#include <QtDebug>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <limits>

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace notify {

namespace {

// Enough for one batch; with level triggering anything beyond is simply reported by the next
// epoll_wait, and the kernel rotates its ready list so no fd starves.
constexpr int kMaxEventsPerWait = 256;

// QEventDispatcherUNIX wakes every notifier type on hang-up and error, so that Qt's socket
// code reads the error (or the EOF) and reports it.
constexpr quint32 kSlotTriggers[] = {
    EPOLLIN | EPOLLHUP | EPOLLERR,
    EPOLLOUT | EPOLLHUP | EPOLLERR,
    EPOLLPRI | EPOLLHUP | EPOLLERR,
};
constexpr quint32 kSlotInterest[] = {EPOLLIN, EPOLLOUT, EPOLLPRI};

int slotFor(QSocketNotifier::Type type)
{
    switch (type) {
    case QSocketNotifier::Read:
        return 0;
    case QSocketNotifier::Write:
        return 1;
    case QSocketNotifier::Exception:
        return 2;
    }
    return -1;
}

const char *typeName(QSocketNotifier::Type type)
{
    switch (type) {
    case QSocketNotifier::Read:
        return "Read";
    case QSocketNotifier::Write:
        return "Write";
    case QSocketNotifier::Exception:
        return "Exception";
    }
    return "?";
}

int toTimeoutMs(TimerHeap::Clock::duration d)
{
    // Round up: waking a fraction of a millisecond early would just spin once more.
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
    return int(std::clamp<qint64>(ms, 0, std::numeric_limits<int>::max()));
}

} // namespace

// UBSan's vptr check is off in the two functions Qt calls with a notifier (and in
// Listener::onReadable) because it cannot work once the process is out of descriptors: on a
// type-cache miss the sanitizer runtime (gcc 12's libubsan) probes the vtable's memory through
// a pipe() of its own, which fails at EMFILE, and then reports a live notifier as "does not
// point to an object of type 'QSocketNotifier' ... invalid vptr". That was all UBSan found at
// the descriptor limit (test_fdlimit); docs/fuzzing.md has the proof. The price: a notifier
// that Qt really freed would not be reported here (Qt's code, which reads it, is not
// instrumented).
#define NOTIFY_NO_VPTR_CHECK __attribute__((no_sanitize("vptr")))

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
{
    m_epollFd = epoll_create1(EPOLL_CLOEXEC);
    if (m_epollFd < 0) {
        qErrnoWarning("EpollEventDispatcher: epoll_create1 failed");
        return;
    }
    m_wakeFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_wakeFd < 0) {
        qErrnoWarning("EpollEventDispatcher: eventfd failed");
        return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = m_wakeFd;
    if (epoll_ctl(m_epollFd, EPOLL_CTL_ADD, m_wakeFd, &ev) != 0) {
        qErrnoWarning("EpollEventDispatcher: cannot watch the wake-up eventfd");
        ::close(m_wakeFd);
        m_wakeFd = -1;
    }
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    if (m_wakeFd >= 0)
        ::close(m_wakeFd);
    if (m_epollFd >= 0)
        ::close(m_epollFd);
}

bool EpollEventDispatcher::checkThread(const char *what) const
{
    if (thread() == QThread::currentThread())
        return true;
    qWarning("EpollEventDispatcher: %s called from another thread", what);
    return false;
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.store(false, std::memory_order_relaxed);
    emit awake();

    // Public API: sends the posted events of the current thread, like QEventDispatcherUNIX does
    // through its private thread data. Whatever gets posted from here on also writes the
    // eventfd, so the wait below cannot sleep through it.
    QCoreApplication::sendPostedEvents();

    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    const bool canWait = (flags & QEventLoop::WaitForMoreEvents)
                         && !m_interrupted.load(std::memory_order_relaxed);

    if (canWait)
        emit aboutToBlock();

    if (m_interrupted.load(std::memory_order_relaxed))
        return false;

    int timeoutMs = 0;
    if (canWait) {
        timeoutMs = -1;
        if (includeTimers) {
            if (const auto next = m_timers.timeToNext(TimerHeap::Clock::now()))
                timeoutMs = toTimeoutMs(*next);
        }
    }

    int activated = includeNotifiers ? waitAndDispatchSockets(timeoutMs)
                                     : waitForWakeUpOnly(timeoutMs);
    if (includeTimers)
        activated += m_timers.activate(TimerHeap::Clock::now());
    return activated > 0;
}

int EpollEventDispatcher::waitAndDispatchSockets(int timeoutMs)
{
    if (!isValid())
        return 0;

    // On the stack, not a member: a handler may run a nested event loop, which must not
    // overwrite the batch this frame is still walking.
    std::array<epoll_event, kMaxEventsPerWait> events;
    const int n = epoll_wait(m_epollFd, events.data(), kMaxEventsPerWait, timeoutMs);
    if (n < 0) {
        if (errno != EINTR)
            qErrnoWarning("EpollEventDispatcher: epoll_wait failed");
        return 0;
    }

    int woken = 0;
    // Mark first, deliver second (as QEventDispatcherUNIX does): the pending flags are what
    // lets unregistration during the batch cancel a delivery in O(1).
    for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == m_wakeFd) {
            consumeWakeUp();
            woken = 1;
            continue;
        }
        auto it = m_fds.find(fd);
        if (it == m_fds.end())
            continue;
        FdEntry &entry = it->second;
        for (int slot = 0; slot < SlotCount; ++slot) {
            if (entry.notifiers[slot] && (events[i].events & kSlotTriggers[slot]))
                entry.pending[slot] = true;
        }
    }

    int activated = 0;
    QEvent event(QEvent::SockAct);
    for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == m_wakeFd)
            continue;
        for (int slot = 0; slot < SlotCount; ++slot) {
            // Look up again for each delivery: the previous handler may have removed the
            // entry, and the map may have rehashed.
            auto it = m_fds.find(fd);
            if (it == m_fds.end())
                break;
            FdEntry &entry = it->second;
            if (!entry.pending[slot])
                continue;
            entry.pending[slot] = false;
            QSocketNotifier *notifier = entry.notifiers[slot];
            if (!notifier)
                continue;
            QCoreApplication::sendEvent(notifier, &event);
            ++activated;
        }
    }
    return activated + woken;
}

int EpollEventDispatcher::waitForWakeUpOnly(int timeoutMs)
{
    if (!isValid())
        return 0;
    // Ready sockets would make epoll_wait return at once (level-triggered) and turn an
    // ExcludeSocketNotifiers wait into a busy loop, so wait on the eventfd alone.
    pollfd pfd{m_wakeFd, POLLIN, 0};
    const int n = ::poll(&pfd, 1, timeoutMs);
    if (n < 0) {
        if (errno != EINTR)
            qErrnoWarning("EpollEventDispatcher: poll failed");
        return 0;
    }
    if (n > 0 && (pfd.revents & POLLIN)) {
        consumeWakeUp();
        return 1;
    }
    return 0;
}

void EpollEventDispatcher::consumeWakeUp()
{
    eventfd_t value = 0;
    // Reading before clearing the flag is safe: a wakeUp() that sees the flag still set
    // posted its event before we get back to sendPostedEvents() at the next iteration.
    (void)eventfd_read(m_wakeFd, &value);
    m_wakeUpPending.store(false, std::memory_order_release);
}

void EpollEventDispatcher::wakeUp()
{
    if (m_wakeFd < 0)
        return;
    // One write per sleep is enough; posting many events costs one syscall, not many.
    if (!m_wakeUpPending.exchange(true, std::memory_order_acq_rel))
        (void)eventfd_write(m_wakeFd, 1);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.store(true, std::memory_order_relaxed);
    wakeUp();
}

NOTIFY_NO_VPTR_CHECK void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    Q_ASSERT(notifier);
    const int fd = int(notifier->socket());
    const int slot = slotFor(notifier->type());
    if (fd < 0 || slot < 0) {
        qWarning("EpollEventDispatcher: cannot register a notifier for invalid socket %d", fd);
        return;
    }
    if (notifier->thread() != thread() || thread() != QThread::currentThread()) {
        qWarning("EpollEventDispatcher: socket notifiers cannot be enabled from another thread");
        return;
    }

    FdEntry &entry = m_fds[fd];
    if (entry.notifiers[slot] && entry.notifiers[slot] != notifier) {
        qWarning("EpollEventDispatcher: multiple socket notifiers for socket %d and type %s",
                 fd, typeName(notifier->type()));
    }
    entry.notifiers[slot] = notifier;
    entry.pending[slot] = false;
    updateInterest(fd, entry);
}

NOTIFY_NO_VPTR_CHECK void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    Q_ASSERT(notifier);
    const int fd = int(notifier->socket());
    const int slot = slotFor(notifier->type());
    if (fd < 0 || slot < 0)
        return;
    if (notifier->thread() != thread() || thread() != QThread::currentThread()) {
        qWarning("EpollEventDispatcher: socket notifiers cannot be disabled from another thread");
        return;
    }

    auto it = m_fds.find(fd);
    if (it == m_fds.end())
        return;
    FdEntry &entry = it->second;
    if (entry.notifiers[slot] != notifier)
        return;
    entry.notifiers[slot] = nullptr;
    entry.pending[slot] = false;
    updateInterest(fd, entry);

    if (!entry.notifiers[ReadSlot] && !entry.notifiers[WriteSlot]
        && !entry.notifiers[ExceptionSlot]) {
        m_fds.erase(it);
    }
}

void EpollEventDispatcher::updateInterest(int fd, FdEntry &entry)
{
    quint32 wanted = 0;
    for (int slot = 0; slot < SlotCount; ++slot) {
        if (entry.notifiers[slot])
            wanted |= kSlotInterest[slot];
    }
    if (wanted == entry.kernelEvents || m_epollFd < 0)
        return;

    if (wanted == 0) {
        // EBADF/ENOENT: the fd was closed first, which already removed it from the set.
        epoll_ctl(m_epollFd, EPOLL_CTL_DEL, fd, nullptr);
        entry.kernelEvents = 0;
        return;
    }

    epoll_event ev{};
    ev.events = wanted;
    ev.data.fd = fd;
    int op = entry.kernelEvents ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    int rc = epoll_ctl(m_epollFd, op, fd, &ev);
    // The fd may have been closed and reused behind our back (the kernel dropped it from the
    // set) or added by an earlier registration we lost track of: retry with the other op.
    if (rc != 0 && op == EPOLL_CTL_MOD && errno == ENOENT)
        rc = epoll_ctl(m_epollFd, op = EPOLL_CTL_ADD, fd, &ev);
    else if (rc != 0 && op == EPOLL_CTL_ADD && errno == EEXIST)
        rc = epoll_ctl(m_epollFd, op = EPOLL_CTL_MOD, fd, &ev);
    if (rc != 0) {
        // EPERM: regular files and directories cannot be watched; poll() would call them
        // always ready, but a notifier on them is a programming error anyway.
        qErrnoWarning("EpollEventDispatcher: cannot watch socket %d", fd);
        entry.kernelEvents = 0;
        return;
    }
    entry.kernelEvents = wanted;
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject *object)
{
    if (timerId < 1 || interval < 0 || !object) {
        qWarning("EpollEventDispatcher::registerTimer: invalid arguments");
        return;
    }
    if (object->thread() != thread()) {
        qWarning("EpollEventDispatcher: timers cannot be started for an object of another thread");
        return;
    }
    if (!checkThread("registerTimer"))
        return;
    m_timers.add(timerId, interval, timerType, object, TimerHeap::Clock::now());
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    if (timerId < 1 || !checkThread("unregisterTimer"))
        return false;
    return m_timers.remove(timerId);
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    if (!object || !checkThread("unregisterTimers"))
        return false;
    return m_timers.removeAll(object);
}

QList<QAbstractEventDispatcher::TimerInfo>
EpollEventDispatcher::registeredTimers(QObject *object) const
{
    if (!object)
        return {};
    return m_timers.timersFor(object);
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    if (timerId < 1)
        return -1;
    return m_timers.remainingMs(timerId, TimerHeap::Clock::now());
}

} // namespace notify
