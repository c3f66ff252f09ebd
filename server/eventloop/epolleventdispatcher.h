#pragma once

#include "server/eventloop/timerheap.h"

#include <QAbstractEventDispatcher>

#include <atomic>
#include <unordered_map>

class QSocketNotifier;

namespace notify {

// A Linux epoll event dispatcher for the shard threads. Qt's glib dispatcher toggles a socket's
// write notifier in O(sockets) and QEventDispatcherUNIX polls every fd on each wake-up; here
// notifier changes are one epoll_ctl and a wake-up costs O(ready fds), so the cost per frame
// stays flat with the number of connections.
//
// Level-triggered, matching QSocketNotifier semantics: a notifier keeps firing while its
// condition holds. Posted events and cross-thread wake-ups use an eventfd; timers live in a
// heap and bound the epoll_wait timeout.
//
// Install it before the thread starts; the thread takes ownership and deletes it:
//     auto *thread = new QThread;
//     thread->setEventDispatcher(new notify::EpollEventDispatcher);
//     thread->start();
class EpollEventDispatcher final : public QAbstractEventDispatcher
{
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    // Thread-safe.
    void wakeUp() override;
    // Thread-safe: the current or next processEvents() returns without dispatching.
    void interrupt() override;

    // False when the epoll or eventfd descriptor could not be created (fd exhaustion);
    // such a dispatcher dispatches nothing and must not be installed.
    bool isValid() const { return m_epollFd >= 0 && m_wakeFd >= 0; }

    // Number of file descriptors with at least one registered notifier.
    std::size_t watchedDescriptorCount() const { return m_fds.size(); }

private:
    enum { ReadSlot, WriteSlot, ExceptionSlot, SlotCount };

    struct FdEntry
    {
        QSocketNotifier *notifiers[SlotCount] = {};
        // Set from one epoll batch and cleared on delivery or unregistration, so that a
        // notifier removed (or replaced on a reused fd) during the batch never gets a stale
        // activation.
        bool pending[SlotCount] = {};
        quint32 kernelEvents = 0; // the interest mask epoll currently has, 0 when not added
    };

    void updateInterest(int fd, FdEntry &entry);
    int waitAndDispatchSockets(int timeoutMs);
    int waitForWakeUpOnly(int timeoutMs);
    void consumeWakeUp();
    bool checkThread(const char *what) const;

    int m_epollFd = -1;
    int m_wakeFd = -1;
    std::atomic<bool> m_wakeUpPending{false};
    std::atomic<bool> m_interrupted{false};
    std::unordered_map<int, FdEntry> m_fds;
    TimerHeap m_timers;
};

} // namespace notify
