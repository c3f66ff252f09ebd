// Store: inserting, reading and changing notifications (schema version 5: content once,
// a narrow inbox row per recipient), and recording broadcasts.

#include "shared/store/store_p.h"

#include "shared/model/timeuuid.h"
#include "shared/store/webhooks.h"

#include <algorithm>

namespace notify {

using namespace storedetail;

std::optional<StoreError> Store::Private::lockRecipient(const Recipient &r, bool *exists,
                                                        qint64 *unread, qint64 *unseen)
{
    qint64 count = 0, unseenCount = 0;
    if (auto error
        = execInts(Stmt::LockRecipient, {r.orgId, r.userId}, exists, {&count, &unseenCount}))
        return error;
    if (unread)
        *unread = count;
    if (unseen)
        *unseen = unseenCount;
    return std::nullopt;
}

StoreResult<std::vector<Notification>> Store::Private::select(const QString &sql,
                                                              const Binds &binds)
{
    QSqlQuery q(db());
    if (auto error = run(q, sql, binds, pg))
        return *error;
    std::vector<Notification> rows;
    while (q.next())
        rows.push_back(readNotification(q));
    return rows;
}

StoreResult<InboxCounts> Store::Private::readCounts(const Recipient &r)
{
    InboxCounts counts;
    if (auto error = execInts(Stmt::ReadUnread, {r.orgId, r.userId}, nullptr,
                              {&counts.unread, &counts.unseen}))
        return *error;
    return counts;
}

StoreResult<std::vector<InsertOutcome>>
Store::insertBatch(const std::vector<NewNotification> &batch, const QDateTime &now,
                   const std::vector<PushRecord> &pushes)
{
    for (const NewNotification &draft : batch) {
        if (!draft.recipient.isValid())
            return invalidRecipient();
    }
    if (batch.empty())
        return std::vector<InsertOutcome> {};

    return d->guarded<std::vector<InsertOutcome>>([&]() -> StoreResult<std::vector<InsertOutcome>> {
        const QDateTime createdAt = nowOr(now);

        struct State
        {
            const Recipient *recipient = nullptr;
            qint64 lastSeq = 0;
            qint64 unread = 0; // before the batch
            qint64 unseen = 0; // before the batch
            qint64 created = 0;
            qint64 drafts = 0;
            bool keyed = false; // some draft has an idempotency key: it may create nothing
        };
        // One state per recipient, found once per draft through a hash (an ordered map
        // compared strings a dozen times per draft); the order of locks is a sort below.
        std::vector<State> states;
        std::vector<size_t> stateOf(batch.size());
        {
            QHash<Recipient, size_t> index;
            index.reserve(qsizetype(batch.size()));
            for (size_t i = 0; i < batch.size(); ++i) {
                const NewNotification &draft = batch[i];
                auto it = index.constFind(draft.recipient);
                if (it == index.cend()) {
                    it = index.insert(draft.recipient, states.size());
                    states.push_back(State {&draft.recipient});
                }
                State &state = states[*it];
                ++state.drafts;
                state.keyed = state.keyed || !draft.idempotencyKey.isEmpty();
                stateOf[i] = *it;
            }
        }
        std::vector<State *> lockOrder;
        lockOrder.reserve(states.size());
        for (State &state : states)
            lockOrder.push_back(&state);
        std::sort(lockOrder.begin(), lockOrder.end(), [](const State *a, const State *b) {
            return recipientLess(*a->recipient, *b->recipient);
        });

        WriteTransaction tx = d->writeTransaction();
        if (auto error = tx.begin())
            return *error;

        using Stmt = Private::Stmt;
        std::optional<StoreError> error;

        // Lock (creating if needed) each recipient's row in a fixed order: the row lock
        // serializes concurrent batches for one recipient, which makes seq gap-free and
        // the idempotency lookup below race-free. A recipient without keys gets its seqs
        // reserved and its count raised by the same statement; one with keys is counted
        // after its drafts have been checked.
        for (State *state : lockOrder) {
            const Recipient &recipient = *state->recipient;
            bool found = false;
            if (state->keyed) {
                error = d->execInts(Stmt::UpsertRecipient, {recipient.orgId, recipient.userId},
                                    &found, {&state->lastSeq, &state->unread, &state->unseen});
            } else {
                error = d->execInts(Stmt::AddToRecipient,
                                    {recipient.orgId, recipient.userId, qlonglong(state->drafts),
                                     qlonglong(state->drafts), qlonglong(state->drafts)},
                                    &found, {&state->lastSeq, &state->unread, &state->unseen});
                state->lastSeq -= state->drafts;
                state->unread -= state->drafts;
                state->unseen -= state->drafts;
            }
            if (error)
                return tx.fail(*error);
            if (!found)
                return tx.fail(StoreError::internal(QStringLiteral("recipient row vanished")));
        }

        std::vector<InsertOutcome> outcomes;
        outcomes.reserve(batch.size());
        // (recipient, key) -> index into outcomes, for keys repeated inside the batch.
        QHash<QPair<Recipient, QString>, size_t> keyed;

        const SqlValue createdAtMs = SqlValue::ms(createdAt);
        // The recipients of one publish call arrive one after another with the same
        // content: it is stored once and their inbox rows point to it.
        const NotificationContent *lastContent = nullptr;
        qint64 lastContentId = 0;
        for (size_t i = 0; i < batch.size(); ++i) {
            const NewNotification &draft = batch[i];
            const QString &key = draft.idempotencyKey;
            if (!key.isEmpty()) {
                const auto seen = keyed.constFind(qMakePair(draft.recipient, key));
                if (seen != keyed.cend()) {
                    outcomes.push_back({outcomes[*seen].notification, false});
                    continue;
                }
                QSqlQuery *findKey = d->execStmt(
                    Stmt::FindKey, {draft.recipient.orgId, draft.recipient.userId, key}, &error);
                if (!findKey)
                    return tx.fail(*error);
                const bool found = findKey->next();
                if (found) {
                    keyed.insert(qMakePair(draft.recipient, key), outcomes.size());
                    outcomes.push_back({readNotification(*findKey), false});
                }
                findKey->finish();
                if (found)
                    continue;
            }

            State &state = states[stateOf[i]];
            Notification n;
            n.id = newTimeOrderedUuid();
            n.recipient = draft.recipient;
            n.seq = ++state.lastSeq;
            n.content = draft.content;
            n.idempotencyKey = key;
            n.createdAt = createdAt;
            ++state.created;

            const NotificationContent &c = draft.content;
            if (!lastContent || !sameContent(*lastContent, c)) {
                bool inserted = false;
                if ((error = d->execInts(
                         Stmt::InsertContent,
                         {SqlValue::text(c.type), SqlValue::text(c.title), SqlValue::text(c.body),
                          priorityName(c.priority), SqlValue::text(c.actionUrl),
                          SqlValue::text(c.entityType), SqlValue::text(c.entityId),
                          QString::fromUtf8(
                              QJsonDocument(c.metadata).toJson(QJsonDocument::Compact))},
                         &inserted, {&lastContentId}))) {
                    return tx.fail(*error);
                }
                if (!inserted)
                    return tx.fail(StoreError::internal(QStringLiteral("no content id")));
                lastContent = &c;
            }
            if ((error
                 = d->execInts(Stmt::InsertNotification,
                               {n.id, n.recipient.orgId, n.recipient.userId, qlonglong(n.seq),
                                qlonglong(lastContentId),
                                key.isEmpty() ? SqlValue::null() : SqlValue(key), createdAtMs}))) {
                return tx.fail(*error);
            }

            if (!key.isEmpty())
                keyed.insert(qMakePair(draft.recipient, key), outcomes.size());
            outcomes.push_back({std::move(n), true});
        }

        bus::Message signal;
        signal.kind = bus::Kind::Created;
        // Only a store on the cluster bus sends the signal (notifyBus).
        const bool signalling = d->busOn();
        if (signalling)
            signal.created.reserve(states.size());
        for (const State *statePtr : lockOrder) {
            const State &state = *statePtr;
            const Recipient &recipient = *state.recipient;
            if (state.created == 0)
                continue;
            if (state.keyed
                && (error
                    = d->execInts(Stmt::BumpRecipient,
                                  {qlonglong(state.lastSeq), qlonglong(state.created),
                                   qlonglong(state.created), recipient.orgId, recipient.userId}))) {
                return tx.fail(*error);
            }
            if (signalling)
                signal.created.push_back({recipient, state.lastSeq - state.created + 1,
                                          state.lastSeq, state.unread + state.created,
                                          state.unseen + state.created});
        }
        // One signal per commit group, committed with it (docs/operations.md, "Cluster").
        if (!signal.created.empty()) {
            if ((error = d->notifyBus(signal)))
                return tx.fail(*error);
        }
        // Earlier groups' pushes ride on this commit instead of paying one of their own.
        if ((error = d->insertPushes(pushes)))
            return tx.fail(*error);
        if (auto commitError = tx.commit())
            return *commitError;
        // The rows were locked from the first statement on, so nothing else changed them.
        // One outcome per draft, in draft order.
        for (size_t i = 0; i < outcomes.size(); ++i) {
            const State &state = states[stateOf[i]];
            outcomes[i].unreadCountAfter = state.unread + state.created;
            outcomes[i].unseenCountAfter = state.unseen + state.created;
        }
        return outcomes;
    });
}

StoreResult<Page> Store::inbox(const Recipient &r, const InboxQuery &query)
{
    if (!r.isValid())
        return invalidRecipient();
    const int limit = std::clamp(query.limit, 1, 100);
    return d->guarded<Page>([&]() -> StoreResult<Page> {
        Binds binds = recipientBinds(r);
        QString sql = QStringLiteral("SELECT ") + kColumns + kFromInbox + kWhereRecipient;
        if (!query.includeDeleted)
            sql += QStringLiteral(" AND deleted_at IS NULL");
        if (query.beforeSeq) {
            sql += QStringLiteral(" AND seq < :before");
            binds.emplace_back(QStringLiteral(":before"), qlonglong(*query.beforeSeq));
        }
        if (query.unreadOnly)
            sql += QStringLiteral(" AND read_at IS NULL");
        sql += QStringLiteral(" ORDER BY seq DESC LIMIT :limit");
        binds.emplace_back(QStringLiteral(":limit"), limit + 1);
        auto rows = d->select(sql, binds);
        if (!rows)
            return rows.error();
        return takePage(std::move(rows.value()), limit);
    });
}

StoreResult<Page> Store::afterSeq(const Recipient &r, qint64 afterSeq, int limit)
{
    if (!r.isValid())
        return invalidRecipient();
    // Replay pages may be larger than inbox pages, but still bounded in memory.
    limit = std::clamp(limit, 1, 1000);
    return d->guarded<Page>([&]() -> StoreResult<Page> {
        Binds binds = recipientBinds(r);
        binds.emplace_back(QStringLiteral(":after"), qlonglong(afterSeq));
        binds.emplace_back(QStringLiteral(":limit"), limit + 1);
        auto rows = d->select(QStringLiteral("SELECT ") + kColumns + kFromInbox + kWhereRecipient
                                  + QStringLiteral(" AND deleted_at IS NULL AND seq > :after"
                                                   " ORDER BY seq ASC LIMIT :limit"),
                              binds);
        if (!rows)
            return rows.error();
        return takePage(std::move(rows.value()), limit);
    });
}

StoreResult<Page> Store::since(const Recipient &r, const QDateTime &since, int limit)
{
    if (!r.isValid())
        return invalidRecipient();
    limit = std::clamp(limit, 1, 1000);
    return d->guarded<Page>([&]() -> StoreResult<Page> {
        Binds binds = recipientBinds(r);
        QString sql = QStringLiteral("SELECT ") + kColumns + kFromInbox + kWhereRecipient
            + QStringLiteral(" AND deleted_at IS NULL");
        if (since.isValid()) {
            sql += QStringLiteral(" AND created_at > :since");
            binds.emplace_back(QStringLiteral(":since"), msOrNull(since));
        }
        sql += QStringLiteral(" ORDER BY seq DESC LIMIT :limit");
        binds.emplace_back(QStringLiteral(":limit"), limit + 1);
        auto rows = d->select(sql, binds);
        if (!rows)
            return rows.error();
        return takePage(std::move(rows.value()), limit);
    });
}

StoreResult<std::optional<Notification>> Store::find(const Recipient &r, const QString &id)
{
    if (!r.isValid())
        return invalidRecipient();
    return d->guarded<std::optional<Notification>>(
        [&]() -> StoreResult<std::optional<Notification>> {
            Binds binds = recipientBinds(r);
            binds.emplace_back(QStringLiteral(":id"), text(id));
            auto rows
                = d->select(QStringLiteral("SELECT ") + kColumns + kFromInbox + kWhereRecipient
                                + QStringLiteral(" AND id = :id AND deleted_at IS NULL"),
                            binds);
            if (!rows)
                return rows.error();
            if (rows->empty())
                return std::optional<Notification>();
            return std::optional<Notification>(std::move(rows->front()));
        });
}

StoreResult<std::vector<Notification>> Store::findMany(const Recipient &r, const QStringList &ids)
{
    if (!r.isValid())
        return invalidRecipient();
    return d->guarded<std::vector<Notification>>([&]() -> StoreResult<std::vector<Notification>> {
        std::vector<Notification> found;
        for (qsizetype start = 0; start < ids.size(); start += kIdChunk) {
            Binds binds = recipientBinds(r);
            const QString list = idList(ids.mid(start, kIdChunk), binds);
            auto rows = d->select(QStringLiteral("SELECT ") + kColumns + kFromInbox
                                      + kWhereRecipient + QStringLiteral(" AND id IN ") + list
                                      + QStringLiteral(" AND deleted_at IS NULL"),
                                  binds);
            if (!rows)
                return rows.error();
            for (Notification &n : *rows)
                found.push_back(std::move(n));
        }
        return found;
    });
}

StoreResult<ChangeOutcome> Store::markRead(const Recipient &r, const QStringList &ids,
                                           const QDateTime &at)
{
    if (!r.isValid())
        return invalidRecipient();
    return d->guarded<ChangeOutcome>(
        [&] { return d->changeRows(r, ids, at, Private::Change::Read); });
}

StoreResult<ChangeOutcome> Store::markSeen(const Recipient &r, const QStringList &ids,
                                           const QDateTime &at)
{
    if (!r.isValid())
        return invalidRecipient();
    return d->guarded<ChangeOutcome>(
        [&] { return d->changeRows(r, ids, at, Private::Change::Seen); });
}

StoreResult<ChangeOutcome> Store::softDelete(const Recipient &r, const QStringList &ids,
                                             const QDateTime &at)
{
    if (!r.isValid())
        return invalidRecipient();
    return d->guarded<ChangeOutcome>(
        [&] { return d->changeRows(r, ids, at, Private::Change::Delete); });
}

namespace {

// What each change does to a row: the rows it applies to, and what it sets. A read row is
// seen too, so a read sets seen_at where it was not set yet.
QString changedRows(Change change)
{
    switch (change) {
    case Change::Read:
        return QStringLiteral(" AND ") + kUnreadRow;
    case Change::Seen:
        return QStringLiteral(" AND ") + kUnseenRow;
    case Change::Delete:
        break;
    }
    return QStringLiteral(" AND deleted_at IS NULL");
}

QString changedColumns(Change change)
{
    switch (change) {
    case Change::Read:
        return QStringLiteral("read_at = :at, seen_at = COALESCE(seen_at, :at2)");
    case Change::Seen:
        return QStringLiteral("seen_at = :at");
    case Change::Delete:
        break;
    }
    return QStringLiteral("deleted_at = :at");
}

bus::Kind busKind(Change change)
{
    switch (change) {
    case Change::Read:
        return bus::Kind::Read;
    case Change::Seen:
        return bus::Kind::Seen;
    case Change::Delete:
        break;
    }
    return bus::Kind::Deleted;
}

// The webhook event a change reports (shared/store/webhooks.h); seen reports none.
QString webhookEvent(Change change)
{
    switch (change) {
    case Change::Read:
        return QStringLiteral("read");
    case Change::Delete:
        return QStringLiteral("deleted");
    case Change::Seen:
        break;
    }
    return QString();
}

Binds changeBinds(const Recipient &r, Change change, const QDateTime &at)
{
    Binds binds = recipientBinds(r);
    binds.emplace_back(QStringLiteral(":at"), msOrNull(at));
    if (change == Change::Read)
        binds.emplace_back(QStringLiteral(":at2"), msOrNull(at));
    return binds;
}

} // namespace

// The counters move by exactly what changed, in one statement (nothing when nothing did).
std::optional<StoreError> Store::Private::lowerCounters(const Recipient &r, qint64 unread,
                                                        qint64 unseen)
{
    if (unread == 0 && unseen == 0)
        return std::nullopt;
    Binds binds = recipientBinds(r);
    binds.emplace_back(QStringLiteral(":n"), qlonglong(unread));
    binds.emplace_back(QStringLiteral(":m"), qlonglong(unseen));
    QSqlQuery q(db());
    return run(q,
               QStringLiteral("UPDATE recipients SET unread_count = unread_count - :n,"
                              " unseen_count = unseen_count - :m WHERE ")
                   + kWhereRecipient,
               binds, pg);
}

// Every change of some ids shares one shape: lock the inbox, find which of the ids really
// change, change exactly those (one statement per 200 ids, not one per id) and move the
// counters by exactly that many.
StoreResult<ChangeOutcome> Store::Private::changeRows(const Recipient &r,
                                                      const QStringList &requested,
                                                      const QDateTime &atIn, Change change)
{
    const QSqlDatabase db = this->db();
    ChangeOutcome outcome;
    outcome.at = nowOr(atIn);
    const QStringList ids = uniqueIds(requested);

    WriteTransaction tx = writeTransaction();
    if (auto error = tx.begin())
        return *error;
    bool exists = false;
    qint64 unread = 0, unseen = 0;
    if (auto error = lockRecipient(r, &exists, &unread, &unseen))
        return tx.fail(*error);
    if (!exists) {
        // No row, no notifications: nothing to change, and nothing to commit.
        tx.rollback();
        return outcome;
    }

    QSet<QString> changed;
    qint64 unreadChanged = 0, unseenChanged = 0;
    const QString condition = changedRows(change);
    for (qsizetype start = 0; start < ids.size(); start += kIdChunk) {
        const QStringList chunk = ids.mid(start, kIdChunk);
        qsizetype found = 0;
        {
            Binds binds = recipientBinds(r);
            const QString list = idList(chunk, binds);
            QSqlQuery q(db);
            if (auto error
                = run(q,
                      QStringLiteral("SELECT id, read_at, seen_at FROM notifications WHERE ")
                          + kWhereRecipient + QStringLiteral(" AND id IN ") + list + condition,
                      binds, pg)) {
                return tx.fail(*error);
            }
            while (q.next()) {
                changed.insert(q.value(0).toString());
                const bool wasUnread = q.value(1).isNull();
                if (wasUnread)
                    ++unreadChanged;
                if (wasUnread && q.value(2).isNull())
                    ++unseenChanged;
                ++found;
            }
        }
        if (found == 0)
            continue;
        Binds binds = changeBinds(r, change, outcome.at);
        const QString list = idList(chunk, binds);
        QSqlQuery q(db);
        if (auto error = run(q,
                             QStringLiteral("UPDATE notifications SET ") + changedColumns(change)
                                 + QStringLiteral(" WHERE ") + kWhereRecipient
                                 + QStringLiteral(" AND id IN ") + list + condition,
                             binds, pg)) {
            return tx.fail(*error);
        }
        if (q.numRowsAffected() != found) {
            return tx.fail(StoreError::internal(
                QStringLiteral("inbox changed during an update (%1 of %2 rows)")
                    .arg(q.numRowsAffected())
                    .arg(found)));
        }
    }
    // Seeing changes no unread count.
    if (change == Change::Seen)
        unreadChanged = 0;
    if (auto error = lowerCounters(r, unreadChanged, unseenChanged))
        return tx.fail(*error);
    for (const QString &id : ids) {
        if (changed.contains(id))
            outcome.ids.append(id);
    }
    outcome.unreadCount = unread - unreadChanged;
    outcome.unseenCount = unseen - unseenChanged;
    return finishChange(tx, r, change, outcome);
}

// The webhook events and the cluster signal of a change commit with it.
StoreResult<ChangeOutcome> Store::Private::finishChange(WriteTransaction &tx, const Recipient &r,
                                                        Change change, ChangeOutcome outcome)
{
    const QString event = webhookEvent(change);
    if (!event.isEmpty()) {
        if (auto error = enqueueWebhookEvents(r, event, outcome.ids, outcome.at))
            return tx.fail(*error);
    }
    if (!outcome.ids.isEmpty()) {
        bus::Message signal;
        signal.kind = busKind(change);
        signal.recipient = r;
        signal.ids = outcome.ids;
        signal.unreadCount = outcome.unreadCount;
        signal.unseenCount = outcome.unseenCount;
        signal.atMs = outcome.at.toMSecsSinceEpoch();
        if (auto error = notifyBus(signal))
            return tx.fail(*error);
    }
    if (auto error = tx.commit())
        return *error;
    return outcome;
}

StoreResult<ChangeOutcome> Store::markAllRead(const Recipient &r, const QDateTime &at)
{
    if (!r.isValid())
        return invalidRecipient();
    return d->guarded<ChangeOutcome>([&] { return d->changeAll(r, at, Private::Change::Read); });
}

StoreResult<ChangeOutcome> Store::markAllSeen(const Recipient &r, const QDateTime &at)
{
    if (!r.isValid())
        return invalidRecipient();
    return d->guarded<ChangeOutcome>([&] { return d->changeAll(r, at, Private::Change::Seen); });
}

// Reads or sees every row that is not yet: the ids for the events, one update, and the
// counter that change empties set to 0 by definition (a read row is seen: both for a read).
StoreResult<ChangeOutcome> Store::Private::changeAll(const Recipient &r, const QDateTime &at,
                                                     Change change)
{
    const QSqlDatabase db = this->db();
    ChangeOutcome outcome;
    outcome.at = nowOr(at);

    WriteTransaction tx = writeTransaction();
    if (auto error = tx.begin())
        return *error;
    bool exists = false;
    qint64 unread = 0;
    if (auto error = lockRecipient(r, &exists, &unread))
        return tx.fail(*error);
    if (!exists) {
        tx.rollback();
        return outcome;
    }
    const QString rows = QStringLiteral(" WHERE ") + kWhereRecipient + changedRows(change);
    {
        QSqlQuery q(db);
        if (auto error = run(q,
                             QStringLiteral("SELECT id FROM notifications") + rows
                                 + QStringLiteral(" ORDER BY seq"),
                             recipientBinds(r), pg)) {
            return tx.fail(*error);
        }
        while (q.next())
            outcome.ids.append(q.value(0).toString());
    }
    if (!outcome.ids.isEmpty()) {
        QSqlQuery q(db);
        if (auto error
            = run(q, QStringLiteral("UPDATE notifications SET ") + changedColumns(change) + rows,
                  changeBinds(r, change, outcome.at), pg)) {
            return tx.fail(*error);
        }
    }
    {
        QSqlQuery q(db);
        if (auto error = run(q,
                             QStringLiteral("UPDATE recipients SET ")
                                 + (change == Change::Read
                                        ? QStringLiteral("unread_count = 0, unseen_count = 0")
                                        : QStringLiteral("unseen_count = 0"))
                                 + QStringLiteral(" WHERE ") + kWhereRecipient,
                             recipientBinds(r), pg)) {
            return tx.fail(*error);
        }
    }
    outcome.unreadCount = change == Change::Read ? 0 : unread;
    outcome.unseenCount = 0;
    return finishChange(tx, r, change, std::move(outcome));
}

StoreResult<qint64> Store::unreadCount(const Recipient &r)
{
    auto counts = this->counts(r);
    if (!counts)
        return counts.error();
    return counts->unread;
}

StoreResult<InboxCounts> Store::counts(const Recipient &r)
{
    if (!r.isValid())
        return invalidRecipient();
    return d->guarded<InboxCounts>([&] { return d->readCounts(r); });
}

StoreResult<int> Store::markDelivered(const Recipient &r, const QStringList &requested,
                                      const QDateTime &at)
{
    if (!r.isValid())
        return invalidRecipient();
    return d->guarded<int>([&]() -> StoreResult<int> {
        const QStringList ids = uniqueIds(requested);
        if (ids.isEmpty())
            return 0;
        const QSqlDatabase db = d->db();
        WriteTransaction tx = d->writeTransaction();
        if (auto error = tx.begin())
            return *error;
        // Before the update, the events of exactly the rows it will change.
        if (auto error
            = d->enqueueWebhookEvents(r, QStringLiteral("delivered"), ids, nowOr(at), true)) {
            return tx.fail(*error);
        }
        int changed = 0;
        for (qsizetype start = 0; start < ids.size(); start += kIdChunk) {
            Binds binds = recipientBinds(r);
            binds.emplace_back(QStringLiteral(":at"), msOrNull(nowOr(at)));
            const QString list = idList(ids.mid(start, kIdChunk), binds);
            QSqlQuery q(db);
            if (auto error = run(q,
                                 QStringLiteral("UPDATE notifications SET delivered_at = :at"
                                                " WHERE ")
                                     + kWhereRecipient + QStringLiteral(" AND id IN ") + list
                                     + QStringLiteral(" AND delivered_at IS NULL"
                                                      " AND deleted_at IS NULL"),
                                 binds, d->pg)) {
                return tx.fail(*error);
            }
            changed += q.numRowsAffected();
        }
        if (auto error = tx.commit())
            return *error;
        return changed;
    });
}

StoreResult<Done> Store::recordBroadcast(const BroadcastRecord &b)
{
    return d->guarded<Done>([&]() -> StoreResult<Done> {
        const QString id = b.id.isEmpty() ? newTimeOrderedUuid() : b.id;
        QSqlQuery q(d->db());
        if (auto error
            = run(q,
                  QStringLiteral("INSERT INTO broadcasts (id, org_id, role, title, body,"
                                 " priority, action_url, created_at,"
                                 " delivered_connections) VALUES (:id, :org, :role,"
                                 " :title, :body, :priority, :action_url, :created,"
                                 " :delivered)"),
                  {{QStringLiteral(":id"), id},
                   {QStringLiteral(":org"), b.orgId.isEmpty() ? QVariant() : QVariant(b.orgId)},
                   {QStringLiteral(":role"), text(b.role)},
                   {QStringLiteral(":title"), text(b.title)},
                   {QStringLiteral(":body"), text(b.body)},
                   {QStringLiteral(":priority"),
                    b.priority.isEmpty() ? QStringLiteral("normal") : b.priority},
                   {QStringLiteral(":action_url"), text(b.actionUrl)},
                   {QStringLiteral(":created"), msOrNull(nowOr(b.createdAt))},
                   {QStringLiteral(":delivered"), qlonglong(b.deliveredConnections)}},
                  d->pg)) {
            return *error;
        }
        return Done {};
    });
}

} // namespace notify
