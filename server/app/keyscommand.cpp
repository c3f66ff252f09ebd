#include "server/app/keyscommand.h"

#include "server/config/config.h"
#include "shared/model/validation.h"
#include "shared/store/apikeys.h"
#include "shared/store/operators.h"
#include "shared/store/store.h"

#include <QProcessEnvironment>
#include <QSysInfo>
#include <QTextStream>

namespace notify {

Result<std::unique_ptr<Store>, QString> openStore(const QStringList &rest)
{
    auto config
        = loadConfig(rest, QProcessEnvironment::systemEnvironment(), ConfigPurpose::StoreOnly);
    if (!config.ok())
        return config.error().message;
    auto storeConfig = StoreConfig::parse(config->db);
    if (!storeConfig.ok())
        return QStringLiteral("invalid --db: %1").arg(storeConfig.error());
    auto store = Store::open(storeConfig.value(), QStringLiteral("notifyd-keys"));
    if (!store.ok())
        return QStringLiteral("cannot open the store %1: %2")
            .arg(storeConfig->describe(), store.error().message);
    // The same migrations the server runs: safe beside a running server.
    if (auto migrated = store.value()->migrate(); !migrated.ok())
        return QStringLiteral("cannot migrate the store: %1").arg(migrated.error().message);
    return std::move(store.value());
}

// Key and operator changes made here are in the audit log too, under "cli:<user>" and this
// machine's name (docs/operations.md, "Audit log").
void recordAudit(Store &store, const QString &action, const QString &target, const QString &result)
{
    const QString user = qEnvironmentVariable("USER", QStringLiteral("unknown"));
    audit::Entry entry;
    entry.at = QDateTime::currentDateTimeUtc();
    entry.operatorName = QStringLiteral("cli:") + user;
    entry.node = QSysInfo::machineHostName();
    entry.action = action;
    entry.target = target;
    entry.result = result;
    if (auto recorded = audit::record(store, entry); !recorded.ok())
        QTextStream(stderr) << "notifyd: warning: the audit entry was not stored: "
                            << recorded.error().message << '\n';
}

void printTable(const QList<QStringList> &table)
{
    QList<int> widths(table.first().size(), 0);
    for (const QStringList &line : table) {
        for (int i = 0; i < line.size(); ++i)
            widths[i] = qMax(widths[i], int(line[i].size()));
    }
    QTextStream out(stdout);
    for (const QStringList &line : table) {
        QString text;
        for (int i = 0; i < line.size(); ++i)
            text += i + 1 < line.size() ? line[i].leftJustified(widths[i] + 2) : line[i];
        out << text << '\n';
    }
}

namespace {

constexpr auto usage
    = "usage: notifyd keys create --org ORG --name NAME [--scope publish,read,sessions,broadcast]\n"
      "                           [--rate RATE/s[,BURST]|off] [--deliveries RATE/s[,BURST]|off]\n"
      "       notifyd keys list\n"
      "       notifyd keys revoke NAME\n"
      "       (each also takes the server's store options: --db, --data-dir, --config)\n";

int fail(const QString &line, int code = 2)
{
    QTextStream(stderr) << "notifyd keys: " << line << '\n';
    return code;
}

struct Options
{
    QString action;
    QString org;
    QString name;
    QString scopes;
    QString rate;
    QString deliveries;
    bool haveScopes = false;
    QStringList rest; // for loadConfig: the program name and the store options
};

Result<Options, QString> parseOptions(QStringList args)
{
    Options o;
    o.rest.append(args.takeFirst()); // program name
    args.removeFirst(); // "keys"
    if (args.isEmpty())
        return QStringLiteral("an action is required (create, list or revoke)");
    o.action = args.takeFirst();
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        QString *target = a == QLatin1String("--org") ? &o.org
            : a == QLatin1String("--name")            ? &o.name
            : a == QLatin1String("--scope")           ? &o.scopes
            : a == QLatin1String("--rate")            ? &o.rate
            : a == QLatin1String("--deliveries")      ? &o.deliveries
                                                      : nullptr;
        if (target) {
            if (i + 1 >= args.size())
                return QStringLiteral("%1 needs a value").arg(a);
            *target = args[++i];
            if (target == &o.scopes)
                o.haveScopes = true;
        } else if (o.action == QLatin1String("revoke") && o.name.isEmpty() && !a.startsWith(u'-')) {
            o.name = a;
        } else {
            o.rest.append(a);
        }
    }
    return o;
}

int create(const Options &o)
{
    if (o.org.isEmpty() || o.name.isEmpty())
        return fail(QStringLiteral("create needs --org and --name"));
    if (auto e = validateId(QStringLiteral("--org"), o.org))
        return fail(QStringLiteral("invalid --org: ") + e->reason);
    if (!apikeys::validName(o.name))
        return fail(QStringLiteral("invalid --name '%1': expected 1 to 64 of A-Z a-z 0-9 . _ -")
                        .arg(o.name));
    apikeys::KeyRow row;
    row.name = o.name;
    row.orgId = o.org;
    if (o.haveScopes) {
        for (const QString &raw : o.scopes.split(u',')) {
            const QString scope = raw.trimmed();
            if (!apikeys::scopeNames().contains(scope))
                return fail(QStringLiteral("invalid --scope '%1': expected a comma-separated "
                                           "list of %2")
                                .arg(scope, apikeys::scopeNames().join(QStringLiteral(", "))));
            if (!row.scopes.contains(scope))
                row.scopes.append(scope);
        }
    } else {
        row.scopes = apikeys::scopeNames();
    }
    for (const auto &[flag, text, out] :
         {std::tuple {QStringLiteral("--rate"), o.rate, &row.requestRate},
          std::tuple {QStringLiteral("--deliveries"), o.deliveries, &row.deliveryRate}}) {
        if (text.isEmpty())
            continue;
        auto parsed = parseRateLimit(text);
        if (!parsed)
            return fail(QStringLiteral("invalid %1 '%2': %3").arg(flag, text, parsed.error()));
        *out = parsed->toString();
    }
    auto store = openStore(o.rest);
    if (!store.ok())
        return fail(store.error(), 1);
    const QByteArray key = apikeys::newKey();
    row.sha256Hex = apikeys::hashKey(key);
    row.createdAt = QDateTime::currentDateTimeUtc();
    auto created = apikeys::create(*store.value(), row);
    if (!created.ok())
        return fail(QStringLiteral("cannot store the key: %1").arg(created.error().message), 1);
    const QString target = QStringLiteral("key=%1 org=%2").arg(row.name, row.orgId);
    if (created.value() == apikeys::CreateOutcome::NameTaken) {
        recordAudit(*store.value(), QStringLiteral("keys.create"), target,
                    QStringLiteral("name_taken"));
        return fail(QStringLiteral("a key named '%1' exists already").arg(o.name), 1);
    }
    recordAudit(*store.value(), QStringLiteral("keys.create"), target, QStringLiteral("ok"));
    QTextStream out(stdout);
    out << "created API key '" << row.name << "' of organization '" << row.orgId << "' (scopes "
        << row.scopes.join(u',') << "; requests "
        << (row.requestRate.isEmpty() ? QStringLiteral("server default") : row.requestRate)
        << "; deliveries "
        << (row.deliveryRate.isEmpty() ? QStringLiteral("server default") : row.deliveryRate)
        << ")\n"
        << "it is shown only now and stored only as a hash; the key:\n"
        << key << '\n';
    return 0;
}

int list(const Options &o)
{
    auto store = openStore(o.rest);
    if (!store.ok())
        return fail(store.error(), 1);
    auto rows = apikeys::list(*store.value());
    if (!rows.ok())
        return fail(QStringLiteral("cannot read the keys: %1").arg(rows.error().message), 1);
    QList<QStringList> table {{QStringLiteral("NAME"), QStringLiteral("ORG"),
                               QStringLiteral("SCOPES"), QStringLiteral("REQUESTS"),
                               QStringLiteral("DELIVERIES"), QStringLiteral("CREATED"),
                               QStringLiteral("STATE")}};
    for (const apikeys::KeyRow &r : rows.value()) {
        table.append({r.name, r.orgId, r.scopes.join(u','),
                      r.requestRate.isEmpty() ? QStringLiteral("default") : r.requestRate,
                      r.deliveryRate.isEmpty() ? QStringLiteral("default") : r.deliveryRate,
                      r.createdAt.toString(Qt::ISODate),
                      r.active() ? QStringLiteral("active")
                                 : QStringLiteral("revoked ") + r.revokedAt.toString(Qt::ISODate)});
    }
    printTable(table);
    return 0;
}

int revoke(const Options &o)
{
    if (o.name.isEmpty())
        return fail(QStringLiteral("revoke needs the key's name"));
    auto store = openStore(o.rest);
    if (!store.ok())
        return fail(store.error(), 1);
    auto revoked = apikeys::revoke(*store.value(), o.name, QDateTime::currentDateTimeUtc());
    if (!revoked.ok())
        return fail(QStringLiteral("cannot revoke: %1").arg(revoked.error().message), 1);
    recordAudit(*store.value(), QStringLiteral("keys.revoke"), QStringLiteral("key=") + o.name,
                revoked.value() ? QStringLiteral("ok") : QStringLiteral("not_found"));
    if (!revoked.value())
        return fail(QStringLiteral("no active key named '%1'").arg(o.name), 1);
    QTextStream(stdout) << "revoked API key '" << o.name
                        << "'; every node refuses it within a second\n";
    return 0;
}

constexpr auto operatorsUsage
    = "usage: notifyd operators create --name NAME --role viewer|support|admin\n"
      "       notifyd operators list\n"
      "       notifyd operators revoke NAME\n"
      "       (each also takes the server's store options: --db, --data-dir, --config)\n";

int failOperators(const QString &line, int code = 2)
{
    QTextStream(stderr) << "notifyd operators: " << line << '\n';
    return code;
}

int createOperator(const Options &o)
{
    if (o.name.isEmpty() || o.org.isEmpty())
        return failOperators(QStringLiteral("create needs --name and --role"));
    if (!apikeys::validName(o.name))
        return failOperators(
            QStringLiteral("invalid --name '%1': expected 1 to 64 of A-Z a-z 0-9 . _ -")
                .arg(o.name));
    if (!operators::roleNames().contains(o.org))
        return failOperators(
            QStringLiteral("invalid --role '%1': expected viewer, support or admin").arg(o.org));
    auto store = openStore(o.rest);
    if (!store.ok())
        return failOperators(store.error(), 1);
    const QByteArray key = apikeys::newKey();
    operators::OperatorRow row;
    row.name = o.name;
    row.role = o.org;
    row.sha256Hex = apikeys::hashKey(key);
    row.createdAt = QDateTime::currentDateTimeUtc();
    auto created = operators::create(*store.value(), row);
    if (!created.ok())
        return failOperators(
            QStringLiteral("cannot store the operator: %1").arg(created.error().message), 1);
    const QString target = QStringLiteral("operator=%1 role=%2").arg(row.name, row.role);
    if (created.value() == operators::CreateOutcome::NameTaken) {
        recordAudit(*store.value(), QStringLiteral("operators.create"), target,
                    QStringLiteral("name_taken"));
        return failOperators(QStringLiteral("an operator named '%1' exists already").arg(o.name),
                             1);
    }
    recordAudit(*store.value(), QStringLiteral("operators.create"), target, QStringLiteral("ok"));
    QTextStream(stdout) << "created operator '" << row.name << "' with role " << row.role
                        << "\nthe admin key is shown only now and stored only as a hash:\n"
                        << key << '\n';
    return 0;
}

int listOperators(const Options &o)
{
    auto store = openStore(o.rest);
    if (!store.ok())
        return failOperators(store.error(), 1);
    auto rows = operators::list(*store.value());
    if (!rows.ok())
        return failOperators(
            QStringLiteral("cannot read the operators: %1").arg(rows.error().message), 1);
    QTextStream out(stdout);
    out << QStringLiteral("NAME").leftJustified(24) << QStringLiteral("ROLE").leftJustified(10)
        << QStringLiteral("CREATED").leftJustified(22) << "STATE\n";
    for (const operators::OperatorRow &r : rows.value()) {
        out << r.name.leftJustified(24) << r.role.leftJustified(10)
            << r.createdAt.toString(Qt::ISODate).leftJustified(22)
            << (r.active() ? QStringLiteral("active")
                           : QStringLiteral("revoked ") + r.revokedAt.toString(Qt::ISODate))
            << '\n';
    }
    return 0;
}

int revokeOperator(const Options &o)
{
    if (o.name.isEmpty())
        return failOperators(QStringLiteral("revoke needs the operator's name"));
    auto store = openStore(o.rest);
    if (!store.ok())
        return failOperators(store.error(), 1);
    auto revoked = operators::revoke(*store.value(), o.name, QDateTime::currentDateTimeUtc());
    if (!revoked.ok())
        return failOperators(QStringLiteral("cannot revoke: %1").arg(revoked.error().message), 1);
    recordAudit(*store.value(), QStringLiteral("operators.revoke"),
                QStringLiteral("operator=") + o.name,
                revoked.value() ? QStringLiteral("ok") : QStringLiteral("not_found"));
    if (!revoked.value())
        return failOperators(QStringLiteral("no active operator named '%1'").arg(o.name), 1);
    QTextStream(stdout) << "revoked operator '" << o.name
                        << "'; every node closes its consoles within a second\n";
    return 0;
}

} // namespace

int operatorsCommand(QStringList args)
{
    // The same option reader: --role is read into the org field.
    for (QString &a : args) {
        if (a == QLatin1String("--role"))
            a = QStringLiteral("--org");
        else if (a == QLatin1String("--org"))
            a = QStringLiteral("--not-an-operator-option");
    }
    auto options = parseOptions(std::move(args));
    if (!options.ok())
        return failOperators(options.error() + QLatin1Char('\n') + QLatin1String(operatorsUsage));
    const Options &o = options.value();
    if (!o.scopes.isEmpty() || !o.rate.isEmpty() || !o.deliveries.isEmpty())
        return failOperators(QStringLiteral("--scope, --rate and --deliveries are for keys\n")
                             + QLatin1String(operatorsUsage));
    if (o.action == QLatin1String("create"))
        return createOperator(o);
    if (o.action == QLatin1String("list"))
        return listOperators(o);
    if (o.action == QLatin1String("revoke"))
        return revokeOperator(o);
    if (o.action == QLatin1String("--help") || o.action == QLatin1String("-h")) {
        QTextStream(stdout) << operatorsUsage;
        return 0;
    }
    return failOperators(
        QStringLiteral("unknown action '%1'\n%2").arg(o.action, QLatin1String(operatorsUsage)));
}

int keysCommand(QStringList args)
{
    auto options = parseOptions(std::move(args));
    if (!options.ok())
        return fail(options.error() + QLatin1Char('\n') + QLatin1String(usage));
    const Options &o = options.value();
    if (o.action == QLatin1String("create"))
        return create(o);
    if (o.action == QLatin1String("list"))
        return list(o);
    if (o.action == QLatin1String("revoke"))
        return revoke(o);
    if (o.action == QLatin1String("--help") || o.action == QLatin1String("-h")) {
        QTextStream(stdout) << usage;
        return 0;
    }
    return fail(QStringLiteral("unknown action '%1'\n%2").arg(o.action, QLatin1String(usage)));
}

} // namespace notify
