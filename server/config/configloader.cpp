#include "server/config/config.h"

#include "server/config/settings_p.h"
#include "shared/model/validation.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QUrl>

#include <algorithm>
#include <optional>

namespace notify {

namespace detail {

Result<QList<IniEntry>, QString> parseIni(const QByteArray &data)
{
    QByteArray text = data;
    if (text.startsWith("\xEF\xBB\xBF"))
        text.remove(0, 3);
    QList<IniEntry> entries;
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNo = int(i + 1);
        const QString line = QString::fromUtf8(lines.at(i)).trimmed();
        if (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u';'))
            continue;
        if (line.startsWith(u'[')) {
            if (line == QLatin1String("[notifyd]"))
                continue;
            return QStringLiteral("line %1: unknown section %2 (only [notifyd] is allowed)")
                .arg(lineNo)
                .arg(line);
        }
        const qsizetype eq = line.indexOf(u'=');
        if (eq <= 0)
            return QStringLiteral("line %1: expected key = value").arg(lineNo);
        IniEntry entry;
        entry.key = line.left(eq).trimmed();
        entry.value = line.mid(eq + 1).trimmed();
        entry.line = lineNo;
        if (entry.value.size() >= 2 && entry.value.startsWith(u'"') && entry.value.endsWith(u'"'))
            entry.value = entry.value.mid(1, entry.value.size() - 2);
        entries.append(entry);
    }
    return entries;
}

} // namespace detail

namespace {

using detail::SettingKind;
using detail::SettingSpec;

// One setting as found in one layer, remembered with where it came from so that an
// error names the flag, variable or file line the user actually wrote.
struct RawSetting
{
    QStringList values;
    QString origin; // "--listen", "NOTIFY_LISTEN" or "listen"
    QString location; // "" or "FILE:LINE: "
};
using Layer = QHash<QString, RawSetting>;

const RawSetting *lookup(const Layer &layer, const QString &name)
{
    const auto it = layer.constFind(name);
    return it == layer.cend() ? nullptr : &it.value();
}

QString optionName(const SettingSpec &spec)
{
    return QStringLiteral("--") + QLatin1String(spec.name);
}

ConfigError invalid(const SettingSpec &spec, const RawSetting &raw, const QString &value,
                    const QString &reason, bool echoValue = true)
{
    QString message = raw.location + QStringLiteral("invalid ") + raw.origin;
    if (echoValue)
        message += QStringLiteral(" '%1'").arg(value);
    return ConfigError {optionName(spec), message + QStringLiteral(": ") + reason};
}

std::optional<qint64> parseInteger(const QString &text, qint64 min, qint64 max)
{
    static const QRegularExpression digits(QStringLiteral("^[0-9]{1,12}$"));
    if (!digits.match(text).hasMatch())
        return std::nullopt;
    const qint64 n = text.toLongLong();
    if (n < min || n > max)
        return std::nullopt;
    return n;
}

std::optional<bool> parseBool(const QString &text)
{
    const QString t = text.toLower();
    if (t == QLatin1String("1") || t == QLatin1String("true") || t == QLatin1String("yes")
        || t == QLatin1String("on"))
        return true;
    if (t == QLatin1String("0") || t == QLatin1String("false") || t == QLatin1String("no")
        || t == QLatin1String("off"))
        return false;
    return std::nullopt;
}

bool containsSpace(const QString &text)
{
    return std::any_of(text.cbegin(), text.cend(), [](QChar c) { return c.isSpace(); });
}

QStringList splitList(const QStringList &values)
{
    QStringList items;
    for (const QString &value : values) {
        for (const QString &part : value.split(u',')) {
            const QString item = part.trimmed();
            if (!item.isEmpty())
                items << item;
        }
    }
    return items;
}

Result<Layer, ConfigError> parseFlags(const QStringList &args)
{
    Layer layer;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        if (!arg.startsWith(QLatin1String("--")) || arg.size() == 2) {
            if (arg.startsWith(u'-'))
                return ConfigError {arg,
                                    QStringLiteral("unknown option '%1' (see --help)").arg(arg)};
            return ConfigError {arg,
                                QStringLiteral("unexpected argument '%1' (see --help)").arg(arg)};
        }
        const qsizetype eq = arg.indexOf(u'=');
        const QString name = arg.mid(2, eq < 0 ? -1 : eq - 2);
        const SettingSpec *spec = detail::findSetting(name);
        if (!spec) {
            const QString flag = QStringLiteral("--") + name;
            return ConfigError {flag, QStringLiteral("unknown option '%1' (see --help)").arg(flag)};
        }
        RawSetting &raw = layer[QLatin1String(spec->name)];
        raw.origin = optionName(*spec);
        if (spec->kind == SettingKind::Flag) {
            if (eq >= 0)
                return ConfigError {optionName(*spec),
                                    QStringLiteral("%1 takes no value").arg(optionName(*spec))};
            raw.values = {QStringLiteral("true")};
            continue;
        }
        QString value;
        if (eq >= 0) {
            value = arg.mid(eq + 1);
        } else if (i + 1 < args.size()) {
            value = args.at(++i);
        } else {
            return ConfigError {optionName(*spec),
                                QStringLiteral("%1 needs a value").arg(optionName(*spec))};
        }
        if (spec->kind == SettingKind::List || spec->kind == SettingKind::Repeated)
            raw.values << value; // repeated flags add up
        else
            raw.values = {value}; // the last one wins
    }
    return layer;
}

Layer readEnvironment(const QProcessEnvironment &env)
{
    Layer layer;
    for (const SettingSpec &spec : detail::settingSpecs) {
        const QString value = env.value(QLatin1String(spec.env));
        // An empty variable counts as unset, as container tooling often exports them so.
        if (!value.isEmpty())
            layer.insert(QLatin1String(spec.name),
                         RawSetting {{value}, QLatin1String(spec.env), {}});
    }
    return layer;
}

Result<Layer, ConfigError> readConfigFile(const QString &path)
{
    const QString setting = QStringLiteral("--config");
    const QFileInfo info(path);
    QFile file(path);
    QString problem;
    if (!info.exists())
        problem = QStringLiteral("no such file");
    else if (!info.isFile())
        problem = QStringLiteral("not a regular file");
    else if (!file.open(QIODevice::ReadOnly))
        problem = file.errorString();
    if (!problem.isEmpty())
        return ConfigError {setting,
                            QStringLiteral("cannot read config file '%1': %2").arg(path, problem)};
    auto entries = detail::parseIni(file.readAll());
    if (!entries)
        return ConfigError {setting, QStringLiteral("%1: %2").arg(path, entries.error())};
    Layer layer;
    for (const detail::IniEntry &entry : *entries) {
        const SettingSpec *spec = detail::findSetting(entry.key);
        if (!spec || !spec->inFile) {
            return ConfigError {
                setting,
                QStringLiteral("%1:%2: unknown key '%3'").arg(path).arg(entry.line).arg(entry.key)};
        }
        RawSetting &raw = layer[entry.key];
        raw.origin = entry.key;
        raw.location = QStringLiteral("%1:%2: ").arg(path).arg(entry.line);
        if (spec->kind == SettingKind::List || spec->kind == SettingKind::Repeated)
            raw.values << entry.value;
        else
            raw.values = {entry.value};
    }
    return layer;
}

// Applies one setting's effective raw value to the config.
std::optional<ConfigError> apply(ServerConfig &config, const SettingSpec &spec,
                                 const RawSetting &raw)
{
    const QString name = QLatin1String(spec.name);
    const QString value = raw.values.isEmpty() ? QString() : raw.values.last().trimmed();
    auto fail = [&](const QString &reason, bool echo = true) {
        return invalid(spec, raw, value, reason, echo);
    };

    if (name == QLatin1String("listen") || name == QLatin1String("api-listen")) {
        auto address = parseListenAddress(value);
        if (!address)
            return fail(address.error());
        (name == QLatin1String("listen") ? config.listen : config.apiListen) = *address;
    } else if (name == QLatin1String("db")) {
        // Never echoed: a URL may carry a password.
        if (value.isEmpty())
            return fail(QStringLiteral("expected a SQLite file path or a postgres:// URL"), false);
        if (value.contains(QLatin1String("://"))) {
            const QUrl url(value, QUrl::StrictMode);
            const QString scheme = url.scheme().toLower();
            if (scheme != QLatin1String("postgres") && scheme != QLatin1String("postgresql"))
                return fail(QStringLiteral("expected a SQLite file path or a postgres:// URL"),
                            false);
            if (!url.isValid() || url.host().isEmpty())
                return fail(QStringLiteral("expected postgres://USER:PASSWORD@HOST:PORT/DB"),
                            false);
        }
        config.db = value;
    } else if (name == QLatin1String("data-dir")) {
        if (value.isEmpty())
            return fail(QStringLiteral("expected a directory"));
        config.dataDir = value;
    } else if (name == QLatin1String("jwt-secret")) {
        // Never split at commas: a secret may contain any character. "KID:SECRET" names the
        // key; ":SECRET" is a secret with a colon of its own and no kid.
        config.jwtSecrets.clear();
        for (const QString &given : raw.values) {
            const QString entry = given.trimmed();
            const qsizetype colon = entry.indexOf(u':');
            JwtSecretSpec spec;
            if (colon >= 0 && colon <= 64 && !containsSpace(entry.left(colon))) {
                spec.kid = entry.left(colon);
                spec.secret = entry.mid(colon + 1).toUtf8();
            } else {
                spec.secret = entry.toUtf8();
            }
            if (spec.secret.size() < 32)
                return fail(QStringLiteral("it is %1 bytes long, at least 32 are required")
                                .arg(spec.secret.size()),
                            false);
            config.jwtSecrets.append(spec);
        }
        config.jwtSecret = config.jwtSecrets.value(0).secret;
        config.jwtSecretKid = config.jwtSecrets.value(0).kid;
    } else if (name == QLatin1String("jwt-public-key")) {
        config.jwtPublicKeys.clear();
        for (const QString &entry : splitList(raw.values)) {
            // KID:FILE, unless the whole is a file name (a path may hold a colon).
            const qsizetype colon = entry.indexOf(u':');
            JwtPublicKeySpec spec {QString(), entry};
            if (colon > 0 && !QFileInfo::exists(entry))
                spec = JwtPublicKeySpec {entry.left(colon), entry.mid(colon + 1)};
            if (!QFileInfo(spec.file).isFile())
                return fail(QStringLiteral("no such file"));
            config.jwtPublicKeys.append(spec);
        }
    } else if (name == QLatin1String("jwt-jwks-url")) {
        const QUrl url(value, QUrl::StrictMode);
        const QString scheme = url.scheme().toLower();
        if (!url.isValid() || url.host().isEmpty()
            || (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
            return fail(QStringLiteral("expected an http:// or https:// URL"));
        config.jwtJwksUrl = value;
    } else if (name == QLatin1String("jwt-jwks-file")) {
        if (!QFileInfo(value).isFile())
            return fail(QStringLiteral("no such file"));
        config.jwtJwksFile = value;
    } else if (name == QLatin1String("jwt-jwks-min-refresh")) {
        auto ms = parseDurationMs(value);
        if (!ms || *ms < 1000 || *ms > 3600 * 1000)
            return fail(QStringLiteral("expected a duration from 1s to 3600s"));
        config.jwtJwksMinRefreshMs = *ms;
    } else if (name == QLatin1String("jwt-leeway")) {
        // 0 is allowed here (no skew at all), which parseDurationMs refuses.
        const bool zero = value == QLatin1String("0") || value == QLatin1String("0s");
        auto ms = zero ? Result<int, QString>(0) : parseDurationMs(value);
        if (!ms || *ms > 600 * 1000)
            return fail(QStringLiteral("expected a duration from 0 to 600s"));
        config.jwtLeewaySeconds = *ms / 1000;
    } else if (name == QLatin1String("jwt-issuer")) {
        config.jwtIssuers = splitList(raw.values);
    } else if (name == QLatin1String("jwt-audience")) {
        config.jwtAudiences = splitList(raw.values);
    } else if (name == QLatin1String("jwt-user-claim") || name == QLatin1String("jwt-org-claim")
               || name == QLatin1String("jwt-role-claim")) {
        if (value.isEmpty() || containsSpace(value))
            return fail(QStringLiteral("expected a claim name, a dotted path or a URI"));
        (name == QLatin1String("jwt-user-claim")  ? config.jwtUserClaim
             : name == QLatin1String("jwt-org-claim") ? config.jwtOrgClaim
                                                      : config.jwtRoleClaim)
            = value;
    } else if (name == QLatin1String("jwt-roles")) {
        config.jwtRoles = splitList(raw.values);
    } else if (name == QLatin1String("jwt-default-org")) {
        if (const auto e = validateId(QStringLiteral("jwt-default-org"), value))
            return fail(e->message());
        config.jwtDefaultOrg = value;
    } else if (name == QLatin1String("api-key")) {
        const QStringList keys = splitList(raw.values);
        for (const QString &key : keys) {
            if (containsSpace(key))
                return fail(QStringLiteral("a key must not contain spaces"), false);
        }
        config.apiKeys = keys;
    } else if (name == QLatin1String("admin-key")) {
        if (containsSpace(value))
            return fail(QStringLiteral("the key must not contain spaces"), false);
        config.adminKey = value;
    } else if (name == QLatin1String("metrics-token")) {
        if (containsSpace(value))
            return fail(QStringLiteral("the token must not contain spaces"), false);
        config.metricsToken = value;
    } else if (name == QLatin1String("api-max-head-bytes")) {
        const auto n = parseInteger(value, 1024, 1024 * 1024);
        if (!n)
            return fail(QStringLiteral("expected a byte count from 1024 to 1048576"));
        config.apiMaxHeadBytes = *n;
    } else if (name == QLatin1String("api-head-timeout")
               || name == QLatin1String("api-idle-timeout")) {
        auto ms = parseDurationMs(value);
        if (!ms)
            return fail(ms.error());
        (name == QLatin1String("api-head-timeout") ? config.apiHeadTimeoutMs
                                                   : config.apiIdleTimeoutMs)
            = *ms;
    } else if (name == QLatin1String("threads")) {
        const auto n = parseInteger(value, 1, ServerConfig::maxThreads);
        if (!n)
            return fail(QStringLiteral("expected a number of threads from 1 to %1")
                            .arg(ServerConfig::maxThreads));
        config.threads = int(*n);
    } else if (name == QLatin1String("allowed-origins")) {
        QStringList origins;
        for (const QString &item : splitList(raw.values)) {
            const auto origin = normaliseOrigin(item);
            if (!origin)
                return invalid(spec, raw, item,
                               QStringLiteral("expected origins like https://app.example.com "
                                              "or http://localhost:3000"));
            if (!origins.contains(*origin))
                origins << *origin;
        }
        config.allowedOrigins = origins;
    } else if (name == QLatin1String("trusted-proxies")) {
        QList<QPair<QHostAddress, int>> ranges;
        for (const QString &item : splitList(raw.values)) {
            const auto range = parseProxyRange(item);
            if (!range)
                return invalid(spec, raw, item,
                               QStringLiteral("expected addresses or CIDR ranges like 10.0.0.5, "
                                              "10.0.0.0/8 or fd00::/8"));
            if (!ranges.contains(*range))
                ranges << *range;
        }
        config.trustedProxies = ranges;
    } else if (name == QLatin1String("ping-interval") || name == QLatin1String("pong-timeout")) {
        auto ms = parseDurationMs(value);
        if (!ms)
            return fail(ms.error());
        (name == QLatin1String("ping-interval") ? config.pingIntervalMs : config.pongTimeoutMs)
            = *ms;
    } else if (name == QLatin1String("sio-ping-interval")
               || name == QLatin1String("sio-ping-timeout")) {
        auto ms = parseDurationMs(value);
        if (!ms)
            return fail(ms.error());
        (name == QLatin1String("sio-ping-interval") ? config.sioPingIntervalMs
                                                    : config.sioPingTimeoutMs)
            = *ms;
    } else if (name == QLatin1String("max-message-bytes")) {
        const auto n = parseInteger(value, 256, 16 * 1024 * 1024);
        if (!n)
            return fail(QStringLiteral("expected a byte count from 256 to 16777216"));
        config.maxMessageBytes = *n;
    } else if (name == QLatin1String("rate-limit") || name == QLatin1String("key-rate")
               || name == QLatin1String("key-delivery-rate")) {
        auto limit = parseRateLimit(value);
        if (!limit)
            return fail(limit.error());
        (name == QLatin1String("rate-limit") ? config.rateLimit
             : name == QLatin1String("key-rate") ? config.keyRequestRate
                                                  : config.keyDeliveryRate)
            = *limit;
    } else if (name == QLatin1String("max-connections-per-user")) {
        const auto n = parseInteger(value, 0, 1000000);
        if (!n)
            return fail(QStringLiteral("expected a number from 0 (unlimited) to 1000000"));
        config.maxConnectionsPerUser = int(*n);
    } else if (name == QLatin1String("retention-days")) {
        const auto n = parseInteger(value, 0, 36500);
        if (!n)
            return fail(QStringLiteral("expected days from 0 (keep forever) to 36500"));
        config.retentionDays = int(*n);
    } else if (name == QLatin1String("audit-retention-days")) {
        const auto n = parseInteger(value, 0, 36500);
        if (!n)
            return fail(QStringLiteral("expected days from 0 (keep forever) to 36500"));
        config.auditRetentionDays = int(*n);
    } else if (name == QLatin1String("plain-dialect")) {
        auto dialect = parsePlainDialect(value);
        if (!dialect)
            return fail(dialect.error());
        config.dialects.plain = *dialect;
    } else if (name == QLatin1String("socketio-dialect")) {
        EndpointDialects dialects = config.dialects;
        dialects.socketIoDefault = dialects.socketIoNotifications = Dialect::Standard;
        for (const QString &item : splitList(raw.values)) {
            if (auto reason = applySocketIoDialect(item, dialects))
                return invalid(spec, raw, item, *reason);
        }
        config.dialects = dialects;
    } else if (name == QLatin1String("node-name")) {
        if (value.trimmed().isEmpty() || value.size() > 200)
            return fail(QStringLiteral("expected a name of 1 to 200 characters"));
        config.nodeName = value.trimmed();
    } else if (name == QLatin1String("node-gone-after")) {
        auto ms = parseDurationMs(value);
        if (!ms)
            return fail(ms.error());
        if (*ms < 1000)
            return fail(QStringLiteral("expected a duration from 1s to 3600s"));
        config.nodeGoneAfterMs = *ms;
    } else if (name == QLatin1String("store-timeout")) {
        auto ms = parseDurationMs(value);
        if (!ms)
            return fail(ms.error());
        if (*ms < 100 || *ms > 3600 * 1000)
            return fail(QStringLiteral("expected a duration from 100ms to 3600s"));
        config.storeTimeoutMs = *ms;
    } else if (name == QLatin1String("head-timeout")
               || name == QLatin1String("sio-connect-timeout")) {
        auto ms = parseDurationMs(value);
        if (!ms)
            return fail(ms.error());
        (name == QLatin1String("head-timeout") ? config.headTimeoutMs : config.sioConnectTimeoutMs)
            = *ms;
    } else if (name == QLatin1String("max-pending-per-address")) {
        const auto n = parseInteger(value, 0, 1000000);
        if (!n)
            return fail(QStringLiteral("expected a number from 0 (unlimited) to 1000000"));
        config.maxPendingPerAddress = int(*n);
    } else if (name == QLatin1String("max-connections")) {
        const auto n = parseInteger(value, 0, 10000000);
        if (!n)
            return fail(QStringLiteral("expected a number from 0 (automatic) to 10000000"));
        config.maxConnections = int(*n);
    } else if (name == QLatin1String("max-pending-sessions")) {
        const auto n = parseInteger(value, 1, 10000000);
        if (!n)
            return fail(QStringLiteral("expected a number from 1 to 10000000"));
        config.maxPendingSessions = int(*n);
    } else if (name == QLatin1String("max-output-bytes")) {
        const auto n = parseInteger(value, 65536, qint64(1) << 30);
        if (!n)
            return fail(QStringLiteral("expected a byte count from 65536 to 1073741824"));
        config.maxOutputBytes = *n;
    } else if (name == QLatin1String("memory-limit")) {
        const QString v = value.trimmed().toLower();
        if (v == QLatin1String("auto") || v == QLatin1String("off")) {
            config.memoryLimitBytes = v == QLatin1String("auto") ? -1 : 0;
        } else {
            // K, M, G: powers of 1024, as systemd's MemoryMax= reads them.
            const int shift = v.endsWith(u'k') ? 10
                : v.endsWith(u'm')             ? 20
                : v.endsWith(u'g')             ? 30
                                               : 0;
            const auto n = parseInteger(shift ? v.chopped(1) : v, 1, (qint64(1) << 50) >> shift);
            if (!n || (*n << shift) < 1024 * 1024)
                return fail(QStringLiteral("expected auto, off or a byte count of at least 1M "
                                           "(suffixes K, M, G)"));
            config.memoryLimitBytes = *n << shift;
        }
    } else if (name == QLatin1String("memory-high-water")) {
        const auto n = parseInteger(value, 20, 99);
        if (!n)
            return fail(QStringLiteral("expected a percentage from 20 to 99"));
        config.memoryHighWater = int(*n);
    } else if (name == QLatin1String("log-format")) {
        const auto format = parseLogFormat(value);
        if (!format)
            return fail(QStringLiteral("expected text or json"));
        config.logFormat = *format;
    } else if (name == QLatin1String("log-level")) {
        const auto level = parseLogLevel(value);
        if (!level)
            return fail(QStringLiteral("expected debug, info, warning or error"));
        config.logLevel = *level;
    } else if (name == QLatin1String("config")) {
        config.configFile = value;
    } else if (name == QLatin1String("dev")) {
        const auto on = parseBool(value);
        if (!on)
            return fail(QStringLiteral("expected true or false"));
        config.dev = *on;
    }
    return std::nullopt;
}

} // namespace

Result<ServerConfig, ConfigError> loadConfig(const QStringList &args,
                                             const QProcessEnvironment &env,
                                             ConfigPurpose purpose)
{
    ServerConfig config;
    // Help and version must work whatever else is wrong with the configuration.
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args.at(i) == QLatin1String("-h") || args.at(i) == QLatin1String("--help"))
            config.helpRequested = true;
        else if (args.at(i) == QLatin1String("--version"))
            config.versionRequested = true;
    }
    if (config.helpRequested || config.versionRequested)
        return config;

    auto flags = parseFlags(args);
    if (!flags)
        return flags.error();
    const Layer environment = readEnvironment(env);

    Layer file;
    const QString configKey = QStringLiteral("config");
    const RawSetting *configRaw = lookup(*flags, configKey);
    if (!configRaw)
        configRaw = lookup(environment, configKey);
    if (configRaw) {
        const QString path = configRaw->values.value(0).trimmed();
        if (path.isEmpty())
            return invalid(*detail::findSetting(configKey), *configRaw, path,
                           QStringLiteral("expected a file"));
        auto read = readConfigFile(path);
        if (!read)
            return read.error();
        file = std::move(*read);
    }

    for (const SettingSpec &spec : detail::settingSpecs) {
        const QString name = QLatin1String(spec.name);
        const RawSetting *raw = lookup(*flags, name);
        if (!raw)
            raw = lookup(environment, name);
        if (!raw)
            raw = lookup(file, name);
        if (!raw)
            continue;
        if (auto error = apply(config, spec, *raw))
            return *error;
    }

    if (config.db.isEmpty())
        config.db = QDir(config.dataDir).filePath(QStringLiteral("notify.db"));

    if (!config.dev && purpose == ConfigPurpose::Server) {
        if (!config.hasJwtKeys())
            return ConfigError {QStringLiteral("--jwt-secret"),
                                QStringLiteral("--jwt-secret (NOTIFY_JWT_SECRET) is required "
                                               "outside --dev, or --jwt-public-key, "
                                               "--jwt-jwks-url or --jwt-jwks-file")};
        if (config.apiKeys.isEmpty())
            return ConfigError {QStringLiteral("--api-key"),
                                QStringLiteral("--api-key (NOTIFY_API_KEYS) is required outside "
                                               "--dev")};
    }
    return config;
}

} // namespace notify
