#include "shared/store/migrations.h"

#include "shared/store/sqlsupport.h"

#include <QSqlQuery>

namespace notify::storeinternal {

using namespace storesql;

namespace {

// Serializes concurrent migrators on one PostgreSQL database; any constant works as long
// as nothing else in the database uses it.
constexpr auto kPostgresLock = "SELECT pg_advisory_xact_lock(7263541)";

// Version 1's notifications table; version 3 rebuilds it on SQLite without the idempotency
// constraint, which becomes a partial index.
QString notificationsTable(const QString &name, bool keyConstraint)
{
    return QStringLiteral("CREATE TABLE %1 ("
                          " id TEXT NOT NULL PRIMARY KEY,"
                          " org_id TEXT NOT NULL,"
                          " user_id TEXT NOT NULL,"
                          " seq BIGINT NOT NULL,"
                          " type TEXT NOT NULL,"
                          " title TEXT NOT NULL,"
                          " body TEXT NOT NULL DEFAULT '',"
                          " priority TEXT NOT NULL DEFAULT 'normal',"
                          " action_url TEXT NOT NULL DEFAULT '',"
                          " entity_type TEXT NOT NULL DEFAULT '',"
                          " entity_id TEXT NOT NULL DEFAULT '',"
                          " metadata TEXT NOT NULL DEFAULT '{}',"
                          " idempotency_key TEXT NULL,"
                          " created_at BIGINT NOT NULL,"
                          " delivered_at BIGINT NULL,"
                          " read_at BIGINT NULL,"
                          " deleted_at BIGINT NULL,"
                          " CONSTRAINT %1_recipient_seq UNIQUE (org_id, user_id, seq),"
                          "%2"
                          " FOREIGN KEY (org_id, user_id) REFERENCES recipients (org_id, user_id))")
        .arg(name,
             keyConstraint ? QStringLiteral(" CONSTRAINT notifications_recipient_key"
                                            "   UNIQUE (org_id, user_id, idempotency_key),")
                           : QString());
}

const QString unreadIndex
    = QStringLiteral("CREATE INDEX notifications_unread ON notifications"
                     " (org_id, user_id, seq) WHERE read_at IS NULL AND deleted_at IS NULL");
const QString createdIndex
    = QStringLiteral("CREATE INDEX notifications_created ON notifications (created_at)");
const QString keyIndex
    = QStringLiteral("CREATE UNIQUE INDEX notifications_recipient_key ON notifications"
                     " (org_id, user_id, idempotency_key) WHERE idempotency_key IS NOT NULL");

std::vector<Migration> buildMigrations()
{
    std::vector<Migration> list;

    list.push_back({1,
                    QStringLiteral("notifications, recipients, sessions"),
                    {
                        QStringLiteral("CREATE TABLE recipients ("
                                       " org_id TEXT NOT NULL,"
                                       " user_id TEXT NOT NULL,"
                                       " last_seq BIGINT NOT NULL DEFAULT 0,"
                                       " unread_count BIGINT NOT NULL DEFAULT 0,"
                                       " PRIMARY KEY (org_id, user_id))"),
                        // The (org_id, user_id, seq) unique index also serves inbox order and
                        // replay. A NULL idempotency_key never collides on either engine.
                        notificationsTable(QStringLiteral("notifications"), true),
                        QStringLiteral("CREATE TABLE sessions ("
                                       " token_sha256 TEXT NOT NULL PRIMARY KEY,"
                                       " org_id TEXT NOT NULL,"
                                       " user_id TEXT NOT NULL,"
                                       " role TEXT NOT NULL DEFAULT '',"
                                       " created_at BIGINT NOT NULL,"
                                       " expires_at BIGINT NOT NULL,"
                                       " revoked_at BIGINT NULL)"),
                        QStringLiteral("CREATE INDEX sessions_expires ON sessions (expires_at)"),
                    },
                    {}});

    list.push_back(
        {2,
         QStringLiteral("unread and age indexes, broadcasts, nodes"),
         {
             // Unread badges and unreadOnly pages touch only the unread rows.
             unreadIndex,
             createdIndex,
             QStringLiteral("CREATE TABLE broadcasts ("
                            " id TEXT NOT NULL PRIMARY KEY,"
                            " org_id TEXT NULL,"
                            " role TEXT NOT NULL DEFAULT '',"
                            " title TEXT NOT NULL,"
                            " body TEXT NOT NULL DEFAULT '',"
                            " priority TEXT NOT NULL DEFAULT 'normal',"
                            " action_url TEXT NOT NULL DEFAULT '',"
                            " created_at BIGINT NOT NULL,"
                            " delivered_connections BIGINT NOT NULL DEFAULT 0)"),
             QStringLiteral("CREATE INDEX broadcasts_created ON broadcasts (created_at)"),
             QStringLiteral("CREATE TABLE nodes ("
                            " node_id TEXT NOT NULL PRIMARY KEY,"
                            " addresses TEXT NOT NULL DEFAULT '',"
                            " started_at BIGINT NOT NULL,"
                            " last_seen_at BIGINT NOT NULL,"
                            " counters TEXT NOT NULL DEFAULT '{}')"),
         },
         {}});

    // Most notifications carry no idempotency key, yet the UNIQUE constraint indexed every
    // row under (org_id, user_id, NULL): one more B-tree page at a random place per insert,
    // written whole to the WAL at each commit. A partial unique index keeps the same rule
    // (NULL keys never collided) for the rows that have a key. SQLite cannot drop a table
    // constraint, so the table is rebuilt there.
    list.push_back(
        {3,
         QStringLiteral("idempotency keys in a partial unique index"),
         {
             notificationsTable(QStringLiteral("notifications_v3"), false),
             QStringLiteral("INSERT INTO notifications_v3 SELECT * FROM notifications"),
             QStringLiteral("DROP TABLE notifications"),
             QStringLiteral("ALTER TABLE notifications_v3 RENAME TO notifications"),
             unreadIndex,
             createdIndex,
             keyIndex,
         },
         {
             QStringLiteral(
                 "ALTER TABLE notifications DROP CONSTRAINT notifications_recipient_key"),
             keyIndex,
         }});

    // The cluster's node registry (docs/operations.md, "Cluster"): each node upserts its
    // row every few seconds; the others read it for cluster-wide answers and remove a node
    // not seen for a while. It replaces version 2's placeholder, which nothing ever wrote.
    list.push_back({4,
                    QStringLiteral("cluster node registry"),
                    {
                        QStringLiteral("DROP TABLE nodes"),
                        QStringLiteral("CREATE TABLE nodes ("
                                       " id TEXT NOT NULL PRIMARY KEY,"
                                       " name TEXT NOT NULL,"
                                       " client_address TEXT NOT NULL,"
                                       " api_address TEXT NOT NULL,"
                                       " version TEXT NOT NULL,"
                                       " started_at BIGINT NOT NULL,"
                                       " heartbeat_at BIGINT NOT NULL,"
                                       " connections_plain BIGINT NOT NULL DEFAULT 0,"
                                       " connections_socketio BIGINT NOT NULL DEFAULT 0,"
                                       " counters TEXT NOT NULL DEFAULT '{}')"),
                    },
                    {}});

    return list;
}

bool isPostgres(const Store &store)
{
    return store.config().isPostgres();
}

} // namespace

const std::vector<Migration> &migrations()
{
    static const std::vector<Migration> list = buildMigrations();
    return list;
}

StoreResult<int> currentVersion(Store &store)
{
    const bool pg = isPostgres(store);
    const QSqlDatabase db = store.database();
    {
        QSqlQuery query(db);
        const QString sql = pg
            ? QStringLiteral("SELECT to_regclass('schema_migrations') IS NOT NULL")
            : QStringLiteral("SELECT COUNT(*) > 0 FROM sqlite_master"
                             " WHERE type = 'table'"
                             " AND name = 'schema_migrations'");
        if (auto error = run(query, sql, {}, pg))
            return *error;
        if (!query.next() || !query.value(0).toBool())
            return 0;
    }
    QSqlQuery query(db);
    if (auto error = run(query,
                         QStringLiteral("SELECT COALESCE(MAX(version), 0)"
                                        " FROM schema_migrations"),
                         {}, pg)) {
        return *error;
    }
    if (!query.next())
        return StoreError::internal(QStringLiteral("schema_migrations: no result"));
    return query.value(0).toInt();
}

StoreResult<Done> migrateTo(Store &store, int targetVersion)
{
    const auto &list = migrations();
    if (targetVersion < 0 || targetVersion > int(list.size())) {
        return StoreError::internal(QStringLiteral("no schema version %1 (newest is %2)")
                                        .arg(targetVersion)
                                        .arg(list.size()));
    }
    const bool pg = isPostgres(store);
    const QSqlDatabase db = store.database();

    {
        WriteTransaction tx(db, pg);
        if (auto error = tx.begin())
            return *error;
        if (pg) {
            if (auto error = runPlain(db, QString::fromLatin1(kPostgresLock), pg))
                return tx.fail(*error);
        }
        if (auto error = runPlain(db,
                                  QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                                 " version INTEGER NOT NULL PRIMARY KEY,"
                                                 " applied_at BIGINT NOT NULL)"),
                                  pg)) {
            return tx.fail(*error);
        }
        if (auto error = tx.commit())
            return *error;
    }

    for (const Migration &migration : list) {
        if (migration.version > targetVersion)
            break;
        WriteTransaction tx(db, pg);
        if (auto error = tx.begin())
            return *error;
        if (pg) {
            if (auto error = runPlain(db, QString::fromLatin1(kPostgresLock), pg))
                return tx.fail(*error);
        }
        // Checked inside the transaction: another process may have applied it meanwhile.
        bool applied = false;
        {
            QSqlQuery query(db);
            if (auto error = run(query,
                                 QStringLiteral("SELECT COUNT(*) FROM schema_migrations"
                                                " WHERE version = :version"),
                                 {{QStringLiteral(":version"), migration.version}}, pg)) {
                return tx.fail(*error);
            }
            applied = query.next() && query.value(0).toInt() > 0;
        }
        if (applied)
            continue; // the transaction rolls back: it changed nothing
        const QStringList &statements = pg && !migration.postgresStatements.isEmpty()
            ? migration.postgresStatements
            : migration.statements;
        for (const QString &statement : statements) {
            if (auto error = runPlain(db, statement, pg)) {
                return tx.fail(StoreError {
                    error->kind,
                    QStringLiteral("migration %1: %2").arg(migration.version).arg(error->message)});
            }
        }
        {
            QSqlQuery query(db);
            if (auto error
                = run(query,
                      QStringLiteral("INSERT INTO schema_migrations (version, applied_at)"
                                     " VALUES (:version, :at)"),
                      {{QStringLiteral(":version"), migration.version},
                       {QStringLiteral(":at"), qlonglong(QDateTime::currentMSecsSinceEpoch())}},
                      pg)) {
                return tx.fail(*error);
            }
        }
        if (auto error = tx.commit())
            return *error;
    }
    return Done {};
}

} // namespace notify::storeinternal
