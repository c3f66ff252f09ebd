#pragma once

#include "server/storage/commitsink.h"
#include "shared/model/notification.h"
#include "shared/store/store.h"

#include <QHash>
#include <QMutex>
#include <QThread>
#include <QWaitCondition>

#include <array>
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace notify {

class Metrics;

// A thread that owns one Store connection and runs jobs on it in order, so that no SQL ever
// runs on a shard thread or the HTTP thread. Jobs get the Store; results go back to the
// caller's thread by the caller's own means (see postTo in util/posting.h).
//
// The writer is a StoreWorker with group commit: consecutive insert jobs waiting in the
// queue are merged into one transaction (one fsync on SQLite), then split back per job. A
// group that starts with a small request stays small while commits are cheap
// (storeworker.cpp says why).
class StoreWorker : public QThread
{
public:
    using Job = std::function<void(Store &)>;

    struct InsertReply
    {
        // Each created one with its recipient's unread count right after it (unreadCountAfter).
        std::vector<InsertOutcome> outcomes;
        // The connections of this node the created ones went to, as the commit sink counted
        // them; -1 when it did not (DeliveryHub::connectionsReached counts them then).
        int connectionsReached = -1;
    };
    using InsertDone = std::function<void(const StoreResult<InsertReply> &)>;

    StoreWorker(StoreConfig config, QString name, Metrics *metrics = nullptr);
    ~StoreWorker() override;

    // Starts the thread, opens the store (and migrates it when asked) and waits for that.
    StoreResult<Done> startAndOpen(bool migrate);

    void post(Job job);
    // false, and done is never called, when maxQueuedJobs are already waiting. A job whose
    // `cancelled` is set before the writer takes it is skipped (done gets a timeout error).
    bool postInsert(std::vector<NewNotification> items, InsertDone done,
                    std::shared_ptr<std::atomic<bool>> cancelled = nullptr);
    // The bound of the queue in front of the writer (docs/configuration.md, "Fixed limits").
    static constexpr size_t maxQueuedJobs = 10000;
    // Where each committed group goes (commitsink.h). Set once at start-up, before the
    // first insert is posted; the writer reads it after each commit.
    void setCommitSink(CommitSink *sink) { m_commitSink.store(sink, std::memory_order_release); }

    // Any thread: what the delivery hub pushed (Store::recordPushes), recorded in batches
    // and never on the caller's thread: they ride on the next insert group's transaction,
    // or, when none comes within pushLingerMs, go in one transaction of their own. At most
    // maxPendingPushes wait; more are dropped (the console then reads "not recorded").
    void recordPushes(std::vector<PushRecord> pushes);
    static constexpr size_t maxPendingPushes = 100000;
    static constexpr int pushLingerMs = 20;
    // Told on the writer thread of each batch of pushes once committed (the admin channel's
    // user watch, through the hub). Set once at start-up.
    using PushesRecorded = std::function<void(const std::vector<PushRecord> &)>;
    void setPushesRecorded(PushesRecorded fn) { m_pushesRecorded = std::move(fn); }

    // Small requests are committed in slices (storeworker.cpp) only while a small group
    // commits in less than this (the fastest of the last 16): each slice is one more commit.
    // On SQLite with a local disk most such groups take under 1 ms; on PostgreSQL, where a
    // commit is round trips to the server, none took under 2 ms, and slicing there cost the
    // latency run a fifth of its throughput and added 10-20 ms to publish->receive
    // (bench/notes.md, "A backlog commits in slices"); a disk whose fsync takes milliseconds
    // would fare the same. Before start(); tests set it.
    void setSliceCostLimit(qint64 ns) { m_sliceCostLimitNs = ns; }
    static constexpr qint64 defaultSliceCostLimitNs = 2'000'000;

    // A fault of the environment that the last write met (a full disk, a read-only, locked
    // or damaged database; StoreError::Cause), Other when the last write went through. Set by
    // a failed insert group or probe, cleared by a committed one; damage, which any job may
    // meet, a reader's too, stays until a restart (docs/operations.md, "When things fail").
    // Any thread.
    StoreError::Cause fault() const
    {
        return StoreError::Cause(m_fault.load(std::memory_order_acquire));
    }
    // While fault() is set (and is not damage): posts one Store::probeWrite, which clears
    // the fault when the write goes through again. At most one probe is queued at a time.
    void probeFault();
    // Before start(): the worker whose fault() this one's damage is reported to (a reader
    // reports to the writer); none: its own.
    void setFaultOwner(StoreWorker *owner) { m_faultOwner = owner; }

    // Runs every job already queued, then ends the thread. Blocks until it has.
    void drainAndStop();
    int pending() const;

protected:
    void run() override;

private:
    struct InsertJob
    {
        std::vector<NewNotification> items;
        InsertDone done;
        std::shared_ptr<std::atomic<bool>> cancelled;
    };
    struct Item
    {
        Job job; // either a plain job...
        std::unique_ptr<InsertJob> insert; // ...or an insert that may join a group
    };
    void runInsertGroup(Store &store, std::vector<std::unique_ptr<InsertJob>> &group,
                        std::vector<PushRecord> &pushes);
    void writePushes(Store &store, std::vector<PushRecord> &pushes);
    bool slicesPay() const;
    // What a write's outcome (or damage a job met) says about the environment. Any thread.
    void noteWrite(const std::optional<StoreError> &error);
    size_t groupRowLimit(size_t firstRequestRows) const;

    StoreConfig m_config;
    QString m_name;
    Metrics *m_metrics;
    StoreWorker *m_faultOwner = nullptr;
    std::atomic<CommitSink *> m_commitSink {nullptr};
    std::atomic<int> m_fault {int(StoreError::Cause::Other)};
    std::atomic<bool> m_probeQueued {false};
    qint64 m_sliceCostLimitNs = defaultSliceCostLimitNs;
    // The writer thread's own: how long its last small groups took, a ring.
    static constexpr size_t smallGroupHistory = 16;
    std::array<qint64, smallGroupHistory> m_smallGroupNs {};
    size_t m_smallGroupCount = 0;

    mutable QMutex m_mutex;
    QWaitCondition m_wake;
    QWaitCondition m_opened;
    std::deque<Item> m_queue;
    std::vector<PushRecord> m_pushes;
    PushesRecorded m_pushesRecorded;
    bool m_stopping = false;
    bool m_openDone = false;
    bool m_migrate = false;
    std::unique_ptr<StoreResult<Done>> m_openResult;
};

// A few reader threads, each with its own connection, taking jobs round-robin.
class ReaderPool
{
public:
    ReaderPool(const StoreConfig &config, int size);
    StoreResult<Done> start();
    // Before start(): StoreWorker::setFaultOwner for each reader.
    void setFaultOwner(StoreWorker *owner);
    void post(StoreWorker::Job job);
    void stop();

private:
    std::vector<std::unique_ptr<StoreWorker>> m_workers;
    std::atomic<unsigned> m_next {0};
};

} // namespace notify
