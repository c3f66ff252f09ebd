#pragma once

#include "shared/model/result.h"

#include <QString>

namespace notify {

// Where notifications live. Parsed from --db: a PostgreSQL URL
// (postgres://user:pass@host:port/db or postgresql://…) or a SQLite file path.
struct StoreConfig
{
    enum class Engine { Sqlite, Postgres };

    Engine engine = Engine::Sqlite;
    QString sqlitePath; // Sqlite
    QString host;       // Postgres
    int port = 5432;
    QString user;
    QString password; // never logged: describe() leaves it out
    QString database;
    // PostgreSQL only, set by the node for its writer: every committed change is announced
    // on the cluster bus (store/busmessage.h) under this node id. Empty: nothing is sent.
    QString busNode;

    static Result<StoreConfig, QString> parse(const QString &dbArgument);
    // For logs and the admin hello: "sqlite:/path" or "postgres://user@host:port/db".
    QString describe() const;
    bool isPostgres() const { return engine == Engine::Postgres; }
};

} // namespace notify
