#pragma once

#include "shared/model/result.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace notify {

// Where notifications live. Parsed from --db: a PostgreSQL URL
// (postgres://user:pass@host:port/db or postgresql://…) or a SQLite file path.
struct StoreConfig
{
    enum class Engine { Sqlite, Postgres };

    Engine engine = Engine::Sqlite;
    QString sqlitePath; // Sqlite
    QString host; // Postgres
    int port = 5432;
    QString user;
    QString password; // never logged: describe() leaves it out
    QString database;
    // PostgreSQL only, set by the node for its writer: every committed change is announced
    // on the cluster bus (store/busmessage.h) under this node id. Empty: nothing is sent.
    QString busNode;
    // PostgreSQL: a round trip to the server that takes longer than this has its connection
    // shut down (connectionwatchdog.h); 0: no limit. SQLite: a quarter of it (at most 5 s,
    // which is also the default) is how long a lock held by another process is waited for.
    // Set by the node from --store-timeout.
    int roundTripLimitMs = 0;
    // PostgreSQL: libpq connection parameters (keepalives, tcp_user_timeout...) and the
    // session settings statement_timeout and lock_timeout, from the URL's query with
    // notifyd's defaults for those not given (docs/configuration.md, "PostgreSQL
    // connection parameters"). In order; the values are what libpq and SET take.
    QList<QPair<QString, QString>> pgParameters;
    // The same for QPSQL's setConnectOptions and for PQconnectdbParams' keys and values
    // (statement_timeout and lock_timeout go into "options" as -c settings).
    QString qtConnectOptions() const;
    QList<QPair<QByteArray, QByteArray>> libpqParameters() const;

    static Result<StoreConfig, QString> parse(const QString &dbArgument);
    // For logs and the admin hello: "sqlite:/path" or "postgres://user@host:port/db".
    QString describe() const;
    bool isPostgres() const { return engine == Engine::Postgres; }
};

} // namespace notify
