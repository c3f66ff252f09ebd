#include "shared/store/storeconfig.h"

#include <QRegularExpression>
#include <QUrl>

namespace notify {

namespace {

Result<StoreConfig, QString> parsePostgres(const QString &text)
{
    // QUrl only knows "postgresql" and "postgres" as opaque schemes, which is what we want:
    // it splits authority and path and percent-decodes each part on request.
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return QStringLiteral("invalid PostgreSQL URL: %1").arg(url.errorString());

    StoreConfig config;
    config.engine = StoreConfig::Engine::Postgres;
    config.host = url.host(QUrl::FullyDecoded);
    if (config.host.isEmpty())
        config.host = QStringLiteral("localhost");
    config.port = url.port(5432);
    if (config.port < 1 || config.port > 65535)
        return QStringLiteral("invalid PostgreSQL URL: port out of range");
    config.user = url.userName(QUrl::FullyDecoded);
    config.password = url.password(QUrl::FullyDecoded);

    QString path = url.path(QUrl::FullyDecoded);
    if (path.startsWith(QLatin1Char('/')))
        path.remove(0, 1);
    if (path.isEmpty())
        return QStringLiteral("PostgreSQL URL needs a database name: "
                              "postgres://user:password@host:port/database");
    if (path.contains(QLatin1Char('/')))
        return QStringLiteral("invalid PostgreSQL URL: database name contains '/'");
    config.database = path;
    return config;
}

} // namespace

Result<StoreConfig, QString> StoreConfig::parse(const QString &dbArgument)
{
    const QString text = dbArgument.trimmed();
    if (text.isEmpty())
        return QStringLiteral("empty database argument: give a SQLite file path or a "
                              "postgres:// URL");

    if (text.startsWith(QLatin1String("postgres://"), Qt::CaseInsensitive)
        || text.startsWith(QLatin1String("postgresql://"), Qt::CaseInsensitive)) {
        return parsePostgres(text);
    }

    QString path = text;
    if (path.startsWith(QLatin1String("sqlite://"), Qt::CaseInsensitive))
        path.remove(0, 9);
    else if (path.startsWith(QLatin1String("sqlite:"), Qt::CaseInsensitive))
        path.remove(0, 7);
    else if (static const QRegularExpression scheme(QStringLiteral("^[A-Za-z][A-Za-z0-9+.-]*://"));
             scheme.match(path).hasMatch()) {
        return QStringLiteral("unsupported database URL scheme in \"%1\": use postgres:// or a "
                              "SQLite file path")
            .arg(path.section(QStringLiteral("://"), 0, 0));
    }
    if (path.isEmpty())
        return QStringLiteral("empty SQLite path");

    StoreConfig config;
    config.engine = Engine::Sqlite;
    config.sqlitePath = path;
    return config;
}

QString StoreConfig::describe() const
{
    if (engine == Engine::Sqlite)
        return QStringLiteral("sqlite:") + sqlitePath;
    const QString hostPart
        = host.contains(QLatin1Char(':')) ? QStringLiteral("[%1]").arg(host) : host;
    const QString userPart = user.isEmpty() ? QString() : user + QLatin1Char('@');
    return QStringLiteral("postgres://%1%2:%3/%4").arg(userPart, hostPart).arg(port).arg(database);
}

} // namespace notify
