#include "shared/store/storeconfig.h"

#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>

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

    // libpq's own names, and notifyd's defaults: a dead peer or a path that drops packets
    // is noticed within about 10 s (keepalives after 5 s idle, 3 probes 2 s apart; sent data
    // unacknowledged for 10 s), and a connect gives up after 5 s.
    QList<QPair<QString, QString>> parameters {
        {QStringLiteral("connect_timeout"), QStringLiteral("5")},
        {QStringLiteral("keepalives"), QStringLiteral("1")},
        {QStringLiteral("keepalives_idle"), QStringLiteral("5")},
        {QStringLiteral("keepalives_interval"), QStringLiteral("2")},
        {QStringLiteral("keepalives_count"), QStringLiteral("3")},
        {QStringLiteral("tcp_user_timeout"), QStringLiteral("10000")},
        {QStringLiteral("statement_timeout"), QStringLiteral("0")},
        {QStringLiteral("lock_timeout"), QStringLiteral("0")},
    };
    const QStringList textual {QStringLiteral("sslmode"), QStringLiteral("sslrootcert"),
                               QStringLiteral("application_name")};
    const QUrlQuery query(url);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        auto known = std::find_if(parameters.begin(), parameters.end(),
                                  [&](const auto &p) { return p.first == key; });
        if (known == parameters.end() && !textual.contains(key)) {
            return QStringLiteral(
                       "unknown parameter \"%1\" in the PostgreSQL URL: use connect_timeout, "
                       "keepalives, keepalives_idle, keepalives_interval, "
                       "keepalives_count, tcp_user_timeout, statement_timeout, "
                       "lock_timeout, sslmode, sslrootcert or application_name")
                .arg(key);
        }
        static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9_./+-]{1,200}$"));
        if (!safe.match(value).hasMatch())
            return QStringLiteral("invalid value for %1 in the PostgreSQL URL").arg(key);
        if (known == parameters.end()) {
            parameters.append({key, value});
            continue;
        }
        bool ok = false;
        const qint64 n = value.toLongLong(&ok);
        if (!ok || n < 0 || n > 86400000)
            return QStringLiteral("invalid %1 in the PostgreSQL URL: expected a number from 0 "
                                  "(seconds, or milliseconds for tcp_user_timeout, "
                                  "statement_timeout and lock_timeout)")
                .arg(key);
        known->second = value;
    }
    config.pgParameters = parameters;
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

QString StoreConfig::qtConnectOptions() const
{
    QStringList options;
    // QPSQL joins the options with spaces into a libpq connection string, where a value with
    // spaces is single-quoted (the values never hold quotes or backslashes: parse() checks).
    for (const auto &[key, value] : libpqParameters()) {
        const QString text = QString::fromUtf8(value);
        options.append(QString::fromUtf8(key) + QLatin1Char('=')
                       + (text.contains(QLatin1Char(' '))
                              ? QLatin1Char('\'') + text + QLatin1Char('\'')
                              : text));
    }
    return options.join(QLatin1Char(';'));
}

QList<QPair<QByteArray, QByteArray>> StoreConfig::libpqParameters() const
{
    QList<QPair<QByteArray, QByteArray>> out;
    QByteArray sessionOptions;
    for (const auto &[key, value] : pgParameters) {
        if (key == QLatin1String("statement_timeout") || key == QLatin1String("lock_timeout")) {
            if (value != QLatin1String("0"))
                sessionOptions += "-c " + key.toLatin1() + '=' + value.toLatin1() + ' ';
            continue;
        }
        out.append({key.toLatin1(), value.toLatin1()});
    }
    if (!sessionOptions.isEmpty())
        out.append({QByteArrayLiteral("options"), sessionOptions.trimmed()});
    return out;
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
