#include "server/storage/storeworker.h"

#include "server/log/logging.h"
#include "server/metrics/metrics.h"
#include "server/util/clock.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QHash>

#include <algorithm>
#include <iterator>

namespace notify {

namespace {

// The store reports, in each created outcome, its recipient's unread count after the whole
// group; this turns it into the count right after that notification (the after-group count
// less the recipient's notifications later in the group), in place, and returns how many
// outcomes were created.
quint64 countAfterEach(std::vector<InsertOutcome> &outcomes)
{
    // Backwards through the group: the latest outcome of a recipient keeps its count, and
    // each earlier one had one fewer unread.
    QHash<Recipient, InboxCounts> remaining;
    quint64 created = 0;
    for (size_t i = outcomes.size(); i-- > 0;) {
        InsertOutcome &o = outcomes[i];
        if (!o.created)
            continue;
        ++created;
        auto it = remaining.find(o.notification.recipient);
        if (it == remaining.end())
            it = remaining.insert(o.notification.recipient,
                                  InboxCounts {o.unreadCountAfter, o.unseenCountAfter});
        o.unreadCountAfter = it->unread;
        o.unseenCountAfter = it->unseen;
        it->unread = qMax<qint64>(0, it->unread - 1);
        it->unseen = qMax<qint64>(0, it->unseen - 1);
    }
    return created;
}

constexpr bool sameName(const char *a, const char *b)
{
    while (*a != 0 && *a == *b) {
        ++a;
        ++b;
    }
    return *a == *b;
}

constexpr bool faultKindsMatch()
{
    for (int i = 0; i < int(std::size(Metrics::storeFaultKinds)); ++i) {
        if (!sameName(Metrics::storeFaultKinds[i], storeCauseName(StoreError::Cause(i + 1))))
            return false;
    }
    return sameName(storeCauseName(StoreError::Cause(std::size(Metrics::storeFaultKinds) + 1)), "");
}
static_assert(faultKindsMatch(), "Metrics::storeFaultKinds follows StoreError::Cause");

} // namespace

namespace {
// A group's first rows wait for its last ones: nothing is sent before the whole group is
// committed. Requests of fewer than smallGroupRows rows (an interactive publish) share a
// transaction only up to that many rows, a fraction of a millisecond of inserts. A backlog
// of them, as after a WAL checkpoint has held the writer for tens of milliseconds, is then
// committed in slices that the shards send while the writer inserts the next one, instead
// of one transaction of hundreds of rows that nothing is sent from until its end
// (bench/notes.md, "A backlog commits in slices").
// Each slice costs a commit, so this holds only while commits are cheap
// (StoreWorker::setSliceCostLimit).
// A larger request already amortizes its own fsync, but bulk publishers still gain from
// sharing one (8 publishers of 100 rows persist 15% less per second one request per
// transaction), so a group that starts with one goes on up to maxGroupRows: large enough to
// pay one fsync for many requests, small enough that one transaction never holds the write
// lock for long.
constexpr size_t smallGroupRows = 32;
constexpr size_t maxGroupRows = 2000;
} // namespace

bool StoreWorker::slicesPay() const
{
    // The fastest of the last small groups: what a commit itself costs. A busy CPU, the
    // shards sending the previous slice, a WAL checkpoint only make a commit slower, and
    // must not turn slices off just when a backlog needs them.
    const size_t n = std::min(m_smallGroupCount, m_smallGroupNs.size());
    return n == 0
        || *std::min_element(m_smallGroupNs.begin(), m_smallGroupNs.begin() + n)
        < m_sliceCostLimitNs;
}

size_t StoreWorker::groupRowLimit(size_t firstRequestRows) const
{
    return firstRequestRows < smallGroupRows && slicesPay() ? smallGroupRows : maxGroupRows;
}

StoreWorker::StoreWorker(StoreConfig config, QString name, Metrics *metrics)
    : m_config(std::move(config))
    , m_name(std::move(name))
    , m_metrics(metrics)
{
    setObjectName(m_name);
}

StoreWorker::~StoreWorker()
{
    drainAndStop();
}

StoreResult<Done> StoreWorker::startAndOpen(bool migrate)
{
    QMutexLocker lock(&m_mutex);
    m_migrate = migrate;
    start();
    while (!m_openDone)
        m_opened.wait(&m_mutex);
    return *m_openResult;
}

void StoreWorker::post(Job job)
{
    QMutexLocker lock(&m_mutex);
    m_queue.push_back(Item {std::move(job), nullptr});
    m_wake.wakeOne();
}

bool StoreWorker::postInsert(std::vector<NewNotification> items, InsertDone done,
                             std::shared_ptr<std::atomic<bool>> cancelled)
{
    QMutexLocker lock(&m_mutex);
    if (m_queue.size() >= maxQueuedJobs)
        return false;
    m_queue.push_back(Item {nullptr,
                            std::make_unique<InsertJob>(InsertJob {
                                std::move(items), std::move(done), std::move(cancelled)})});
    m_wake.wakeOne();
    return true;
}

void StoreWorker::recordPushes(std::vector<PushRecord> pushes)
{
    QMutexLocker lock(&m_mutex);
    if (m_pushes.size() + pushes.size() > maxPendingPushes)
        return;
    if (m_pushes.empty())
        m_pushes = std::move(pushes);
    else
        std::move(pushes.begin(), pushes.end(), std::back_inserter(m_pushes));
    m_wake.wakeOne();
}

void StoreWorker::drainAndStop()
{
    {
        QMutexLocker lock(&m_mutex);
        m_stopping = true;
        m_wake.wakeAll();
    }
    if (isRunning())
        wait();
}

int StoreWorker::pending() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_queue.size());
}

void StoreWorker::run()
{
    auto opened = Store::open(m_config, m_name);
    std::unique_ptr<Store> store;
    StoreResult<Done> openResult = Done {};
    if (!opened.ok()) {
        openResult = opened.error();
    } else {
        store = std::move(opened.value());
        if (m_migrate) {
            auto migrated = store->migrate();
            if (!migrated.ok())
                openResult = migrated.error();
        }
    }
    {
        QMutexLocker lock(&m_mutex);
        m_openResult = std::make_unique<StoreResult<Done>>(openResult);
        m_openDone = true;
        m_opened.wakeAll();
    }
    if (!openResult.ok())
        return;

    for (;;) {
        Job job;
        std::vector<std::unique_ptr<InsertJob>> group, skipped;
        std::vector<PushRecord> pushes;
        {
            QMutexLocker lock(&m_mutex);
            // Pushes waiting linger a moment for an insert group to ride on.
            QDeadlineTimer linger(QDeadlineTimer::Forever);
            while (m_queue.empty() && !m_stopping) {
                if (m_pushes.empty()) {
                    m_wake.wait(&m_mutex);
                    continue;
                }
                if (linger.isForever())
                    linger.setRemainingTime(pushLingerMs);
                if (linger.hasExpired())
                    break;
                m_wake.wait(&m_mutex, linger);
            }
            if (m_queue.empty() && m_pushes.empty())
                break; // stopping, and the queue is drained
            if (m_queue.empty()) {
                pushes.swap(m_pushes);
            } else if (m_queue.front().insert) {
                pushes.swap(m_pushes);
                const size_t limit = groupRowLimit(m_queue.front().insert->items.size());
                size_t rows = 0;
                while (!m_queue.empty() && m_queue.front().insert
                       && (group.empty() || rows + m_queue.front().insert->items.size() <= limit)) {
                    std::unique_ptr<InsertJob> insert = std::move(m_queue.front().insert);
                    m_queue.pop_front();
                    // Answered already (storage_timeout): not stored at all.
                    if (insert->cancelled && insert->cancelled->load(std::memory_order_acquire)) {
                        skipped.push_back(std::move(insert));
                        continue;
                    }
                    rows += insert->items.size();
                    group.push_back(std::move(insert));
                }
            } else {
                job = std::move(m_queue.front().job);
                m_queue.pop_front();
            }
        }
        if (!skipped.empty()) {
            StoreError timedOut = StoreError::unavailable(
                QStringLiteral("answered storage_timeout before the writer took it"));
            timedOut.cause = StoreError::Cause::Timeout;
            for (const auto &insert : skipped)
                insert->done(StoreResult<InsertReply>(timedOut));
        }
        if (job)
            job(*store);
        else if (!group.empty())
            runInsertGroup(*store, group, pushes);
        else if (!pushes.empty())
            writePushes(*store, pushes);
        // Whatever met it, a read too: damage is the node's fault to report.
        if (std::optional<StoreError> damage = store->takeDamage())
            (m_faultOwner ? m_faultOwner : this)->noteWrite(damage);
    }
    store.reset();
}

void StoreWorker::writePushes(Store &store, std::vector<PushRecord> &pushes)
{
    // Advisory figures: a failure loses them (the console says "not recorded") and is
    // not a fault of the environment that the inserts would not meet too.
    if (store.recordPushes(pushes).ok() && m_pushesRecorded)
        m_pushesRecorded(pushes);
}

void StoreWorker::runInsertGroup(Store &store, std::vector<std::unique_ptr<InsertJob>> &group,
                                 std::vector<PushRecord> &pushes)
{
    // The drafts are moved, not copied: each is a dozen shared strings and a JSON object,
    // and the jobs only need their sizes once the group is formed.
    std::vector<NewNotification> all;
    std::vector<size_t> sizes;
    sizes.reserve(group.size());
    size_t total = 0;
    for (const auto &job : group)
        total += job->items.size();
    all.reserve(total);
    for (const auto &job : group) {
        sizes.push_back(job->items.size());
        std::move(job->items.begin(), job->items.end(), std::back_inserter(all));
        job->items.clear();
    }

    QElapsedTimer timer;
    timer.start();
    auto result = store.insertBatch(all, QDateTime::currentDateTimeUtc(), pushes);
    noteWrite(result.ok() ? std::nullopt : std::optional<StoreError>(result.error()));
    if (!result.ok()) {
        const StoreResult<InsertReply> failure(result.error());
        for (const auto &job : group)
            job->done(failure);
        return;
    }
    const qint64 elapsedNs = timer.nsecsElapsed();
    if (all.size() <= smallGroupRows)
        m_smallGroupNs[m_smallGroupCount++ % m_smallGroupNs.size()] = elapsedNs;
    if (m_metrics) {
        m_metrics->storeCommitTime.observe(double(elapsedNs) / 1e9);
        m_metrics->storeBatchSize.observe(double(all.size()));
    }
    const qint64 committedAt = steadyNowNs();
    if (!pushes.empty() && m_pushesRecorded)
        m_pushesRecorded(pushes);

    // The store reports each recipient's count after the batch in its outcomes: no need to
    // read it back. What the sink and the replies carry is the count right after each
    // notification, worked out here once for the group.
    InsertReply groupReply;
    groupReply.outcomes = std::move(result.value());
    const quint64 created = countAfterEach(groupReply.outcomes);
    if (m_metrics)
        bump(m_metrics->created, created);
    std::vector<int> reached;
    if (CommitSink *sink = m_commitSink.load(std::memory_order_acquire))
        reached = sink->committed(groupReply.outcomes, committedAt);
    const bool counted = reached.size() == groupReply.outcomes.size();

    // The sink has had the group: its outcomes move into the jobs' replies.
    auto next = groupReply.outcomes.begin();
    size_t first = 0;
    for (size_t i = 0; i < group.size(); ++i) {
        InsertReply reply;
        reply.outcomes.assign(std::make_move_iterator(next),
                              std::make_move_iterator(next + qsizetype(sizes[i])));
        next += qsizetype(sizes[i]);
        if (counted) {
            reply.connectionsReached = 0;
            for (size_t k = first; k < first + sizes[i]; ++k)
                reply.connectionsReached += reached[k];
        }
        first += sizes[i];
        group[i]->done(StoreResult<InsertReply>(std::move(reply)));
    }
}

void StoreWorker::noteWrite(const std::optional<StoreError> &error)
{
    // A connection lost or a store that did not answer in time is not the environment's
    // fault to report here: the readiness ping covers the first, the deadline the second. A
    // lock another process holds past the busy timeout is: the next write or probe that goes
    // through clears it.
    const StoreError::Cause cause = error ? error->cause : StoreError::Cause::Other;
    if (error && (cause == StoreError::Cause::Other || cause == StoreError::Cause::Timeout))
        return;
    // Damage does not heal by itself: it stays until notifyd restarts on a restored database,
    // whatever writes go through meanwhile (those that do not touch the damaged pages).
    int previous = m_fault.load(std::memory_order_acquire);
    do {
        if (previous == int(cause) || previous == int(StoreError::Cause::Damaged))
            return;
    } while (!m_fault.compare_exchange_weak(previous, int(cause), std::memory_order_acq_rel));
    if (m_metrics)
        m_metrics->storeFault.store(int(cause), std::memory_order_relaxed);
    if (error)
        qCWarning(lcStore).noquote()
            << "store fault:" << storeCauseName(cause) << "-" << error->message;
    else
        qCInfo(lcStore).noquote() << "store fault cleared: writes go through again";
}

void StoreWorker::probeFault()
{
    const StoreError::Cause current = fault();
    if (current == StoreError::Cause::Other || current == StoreError::Cause::Damaged
        || m_probeQueued.exchange(true))
        return;
    post([this](Store &store) {
        const auto probed = store.probeWrite();
        m_probeQueued.store(false);
        noteWrite(probed.ok() ? std::nullopt : std::optional<StoreError>(probed.error()));
    });
}

ReaderPool::ReaderPool(const StoreConfig &config, int size)
{
    for (int i = 0; i < size; ++i)
        m_workers.push_back(
            std::make_unique<StoreWorker>(config, QStringLiteral("notify-reader-%1").arg(i)));
}

void ReaderPool::setFaultOwner(StoreWorker *owner)
{
    for (auto &worker : m_workers)
        worker->setFaultOwner(owner);
}

StoreResult<Done> ReaderPool::start()
{
    for (auto &worker : m_workers) {
        auto opened = worker->startAndOpen(false);
        if (!opened.ok())
            return opened;
    }
    return Done {};
}

void ReaderPool::post(StoreWorker::Job job)
{
    const unsigned i = m_next.fetch_add(1, std::memory_order_relaxed) % unsigned(m_workers.size());
    m_workers[i]->post(std::move(job));
}

void ReaderPool::stop()
{
    for (auto &worker : m_workers)
        worker->drainAndStop();
}

} // namespace notify
