// Store: the hot statements, prepared once per connection; on SQLite through the raw sqlite3 API.

#include "shared/store/store_p.h"
#include "shared/store/webhooks.h"

#include "shared/store/walbatchvfs.h"

#include <QSqlDriver>
#include <QStringEncoder>

#include <cerrno>

namespace notify {

using namespace storedetail;

void Store::Private::configureSqlite()
{
    // Each connection of a store is used by one thread at a time (Qt's rule for every
    // QSqlDatabase), so SQLite's per-connection mutexes, taken around every bind, step and
    // reset, only cost; and its memory statistics take a process-wide mutex around every
    // malloc. The writer paid about 3.5% of its CPU in pthread mutex calls for both. Neither
    // can be set once SQLite is initialized (SQLITE_MISUSE): then it stays serialized, which
    // is slower but as correct.
    static const bool configured = [] {
        sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        // After sqlite3_config: registering a VFS initializes SQLite.
        installWalBatchingVfs();
        return true;
    }();
    Q_UNUSED(configured);
}

void Store::prepareSqlite()
{
    Private::configureSqlite();
}

QString Store::Private::stmtSql(Stmt stmt) const
{
    const QString forUpdate = pg ? QStringLiteral(" FOR UPDATE") : QString();
    const QString whereRecipient = QStringLiteral(" WHERE org_id = ? AND user_id = ?");
    switch (stmt) {
    case Stmt::LockRecipient:
        // SQLite's BEGIN IMMEDIATE already holds the database write lock; PostgreSQL locks
        // the row so that concurrent changes to one inbox serialize and the counter stays
        // exact.
        return QStringLiteral("SELECT unread_count, unseen_count FROM recipients") + whereRecipient
            + forUpdate;
    case Stmt::ReadUnread:
        return QStringLiteral("SELECT unread_count, unseen_count FROM recipients") + whereRecipient;
    case Stmt::UpsertRecipient:
        // Creates the row if needed and locks it (PostgreSQL takes the row lock of an update
        // for DO UPDATE, and the inserting transaction holds a new row) in one statement.
        return QStringLiteral("INSERT INTO recipients (org_id, user_id, last_seq, unread_count,"
                              " unseen_count) VALUES (?, ?, 0, 0, 0) ON CONFLICT (org_id, user_id)"
                              " DO UPDATE SET last_seq = recipients.last_seq"
                              " RETURNING last_seq, unread_count, unseen_count");
    case Stmt::AddToRecipient:
        // A recipient whose drafts carry no idempotency key creates exactly as many rows as
        // it has drafts: the counters move by that many at once, in the statement that
        // creates or locks the row, so it costs one statement instead of two. The values
        // bound for a new row are the same counts. A new notification is unread and
        // unseen: both counters move by the same number.
        return QStringLiteral("INSERT INTO recipients (org_id, user_id, last_seq, unread_count,"
                              " unseen_count) VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id, user_id)"
                              " DO UPDATE SET last_seq = recipients.last_seq + excluded.last_seq,"
                              " unread_count = recipients.unread_count + excluded.unread_count,"
                              " unseen_count = recipients.unseen_count + excluded.unseen_count"
                              " RETURNING last_seq, unread_count, unseen_count");
    case Stmt::FindKey:
        return QStringLiteral("SELECT ") + kColumns + kFromInbox
            + QStringLiteral("org_id = ? AND user_id = ? AND idempotency_key = ?");
    case Stmt::InsertContent:
        return QStringLiteral("INSERT INTO notification_contents (type, title, body, priority,"
                              " action_url, entity_type, entity_id, metadata)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING content_id");
    case Stmt::InsertNotification:
        return QStringLiteral("INSERT INTO notifications (id, org_id, user_id, seq, content_id,"
                              " idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    case Stmt::BumpRecipient:
        return QStringLiteral("UPDATE recipients SET last_seq = ?,"
                              " unread_count = unread_count + ?, unseen_count = unseen_count + ?")
            + whereRecipient;
    case Stmt::InsertPush:
        // The first push of a notification on a node is the one kept.
        return QStringLiteral("INSERT INTO notification_pushes (notification_id, node, pushed_at,"
                              " connections) VALUES (?, ?, ?, ?)"
                              " ON CONFLICT (notification_id, node) DO NOTHING");
    case Stmt::InsertPushRows: {
        QStringList rows;
        for (int i = 0; i < pushRowsPerStatement; ++i)
            rows.append(QStringLiteral("(?, ?, ?, ?)"));
        return QStringLiteral("INSERT INTO notification_pushes (notification_id, node, pushed_at,"
                              " connections) VALUES ")
            + rows.join(QStringLiteral(", "))
            + QStringLiteral(" ON CONFLICT (notification_id, node) DO NOTHING");
    }
    case Stmt::EnqueueDelivered:
    case Stmt::EnqueueRead:
    case Stmt::EnqueueDeleted: {
        // As storedetail::enqueueWebhookEvents for one id. The event is written in, not
        // bound: SQLite compiles a LIKE whose pattern is bound again at every run.
        const bool delivered = stmt == Stmt::EnqueueDelivered;
        const QString event = delivered ? QStringLiteral("delivered")
            : stmt == Stmt::EnqueueRead ? QStringLiteral("read")
                                        : QStringLiteral("deleted");
        return QStringLiteral("INSERT INTO webhook_outbox (endpoint_id, org_id, user_id, event,"
                              " notification_id, occurred_at, attempts, claimed_until)"
                              " SELECT e.id, n.org_id, n.user_id, '")
            + event
            + QStringLiteral("', n.id, CAST(? AS BIGINT), 0, 0"
                             " FROM webhook_endpoints e JOIN notifications n"
                             " ON n.org_id = e.org_id"
                             " WHERE e.org_id = ? AND e.disabled_at IS NULL"
                             " AND e.events LIKE '%,")
            + event + QStringLiteral(",%' AND n.user_id = ? AND n.id = ?")
            + (delivered ? QStringLiteral(" AND n.delivered_at IS NULL AND n.deleted_at IS NULL")
                         : QString())
            + QStringLiteral(" ORDER BY e.id");
    }
    case Stmt::Begin:
        // WriteTransaction's own (sqlsupport.h), run through runKept on SQLite only.
        return WriteTransaction::sql(TransactionStatement::Begin, pg);
    case Stmt::Commit:
        return WriteTransaction::sql(TransactionStatement::Commit, pg);
    case Stmt::Rollback:
        return WriteTransaction::sql(TransactionStatement::Rollback, pg);
    case Stmt::Count:
        break;
    }
    return QString();
}

QSqlQuery *Store::Private::execStmt(Stmt stmt, std::span<const SqlValue> values,
                                    std::optional<StoreError> *error)
{
    std::unique_ptr<QSqlQuery> &slot = statements[size_t(stmt)];
    for (int attempt = 0;; ++attempt) {
        if (!slot) {
            auto query = std::make_unique<QSqlQuery>(db());
            query->setForwardOnly(true);
            if (!query->prepare(stmtSql(stmt))) {
                *error = toStoreError(query->lastError(), pg, QStringLiteral("prepare"));
                return nullptr;
            }
            slot = std::move(query);
        }
        int i = 0;
        for (const SqlValue &value : values)
            slot->bindValue(i++, value.toVariant());
        if (slot->exec())
            return slot.get();
        const QSqlError failure = slot->lastError();
        // QSQLITE reports every failed step as a connection error. SQLITE_ERROR or
        // SQLITE_SCHEMA from a statement prepared earlier can mean the schema changed under
        // it: prepare it again, as a fresh statement would have been, and let that decide.
        // (A failed SQLite statement changes nothing; PostgreSQL reports such errors with
        // their own SQLSTATE, and a retry there would only meet an aborted transaction.)
        const int code = failure.nativeErrorCode().toInt() & 0xff;
        if (!pg && attempt == 0 && (code == 1 || code == 17)) {
            slot.reset();
            continue;
        }
        *error = toStoreError(failure, pg, QStringLiteral("query"));
        return nullptr;
    }
}

std::optional<StoreError> Store::Private::execInts(Stmt stmt, std::span<const SqlValue> values,
                                                   bool *found,
                                                   std::initializer_list<qint64 *> columns)
{
    if (!pg)
        return execSqlite(stmt, values, found, columns);
    std::optional<StoreError> error;
    QSqlQuery *q = execStmt(stmt, values, &error);
    if (!q)
        return error;
    const bool row = q->next();
    if (found)
        *found = row;
    int i = 0;
    for (qint64 *column : columns)
        *column = row ? q->value(i++).toLongLong() : 0;
    q->finish();
    return std::nullopt;
}

std::optional<StoreError> Store::Private::execSqlite(Stmt stmt, std::span<const SqlValue> values,
                                                     bool *found,
                                                     std::initializer_list<qint64 *> columns)
{
    if (!sqlite) {
        const QVariant handle = db().driver()->handle();
        if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
            return StoreError::internal(QStringLiteral("the QSQLITE driver gave no handle"));
        sqlite = *static_cast<sqlite3 *const *>(handle.constData());
        if (!sqlite)
            return StoreError::unavailable(QStringLiteral("the database is not open"));
    }
    // The errors are the ones QSQLITE reports for the same failures, so that callers see
    // the same kinds: a failed prepare is a statement error, a failed step a "connection"
    // error (see execStmt).
    auto failure = [this](const char *driverText, QSqlError::ErrorType type) {
        return QSqlError(QString::fromLatin1(driverText), QString::fromUtf8(sqlite3_errmsg(sqlite)),
                         type, QString::number(sqlite3_extended_errcode(sqlite)));
    };
    sqlite3_stmt *&slot = sqliteStatements[size_t(stmt)];
    for (int attempt = 0;; ++attempt) {
        if (!slot) {
            const QByteArray sql = stmtSql(stmt).toUtf8();
            if (sqlite3_prepare_v2(sqlite, sql.constData(), int(sql.size()), &slot, nullptr)
                != SQLITE_OK) {
                const QSqlError error
                    = failure("Unable to execute statement", QSqlError::StatementError);
                sqlite3_finalize(slot);
                slot = nullptr;
                return toStoreError(error, false, QStringLiteral("prepare"));
            }
        }
        // Text goes to SQLite as UTF-8, the database's encoding, converted by Qt into one
        // buffer kept by the connection: bound as UTF-16, every value was converted again by
        // SQLite itself (sqlite3VdbeMemTranslate: a malloc and a byte loop per value).
        qsizetype textSpace = 0;
        for (const SqlValue &value : values) {
            if (value.isText())
                textSpace += value.string().size() * 3;
        }
        if (bindBuffer.size() < textSpace)
            bindBuffer.resize(textSpace);
        char *out = bindBuffer.data();
        QStringEncoder utf8(QStringEncoder::Utf8, QStringEncoder::Flag::Stateless);
        int index = 0;
        for (const SqlValue &value : values) {
            ++index;
            int rc = SQLITE_OK;
            if (value.isNull()) {
                rc = sqlite3_bind_null(slot, index);
            } else if (value.isText()) {
                // Bound in place: the buffer is not resized before the step, and the
                // bindings are cleared after it.
                char *end = utf8.appendToBuffer(out, value.string());
                rc = sqlite3_bind_text(slot, index, out, int(end - out), SQLITE_STATIC);
                out = end;
            } else {
                rc = sqlite3_bind_int64(slot, index, value.integer());
            }
            if (rc != SQLITE_OK) {
                const QSqlError error
                    = failure("Unable to bind parameters", QSqlError::StatementError);
                sqlite3_clear_bindings(slot);
                return toStoreError(error, false, QStringLiteral("query"));
            }
        }
        const int rc = sqlite3_step(slot);
        const bool row = rc == SQLITE_ROW;
        if (row || rc == SQLITE_DONE) {
            if (found)
                *found = row;
            int i = 0;
            for (qint64 *column : columns)
                *column = row ? sqlite3_column_int64(slot, i++) : 0;
            // Reset at once: a statement left stepping keeps its read snapshot open.
            sqlite3_reset(slot);
            sqlite3_clear_bindings(slot);
            return std::nullopt;
        }
        const QSqlError error = failure("Unable to fetch row", QSqlError::ConnectionError);
        sqlite3_reset(slot);
        sqlite3_clear_bindings(slot);
        // As in execStmt: a statement that went stale with the schema is prepared again.
        const int code = error.nativeErrorCode().toInt() & 0xff;
        if (attempt == 0 && (code == SQLITE_ERROR || code == SQLITE_SCHEMA)) {
            sqlite3_finalize(slot);
            slot = nullptr;
            continue;
        }
        StoreError result = toStoreError(error, false, QStringLiteral("query"));
        // A write the file system refused comes back as an I/O error; the system's errno
        // says which fault of the environment it was (docs/operations.md, "When things fail").
        if (result.cause == StoreError::Cause::Other && code == SQLITE_IOERR) {
            int system = sqlite3_system_errno(sqlite);
            if (system == 0)
                system = walFailedWriteErrno();
            if (system == ENOSPC || system == EDQUOT)
                result.cause = StoreError::Cause::Full;
            else if (system == EROFS)
                result.cause = StoreError::Cause::ReadOnly;
        }
        return result;
    }
}

std::optional<StoreError> Store::Private::runKept(TransactionStatement statement)
{
    switch (statement) {
    case TransactionStatement::Begin:
        return execInts(Stmt::Begin, {});
    case TransactionStatement::Commit:
        return execInts(Stmt::Commit, {});
    case TransactionStatement::Rollback:
        break;
    }
    return execInts(Stmt::Rollback, {});
}

std::optional<StoreError> Store::Private::enqueueWebhookEvents(const Recipient &r,
                                                               const QString &event,
                                                               const QStringList &ids,
                                                               const QDateTime &at,
                                                               bool onlyUndelivered)
{
    if (ids.isEmpty() || !webhooks::mayHaveEndpoints(r.orgId))
        return std::nullopt;
    Stmt stmt = Stmt::Count;
    if (event == QLatin1String("delivered") && onlyUndelivered)
        stmt = Stmt::EnqueueDelivered;
    else if (event == QLatin1String("read") && !onlyUndelivered)
        stmt = Stmt::EnqueueRead;
    else if (event == QLatin1String("deleted") && !onlyUndelivered)
        stmt = Stmt::EnqueueDeleted;
    if (ids.size() != 1 || stmt == Stmt::Count)
        return storedetail::enqueueWebhookEvents(db(), pg, r, event, ids, at, onlyUndelivered);
    return execInts(stmt, {SqlValue::ms(at), r.orgId, r.userId, ids.first()});
}

void Store::Private::dropPrepared()
{
    for (auto &statement : statements)
        statement.reset();
    // Before the connection closes: sqlite3_close refuses a connection with statements.
    for (sqlite3_stmt *&statement : sqliteStatements) {
        sqlite3_finalize(statement);
        statement = nullptr;
    }
    sqlite = nullptr;
}

} // namespace notify
