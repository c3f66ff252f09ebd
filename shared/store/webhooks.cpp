#include "shared/store/webhooks.h"

#include "shared/store/sqlsupport.h"

#include <QRandomGenerator>
#include <QUrl>

#include <array>
#include <atomic>
#include <mutex>
#include <shared_mutex>

namespace notify::webhooks {

using namespace storedetail;

namespace {

std::shared_mutex enabledLock;
QSet<QString> enabledOrgs;
std::atomic<bool> enabledKnown {false};

// The events column keeps ",read,deleted," so that one LIKE finds an event.
QString eventsColumn(const QStringList &events)
{
    return QLatin1Char(',') + events.join(u',') + QLatin1Char(',');
}

const QString endpointColumns
    = QStringLiteral("id, org_id, url, secret, events, created_at, failures, failing_since,"
                     " next_attempt_at, disabled_at, last_error, dropped");

Endpoint endpointFrom(const QSqlQuery &q)
{
    Endpoint e;
    e.id = q.value(0).toString();
    e.orgId = q.value(1).toString();
    e.url = q.value(2).toString();
    e.secret = q.value(3).toString().toLatin1();
    e.events = q.value(4).toString().split(u',', Qt::SkipEmptyParts);
    e.createdAt = fromMs(q.value(5));
    e.failures = q.value(6).toInt();
    e.failingSince = fromMs(q.value(7));
    const qint64 next = q.value(8).toLongLong();
    e.nextAttemptAt = next > 0 ? QDateTime::fromMSecsSinceEpoch(next, Qt::UTC) : QDateTime();
    e.disabledAt = fromMs(q.value(9));
    e.lastError = q.value(10).toString();
    e.dropped = q.value(11).toLongLong();
    return e;
}

QByteArray randomBytes(int words)
{
    std::array<quint32, 8> buffer;
    words = qMin(words, int(buffer.size()));
    QRandomGenerator::system()->fillRange(buffer.data(), qsizetype(words));
    return QByteArray(reinterpret_cast<const char *>(buffer.data()), qsizetype(words) * 4);
}

} // namespace

const QStringList &eventNames()
{
    static const QStringList names {QStringLiteral("delivered"), QStringLiteral("read"),
                                    QStringLiteral("deleted")};
    return names;
}

std::optional<QString> checkUrl(const QString &url)
{
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid() || parsed.isRelative())
        return QStringLiteral("'%1' is not an absolute URL").arg(url.left(200));
    const QString scheme = parsed.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        return QStringLiteral("'%1' is a %2: URL; only http and https URLs receive webhooks")
            .arg(url.left(200), scheme);
    if (parsed.host().isEmpty())
        return QStringLiteral("'%1' has no host").arg(url.left(200));
    if (url.size() > 2048)
        return QStringLiteral("the URL is longer than 2048 characters");
    return std::nullopt;
}

QString newEndpointId()
{
    return QStringLiteral("wh_") + QString::fromLatin1(randomBytes(2).toHex());
}

QByteArray newSecret()
{
    return QByteArrayLiteral("whsec_")
        + randomBytes(8).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

StoreResult<Done> add(Store &store, const Endpoint &e)
{
    const bool pg = store.config().isPostgres();
    QSqlQuery q(store.database());
    if (auto error
        = run(q,
              QStringLiteral("INSERT INTO webhook_endpoints (id, org_id, url, secret, events,"
                             " created_at, failures, failing_since, next_attempt_at, disabled_at,"
                             " last_error, dropped)"
                             " VALUES (:id, :org, :url, :secret, :events, :created, 0, NULL, 0,"
                             " NULL, '', 0)"),
              {{QStringLiteral(":id"), e.id},
               {QStringLiteral(":org"), e.orgId},
               {QStringLiteral(":url"), e.url},
               {QStringLiteral(":secret"), QString::fromLatin1(e.secret)},
               {QStringLiteral(":events"), eventsColumn(e.events)},
               {QStringLiteral(":created"),
                msOrNull(e.createdAt.isValid() ? e.createdAt : QDateTime::currentDateTimeUtc())}},
              pg)) {
        return *error;
    }
    // This process's changes count it at once; other processes' within their poll.
    if (enabledKnown.load(std::memory_order_acquire)) {
        std::unique_lock lock(enabledLock);
        enabledOrgs.insert(e.orgId);
    }
    return Done {};
}

StoreResult<std::vector<Endpoint>> list(Store &store, bool withPending)
{
    const bool pg = store.config().isPostgres();
    QSqlQuery q(store.database());
    if (auto error
        = run(q,
              QStringLiteral("SELECT ") + endpointColumns
                  + (withPending ? QStringLiteral(", (SELECT COUNT(*) FROM webhook_outbox o"
                                                  " WHERE o.endpoint_id = webhook_endpoints.id)")
                                 : QString())
                  + QStringLiteral(" FROM webhook_endpoints"
                                   " ORDER BY org_id, created_at, id"),
              {}, pg)) {
        return *error;
    }
    std::vector<Endpoint> rows;
    while (q.next()) {
        rows.push_back(endpointFrom(q));
        if (withPending)
            rows.back().pending = q.value(12).toLongLong();
    }
    return rows;
}

StoreResult<std::vector<Endpoint>> remove(Store &store, const QString &idOrUrl)
{
    const bool pg = store.config().isPostgres();
    WriteTransaction tx(store.database(), pg);
    if (auto error = tx.begin())
        return *error;
    std::vector<Endpoint> gone;
    {
        QSqlQuery q(store.database());
        if (auto error
            = run(q,
                  QStringLiteral("SELECT ") + endpointColumns
                      + QStringLiteral(" FROM webhook_endpoints"
                                       " WHERE id = :key OR url = :key2"),
                  {{QStringLiteral(":key"), idOrUrl}, {QStringLiteral(":key2"), idOrUrl}}, pg)) {
            return tx.fail(*error);
        }
        while (q.next())
            gone.push_back(endpointFrom(q));
    }
    for (const Endpoint &e : gone) {
        QSqlQuery q(store.database());
        for (const QString &sql :
             {QStringLiteral("DELETE FROM webhook_outbox WHERE endpoint_id = :id"),
              QStringLiteral("DELETE FROM webhook_endpoints WHERE id = :id")}) {
            if (auto error = run(q, sql, {{QStringLiteral(":id"), e.id}}, pg))
                return tx.fail(*error);
        }
    }
    if (auto error = tx.commit())
        return *error;
    return gone;
}

StoreResult<std::vector<Endpoint>> enable(Store &store, const QString &idOrUrl)
{
    const bool pg = store.config().isPostgres();
    WriteTransaction tx(store.database(), pg);
    if (auto error = tx.begin())
        return *error;
    std::vector<Endpoint> found;
    {
        QSqlQuery q(store.database());
        if (auto error
            = run(q,
                  QStringLiteral("SELECT ") + endpointColumns
                      + QStringLiteral(", (SELECT COUNT(*) FROM webhook_outbox o"
                                       " WHERE o.endpoint_id = webhook_endpoints.id)"
                                       " FROM webhook_endpoints WHERE id = :key OR url = :key2"),
                  {{QStringLiteral(":key"), idOrUrl}, {QStringLiteral(":key2"), idOrUrl}}, pg)) {
            return tx.fail(*error);
        }
        while (q.next()) {
            found.push_back(endpointFrom(q));
            found.back().pending = q.value(12).toLongLong();
        }
    }
    QSqlQuery q(store.database());
    for (Endpoint &e : found) {
        // Claims of the attempts before it was disabled are void: the lease of a call that
        // never comes back must not hold the user's next event for another minute.
        for (const QString &sql :
             {QStringLiteral("UPDATE webhook_endpoints SET failures = 0, failing_since = NULL,"
                             " next_attempt_at = 0, disabled_at = NULL, last_error = ''"
                             " WHERE id = :id"),
              QStringLiteral("UPDATE webhook_outbox SET claimed_by = NULL, claimed_until = 0"
                             " WHERE endpoint_id = :id")}) {
            if (auto error = run(q, sql, {{QStringLiteral(":id"), e.id}}, pg))
                return tx.fail(*error);
        }
        e.failures = 0;
        e.failingSince = QDateTime();
        e.nextAttemptAt = QDateTime();
        e.disabledAt = QDateTime();
        e.lastError.clear();
    }
    if (auto error = tx.commit())
        return *error;
    // New events are queued for it from now on in this process; others within their poll.
    if (enabledKnown.load(std::memory_order_acquire)) {
        std::unique_lock lock(enabledLock);
        for (const Endpoint &e : found)
            enabledOrgs.insert(e.orgId);
    }
    return found;
}

void setEnabledOrgs(const QSet<QString> &orgs)
{
    std::unique_lock lock(enabledLock);
    enabledOrgs = orgs;
    enabledKnown.store(true, std::memory_order_release);
}

bool mayHaveEndpoints(const QString &orgId)
{
    if (!enabledKnown.load(std::memory_order_acquire))
        return true;
    std::shared_lock lock(enabledLock);
    return enabledOrgs.contains(orgId);
}

void forgetEnabledOrgs()
{
    std::unique_lock lock(enabledLock);
    enabledOrgs.clear();
    enabledKnown.store(false, std::memory_order_release);
}

qint64 Backoff::delayMs(int failures)
{
    if (failures <= 1)
        return firstDelayMs;
    // 2^22 s is far past the cap: no overflow whatever the count.
    const int doublings = qMin(failures - 1, 22);
    return qMin(firstDelayMs << doublings, maxDelayMs);
}

StoreResult<std::vector<OutboxEvent>> claim(Store &store, const QString &endpointId, int max,
                                            const QString &node, const QDateTime &now,
                                            qint64 leaseMs)
{
    const bool pg = store.config().isPostgres();
    const QSqlDatabase db = store.database();
    // On SQLite (one node, one sender) the look is a plain read and only a claim takes the
    // write lock: an empty look every poll would otherwise make the store writer wait on
    // SQLite's busy handler, which sleeps (fan-out measured a fifth slower in wall time).
    // PostgreSQL needs the transaction for its row locks, which never block the writer.
    WriteTransaction tx(db, pg);
    if (pg) {
        if (auto error = tx.begin())
            return *error;
    }
    std::vector<OutboxEvent> events;
    {
        QSqlQuery q(db);
        // A user's oldest waiting event only: the next one goes once it has left the outbox.
        const QString sql
            = QStringLiteral("SELECT o.id, o.org_id, o.user_id, o.event, o.notification_id,"
                             " o.occurred_at, o.attempts FROM webhook_outbox o"
                             " WHERE o.endpoint_id = :endpoint AND o.claimed_until < :now"
                             " AND NOT EXISTS (SELECT 1 FROM webhook_outbox p"
                             "   WHERE p.endpoint_id = o.endpoint_id AND p.org_id = o.org_id"
                             "   AND p.user_id = o.user_id AND p.id < o.id)"
                             " ORDER BY o.id LIMIT %1")
                  .arg(qMax(1, max))
            + (pg ? QStringLiteral(" FOR UPDATE OF o SKIP LOCKED") : QString());
        if (auto error = run(q, sql,
                             {{QStringLiteral(":endpoint"), endpointId},
                              {QStringLiteral(":now"), now.toMSecsSinceEpoch()}},
                             pg)) {
            return tx.fail(*error);
        }
        while (q.next()) {
            OutboxEvent e;
            e.rowId = q.value(0).toLongLong();
            e.endpointId = endpointId;
            e.orgId = q.value(1).toString();
            e.userId = q.value(2).toString();
            e.event = q.value(3).toString();
            e.notificationId = q.value(4).toString();
            e.occurredAt = fromMs(q.value(5));
            e.attempts = q.value(6).toInt();
            events.push_back(std::move(e));
        }
    }
    if (events.empty()) {
        tx.rollback();
        return events;
    }
    if (!pg) {
        if (auto error = tx.begin())
            return *error;
    }
    QSqlQuery q(db);
    for (const OutboxEvent &e : events) {
        if (auto error = run(q,
                             QStringLiteral("UPDATE webhook_outbox SET claimed_by = :node,"
                                            " claimed_until = :until WHERE id = :id"),
                             {{QStringLiteral(":node"), node},
                              {QStringLiteral(":until"), now.toMSecsSinceEpoch() + leaseMs},
                              {QStringLiteral(":id"), e.rowId}},
                             pg)) {
            return tx.fail(*error);
        }
    }
    if (auto error = tx.commit())
        return *error;
    return events;
}

StoreResult<Done> sent(Store &store, const OutboxEvent &event, bool wasFailing)
{
    const bool pg = store.config().isPostgres();
    WriteTransaction tx(store.database(), pg);
    if (auto error = tx.begin())
        return *error;
    QSqlQuery q(store.database());
    if (auto error = run(q, QStringLiteral("DELETE FROM webhook_outbox WHERE id = :id"),
                         {{QStringLiteral(":id"), event.rowId}}, pg)) {
        return tx.fail(*error);
    }
    if (wasFailing) {
        if (auto error = run(q,
                             QStringLiteral("UPDATE webhook_endpoints SET failures = 0,"
                                            " failing_since = NULL, next_attempt_at = 0,"
                                            " last_error = '' WHERE id = :id"),
                             {{QStringLiteral(":id"), event.endpointId}}, pg)) {
            return tx.fail(*error);
        }
    }
    if (auto error = tx.commit())
        return *error;
    return Done {};
}

StoreResult<FailureOutcome> failed(Store &store, const OutboxEvent &event, const QString &error,
                                   const QDateTime &now)
{
    const bool pg = store.config().isPostgres();
    const QSqlDatabase db = store.database();
    WriteTransaction tx(db, pg);
    if (auto e = tx.begin())
        return *e;
    FailureOutcome outcome;
    {
        QSqlQuery q(db);
        if (auto e = run(q,
                         QStringLiteral("UPDATE webhook_outbox SET claimed_by = NULL,"
                                        " claimed_until = 0, attempts = attempts + 1"
                                        " WHERE id = :id"),
                         {{QStringLiteral(":id"), event.rowId}}, pg)) {
            return tx.fail(*e);
        }
    }
    int failures = 0;
    qint64 failingSince = 0;
    qint64 nextAttempt = 0;
    bool disabled = false;
    {
        QSqlQuery q(db);
        if (auto e = run(q,
                         QStringLiteral("SELECT failures, failing_since, next_attempt_at,"
                                        " disabled_at FROM webhook_endpoints WHERE id = :id")
                             + (pg ? QStringLiteral(" FOR UPDATE") : QString()),
                         {{QStringLiteral(":id"), event.endpointId}}, pg)) {
            return tx.fail(*e);
        }
        if (!q.next()) {
            // Removed meanwhile: nothing to back off.
            if (auto e = tx.commit())
                return *e;
            return outcome;
        }
        failures = q.value(0).toInt();
        failingSince = q.value(1).isNull() ? 0 : q.value(1).toLongLong();
        nextAttempt = q.value(2).toLongLong();
        disabled = !q.value(3).isNull();
    }
    const qint64 nowMs = now.toMSecsSinceEpoch();
    // Calls that were already under way when an earlier one failed fail too: they are one
    // step of the backoff, not one each.
    if (nextAttempt <= nowMs) {
        ++failures;
        nextAttempt = nowMs + Backoff::delayMs(failures);
    }
    if (failingSince == 0)
        failingSince = nowMs;
    const bool disableNow = !disabled && nowMs - failingSince >= Backoff::disableAfterMs;
    QSqlQuery q(db);
    if (auto e = run(
            q,
            QStringLiteral("UPDATE webhook_endpoints SET failures = :failures,"
                           " failing_since = :since, next_attempt_at = :next,"
                           " last_error = :error")
                + (disableNow ? QStringLiteral(", disabled_at = :now") : QString())
                + QStringLiteral(" WHERE id = :id"),
            [&] {
                Binds binds {{QStringLiteral(":failures"), failures},
                             {QStringLiteral(":since"), failingSince},
                             {QStringLiteral(":next"), nextAttempt},
                             {QStringLiteral(":error"), text(error.left(500))},
                             {QStringLiteral(":id"), event.endpointId}};
                if (disableNow)
                    binds.emplace_back(QStringLiteral(":now"), nowMs);
                return binds;
            }(),
            pg)) {
        return tx.fail(*e);
    }
    if (auto e = tx.commit())
        return *e;
    outcome.nextAttemptAt = QDateTime::fromMSecsSinceEpoch(nextAttempt, Qt::UTC);
    outcome.disabled = disableNow;
    return outcome;
}

StoreResult<int> releaseClaims(Store &store, const QString &node)
{
    const bool pg = store.config().isPostgres();
    QSqlQuery q(store.database());
    if (auto error
        = run(q,
              QStringLiteral("UPDATE webhook_outbox SET claimed_by = NULL,"
                             " claimed_until = 0 WHERE claimed_until > 0")
                  + (node.isEmpty() ? QString() : QStringLiteral(" AND claimed_by = :node")),
              node.isEmpty() ? Binds {} : Binds {{QStringLiteral(":node"), node}}, pg)) {
        return *error;
    }
    return q.numRowsAffected();
}

StoreResult<qint64> trim(Store &store, qint64 limit)
{
    const bool pg = store.config().isPostgres();
    const QSqlDatabase db = store.database();
    std::vector<std::pair<QString, qint64>> over;
    {
        QSqlQuery q(db);
        if (auto error = run(q,
                             QStringLiteral("SELECT endpoint_id, COUNT(*) FROM webhook_outbox"
                                            " GROUP BY endpoint_id HAVING COUNT(*) > :limit"),
                             {{QStringLiteral(":limit"), limit}}, pg)) {
            return *error;
        }
        while (q.next())
            over.emplace_back(q.value(0).toString(), q.value(1).toLongLong() - limit);
    }
    qint64 dropped = 0;
    for (const auto &[endpoint, excess] : over) {
        WriteTransaction tx(db, pg);
        if (auto error = tx.begin())
            return *error;
        QSqlQuery q(db);
        if (auto error = run(q,
                             QStringLiteral("DELETE FROM webhook_outbox WHERE id IN (SELECT id"
                                            " FROM webhook_outbox WHERE endpoint_id = :id"
                                            " ORDER BY id LIMIT %1)")
                                 .arg(excess),
                             {{QStringLiteral(":id"), endpoint}}, pg)) {
            return tx.fail(*error);
        }
        const qint64 gone = q.numRowsAffected();
        if (auto error
            = run(q,
                  QStringLiteral("UPDATE webhook_endpoints SET dropped = dropped + :n"
                                 " WHERE id = :id"),
                  {{QStringLiteral(":n"), gone}, {QStringLiteral(":id"), endpoint}}, pg)) {
            return tx.fail(*error);
        }
        if (auto error = tx.commit())
            return *error;
        dropped += gone;
    }
    return dropped;
}

} // namespace notify::webhooks

namespace notify::storedetail {

std::optional<StoreError> enqueueWebhookEvents(const QSqlDatabase &db, bool pg, const Recipient &r,
                                               const QString &event, const QStringList &ids,
                                               const QDateTime &at, bool onlyUndelivered)
{
    if (ids.isEmpty() || !webhooks::mayHaveEndpoints(r.orgId))
        return std::nullopt;
    // The event's pattern is written into the statement, not bound: SQLite compiles a LIKE
    // whose pattern is a bound value again at every run (its LIKE optimization depends on
    // the value), which doubled the parse work of each ack (bench/notes.md, issue 30). The
    // names are the fixed eventNames(), never input.
    if (!webhooks::eventNames().contains(event))
        return StoreError::internal(QStringLiteral("unknown webhook event '%1'").arg(event));
    const QString pattern = QStringLiteral("'%,") + event + QStringLiteral(",%'");
    constexpr qsizetype chunk = 200;
    for (qsizetype start = 0; start < ids.size(); start += chunk) {
        Binds binds {{QStringLiteral(":org"), r.orgId},
                     {QStringLiteral(":user"), r.userId},
                     {QStringLiteral(":event"), event},
                     {QStringLiteral(":at"), msOrNull(at)}};
        QStringList names;
        const QStringList part = ids.mid(start, chunk);
        for (qsizetype i = 0; i < part.size(); ++i) {
            names.append(QStringLiteral(":w%1").arg(i));
            binds.emplace_back(names.last(), part.at(i));
        }
        QSqlQuery q(db);
        if (auto error = run(
                q,
                QStringLiteral("INSERT INTO webhook_outbox (endpoint_id, org_id, user_id, event,"
                               " notification_id, occurred_at, attempts, claimed_until)"
                               " SELECT e.id, n.org_id, n.user_id, CAST(:event AS TEXT), n.id,"
                               " CAST(:at AS BIGINT), 0, 0"
                               " FROM webhook_endpoints e JOIN notifications n"
                               " ON n.org_id = e.org_id"
                               " WHERE e.org_id = :org AND e.disabled_at IS NULL"
                               " AND e.events LIKE ")
                    + pattern + QStringLiteral(" AND n.user_id = :user AND n.id IN (")
                    + names.join(QStringLiteral(", ")) + QLatin1Char(')')
                    + (onlyUndelivered
                           ? QStringLiteral(" AND n.delivered_at IS NULL AND n.deleted_at IS NULL")
                           : QString())
                    + QStringLiteral(" ORDER BY e.id, n.seq"),
                binds, pg)) {
            return error;
        }
    }
    return std::nullopt;
}

} // namespace notify::storedetail
