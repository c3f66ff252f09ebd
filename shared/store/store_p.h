#pragma once

// Internal to the store: Store's private part and the helpers its source files share
// (store.h's class is implemented across storeconnection.cpp, storestatements.cpp,
// storenotifications.cpp, storesessions.cpp and storeretention.cpp). Not public API.

#include "shared/store/store.h"

#include "shared/model/priority.h"
#include "shared/store/connectionwatchdog.h"
#include "shared/store/sqlsupport.h"

#include <QJsonDocument>
#include <QSet>
#include <QSqlQuery>

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <span>

namespace notify {

using namespace storedetail;

namespace storedetail {

inline const QString kColumns = QStringLiteral(
    "id, org_id, user_id, seq, type, title, body, priority, action_url, entity_type, entity_id,"
    " metadata, idempotency_key, created_at, delivered_at, read_at, deleted_at, seen_at,"
    " archived_at, snoozed_until, expires_at, acted_action_id, acted_at, actions");
// Reads of whole notifications: the inbox row with its content (schema version 5). Only
// content_id is in both tables, so the conditions that follow need no qualifier.
inline const QString kFromInbox
    = QStringLiteral(" FROM notifications JOIN notification_contents USING (content_id) WHERE ");

// The drafts of one publish call share their content's strings (reference counts): those
// are equal without comparing their text, which the writer did for every draft.
inline bool sameText(const QString &a, const QString &b)
{
    return (a.constData() == b.constData() && a.size() == b.size()) || a == b;
}

inline bool sameContent(const NotificationContent &a, const NotificationContent &b)
{
    return a.priority == b.priority && sameText(a.type, b.type) && sameText(a.title, b.title)
        && sameText(a.body, b.body) && sameText(a.actionUrl, b.actionUrl)
        && sameText(a.entityType, b.entityType) && sameText(a.entityId, b.entityId)
        && a.metadata == b.metadata;
}

inline Notification readNotification(const QSqlQuery &q)
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
    n.seenAt = fromMs(q.value(17));
    n.archivedAt = fromMs(q.value(18));
    n.snoozedUntil = fromMs(q.value(19));
    n.expiresAt = fromMs(q.value(20));
    n.actedActionId = q.value(21).isNull() ? QString() : q.value(21).toString();
    n.actedAt = fromMs(q.value(22));
    const QString actions = q.value(23).toString();
    if (actions.size() > 2) // "[]" for most: no parse
        n.content.actions = QJsonDocument::fromJson(actions.toUtf8()).array();
    return n;
}

inline Binds recipientBinds(const Recipient &r)
{
    return {{QStringLiteral(":org"), r.orgId}, {QStringLiteral(":user"), r.userId}};
}

inline const QString kWhereRecipient = QStringLiteral("org_id = :org AND user_id = :user");

// The rows each of a recipient's counters counts (recipients.unread_count, unseen_count);
// a read row is seen too (its seen_at is set with read_at), the condition says so anyway.
inline const QString kUnreadRow = QStringLiteral("read_at IS NULL AND deleted_at IS NULL");
inline const QString kUnseenRow
    = QStringLiteral("seen_at IS NULL AND read_at IS NULL AND deleted_at IS NULL");

inline StoreError invalidRecipient()
{
    return StoreError::internal(QStringLiteral("a recipient needs an org id and a user id"));
}

inline QDateTime nowOr(const QDateTime &t)
{
    return truncatedUtc(t.isValid() ? t : QDateTime::currentDateTimeUtc());
}

// Lock order for recipients rows: the same byte order everywhere (and COLLATE "C" in SQL),
// so that two transactions touching several recipients cannot deadlock.
// Compared in UTF-16 without converting (this runs for every map lookup of a batch): UTF-8
// byte order is code point order, which differs from UTF-16 unit order only where a
// surrogate meets a unit in U+E000..U+FFFF; moving the surrogates above that range fixes it.
inline int compareCodePoints(QStringView a, QStringView b)
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

inline bool recipientLess(const Recipient &a, const Recipient &b)
{
    if (const int org = compareCodePoints(a.orgId, b.orgId))
        return org < 0;
    return compareCodePoints(a.userId, b.userId) < 0;
}

inline QStringList uniqueIds(const QStringList &ids)
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
// Push records go in statements of this many rows (Stmt::InsertPushRows): one statement's
// fixed cost (step, halt, reset) per that many rows instead of per row.
constexpr int pushRowsPerStatement = 16;

// "(:id0, :id1, ...)" and the matching bindings.
inline QString idList(const QStringList &ids, Binds &binds)
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

// One value bound to a kept statement (Store::Private::execInts). It refers to the caller's
// string instead of holding a QVariant: on SQLite the text goes straight to UTF-8, and the
// writer built, type-checked and destroyed a QVariant per value, several per draft.
class SqlValue
{
public:
    // A null QString binds NULL, as QtSql does with one.
    SqlValue(const QString &s)
        : m_kind(Kind::Text)
        , m_text(&s)
    { }
    SqlValue(qint64 n)
        : m_kind(Kind::Integer)
        , m_integer(n)
    { }
    SqlValue(int n)
        : SqlValue(qint64(n))
    { }
    static SqlValue null() { return SqlValue(); }
    // For NOT NULL text columns: a null string binds as an empty one (sqlsupport.h's text()).
    static SqlValue text(const QString &s)
    {
        return s.isNull() ? SqlValue(emptyText()) : SqlValue(s);
    }
    // The time in milliseconds, NULL when invalid (msOrNull()).
    static SqlValue ms(const QDateTime &t)
    {
        return t.isValid() ? SqlValue(qint64(t.toMSecsSinceEpoch())) : SqlValue();
    }

    bool isNull() const { return m_kind == Kind::Null || (isTextKind() && m_text->isNull()); }
    bool isText() const { return isTextKind() && !m_text->isNull(); }
    const QString &string() const { return *m_text; }
    qint64 integer() const { return m_integer; }
    // The QVariant QtSql would have been given for the same value (the PostgreSQL path).
    QVariant toVariant() const
    {
        switch (m_kind) {
        case Kind::Text:
            return QVariant(*m_text);
        case Kind::Integer:
            return QVariant(qlonglong(m_integer));
        case Kind::Null:
            break;
        }
        return QVariant();
    }

private:
    enum class Kind { Null, Text, Integer };
    SqlValue() = default;
    bool isTextKind() const { return m_kind == Kind::Text; }
    static const QString &emptyText()
    {
        static const QString empty = QStringLiteral("");
        return empty;
    }
    Kind m_kind = Kind::Null;
    const QString *m_text = nullptr;
    qint64 m_integer = 0;
};

// A change of inbox rows (Store::Private::changeRows, changeAll).
enum class Change { Read, Delete, Seen };

inline Page takePage(std::vector<Notification> rows, int limit)
{
    Page page;
    page.hasMore = int(rows.size()) > limit;
    if (page.hasMore)
        rows.resize(size_t(limit));
    page.notifications = std::move(rows);
    return page;
}

} // namespace storedetail

class Store::Private final : public KeptTransactionStatements
{
public:
    Private(const StoreConfig &config, const QString &name)
        : config(config)
        , name(name)
        , pg(config.isPostgres())
    {
        if (!pg)
            configureSqlite();
        else if (config.roundTripLimitMs > 0)
            watch = std::make_unique<ConnectionWatch>(QStringLiteral("store connection ") + name,
                                                      config.roundTripLimitMs);
    }

    // Once per process, before its first SQLite connection opens (later it is a no-op).
    static void configureSqlite();

    QSqlDatabase db() const { return QSqlDatabase::database(name, false); }

    std::optional<StoreError> connect();
    std::optional<StoreError> setupSession();
    std::optional<StoreError> reopen();

    // Runs one operation; a connection found broken by an earlier call is reopened first,
    // so a store recovers by itself once the database is back.
    template<typename T, typename F> StoreResult<T> guarded(F &&body)
    {
        // Every round trip within is under the deadline (connectionwatchdog.h), unless a
        // long operation (a migration, a purge) suspended it.
        ConnectionWatch::Scope watched(watchSuspended ? nullptr : watch.get());
        // A connection whose last reopen failed is closed, not merely broken.
        if (broken || !db().isOpen()) {
            if (auto error = reopen())
                return *error;
        }
        StoreResult<T> result = body();
        if (!result.ok() && result.error().cause == StoreError::Cause::Damaged && !damage)
            damage = result.error();
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
        AddToRecipient,
        FindKey,
        InsertContent,
        InsertNotification,
        BumpRecipient,
        InsertPush,
        // pushRowsPerStatement rows in one statement (insertPushes).
        InsertPushRows,
        // One notification's webhook events (enqueueWebhookEvents below).
        EnqueueDelivered,
        EnqueueRead,
        EnqueueDeleted,
        Begin,
        Commit,
        Rollback,
        Count
    };
    QString stmtSql(Stmt stmt) const;
    // Binds values in order and executes the statement, preparing it first if needed.
    // Returns the query, or nullptr with *error set. A SELECT's caller must finish() the
    // query once read: an SQLite statement left unfinished keeps its read snapshot open.
    QSqlQuery *execStmt(Stmt stmt, std::initializer_list<storedetail::SqlValue> values,
                        std::optional<StoreError> *error)
    {
        return execStmt(stmt, std::span(values.begin(), values.size()), error);
    }
    QSqlQuery *execStmt(Stmt stmt, std::span<const storedetail::SqlValue> values,
                        std::optional<StoreError> *error);
    // For statements that return at most one row of integers: runs stmt, and when it
    // returns a row sets *found and the first columns.size() columns. On SQLite this goes to
    // the sqlite3 API directly: QtSql's positional bind builds a placeholder name string
    // per value, which cost more than SQLite's own work for these small statements.
    std::optional<StoreError> execInts(Stmt stmt,
                                       std::initializer_list<storedetail::SqlValue> values,
                                       bool *found = nullptr,
                                       std::initializer_list<qint64 *> columns = {})
    {
        return execInts(stmt, std::span(values.begin(), values.size()), found, columns);
    }
    std::optional<StoreError> execInts(Stmt stmt, std::span<const storedetail::SqlValue> values,
                                       bool *found = nullptr,
                                       std::initializer_list<qint64 *> columns = {});
    std::optional<StoreError> execSqlite(Stmt stmt, std::span<const storedetail::SqlValue> values,
                                         bool *found, std::initializer_list<qint64 *> columns);
    void dropPrepared();

    // A write transaction on this connection: on SQLite its BEGIN IMMEDIATE, COMMIT and
    // ROLLBACK are kept prepared (Stmt::Begin...), on PostgreSQL each is run as it comes.
    WriteTransaction writeTransaction() { return WriteTransaction(db(), pg, pg ? nullptr : this); }
    std::optional<StoreError> runKept(TransactionStatement statement) override;

    // The webhook events of a change, in its transaction (shared/store/webhooks.h): a change
    // of one notification (an ack, one mark_read) runs a kept statement, since parsing the
    // statement cost four times what the ack's own work did (bench/notes.md, issue 30);
    // anything larger goes to storedetail::enqueueWebhookEvents.
    std::optional<StoreError> enqueueWebhookEvents(const Recipient &r, const QString &event,
                                                   const QStringList &ids, const QDateTime &at,
                                                   bool onlyUndelivered = false);

    std::optional<StoreError> lockRecipient(const Recipient &r, bool *exists,
                                            qint64 *unread = nullptr, qint64 *unseen = nullptr);
    StoreResult<std::vector<Notification>> select(const QString &sql, const Binds &binds);
    StoreResult<InboxCounts> readCounts(const Recipient &r);

    using Change = storedetail::Change;
    StoreResult<ChangeOutcome> changeRows(const Recipient &r, const QStringList &requested,
                                          const QDateTime &at, Change change);
    StoreResult<ChangeOutcome> changeAll(const Recipient &r, const QDateTime &at, Change change);
    StoreResult<ChangeOutcome> finishChange(WriteTransaction &tx, const Recipient &r, Change change,
                                            ChangeOutcome outcome);
    std::optional<StoreError> lowerCounters(const Recipient &r, qint64 unread, qint64 unseen);

    // Records pushes within the current transaction (storepushes.cpp).
    std::optional<StoreError> insertPushes(const std::vector<PushRecord> &pushes);

    // Sends m on the cluster bus within the current transaction (store/busmessage.h).
    std::optional<StoreError> notifyBus(const bus::Message &m);
    bool busOn() const { return pg && !config.busNode.isEmpty(); }

    const StoreConfig config;
    const QString name;
    const bool pg;
    bool broken = false;
    // Store::takeDamage's.
    std::optional<StoreError> damage;
    // PostgreSQL with a round-trip limit: the deadline on this connection's round trips.
    std::unique_ptr<ConnectionWatch> watch;
    bool watchSuspended = false;
    // Tells the watch which socket the connection has now (after connect), or that it has
    // none (before close).
    void watchSocket();
    void unwatchSocket()
    {
        if (watch)
            watch->clearSocket();
    }
    std::array<std::unique_ptr<QSqlQuery>, size_t(Stmt::Count)> statements;
    // SQLite: the connection's handle (owned by QSQLITE) and the statements run on it.
    sqlite3 *sqlite = nullptr;
    std::array<sqlite3_stmt *, size_t(Stmt::Count)> sqliteStatements {};
    // The UTF-8 text of the values bound to the statement being run (execSqlite).
    QByteArray bindBuffer;
};

} // namespace notify
