#include "server/app/keyscommand.h"
#include "server/app/quickstart.h"
#include "server/app/server.h"
#include "server/app/signalwatcher.h"
#include "server/cluster/singlenodelock.h"
#include "server/config/config.h"
#include "server/log/logging.h"
#include "shared/auth/jwt.h"
#include "shared/store/sqlitefile.h"
#include "shared/store/store.h"
#include "shared/store/storeconfig.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QTextStream>

#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace notify;

namespace {

int fail(const QString &line, int code)
{
    QTextStream(stderr) << line << '\n';
    return code;
}

// `notifyd token --org O --user U [--role R] [--ttl SECONDS] [server options]`: prints a
// JWT signed with the configured secret, for quickstarts, tests and support staff.
int tokenCommand(QStringList args)
{
    JwtClaims claims;
    qint64 ttl = 3600;
    QStringList rest{args.takeFirst()}; // program name
    args.removeFirst();                 // "token"
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        auto value = [&](QString &out) {
            if (i + 1 >= args.size())
                return false;
            out = args[++i];
            return true;
        };
        QString v;
        if (a == QLatin1String("--org") || a == QLatin1String("--user")
            || a == QLatin1String("--role") || a == QLatin1String("--ttl")
            || a == QLatin1String("--sid")) {
            if (!value(v))
                return fail(QStringLiteral("notifyd token: %1 needs a value").arg(a), 2);
            if (a == QLatin1String("--org"))
                claims.org = v;
            else if (a == QLatin1String("--user"))
                claims.subject = v;
            else if (a == QLatin1String("--role"))
                claims.role = v;
            else if (a == QLatin1String("--sid"))
                claims.sessionId = v;
            else {
                bool ok = false;
                ttl = v.toLongLong(&ok);
                if (!ok || ttl <= 0)
                    return fail(QStringLiteral("notifyd token: invalid --ttl '%1': expected seconds > 0").arg(v), 2);
            }
        } else {
            rest.append(a);
        }
    }
    if (claims.org.isEmpty() || claims.subject.isEmpty())
        return fail(QStringLiteral("notifyd token: --org and --user are required"), 2);

    auto config = loadConfig(rest, QProcessEnvironment::systemEnvironment());
    if (!config.ok())
        return fail(config.error().line(), 2);
    if (config->dev) {
        if (auto dev = ensureDevSecrets(config.value()); !dev.ok())
            return fail(dev.error().line(), 2);
    }
    if (config->jwtSecret.isEmpty())
        return fail(QStringLiteral("notifyd token: no JWT secret configured (--jwt-secret or NOTIFY_JWT_SECRET)"), 2);
    claims.issuedAt = QDateTime::currentDateTimeUtc();
    claims.expiresAt = claims.issuedAt.addSecs(ttl);
    claims.issuer = config->jwtIssuers.value(0);
    if (!config->jwtAudiences.isEmpty())
        claims.audience = QStringList{config->jwtAudiences.constFirst()};
    QTextStream(stdout) << mintJwt(claims, config->jwtSecret, config->jwtSecretKid) << '\n';
    return 0;
}

// The server options that follow a subcommand's own: the configuration is read as the
// server reads it, but a store command needs none of the secrets.
Result<ServerConfig, ConfigError> storeCommandConfig(const QString &program,
                                                     const QStringList &rest)
{
    QStringList args {program};
    args += rest;
    if (!args.contains(QLatin1String("--dev")))
        args.append(QStringLiteral("--dev"));
    return loadConfig(args, QProcessEnvironment::systemEnvironment());
}

// `notifyd check [server options]`: the engine's integrity check and notifyd's own
// invariants on the configured database (docs/operations.md, "When things fail"). Exit 0
// when nothing was found, 1 when something was, 2 when the check could not run.
int checkCommand(QStringList args)
{
    const QString program = args.takeFirst();
    args.removeFirst(); // "check"
    auto config = storeCommandConfig(program, args);
    if (!config.ok())
        return fail(config.error().line(), 2);
    auto storeConfig = StoreConfig::parse(config->db);
    if (!storeConfig.ok())
        return fail(QStringLiteral("notifyd check: invalid --db: %1").arg(storeConfig.error()), 2);
    const QString name = storeConfig->describe();
    // Opening a SQLite file that is not there would create an empty one.
    if (!storeConfig->isPostgres() && !QFileInfo::exists(storeConfig->sqlitePath))
        return fail(QStringLiteral("notifyd check: no database at %1").arg(storeConfig->sqlitePath),
                    2);
    QTextStream out(stdout);
    auto opened = Store::open(storeConfig.value(), QStringLiteral("notifyd-check"));
    if (!opened.ok()) {
        if (opened.error().cause == StoreError::Cause::Damaged) {
            out << name << ": damaged: " << opened.error().message << '\n';
            return 1;
        }
        return fail(
            QStringLiteral("notifyd check: cannot open %1: %2").arg(name, opened.error().message),
            2);
    }
    auto report = opened.value()->check();
    if (!report.ok()) {
        if (report.error().cause == StoreError::Cause::Damaged) {
            out << name << ": damaged: " << report.error().message << '\n';
            return 1;
        }
        return fail(QStringLiteral("notifyd check: %1: %2").arg(name, report.error().message), 2);
    }
    out << name << ": engine check: " << report->engineCheck << '\n';
    for (const QString &note : std::as_const(report->notes))
        out << name << ": " << note << '\n';
    for (const QString &problem : std::as_const(report->problems))
        out << name << ": PROBLEM: " << problem << '\n';
    out << name << ": "
        << (report->problems.isEmpty()
                ? QStringLiteral("no problems found")
                : QStringLiteral("%1 problem(s) found").arg(report->problems.size()))
        << '\n';
    return report->problems.isEmpty() ? 0 : 1;
}

// `notifyd backup --to FILE [server options]`: an online, consistent copy of the
// configured SQLite database (docs/operations.md, "Back up the SQLite database").
int backupCommand(QStringList args)
{
    const QString program = args.takeFirst();
    args.removeFirst(); // "backup"
    QString target;
    QStringList rest;
    for (int i = 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--to")) {
            if (i + 1 >= args.size())
                return fail(QStringLiteral("notifyd backup: --to needs a file name"), 2);
            target = args[++i];
        } else {
            rest.append(args[i]);
        }
    }
    if (target.isEmpty())
        return fail(QStringLiteral("notifyd backup: --to FILE is required"), 2);
    auto config = storeCommandConfig(program, rest);
    if (!config.ok())
        return fail(config.error().line(), 2);
    auto storeConfig = StoreConfig::parse(config->db);
    if (!storeConfig.ok())
        return fail(QStringLiteral("notifyd backup: invalid --db: %1").arg(storeConfig.error()), 2);
    if (storeConfig->isPostgres())
        return fail(QStringLiteral("notifyd backup: %1 is PostgreSQL: use pg_dump or the "
                                   "server's own backups (docs/operations.md, \"Move to "
                                   "PostgreSQL\")")
                        .arg(storeConfig->describe()),
                    2);
    auto copied = sqlitefile::backup(storeConfig->sqlitePath, target);
    if (!copied.ok())
        return fail(QStringLiteral("notifyd backup: ") + copied.error(), 1);
    QTextStream(stdout) << "notifyd backup: " << copied->summary << '\n';
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    // The glib dispatcher's socket bookkeeping is O(connections) per write (docs/qt64-notes.md);
    // this must be set before the application object exists.
    qputenv("QT_NO_GLIB", "1");
#ifdef __GLIBC__
    // glibc gives the free top of a thread's arena back to the kernel (madvise) once it
    // exceeds 128 KiB, and the next group commit faults the same pages in again: that was
    // 5-17% of the store writer's CPU (docs/benchmarks.md, "cost per delivery by thread"). Each arena may now
    // keep up to 16 MiB free (docs/operations.md, "Run").
    mallopt(M_TRIM_THRESHOLD, 16 * 1024 * 1024);
#endif
    Server::installMainThreadDispatcher();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("notifyd"));
    QCoreApplication::setApplicationVersion(QStringLiteral(NOTIFY_VERSION));

    const QStringList args = QCoreApplication::arguments();
    if (args.size() > 1 && args[1] == QLatin1String("token"))
        return tokenCommand(args);
    if (args.size() > 1 && args[1] == QLatin1String("keys"))
        return keysCommand(args);
    if (args.size() > 1 && args[1] == QLatin1String("operators"))
        return operatorsCommand(args);
    if (args.size() > 1 && args[1] == QLatin1String("webhooks"))
        return webhooksCommand(args);
    if (args.size() > 1 && args[1] == QLatin1String("check"))
        return checkCommand(args);
    if (args.size() > 1 && args[1] == QLatin1String("backup"))
        return backupCommand(args);

    auto loaded = loadConfig(args, QProcessEnvironment::systemEnvironment());
    if (!loaded.ok())
        return fail(loaded.error().line(), 2);
    ServerConfig config = std::move(loaded.value());
    if (config.helpRequested) {
        QTextStream(stdout)
            << helpText()
            << "\nSubcommands:\n  notifyd token --org ORG --user USER [--role ROLE] [--ttl "
               "SECONDS] [--sid ID]\n"
               "        [server options]  print a JWT signed with the configured secret\n"
               "  notifyd keys create|list|revoke ...  the organizations' API keys "
               "(notifyd keys --help)\n"
               "  notifyd operators create|list|revoke ...  the console's operators "
               "and their roles (notifyd operators --help)\n"
               "  notifyd webhooks add|list|remove|enable ...  the organizations' signed webhook "
               "endpoints (notifyd webhooks --help)\n"
               "  notifyd check [server options]\n"
               "        check the database: the engine's integrity check and notifyd's counters\n"
               "        (exit 0: nothing found, 1: problems found, 2: could not check)\n"
               "  notifyd backup --to FILE [server options]\n"
               "        an online, consistent copy of the SQLite database into FILE\n";
        return 0;
    }
    if (config.versionRequested) {
        QTextStream(stdout) << "notifyd " << NOTIFY_VERSION << '\n';
        return 0;
    }
    installLogging(config.logFormat, config.logLevel);
    if (config.dev) {
        if (auto dev = ensureDevSecrets(config); !dev.ok())
            return fail(dev.error().line(), 2);
    }
    qCInfo(lcServer).noquote() << "configuration:" << describeForLog(config);

    // Held until the process ends: a second node on one SQLite file is refused (exit 2).
    // Around it, a database file that cannot be used stops the start with one line naming
    // it and the problem (exit 2), never a crash or a new empty database beside it
    // (docs/operations.md, "When things fail").
    SingleNodeLock sqliteLock;
    if (auto store = StoreConfig::parse(config.db);
        store.ok() && !store->isPostgres() && store->sqlitePath != QLatin1String(":memory:")) {
        auto exists = sqlitefile::preflight(store->sqlitePath);
        if (!exists.ok())
            return fail(QStringLiteral("notifyd: ") + exists.error(), 2);
        if (auto locked = sqliteLock.acquire(store->sqlitePath); !locked.ok())
            return fail(QStringLiteral("notifyd: ") + locked.error(), 2);
        if (auto free = sqlitefile::checkNotLocked(store->sqlitePath, 5000); !free.ok())
            return fail(QStringLiteral("notifyd: ") + free.error(), 2);
        if (!exists.value())
            qCInfo(lcServer).noquote()
                << "no database at" << store->sqlitePath << "yet: creating a new one";
    }

    Server server(config);
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &server, &Server::shutdown);
    // SIGHUP reads the configuration again (flags, environment, the INI file) and takes its
    // token keys and claim rules (docs/operations.md, "Rotating keys"); the rest stays.
    QObject::connect(&watcher, &SignalWatcher::reloadRequested, &server, [&server, args] {
        auto fresh = loadConfig(args, QProcessEnvironment::systemEnvironment());
        if (fresh.ok() && fresh->dev) {
            if (auto dev = ensureDevSecrets(fresh.value()); !dev.ok()) {
                qCWarning(lcServer).noquote() << "reload refused:" << dev.error().line();
                return;
            }
        }
        if (!fresh.ok()) {
            qCWarning(lcServer).noquote() << "reload refused, keeping the current keys:"
                                          << fresh.error().line();
            return;
        }
        if (auto reloaded = server.reloadKeys(*fresh); !reloaded.ok())
            qCWarning(lcServer).noquote() << "reload refused, keeping the current keys:"
                                          << reloaded.error();
    });
    QObject::connect(&server, &Server::stopped, &app, [] { QCoreApplication::exit(0); });
    if (auto started = server.start(); !started.ok())
        return fail(QStringLiteral("notifyd: ") + started.error(), 1);
    if (config.dev)
        QTextStream(stdout) << quickstartText(config, server.clientPort(), server.apiPort()) << Qt::flush;
    return app.exec();
}
