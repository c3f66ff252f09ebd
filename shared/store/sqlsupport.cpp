#include "shared/store/sqlsupport.h"

#include <QSet>

#include <sqlite3.h>

namespace notify::storedetail {

namespace {

bool postgresUnavailable(const QSqlError &error)
{
    const QString state = error.nativeErrorCode();
    // Class 08: connection exception; 57P0x: server shutting down / admin terminated us;
    // 53xxx: out of resources (too many connections, disk full).
    if (state.startsWith(QLatin1String("08")) || state.startsWith(QLatin1String("57P"))
        || state.startsWith(QLatin1String("53"))) {
        return true;
    }
    if (!state.isEmpty())
        return false;
    // libpq reports a dropped socket without an SQLSTATE.
    const QString text = error.text();
    return text.contains(QLatin1String("server closed the connection"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("no connection to the server"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("connection to server"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("could not connect"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("could not send data"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("could not receive data"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("terminating connection"), Qt::CaseInsensitive);
}

bool sqliteUnavailable(const QSqlError &error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok) & 0xff;
    static const QSet<int> unavailable {SQLITE_BUSY,    SQLITE_LOCKED,   SQLITE_IOERR,
                                        SQLITE_FULL,    SQLITE_CANTOPEN, SQLITE_READONLY,
                                        SQLITE_CORRUPT, SQLITE_NOTADB};
    if (ok && unavailable.contains(code))
        return true;
    const QString text = error.text();
    return text.contains(QLatin1String("database is locked"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("unable to open database"), Qt::CaseInsensitive);
}

StoreError::Cause postgresCause(const QSqlError &error)
{
    const QString state = error.nativeErrorCode();
    if (state == QLatin1String("53100"))
        return StoreError::Cause::Full; // disk_full
    if (state == QLatin1String("25006"))
        return StoreError::Cause::ReadOnly; // read_only_sql_transaction (a standby)
    if (state == QLatin1String("57014"))
        return StoreError::Cause::Timeout; // query_canceled: statement_timeout
    if (state == QLatin1String("55P03"))
        return StoreError::Cause::Locked; // lock_not_available: lock_timeout
    if (state == QLatin1String("XX001") || state == QLatin1String("XX002"))
        return StoreError::Cause::Damaged; // data_corrupted, index_corrupted
    return StoreError::Cause::Other;
}

StoreError::Cause sqliteCause(const QSqlError &error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok) & 0xff;
    if (!ok)
        return StoreError::Cause::Other;
    switch (code) {
    case SQLITE_FULL:
        return StoreError::Cause::Full;
    case SQLITE_READONLY:
        return StoreError::Cause::ReadOnly;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return StoreError::Cause::Damaged;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return StoreError::Cause::Locked;
    default:
        break;
    }
    return StoreError::Cause::Other;
}

} // namespace

StoreError::Cause storeCause(const QSqlError &error, bool postgres)
{
    return postgres ? postgresCause(error) : sqliteCause(error);
}

bool isUnavailable(const QSqlError &error, bool postgres)
{
    // A driver that fails without saying why (QPSQL's prepare on a closed connection) has
    // no usable connection.
    if (error.type() == QSqlError::ConnectionError || error.type() == QSqlError::NoError)
        return true;
    return postgres ? postgresUnavailable(error) : sqliteUnavailable(error);
}

StoreError toStoreError(const QSqlError &error, bool postgres, const QString &what)
{
    const QString message = QStringLiteral("%1: %2").arg(what, error.text().trimmed());
    const StoreError::Cause cause = storeCause(error, postgres);
    // A fault of the environment is never the caller's or the code's: 503, retried later.
    StoreError result = cause != StoreError::Cause::Other || isUnavailable(error, postgres)
        ? StoreError::unavailable(message)
        : StoreError::internal(message);
    result.cause = cause;
    return result;
}

std::optional<StoreError> run(QSqlQuery &query, const QString &sql, const Binds &binds,
                              bool postgres)
{
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return toStoreError(query.lastError(), postgres, QStringLiteral("prepare"));
    for (const auto &[name, value] : binds)
        query.bindValue(name, value);
    if (!query.exec())
        return toStoreError(query.lastError(), postgres, QStringLiteral("query"));
    return std::nullopt;
}

std::optional<StoreError> runPlain(const QSqlDatabase &db, const QString &sql, bool postgres)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.exec(sql))
        return toStoreError(query.lastError(), postgres, sql.section(QLatin1Char(' '), 0, 1));
    return std::nullopt;
}

QVariant msOrNull(const QDateTime &t)
{
    if (!t.isValid())
        return QVariant();
    return QVariant(qlonglong(t.toMSecsSinceEpoch()));
}

QDateTime fromMs(const QVariant &v)
{
    if (v.isNull())
        return QDateTime();
    return QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

QDateTime truncatedUtc(const QDateTime &t)
{
    if (!t.isValid())
        return QDateTime();
    return QDateTime::fromMSecsSinceEpoch(t.toMSecsSinceEpoch(), Qt::UTC);
}

QVariant text(const QString &s)
{
    if (s.isNull())
        return QVariant(QStringLiteral(""));
    return QVariant(s);
}

WriteTransaction::WriteTransaction(QSqlDatabase db, bool postgres, KeptTransactionStatements *kept)
    : m_db(std::move(db))
    , m_postgres(postgres)
    , m_kept(kept)
{ }

WriteTransaction::~WriteTransaction()
{
    rollback();
}

QString WriteTransaction::sql(TransactionStatement statement, bool postgres)
{
    switch (statement) {
    case TransactionStatement::Begin:
        return postgres ? QStringLiteral("BEGIN") : QStringLiteral("BEGIN IMMEDIATE");
    case TransactionStatement::Commit:
        return QStringLiteral("COMMIT");
    case TransactionStatement::Rollback:
        break;
    }
    return QStringLiteral("ROLLBACK");
}

std::optional<StoreError> WriteTransaction::run(TransactionStatement statement)
{
    if (m_kept)
        return m_kept->runKept(statement);
    return runPlain(m_db, sql(statement, m_postgres), m_postgres);
}

std::optional<StoreError> WriteTransaction::begin()
{
    if (auto error = run(TransactionStatement::Begin))
        return error;
    m_active = true;
    return std::nullopt;
}

std::optional<StoreError> WriteTransaction::commit()
{
    if (!m_active)
        return StoreError::internal(QStringLiteral("commit without a transaction"));
    if (auto error = run(TransactionStatement::Commit)) {
        rollback();
        error->outcomeUnknown = true;
        return error;
    }
    m_active = false;
    return std::nullopt;
}

void WriteTransaction::rollback()
{
    if (!m_active)
        return;
    m_active = false;
    // Best effort: after a lost connection there is nothing left to roll back, and a failed
    // COMMIT may have rolled back already.
    if (m_db.isOpen())
        run(TransactionStatement::Rollback);
}

StoreError WriteTransaction::fail(StoreError error)
{
    rollback();
    return error;
}

} // namespace notify::storedetail
