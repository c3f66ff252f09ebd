#pragma once

// Internal to the store: the few SQL helpers that the store's source files and
// migrations.cpp share. Not part of notifycore's public API.

#include "shared/store/storeerror.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <optional>
#include <utility>
#include <vector>

namespace notify::storedetail {

using Binds = std::vector<std::pair<QString, QVariant>>;

// Connection trouble (refused, lost, locked past the busy timeout, disk I/O) is
// "unavailable": the caller may answer 503 and retry. Everything else is a bug or bad data.
bool isUnavailable(const QSqlError &error, bool postgres);
// What the environment did, from the driver's code (storeerror.h's Cause).
StoreError::Cause storeCause(const QSqlError &error, bool postgres);
StoreError toStoreError(const QSqlError &error, bool postgres, const QString &what);

// Prepares sql on query (forward-only), binds the values and executes it.
std::optional<StoreError> run(QSqlQuery &query, const QString &sql, const Binds &binds,
                              bool postgres);
// Executes a statement without parameters (DDL, PRAGMA, transaction control).
std::optional<StoreError> runPlain(const QSqlDatabase &db, const QString &sql, bool postgres);

// Milliseconds since the epoch (UTC) as the database keeps timestamps; null stays NULL.
QVariant msOrNull(const QDateTime &t);
QDateTime fromMs(const QVariant &v);
// A UTC QDateTime with the millisecond precision the database keeps.
QDateTime truncatedUtc(const QDateTime &t);
// Qt binds a null QString as SQL NULL; NOT NULL text columns need an empty string instead.
QVariant text(const QString &s);

// The statements that open and close a write transaction.
enum class TransactionStatement { Begin, Commit, Rollback };

// A connection that keeps its transaction statements prepared (the store's SQLite
// connections, Store::Private): through a QSqlQuery each one was a new statement every time
// (a result object, a prepare of UTF-16 SQL, a finalize), paid twice per transaction.
class KeptTransactionStatements
{
public:
    virtual std::optional<StoreError> runKept(TransactionStatement statement) = 0;

protected:
    ~KeptTransactionStatements() = default;
};

// A write transaction. SQLite gets BEGIN IMMEDIATE: a deferred BEGIN that later upgrades
// from read to write fails with SQLITE_BUSY without waiting when two connections race.
// Rolls back on destruction unless committed. Its statements run through `kept` when given,
// otherwise each is prepared and run on `db`.
class WriteTransaction
{
public:
    WriteTransaction(QSqlDatabase db, bool postgres, KeptTransactionStatements *kept = nullptr);
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction &) = delete;
    WriteTransaction &operator=(const WriteTransaction &) = delete;

    // The SQL of each statement on the given engine.
    static QString sql(TransactionStatement statement, bool postgres);

    std::optional<StoreError> begin();
    std::optional<StoreError> commit();
    void rollback();
    // Rolls back now (while the caller's prepared statements still exist, so PostgreSQL can
    // deallocate them outside an aborted transaction) and hands the error back.
    StoreError fail(StoreError error);

private:
    std::optional<StoreError> run(TransactionStatement statement);

    QSqlDatabase m_db;
    bool m_postgres;
    KeptTransactionStatements *m_kept;
    bool m_active = false;
};

} // namespace notify::storedetail
