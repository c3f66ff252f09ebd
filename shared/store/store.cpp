#include "shared/store/store.h"

#include "shared/model/priority.h"

#include "shared/store/migrations.h"
#include "shared/store/sqlsupport.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSet>
#include <QSqlDriver>
#include <QSqlQuery>
#include "shared/model/timeuuid.h"

#include <QUuid>

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <map>

namespace notify {

using namespace storesql;

namespace {

const QString kColumns = QStringLiteral(
    "id, org_id, user_id, seq, type, title, body, priority, action_url, entity_type, entity_id,"
    " metadata, idempotency_key, created_at, delivered_at, read_at, deleted_at");

Notification readNotification(const QSqlQuery &q)
{
    Notification n;
    n.id = q.value(0).toString();
    n.recipient.orgId = q.value(1).toString();
    n.recipient.userId = q.value(2).toString();
    n.seq = q.value(3).toLongLong();
    n.content.type = q.value(4).toString();
    n.content.title = q.value(5).toString();
    n.content.body = q.value(6).toString();
    n.content.priority = parsePriority(q.value(7).toString()).value_or(Priority::Normal);
    n.content.actionUrl = q.value(8).toString();
    n.content.entityType = q.value(9).toString();
    n.content.entityId = q.value(10).toString();
    n.content.metadata = QJsonDocument::fromJson(q.value(11).toString().toUtf8()).object();
    n.idempotencyKey = q.value(12).isNull() ? QString() : q.value(12).toString();
    n.createdAt = fromMs(q.value(13));
    n.deliveredAt = fromMs(q.value(14));
    n.readAt = fromMs(q.value(15));
    n.deletedAt = fromMs(q.value(16));
    return n;
}

Binds recipientBinds(const Recipient &r)
{
    return {{QStringLiteral(":org"), r.orgId}, {QStringLiteral(":user"), r.userId}};
}

const QString kWhereRecipient = QStringLiteral("org_id = :org AND user_id = :user");

StoreError invalidRecipient()
{
    return StoreError::internal(QStringLiteral("a recipient needs an org id and a user id"));
}

QDateTime nowOr(const QDateTime &t)
{
    return truncatedUtc(t.isValid() ? t : QDateTime::currentDateTimeUtc());
}

// Lock order for recipients rows: the same byte order everywhere (and COLLATE "C" in SQL),
// so that two transactions touching several recipients cannot deadlock.
// Compared in UTF-16 without converting (this runs for every map lookup of a batch): UTF-8
// byte order is code point order, which differs from UTF-16 unit order only where a
// surrogate meets a unit in U+E000..U+FFFF; moving the surrogates above that range fixes it.
int compareCodePoints(QStringView a, QStringView b)
{
    const qsizetype n = std::min(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i) {
        char16_t x = a[i].unicode(), y = b[i].unicode();
        if (x == y)
            continue;
        if (x >= 0xD800 && y >= 0xD800) {
            auto rank = [](char16_t c) {
                return c >= 0xE000 ? c - 0x800 : c + 0x2000;
            };
            return rank(x) < rank(y) ? -1 : 1;
        }
        return x < y ? -1 : 1;
    }
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

bool recipientLess(const Recipient &a, const Recipient &b)
{
    if (const int org = compareCodePoints(a.orgId, b.orgId))
        return org < 0;
    return compareCodePoints(a.userId, b.userId) < 0;
}

QStringList uniqueIds(const QStringList &ids)
{
    QStringList out;
    QSet<QString> seen;
    for (const QString &id : ids) {
        if (!id.isEmpty() && !seen.contains(id)) {
            seen.insert(id);
            out.append(id);
        }
    }
    return out;
}

// Keeps every statement well under SQLite's and PostgreSQL's bound-parameter limits.
constexpr qsizetype kIdChunk = 200;

// "(:id0, :id1, ...)" and the matching bindings.
QString idList(const QStringList &ids, Binds &binds)
{
    QStringList names;
    names.reserve(ids.size());
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const QString name = QStringLiteral(":id%1").arg(i);
        names.append(name);
        binds.emplace_back(name, ids.at(i));
    }
    return QLatin1Char('(') + names.join(QStringLiteral(", ")) + QLatin1Char(')');
}

Page takePage(std::vector<Notification> rows, int limit)
{
    Page page;
    page.hasMore = int(rows.size()) > limit;
    if (page.hasMore)
        rows.resize(size_t(limit));
    page.notifications = std::move(rows);
    return page;
}

} // namespace

class Store::Private
{
public:
    Private(const StoreConfig &config, const QString &name)
        : config(config)
        , name(name)
        , pg(config.isPostgres())
    { }

    QSqlDatabase db() const { return QSqlDatabase::database(name, false); }

    std::optional<StoreError> connect();
    std::optional<StoreError> setupSession();
    std::optional<StoreError> reopen();

    // Runs one operation; a connection found broken by an earlier call is reopened first,
    // so a store recovers by itself once the database is back.
    template<typename T, typename F> StoreResult<T> guarded(F &&body)
    {
        // A connection whose last reopen failed is closed, not merely broken.
        if (broken || !db().isOpen()) {
            if (auto error = reopen())
                return *error;
        }
        StoreResult<T> result = body();
        if (!result.ok() && result.error().kind == StoreError::Kind::Unavailable && pg) {
            // A connection that died while idle (server restart, failover, idle timeout)
            // is only noticed by the next statement. Nothing was committed then, so one
            // retry on a fresh connection is safe and spares the caller a spurious 503;
            // after a failed COMMIT the outcome is unknown and the error goes back as is.
            if (!result.error().outcomeUnknown && !reopen())
                result = body();
            if (!result.ok() && result.error().kind == StoreError::Kind::Unavailable)
                broken = true;
        }
        return result;
    }

    // The statements of the hot paths, each prepared once per connection and kept: parsing
    // SQL and converting named placeholders cost more than running these small statements.
    // They take positional ('?') values. Dropped before the connection closes.
    enum class Stmt {
        LockRecipient,
        ReadUnread,
        UpsertRecipient,
        FindKey,
        InsertNotification,
        BumpRecipient,
        Count
    };
    QString stmtSql(Stmt stmt) const;
    // Binds values in order and executes the statement, preparing it first if needed.
    // Returns the query, or nullptr with *error set. A SELECT's caller must finish() the
    // query once read: an SQLite statement left unfinished keeps its read snapshot open.
    QSqlQuery *execStmt(Stmt stmt, std::initializer_list<QVariant> values,
                        std::optional<StoreError> *error);
    // For statements that return at most one row of integers: runs stmt, and when it
    // returns a row sets *found and the first columns.size() columns. On SQLite this goes to
    // the sqlite3 API directly: QtSql's positional bind builds a placeholder name string
    // per value, which cost more than SQLite's own work for these small statements.
    std::optional<StoreError> execInts(Stmt stmt, std::initializer_list<QVariant> values,
                                       bool *found = nullptr,
                                       std::initializer_list<qint64 *> columns = {});
    std::optional<StoreError> execSqlite(Stmt stmt, std::initializer_list<QVariant> values,
                                         bool *found, std::initializer_list<qint64 *> columns);
    void dropPrepared();

    std::optional<StoreError> lockRecipient(const Recipient &r, bool *exists,
                                            qint64 *unread = nullptr);
    StoreResult<std::vector<Notification>> select(const QString &sql, const Binds &binds);
    StoreResult<qint64> readUnread(const Recipient &r);

    enum class Change { Read, Delete };
    StoreResult<ChangeOutcome> changeRows(const Recipient &r, const QStringList &requested,
                                          const QDateTime &at, Change change);

    // Sends m on the cluster bus within the current transaction (store/busmessage.h).
    std::optional<StoreError> notifyBus(const bus::Message &m);
    bool busOn() const { return pg && !config.busNode.isEmpty(); }

    const StoreConfig config;
    const QString name;
    const bool pg;
    bool broken = false;
    std::array<std::unique_ptr<QSqlQuery>, size_t(Stmt::Count)> statements;
    // SQLite: the connection's handle (owned by QSQLITE) and the statements run on it.
    sqlite3 *sqlite = nullptr;
    std::array<sqlite3_stmt *, size_t(Stmt::Count)> sqliteStatements {};
};

std::optional<StoreError> Store::Private::notifyBus(const bus::Message &m)
{
    if (!busOn())
        return std::nullopt;
    bus::Message message = m;
    message.node = config.busNode;
    QSqlQuery q(db());
    for (const QByteArray &payload : bus::encode(message)) {
        if (auto error = run(q, QStringLiteral("SELECT pg_notify(:channel, :payload)"),
                             {{QStringLiteral(":channel"), bus::channel()},
                              {QStringLiteral(":payload"), QString::fromUtf8(payload)}},
                             pg)) {
            return error;
        }
    }
    return std::nullopt;
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
        return QStringLiteral("SELECT unread_count FROM recipients") + whereRecipient + forUpdate;
    case Stmt::ReadUnread:
        return QStringLiteral("SELECT unread_count FROM recipients") + whereRecipient;
    case Stmt::UpsertRecipient:
        // Creates the row if needed and locks it (PostgreSQL takes the row lock of an update
        // for DO UPDATE, and the inserting transaction holds a new row) in one statement.
        return QStringLiteral("INSERT INTO recipients (org_id, user_id, last_seq, unread_count)"
                              " VALUES (?, ?, 0, 0) ON CONFLICT (org_id, user_id)"
                              " DO UPDATE SET last_seq = recipients.last_seq"
                              " RETURNING last_seq, unread_count");
    case Stmt::FindKey:
        return QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM notifications")
            + whereRecipient + QStringLiteral(" AND idempotency_key = ?");
    case Stmt::InsertNotification:
        return QStringLiteral("INSERT INTO notifications (") + kColumns
            + QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                             " NULL, NULL, NULL)");
    case Stmt::BumpRecipient:
        return QStringLiteral("UPDATE recipients SET last_seq = ?,"
                              " unread_count = unread_count + ?")
            + whereRecipient;
    case Stmt::Count:
        break;
    }
    return QString();
}

QSqlQuery *Store::Private::execStmt(Stmt stmt, std::initializer_list<QVariant> values,
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
        for (const QVariant &value : values)
            slot->bindValue(i++, value);
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

std::optional<StoreError> Store::Private::execInts(Stmt stmt,
                                                   std::initializer_list<QVariant> values,
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

std::optional<StoreError> Store::Private::execSqlite(Stmt stmt,
                                                     std::initializer_list<QVariant> values,
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
        int index = 0;
        for (const QVariant &value : values) {
            ++index;
            const int type = value.metaType().id();
            int rc = SQLITE_OK;
            // QSQLITE binds a null QString as NULL too (QVariant::isNull() does not say so).
            if (value.isNull()
                || (type == QMetaType::QString
                    && static_cast<const QString *>(value.constData())->isNull())) {
                rc = sqlite3_bind_null(slot, index);
            } else if (type == QMetaType::QString) {
                // Bound in place: value outlives the step, and the bindings are cleared after.
                const auto *text = static_cast<const QString *>(value.constData());
                rc = sqlite3_bind_text16(slot, index, text->utf16(),
                                         int(text->size() * qsizetype(sizeof(QChar))),
                                         SQLITE_STATIC);
            } else if (type == QMetaType::LongLong || type == QMetaType::Int) {
                rc = sqlite3_bind_int64(slot, index, value.toLongLong());
            } else {
                const QString text = value.toString();
                rc = sqlite3_bind_text16(slot, index, text.utf16(),
                                         int(text.size() * qsizetype(sizeof(QChar))),
                                         SQLITE_TRANSIENT);
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
        return toStoreError(error, false, QStringLiteral("query"));
    }
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

std::optional<StoreError> Store::Private::connect()
{
    QSqlDatabase database = db();
    if (!database.open()) {
        const QSqlError error = database.lastError();
        // Failing to open is always "unavailable": the database may come back.
        return StoreError::unavailable(
            QStringLiteral("cannot open %1: %2").arg(config.describe(), error.text().trimmed()));
    }
    return setupSession();
}

std::optional<StoreError> Store::Private::setupSession()
{
    const QSqlDatabase database = db();
    if (pg) {
        // libpq prints NOTICEs (e.g. "relation already exists, skipping") on stderr.
        return runPlain(database, QStringLiteral("SET client_min_messages TO warning"), pg);
    }
    // busy_timeout first, so that switching to WAL waits for a concurrent opener.
    // cache_size: SQLite's default 2 MiB page cache made the writer read index pages back
    // from the OS (pread) on every commit once the inbox outgrew it; 64 MiB is a ceiling,
    // used as the indexes grow.
    for (const auto sql : {"PRAGMA busy_timeout = 5000", "PRAGMA journal_mode = WAL",
                           "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON",
                           "PRAGMA cache_size = -65536"}) {
        if (auto error = runPlain(database, QString::fromLatin1(sql), pg))
            return error;
    }
    return std::nullopt;
}

std::optional<StoreError> Store::Private::reopen()
{
    dropPrepared();
    QSqlDatabase database = db();
    database.close();
    if (auto error = connect())
        return error;
    broken = false;
    return std::nullopt;
}

std::optional<StoreError> Store::Private::lockRecipient(const Recipient &r, bool *exists,
                                                        qint64 *unread)
{
    qint64 count = 0;
    if (auto error = execInts(Stmt::LockRecipient, {r.orgId, r.userId}, exists, {&count}))
        return error;
    if (unread)
        *unread = count;
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

StoreResult<qint64> Store::Private::readUnread(const Recipient &r)
{
    qint64 count = 0;
    if (auto error = execInts(Stmt::ReadUnread, {r.orgId, r.userId}, nullptr, {&count}))
        return *error;
    return count;
}

Store::Store(StoreConfig config, QString connectionName)
    : d(std::make_unique<Private>(config, connectionName))
    , m_config(std::move(config))
    , m_connectionName(std::move(connectionName))
{ }

Store::~Store()
{
    d->dropPrepared();
    {
        QSqlDatabase database = QSqlDatabase::database(m_connectionName, false);
        if (database.isValid())
            database.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

QSqlDatabase Store::database() const
{
    return d->db();
}

StoreResult<std::unique_ptr<Store>> Store::open(const StoreConfig &config,
                                                const QString &connectionName)
{
    if (connectionName.isEmpty() || QSqlDatabase::contains(connectionName)) {
        return StoreError::internal(
            QStringLiteral("database connection name \"%1\" is empty or in use")
                .arg(connectionName));
    }
    const QString driver
        = config.isPostgres() ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE");
    {
        QSqlDatabase database = QSqlDatabase::addDatabase(driver, connectionName);
        if (!database.isValid()) {
            database = QSqlDatabase();
            QSqlDatabase::removeDatabase(connectionName);
            return StoreError::internal(
                QStringLiteral("the Qt SQL driver %1 is not available").arg(driver));
        }
        if (config.isPostgres()) {
            database.setHostName(config.host);
            database.setPort(config.port);
            database.setUserName(config.user);
            database.setPassword(config.password);
            database.setDatabaseName(config.database);
            // Without a timeout, an unreachable host blocks the caller for minutes.
            database.setConnectOptions(QStringLiteral("connect_timeout=5"));
        } else {
            const QString path = config.sqlitePath;
            if (path != QLatin1String(":memory:")) {
                const QString dir = QFileInfo(path).absolutePath();
                if (!QDir().mkpath(dir)) {
                    database = QSqlDatabase();
                    QSqlDatabase::removeDatabase(connectionName);
                    return StoreError::unavailable(
                        QStringLiteral("cannot create the directory %1").arg(dir));
                }
            }
            database.setDatabaseName(path);
        }
    }
    std::unique_ptr<Store> store(new Store(config, connectionName));
    if (auto error = store->d->connect())
        return *error;
    return StoreResult<std::unique_ptr<Store>>(std::move(store));
}

StoreResult<Done> Store::migrate()
{
    return d->guarded<Done>([&] { return storeinternal::migrateTo(*this, latestSchemaVersion()); });
}

StoreResult<int> Store::schemaVersion()
{
    return d->guarded<int>([&] { return storeinternal::currentVersion(*this); });
}

int Store::latestSchemaVersion()
{
    return int(storeinternal::migrations().size());
}

StoreResult<Done> Store::ping()
{
    auto probe = [this]() -> std::optional<StoreError> {
        QSqlQuery q(d->db());
        if (auto error = run(q, QStringLiteral("SELECT 1"), {}, d->pg))
            return error;
        if (!q.next())
            return StoreError::internal(QStringLiteral("SELECT 1 returned no row"));
        return std::nullopt;
    };
    if (d->broken || !d->db().isOpen()) {
        if (auto error = d->reopen())
            return *error;
    }
    if (!probe())
        return Done {};
    // The connection may have died since the last call: reconnect once and ask again.
    if (auto error = d->reopen())
        return *error;
    if (auto error = probe()) {
        if (error->kind == StoreError::Kind::Unavailable && d->pg)
            d->broken = true;
        return *error;
    }
    return Done {};
}

StoreResult<std::vector<InsertOutcome>>
Store::insertBatch(const std::vector<NewNotification> &batch, const QDateTime &now)
{
    for (const NewNotification &draft : batch) {
        if (!draft.recipient.isValid())
            return invalidRecipient();
    }
    if (batch.empty())
        return std::vector<InsertOutcome> {};

    return d->guarded<std::vector<InsertOutcome>>([&]() -> StoreResult<std::vector<InsertOutcome>> {
        const QSqlDatabase db = d->db();
        const bool pg = d->pg;
        const QDateTime createdAt = nowOr(now);

        struct State
        {
            qint64 lastSeq = 0;
            qint64 unread = 0; // before the batch
            qint64 created = 0;
        };
        auto less = [](const Recipient &a, const Recipient &b) {
            return recipientLess(a, b);
        };
        std::map<Recipient, State, decltype(less)> states(less);
        for (const NewNotification &draft : batch)
            states.try_emplace(draft.recipient);

        WriteTransaction tx(db, pg);
        if (auto error = tx.begin())
            return *error;

        using Stmt = Private::Stmt;
        std::optional<StoreError> error;

        // Lock (creating if needed) each recipient's row in a fixed order: the row lock
        // serializes concurrent batches for one recipient, which makes seq gap-free and
        // the idempotency lookup below race-free.
        for (auto &[recipient, state] : states) {
            bool found = false;
            if ((error = d->execInts(Stmt::UpsertRecipient, {recipient.orgId, recipient.userId},
                                     &found, {&state.lastSeq, &state.unread}))) {
                return tx.fail(*error);
            }
            if (!found)
                return tx.fail(StoreError::internal(QStringLiteral("recipient row vanished")));
        }

        std::vector<InsertOutcome> outcomes;
        outcomes.reserve(batch.size());
        // (recipient, key) -> index into outcomes, for keys repeated inside the batch.
        QHash<QPair<Recipient, QString>, size_t> keyed;

        const QVariant createdAtMs = msOrNull(createdAt);
        for (const NewNotification &draft : batch) {
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

            State &state = states[draft.recipient];
            Notification n;
            n.id = newTimeOrderedUuid();
            n.recipient = draft.recipient;
            n.seq = ++state.lastSeq;
            n.content = draft.content;
            n.idempotencyKey = key;
            n.createdAt = createdAt;
            ++state.created;

            const NotificationContent &c = n.content;
            // The order of kColumns.
            if ((error = d->execInts(
                     Stmt::InsertNotification,
                     {n.id, n.recipient.orgId, n.recipient.userId, qlonglong(n.seq), text(c.type),
                      text(c.title), text(c.body), priorityName(c.priority), text(c.actionUrl),
                      text(c.entityType), text(c.entityId),
                      QString::fromUtf8(QJsonDocument(c.metadata).toJson(QJsonDocument::Compact)),
                      key.isEmpty() ? QVariant() : QVariant(key), createdAtMs}))) {
                return tx.fail(*error);
            }

            if (!key.isEmpty())
                keyed.insert(qMakePair(draft.recipient, key), outcomes.size());
            outcomes.push_back({std::move(n), true});
        }

        bus::Message signal;
        signal.kind = bus::Kind::Created;
        for (const auto &[recipient, state] : states) {
            if (state.created == 0)
                continue;
            if ((error = d->execInts(Stmt::BumpRecipient,
                                     {qlonglong(state.lastSeq), qlonglong(state.created),
                                      recipient.orgId, recipient.userId}))) {
                return tx.fail(*error);
            }
            signal.created.push_back({recipient, state.lastSeq - state.created + 1, state.lastSeq,
                                      state.unread + state.created});
        }
        // One signal per commit group, committed with it (docs/operations.md, "Cluster").
        if (!signal.created.empty()) {
            if ((error = d->notifyBus(signal)))
                return tx.fail(*error);
        }
        if (auto commitError = tx.commit())
            return *commitError;
        // The rows were locked from the first statement on, so nothing else changed them.
        for (InsertOutcome &o : outcomes) {
            const State &state = states[o.notification.recipient];
            o.unreadCountAfter = state.unread + state.created;
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
        QString sql = QStringLiteral("SELECT ") + kColumns
            + QStringLiteral(" FROM notifications WHERE ") + kWhereRecipient
            + QStringLiteral(" AND deleted_at IS NULL");
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
        auto rows = d->select(QStringLiteral("SELECT ") + kColumns
                                  + QStringLiteral(" FROM notifications WHERE ") + kWhereRecipient
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
        QString sql = QStringLiteral("SELECT ") + kColumns
            + QStringLiteral(" FROM notifications WHERE ") + kWhereRecipient
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
            auto rows = d->select(
                QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM notifications WHERE ")
                    + kWhereRecipient + QStringLiteral(" AND id = :id AND deleted_at IS NULL"),
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
            auto rows = d->select(QStringLiteral("SELECT ") + kColumns
                                      + QStringLiteral(" FROM notifications WHERE ")
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

StoreResult<ChangeOutcome> Store::softDelete(const Recipient &r, const QStringList &ids,
                                             const QDateTime &at)
{
    if (!r.isValid())
        return invalidRecipient();
    return d->guarded<ChangeOutcome>(
        [&] { return d->changeRows(r, ids, at, Private::Change::Delete); });
}

// markRead and softDelete share one shape: lock the inbox, find which of the ids really
// change, change exactly those and move the counter by exactly that many.
StoreResult<ChangeOutcome> Store::Private::changeRows(const Recipient &r,
                                                      const QStringList &requested,
                                                      const QDateTime &atIn, Change change)
{
    const QSqlDatabase db = this->db();
    ChangeOutcome outcome;
    outcome.at = nowOr(atIn);
    const QStringList ids = uniqueIds(requested);

    WriteTransaction tx(db, pg);
    if (auto error = tx.begin())
        return *error;
    bool exists = false;
    qint64 unread = 0;
    if (auto error = lockRecipient(r, &exists, &unread))
        return tx.fail(*error);
    if (!exists) {
        // No row, no notifications: nothing to change, and nothing to commit.
        tx.rollback();
        return outcome;
    }

    QSet<QString> changed;
    qint64 unreadChanged = 0;
    const QString condition = change == Change::Read
        ? QStringLiteral(" AND read_at IS NULL AND deleted_at IS NULL")
        : QStringLiteral(" AND deleted_at IS NULL");
    const QString column
        = change == Change::Read ? QStringLiteral("read_at") : QStringLiteral("deleted_at");
    for (qsizetype start = 0; start < ids.size(); start += kIdChunk) {
        const QStringList chunk = ids.mid(start, kIdChunk);
        qsizetype found = 0;
        {
            Binds binds = recipientBinds(r);
            const QString list = idList(chunk, binds);
            QSqlQuery q(db);
            if (auto error
                = run(q,
                      QStringLiteral("SELECT id, read_at FROM notifications WHERE ")
                          + kWhereRecipient + QStringLiteral(" AND id IN ") + list + condition,
                      binds, pg)) {
                return tx.fail(*error);
            }
            while (q.next()) {
                changed.insert(q.value(0).toString());
                if (q.value(1).isNull())
                    ++unreadChanged;
                ++found;
            }
        }
        if (found == 0)
            continue;
        Binds binds = recipientBinds(r);
        binds.emplace_back(QStringLiteral(":at"), msOrNull(outcome.at));
        const QString list = idList(chunk, binds);
        QSqlQuery q(db);
        if (auto error = run(q,
                             QStringLiteral("UPDATE notifications SET ") + column
                                 + QStringLiteral(" = :at WHERE ") + kWhereRecipient
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

    if (unreadChanged > 0) {
        Binds binds = recipientBinds(r);
        binds.emplace_back(QStringLiteral(":n"), qlonglong(unreadChanged));
        QSqlQuery q(db);
        if (auto error = run(q,
                             QStringLiteral("UPDATE recipients SET unread_count = unread_count - :n"
                                            " WHERE ")
                                 + kWhereRecipient,
                             binds, pg)) {
            return tx.fail(*error);
        }
    }
    for (const QString &id : ids) {
        if (changed.contains(id))
            outcome.ids.append(id);
    }
    outcome.unreadCount = unread - unreadChanged;
    if (!outcome.ids.isEmpty()) {
        bus::Message signal;
        signal.kind = change == Change::Read ? bus::Kind::Read : bus::Kind::Deleted;
        signal.recipient = r;
        signal.ids = outcome.ids;
        signal.unreadCount = outcome.unreadCount;
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
    return d->guarded<ChangeOutcome>([&]() -> StoreResult<ChangeOutcome> {
        const QSqlDatabase db = d->db();
        const bool pg = d->pg;
        ChangeOutcome outcome;
        outcome.at = nowOr(at);

        WriteTransaction tx(db, pg);
        if (auto error = tx.begin())
            return *error;
        bool exists = false;
        if (auto error = d->lockRecipient(r, &exists))
            return tx.fail(*error);
        if (!exists) {
            tx.rollback();
            return outcome;
        }
        const QString unreadRows = QStringLiteral(" FROM notifications WHERE ") + kWhereRecipient
            + QStringLiteral(" AND read_at IS NULL AND deleted_at IS NULL");
        {
            QSqlQuery q(db);
            if (auto error
                = run(q, QStringLiteral("SELECT id") + unreadRows + QStringLiteral(" ORDER BY seq"),
                      recipientBinds(r), pg)) {
                return tx.fail(*error);
            }
            while (q.next())
                outcome.ids.append(q.value(0).toString());
        }
        if (!outcome.ids.isEmpty()) {
            Binds binds = recipientBinds(r);
            binds.emplace_back(QStringLiteral(":at"), msOrNull(outcome.at));
            QSqlQuery q(db);
            if (auto error
                = run(q,
                      QStringLiteral("UPDATE notifications SET read_at = :at WHERE ")
                          + kWhereRecipient
                          + QStringLiteral(" AND read_at IS NULL AND deleted_at IS NULL"),
                      binds, pg)) {
                return tx.fail(*error);
            }
        }
        {
            // Everything visible is read now, so the count is 0 by definition.
            QSqlQuery q(db);
            if (auto error = run(q,
                                 QStringLiteral("UPDATE recipients SET unread_count = 0 WHERE ")
                                     + kWhereRecipient,
                                 recipientBinds(r), pg)) {
                return tx.fail(*error);
            }
        }
        if (!outcome.ids.isEmpty()) {
            bus::Message signal;
            signal.kind = bus::Kind::Read;
            signal.recipient = r;
            signal.ids = outcome.ids;
            signal.unreadCount = 0;
            signal.atMs = outcome.at.toMSecsSinceEpoch();
            if (auto error = d->notifyBus(signal))
                return tx.fail(*error);
        }
        if (auto error = tx.commit())
            return *error;
        outcome.unreadCount = 0;
        return outcome;
    });
}

StoreResult<qint64> Store::unreadCount(const Recipient &r)
{
    if (!r.isValid())
        return invalidRecipient();
    return d->guarded<qint64>([&] { return d->readUnread(r); });
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
        WriteTransaction tx(db, d->pg);
        if (auto error = tx.begin())
            return *error;
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

StoreResult<Done> Store::createSession(const SessionRecord &session)
{
    if (!session.recipient.isValid())
        return invalidRecipient();
    if (session.tokenSha256Hex.isEmpty() || !session.expiresAt.isValid())
        return StoreError::internal(QStringLiteral("a session needs a token hash and an expiry"));
    return d->guarded<Done>([&]() -> StoreResult<Done> {
        QSqlQuery q(d->db());
        if (auto error
            = run(q,
                  QStringLiteral("INSERT INTO sessions (token_sha256, org_id, user_id,"
                                 " role, created_at, expires_at, revoked_at)"
                                 " VALUES (:token, :org, :user, :role, :created,"
                                 " :expires, :revoked)"),
                  {{QStringLiteral(":token"), QString::fromLatin1(session.tokenSha256Hex)},
                   {QStringLiteral(":org"), session.recipient.orgId},
                   {QStringLiteral(":user"), session.recipient.userId},
                   {QStringLiteral(":role"), text(session.role)},
                   {QStringLiteral(":created"), msOrNull(nowOr(session.createdAt))},
                   {QStringLiteral(":expires"), msOrNull(session.expiresAt)},
                   {QStringLiteral(":revoked"), msOrNull(session.revokedAt)}},
                  d->pg)) {
            return *error;
        }
        return Done {};
    });
}

StoreResult<std::optional<SessionRecord>> Store::findSession(const QByteArray &tokenSha256Hex)
{
    return d->guarded<std::optional<SessionRecord>>(
        [&]() -> StoreResult<std::optional<SessionRecord>> {
            QSqlQuery q(d->db());
            if (auto error
                = run(q,
                      QStringLiteral("SELECT token_sha256, org_id, user_id, role,"
                                     " created_at, expires_at, revoked_at"
                                     " FROM sessions WHERE token_sha256 = :token"),
                      {{QStringLiteral(":token"), QString::fromLatin1(tokenSha256Hex)}}, d->pg)) {
                return *error;
            }
            if (!q.next())
                return std::optional<SessionRecord>();
            SessionRecord s;
            s.tokenSha256Hex = q.value(0).toString().toLatin1();
            s.recipient.orgId = q.value(1).toString();
            s.recipient.userId = q.value(2).toString();
            s.role = q.value(3).toString();
            s.createdAt = fromMs(q.value(4));
            s.expiresAt = fromMs(q.value(5));
            s.revokedAt = fromMs(q.value(6));
            return std::optional<SessionRecord>(std::move(s));
        });
}

StoreResult<bool> Store::revokeSession(const QByteArray &tokenSha256Hex, const QDateTime &at)
{
    return d->guarded<bool>([&]() -> StoreResult<bool> {
        const QVariant when = msOrNull(nowOr(at));
        // With the bus on, the revocation and its signal commit together.
        WriteTransaction tx(d->db(), d->pg);
        if (d->busOn()) {
            if (auto error = tx.begin())
                return *error;
        }
        QSqlQuery q(d->db());
        if (auto error = run(q,
                             QStringLiteral("UPDATE sessions SET revoked_at = :at"
                                            " WHERE token_sha256 = :token AND revoked_at IS NULL"
                                            " AND expires_at > :now"),
                             {{QStringLiteral(":at"), when},
                              {QStringLiteral(":token"), QString::fromLatin1(tokenSha256Hex)},
                              {QStringLiteral(":now"), when}},
                             d->pg)) {
            return tx.fail(*error);
        }
        const bool revoked = q.numRowsAffected() > 0;
        if (d->busOn()) {
            if (revoked) {
                bus::Message signal;
                signal.kind = bus::Kind::Revoked;
                signal.sessionHash = tokenSha256Hex;
                if (auto error = d->notifyBus(signal))
                    return tx.fail(*error);
            }
            if (auto error = tx.commit())
                return *error;
        }
        return revoked;
    });
}

StoreResult<int> Store::deleteExpiredSessions(const QDateTime &cutoff)
{
    return d->guarded<int>([&]() -> StoreResult<int> {
        const QVariant when = msOrNull(nowOr(cutoff));
        QSqlQuery q(d->db());
        if (auto error
            = run(q,
                  QStringLiteral("DELETE FROM sessions WHERE expires_at < :cutoff"
                                 " OR (revoked_at IS NOT NULL"
                                 " AND revoked_at < :cutoff2)"),
                  {{QStringLiteral(":cutoff"), when}, {QStringLiteral(":cutoff2"), when}}, d->pg)) {
            return *error;
        }
        return q.numRowsAffected();
    });
}

StoreResult<Done> Store::recordBroadcast(const BroadcastRecord &b)
{
    return d->guarded<Done>([&]() -> StoreResult<Done> {
        const QString id
            = b.id.isEmpty() ? newTimeOrderedUuid() : b.id;
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

StoreResult<Done> Store::sendBusMessage(const bus::Message &message)
{
    if (!d->busOn())
        return Done {};
    return d->guarded<Done>([&]() -> StoreResult<Done> {
        if (auto error = d->notifyBus(message))
            return *error;
        return Done {};
    });
}

StoreResult<int> Store::purgeOlderThan(const QDateTime &cutoff)
{
    if (!cutoff.isValid())
        return StoreError::internal(QStringLiteral("purge needs a valid cutoff"));
    return d->guarded<int>([&]() -> StoreResult<int> {
        const QSqlDatabase db = d->db();
        const bool pg = d->pg;
        const QVariant when = msOrNull(cutoff);
        const QString doomed = QStringLiteral(" FROM notifications WHERE created_at < :cutoff"
                                              " OR (deleted_at IS NOT NULL"
                                              " AND deleted_at < :cutoff2)");
        const Binds cutoffBinds {{QStringLiteral(":cutoff"), when},
                                 {QStringLiteral(":cutoff2"), when}};

        WriteTransaction tx(db, pg);
        if (auto error = tx.begin())
            return *error;

        std::vector<Recipient> affected;
        {
            QSqlQuery q(db);
            if (auto error = run(q, QStringLiteral("SELECT DISTINCT org_id, user_id") + doomed,
                                 cutoffBinds, pg)) {
                return tx.fail(*error);
            }
            while (q.next())
                affected.push_back({q.value(0).toString(), q.value(1).toString()});
        }
        std::sort(affected.begin(), affected.end(), recipientLess);
        for (const Recipient &r : affected) {
            bool exists = false;
            if (auto error = d->lockRecipient(r, &exists))
                return tx.fail(*error);
        }

        int purged = 0;
        {
            QSqlQuery q(db);
            if (auto error = run(q, QStringLiteral("DELETE") + doomed, cutoffBinds, pg))
                return tx.fail(*error);
            purged = q.numRowsAffected();
        }
        // Recounting from the remaining rows is exact whatever mix of read, unread and
        // deleted rows went.
        QSqlQuery recount(db);
        for (const Recipient &r : affected) {
            if (auto error = run(recount,
                                 QStringLiteral("UPDATE recipients SET unread_count ="
                                                " (SELECT COUNT(*) FROM notifications n"
                                                " WHERE n.org_id = recipients.org_id"
                                                " AND n.user_id = recipients.user_id"
                                                " AND n.read_at IS NULL AND n.deleted_at IS NULL)"
                                                " WHERE ")
                                     + kWhereRecipient,
                                 recipientBinds(r), pg)) {
                return tx.fail(*error);
            }
        }
        if (auto error = tx.commit())
            return *error;
        return purged;
    });
}

StoreResult<qint64> Store::recountUnread(const Recipient &r)
{
    if (!r.isValid())
        return invalidRecipient();
    return d->guarded<qint64>([&]() -> StoreResult<qint64> {
        const QSqlDatabase db = d->db();
        const bool pg = d->pg;
        WriteTransaction tx(db, pg);
        if (auto error = tx.begin())
            return *error;
        bool exists = false;
        if (auto error = d->lockRecipient(r, &exists))
            return tx.fail(*error);
        qint64 count = 0;
        {
            QSqlQuery q(db);
            if (auto error
                = run(q,
                      QStringLiteral("SELECT COUNT(*) FROM notifications WHERE ") + kWhereRecipient
                          + QStringLiteral(" AND read_at IS NULL AND deleted_at IS NULL"),
                      recipientBinds(r), pg)) {
                return tx.fail(*error);
            }
            if (q.next())
                count = q.value(0).toLongLong();
        }
        if (exists) {
            Binds binds = recipientBinds(r);
            binds.emplace_back(QStringLiteral(":n"), qlonglong(count));
            QSqlQuery q(db);
            if (auto error = run(q,
                                 QStringLiteral("UPDATE recipients SET unread_count = :n WHERE ")
                                     + kWhereRecipient,
                                 binds, pg)) {
                return tx.fail(*error);
            }
        }
        if (auto error = tx.commit())
            return *error;
        return count;
    });
}

} // namespace notify
