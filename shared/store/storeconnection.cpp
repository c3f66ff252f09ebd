// Store: opening, reconnecting and retrying; migrations and readiness; the cluster bus.

#include "shared/store/store_p.h"

#include "shared/store/migrations.h"
#include <QDir>
#include <QFileInfo>
#include <QSqlDriver>
#include <QStorageInfo>

#include <libpq-fe.h>

#include <utility>

namespace notify {

using namespace storedetail;

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

void Store::Private::watchSocket()
{
    if (!watch)
        return;
    const QVariant handle = db().driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "PGconn*") != 0)
        return;
    if (PGconn *conn = *static_cast<PGconn *const *>(handle.constData()))
        watch->setSocket(PQsocket(conn));
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
    watchSocket();
    return setupSession();
}

std::optional<StoreError> Store::Private::setupSession()
{
    const QSqlDatabase database = db();
    if (pg) {
        // libpq prints NOTICEs (e.g. "relation already exists, skipping") on stderr.
        return runPlain(database, QStringLiteral("SET client_min_messages TO warning"), pg);
    }
    // busy_timeout first, so that switching to WAL waits for a concurrent opener. Another
    // process's lock is waited for a quarter of the node's --store-timeout (at most 5 s): a
    // publish may wait for the group ahead of it, a probe and its own group, and still be
    // answered 503 storage_locked rather than storage_timeout (docs/operations.md, "When
    // things fail").
    // cache_size: SQLite's default 2 MiB page cache made the writer read index pages back
    // from the OS (pread) on every commit once the inbox outgrew it; 64 MiB is a ceiling,
    // used as the indexes grow.
    // wal_autocheckpoint: at SQLite's default of 1,000 pages the writer copied the WAL into
    // the database every few group commits (each inbox page of a commit is a 4 KiB frame),
    // with two fsyncs each and a pread per frame; at 16,384 pages (a WAL of up to 64 MiB)
    // a page changed by several commits is copied once, and checkpoints are rarer.
    const int busyMs
        = config.roundTripLimitMs > 0 ? std::clamp(config.roundTripLimitMs / 4, 25, 5000) : 5000;
    if (auto error = runPlain(database, QStringLiteral("PRAGMA busy_timeout = %1").arg(busyMs), pg))
        return error;
    for (const auto sql :
         {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON",
          "PRAGMA cache_size = -65536", "PRAGMA wal_autocheckpoint = 16384"}) {
        if (auto error = runPlain(database, QString::fromLatin1(sql), pg))
            return error;
    }
    return std::nullopt;
}

std::optional<StoreError> Store::Private::reopen()
{
    dropPrepared();
    QSqlDatabase database = db();
    unwatchSocket();
    database.close();
    if (auto error = connect())
        return error;
    broken = false;
    return std::nullopt;
}

Store::Store(StoreConfig config, QString connectionName)
    : d(std::make_unique<Private>(config, connectionName))
    , m_config(std::move(config))
    , m_connectionName(std::move(connectionName))
{ }

Store::~Store()
{
    d->dropPrepared();
    d->unwatchSocket();
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
            // Without a timeout, an unreachable host blocks the caller for minutes; without
            // keepalives and a user timeout a dead peer is noticed after the kernel's
            // minutes (storeconfig.cpp has the defaults).
            database.setConnectOptions(config.qtConnectOptions());
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
    // A migration may rewrite a table: longer than any round-trip limit is meant for.
    const bool suspended = std::exchange(d->watchSuspended, true);
    auto result
        = d->guarded<Done>([&] { return storedetail::migrateTo(*this, latestSchemaVersion()); });
    d->watchSuspended = suspended;
    return result;
}

Store::WatchScope::WatchScope(Store &store)
    : m_watch(store.d->watchSuspended ? nullptr : store.d->watch.get())
{
    if (m_watch)
        m_watch->begin();
}

Store::WatchScope::~WatchScope()
{
    if (m_watch)
        m_watch->end();
}

StoreResult<int> Store::schemaVersion()
{
    return d->guarded<int>([&] { return storedetail::currentVersion(*this); });
}

int Store::latestSchemaVersion()
{
    return int(storedetail::migrations().size());
}

StoreResult<Done> Store::ping()
{
    ConnectionWatch::Scope watched(d->watchSuspended ? nullptr : d->watch.get());
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

std::optional<StoreError> Store::takeDamage()
{
    return std::exchange(d->damage, std::nullopt);
}

StoreResult<Done> Store::probeWrite()
{
    return d->guarded<Done>([&]() -> StoreResult<Done> {
        WriteTransaction tx(d->db(), d->pg);
        if (auto error = tx.begin())
            return *error;
        // Rewrites one row as it is: a real page written and committed, nothing changed.
        QSqlQuery q(d->db());
        if (auto error = run(q,
                             QStringLiteral("UPDATE schema_migrations SET applied_at = applied_at"
                                            " WHERE version = (SELECT MAX(version)"
                                            " FROM schema_migrations)"),
                             {}, d->pg)) {
            return tx.fail(*error);
        }
        q.finish();
        if (auto error = tx.commit())
            return *error;
        if (!d->pg && m_config.sqlitePath != QLatin1String(":memory:")) {
            const QStorageInfo volume(QFileInfo(m_config.sqlitePath).absolutePath());
            if (volume.isValid() && volume.bytesAvailable() < probeHeadroomBytes) {
                StoreError full
                    = StoreError::unavailable(QStringLiteral("%1 has %2 bytes free, less than %3")
                                                  .arg(volume.rootPath())
                                                  .arg(volume.bytesAvailable())
                                                  .arg(probeHeadroomBytes));
                full.cause = StoreError::Cause::Full;
                return full;
            }
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

} // namespace notify
