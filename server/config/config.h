#pragma once

#include "server/dialect/dialect.h"
#include "server/log/logging.h"
#include "shared/model/result.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <optional>

namespace notify {

// HOST:PORT where HOST is an IPv4 address, a bracketed IPv6 address ("[::1]:8080") or
// "localhost" (127.0.0.1). Port 0 asks the system for a free port (tests use it).
struct ListenAddress
{
    QHostAddress address;
    quint16 port = 0;

    QString toString() const; // "127.0.0.1:8080", "[::1]:8080"
    friend bool operator==(const ListenAddress &, const ListenAddress &) = default;
};

// Messages a connection may send: a token bucket refilled at perSecond, holding at most
// burst tokens. perSecond == 0 means unlimited ("off").
struct RateLimit
{
    double perSecond = 20;
    int burst = 40;

    bool enabled() const { return perSecond > 0; }
    QString toString() const; // "20/s,40" or "off"
    friend bool operator==(const RateLimit &, const RateLimit &) = default;
};

struct JwtSecretSpec
{
    QString kid; // empty: none
    QByteArray secret;
    friend bool operator==(const JwtSecretSpec &, const JwtSecretSpec &) = default;
};

struct JwtPublicKeySpec
{
    QString kid; // empty: none
    QString file;
    friend bool operator==(const JwtPublicKeySpec &, const JwtPublicKeySpec &) = default;
};

struct ServerConfig
{
    ListenAddress listen {QHostAddress(QHostAddress::LocalHost), 8080}; // WebSocket port
    ListenAddress apiListen {QHostAddress(QHostAddress::LocalHost), 8081}; // HTTP API + /admin
    // A SQLite file path or a postgres:// / postgresql:// URL (hand it to
    // StoreConfig::parse). loadConfig() fills in "<dataDir>/notify.db" when unset.
    QString db;
    QString dataDir = QStringLiteral("var");

    // Client tokens (docs/configuration.md, "Tokens"; docs/security.md, "Tokens").
    // jwtSecret is the first --jwt-secret, what "notifyd token" and the quick start sign
    // with; jwtSecrets is every one (KID:SECRET), jwtSecret alone when it is empty.
    QByteArray jwtSecret; // at least 32 bytes; never logged
    QString jwtSecretKid; // the kid of jwtSecret, empty: none
    QList<JwtSecretSpec> jwtSecrets; // never logged
    QList<JwtPublicKeySpec> jwtPublicKeys; // PEM files, read at start and on SIGHUP
    QString jwtJwksUrl; // http(s) URL of a JSON Web Key Set; empty: none
    QString jwtJwksFile; // a JSON Web Key Set file; empty: none
    int jwtJwksMinRefreshMs = 30000; // an unknown kid refetches the set at most this often
    QStringList jwtIssuers; // iss must be one of them; empty: not checked
    QStringList jwtAudiences; // aud must hold one of them; empty: not checked
    int jwtLeewaySeconds = 30;
    QString jwtUserClaim = QStringLiteral("sub");
    QString jwtOrgClaim = QStringLiteral("org");
    QString jwtRoleClaim = QStringLiteral("role");
    QStringList jwtRoles; // the roles an array of roles is searched for; empty: the first
    QString jwtDefaultOrg; // the organization of tokens without one; empty: required

    bool hasJwtKeys() const
    {
        return !jwtSecret.isEmpty() || !jwtSecrets.isEmpty() || !jwtPublicKeys.isEmpty()
            || !jwtJwksUrl.isEmpty() || !jwtJwksFile.isEmpty();
    }
    QStringList apiKeys; // bearer keys for /api/v1 (server side); never logged
    QString adminKey; // empty: only stored operators open /admin; never logged
    QString metricsToken; // empty: GET /metrics needs no credential; never logged
    // The API port's connections (docs/security.md, "The API port").
    qsizetype apiMaxHeadBytes = 16 * 1024;
    int apiHeadTimeoutMs = 10000;
    int apiIdleTimeoutMs = 30000;

    // Shard threads, 1..maxThreads: RoomDirectory routes deliveries with one bit per shard
    // in a 64-bit mask (server/app/server.cpp checks that the two agree).
    static constexpr int maxThreads = 64;
    int threads = defaultThreadCount();
    // Exact origins ("https://app.example.com", scheme://host[:port], normalised to lower
    // case without a trailing slash). Empty: any origin is accepted. See isOriginAllowed().
    QStringList allowedOrigins;
    // The reverse proxies in front of the client port (addresses and CIDR ranges): only on
    // connections from them is the client's address taken from X-Forwarded-For or X-Real-IP
    // (docs/security.md, "Behind a reverse proxy"). Empty: those headers are ignored.
    QList<QPair<QHostAddress, int>> trustedProxies;
    int pingIntervalMs = 30000;
    int pongTimeoutMs = 10000;
    // Engine.IO's heartbeat, stated in the open packet (docs/protocol.md fixes 25000/20000; tests
    // shorten them).
    int sioPingIntervalMs = 25000;
    int sioPingTimeoutMs = 20000;
    qint64 maxMessageBytes = 65536; // largest incoming client message
    RateLimit rateLimit; // per connection
    // Per stored API key, unless its row sets its own (docs/operations.md, "API keys").
    RateLimit keyRequestRate {100, 200};
    RateLimit keyDeliveryRate {1000, 2000};
    int maxConnectionsPerUser = 50; // 0 = unlimited
    int retentionDays = 90; // 0 = keep forever
    int auditRetentionDays = 365; // 0 = keep forever
    // The event dialect of each client endpoint (docs/protocol.md, "Dialects").
    EndpointDialects dialects;
    QString nodeName; // the cluster registry's name for this node; empty: host:client port
    // A cluster node whose heartbeat (every 2 s) is older than this is shown as gone; the
    // others remove its row after three times as long.
    int nodeGoneAfterMs = 10000;
    // An API request waits this long for the store (writer, reader), then answers 503
    // storage_timeout; a PostgreSQL round trip that takes longer has its connection shut
    // down (docs/operations.md, "When things fail").
    int storeTimeoutMs = 10000;

    // Client-port admission and bounds (docs/security.md, "The client port").
    // A request head must be complete this long after accept (or after its first byte on a
    // kept-alive connection), not restarted by each byte; a body gets as long again.
    int headTimeoutMs = 10000;
    // Sockets (and Engine.IO sessions) from one address that have not yet authenticated;
    // 0 = unlimited. IPv6 addresses count per /64.
    int maxPendingPerAddress = 256;
    // Open client-port connections; 0 = automatic: the descriptor limit minus a reserve for
    // the API port, the store and the admin channel (clientConnectionCap()).
    int maxConnections = 0;
    // Engine.IO sessions that have not completed a Socket.IO CONNECT, node-wide; each lives at
    // most sioConnectTimeoutMs.
    int maxPendingSessions = 10000;
    int sioConnectTimeoutMs = 10000;
    // Bytes queued for one client (pushed events, replies, pongs, a polling outbox); past it
    // the client is closed as a slow consumer.
    qint64 maxOutputBytes = 4 * 1024 * 1024;
    // Memory (docs/operations.md, "Memory limits"): new client connections are refused
    // above memoryHighWater percent of this limit, until ten points lower. > 0 bytes,
    // 0 off, -1 auto: the cgroup's limit (MemoryWatch).
    qint64 memoryLimitBytes = -1;
    int memoryHighWater = 90;

    LogFormat logFormat = LogFormat::Text;
    LogLevel logLevel = LogLevel::Info;

    QString configFile; // the INI file that was read, empty if none
    bool dev = false; // development mode: secrets may come from ensureDevSecrets()

    // Set when -h/--help or --version was given; nothing else was parsed or validated.
    // The caller prints helpText() or the version and exits 0.
    bool helpRequested = false;
    bool versionRequested = false;

    static int defaultThreadCount(); // QThread::idealThreadCount() clamped to 1..maxThreads
};

// The client port's connection cap: maxConnections, or when 0 the process's descriptor
// limit (RLIMIT_NOFILE) minus a reserve of an eighth of it (at least 64).
int clientConnectionCap(const ServerConfig &config);
// The API port's connection cap: half of what the client port's cap leaves of the
// descriptor limit (at least 16), so the other half stays for the store and its files.
int apiConnectionCap(const ServerConfig &config);

struct ConfigError
{
    QString setting; // the long option it concerns, e.g. "--rate-limit"; or the bad argument
    QString message; // e.g. "invalid --rate-limit 'abc': expected RATE/s or RATE/s,BURST"

    // One line for stderr: "notifyd: " + message.
    QString line() const;
};

// Reads the configuration. args is the full command line, program name first (as
// QCoreApplication::arguments()). Precedence: flags > environment (NOTIFY_*) > the INI
// file given by --config/NOTIFY_CONFIG > defaults. See helpText() for every setting.
// Outside --dev a token key (--jwt-secret, --jwt-public-key, --jwt-jwks-url or --jwt-jwks-file)
// and at least one API key are required. The subcommands that only open the store
// (notifyd keys) need neither.
enum class ConfigPurpose { Server, StoreOnly };
Result<ServerConfig, ConfigError> loadConfig(const QStringList &args,
                                             const QProcessEnvironment &env,
                                             ConfigPurpose purpose = ConfigPurpose::Server);

// Development mode: fills an empty jwtSecret, apiKeys or adminKey from
// "<dataDir>/dev-secrets.ini", generating the file (0600, random secrets) when it is
// missing or incomplete. Returns true when it wrote the file.
Result<bool, ConfigError> ensureDevSecrets(ServerConfig &config);
QString devSecretsPath(const ServerConfig &config);

// The full --help text: every option with its environment variable and default.
QString helpText();

// One line describing the effective configuration for the start-up log. Secrets appear
// only as "set"/"unset"; a database URL's password is removed.
QString describeForLog(const ServerConfig &config);

// Origin check for WebSocket upgrades. An empty list allows any origin; a request
// without an Origin header (non-browser clients) is allowed, since only browsers are
// bound by it anyway.
bool isOriginAllowed(const QStringList &allowedOrigins, const QString &origin);
// "10.0.0.1", "10.0.0.0/8", "::1", "fd00::/8" as (network, prefix length); nullopt if invalid.
std::optional<QPair<QHostAddress, int>> parseProxyRange(const QString &text);
bool isTrustedProxy(const QList<QPair<QHostAddress, int>> &ranges, const QHostAddress &peer);
// The client's address of a request that arrived from `peer` (docs/security.md, "Behind a
// reverse proxy"): peer itself unless it is a trusted proxy; from a trusted proxy the
// right-most entry of X-Forwarded-For (all its headers, comma-joined) that is not a trusted
// proxy (the left-most if all are), else a valid X-Real-IP, else peer. An entry that is not an
// address ends the walk there: what lies left of it cannot be trusted either.
QHostAddress clientAddressBehind(const QList<QPair<QHostAddress, int>> &ranges,
                                 const QHostAddress &peer, QByteArrayView forwardedFor,
                                 QByteArrayView realIp);
// "10.0.0.0/8,::1/128" for the start-up line.
QString describeProxyRanges(const QList<QPair<QHostAddress, int>> &ranges);

// Value parsers used by loadConfig(), exposed for tests and for other callers. Each
// returns the value or a reason ("expected HOST:PORT ...") without the setting name.
Result<ListenAddress, QString> parseListenAddress(const QString &text);
Result<RateLimit, QString> parseRateLimit(const QString &text);
Result<int, QString> parseDurationMs(const QString &text); // "30", "30s", "500ms"
// An origin "scheme://host[:port]" (http or https), normalised: lower case, no trailing
// slash, no default port; nullopt when it is not one.
std::optional<QString> normaliseOrigin(const QString &text);

} // namespace notify
