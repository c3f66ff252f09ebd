#pragma once

// The table of settings shared by the loader and the help text, so that they never
// disagree about names, environment variables or defaults.

#include "shared/model/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace notify::detail {

enum class SettingKind {
    Value, // --name VALUE
    List, // repeatable flag, comma-separated in env and file
    Repeated, // repeatable flag and file key, one value in env; never split (secrets)
    Flag, // --name, no value (true/false in env and file)
};

struct SettingSpec
{
    const char *name; // long option without dashes, also the INI key
    const char *env; // environment variable
    SettingKind kind;
    const char *valueName; // for --help
    const char *defaultText; // a phrase: "default 30", "required outside --dev"
    const char *help;
    bool inFile; // may appear in the INI file
};

// Sized by its entries, so adding a setting is one entry and nothing else.
inline constexpr SettingSpec settingSpecs[] {
    {"listen", "NOTIFY_LISTEN", SettingKind::Value, "HOST:PORT", "default 127.0.0.1:8080",
     "WebSocket listen address (IPv4, [IPv6] or localhost; port 0 = any free port)", true},
    {"api-listen", "NOTIFY_API_LISTEN", SettingKind::Value, "HOST:PORT", "default 127.0.0.1:8081",
     "HTTP API and /admin listen address", true},
    {"db", "NOTIFY_DB", SettingKind::Value, "PATH|URL", "default <data-dir>/notify.db",
     "SQLite file path or postgres://user:pass@host:port/db URL", true},
    {"data-dir", "NOTIFY_DATA_DIR", SettingKind::Value, "DIR", "default var",
     "directory for the SQLite database and dev secrets", true},
    {"jwt-secret", "NOTIFY_JWT_SECRET", SettingKind::Repeated, "[KID:]SECRET",
     "one token key required outside --dev",
     "HMAC key for client JWTs (HS256; HS384/HS512 from 48/64 bytes), at least 32 bytes; "
     "repeat the flag or the file key (never split at commas)",
     true},
    {"jwt-public-key", "NOTIFY_JWT_PUBLIC_KEYS", SettingKind::List, "[KID:]FILE", "default: none",
     "PEM public key file (RSA, EC P-256/P-384, Ed25519) for client JWTs; repeatable, "
     "comma-separated", true},
    {"jwt-jwks-url", "NOTIFY_JWT_JWKS_URL", SettingKind::Value, "URL", "default: none",
     "http(s) URL of the identity provider's JSON Web Key Set", true},
    {"jwt-jwks-file", "NOTIFY_JWT_JWKS_FILE", SettingKind::Value, "FILE", "default: none",
     "JSON Web Key Set file, read at start and on SIGHUP", true},
    {"jwt-jwks-min-refresh", "NOTIFY_JWT_JWKS_MIN_REFRESH", SettingKind::Value, "DURATION",
     "default 30", "a token with an unknown kid refetches the key set at most this often", true},
    {"jwt-issuer", "NOTIFY_JWT_ISSUER", SettingKind::List, "ISS", "default: not checked",
     "accepted JWT iss claim; repeat the flag, comma-separate in env and file", true},
    {"jwt-audience", "NOTIFY_JWT_AUDIENCE", SettingKind::List, "AUD", "default: not checked",
     "accepted JWT aud value (aud may be a string or an array); repeatable, comma-separated", true},
    {"jwt-leeway", "NOTIFY_JWT_LEEWAY", SettingKind::Value, "DURATION", "default 30",
     "clock skew allowed on exp, nbf and iat, 0..600 s", true},
    {"jwt-user-claim", "NOTIFY_JWT_USER_CLAIM", SettingKind::Value, "CLAIM", "default sub",
     "claim name, dotted path or URI claim holding the user id", true},
    {"jwt-org-claim", "NOTIFY_JWT_ORG_CLAIM", SettingKind::Value, "CLAIM", "default org",
     "claim name, dotted path or URI claim holding the organization id", true},
    {"jwt-role-claim", "NOTIFY_JWT_ROLE_CLAIM", SettingKind::Value, "CLAIM", "default role",
     "claim name, dotted path or URI claim holding the role (a string or an array)", true},
    {"jwt-roles", "NOTIFY_JWT_ROLES", SettingKind::List, "ROLE", "default: any",
     "roles an array of roles is searched for, in order of preference; repeatable, "
     "comma-separated", true},
    {"jwt-default-org", "NOTIFY_JWT_DEFAULT_ORG", SettingKind::Value, "ORG", "default: none",
     "organization of tokens that carry none (single-tenant providers)", true},
    {"api-key", "NOTIFY_API_KEYS", SettingKind::List, "KEY", "one required outside --dev",
     "API key for /api/v1; repeat the flag, comma-separate in env and file", true},
    {"key-rate", "NOTIFY_KEY_RATE", SettingKind::Value, "RATE/s[,BURST]", "default 100/s,200",
     "requests per stored API key, unless set at its creation; 'off' disables", true},
    {"key-delivery-rate", "NOTIFY_KEY_DELIVERY_RATE", SettingKind::Value, "RATE/s[,BURST]",
     "default 1000/s,2000",
     "recipients published to per stored API key, unless set at its creation; 'off' disables",
     true},
    {"admin-key", "NOTIFY_ADMIN_KEY", SettingKind::Value, "KEY", "unset: only stored operators open /admin",
     "key for the operator console's /admin channel", true},
    {"metrics-token", "NOTIFY_METRICS_TOKEN", SettingKind::Value, "TOKEN",
     "unset: /metrics needs no credential", "bearer token required by GET /metrics", true},
    {"api-max-head-bytes", "NOTIFY_API_MAX_HEAD_BYTES", SettingKind::Value, "BYTES",
     "default 16384", "largest request head on the API port, 1024..1048576", true},
    {"api-head-timeout", "NOTIFY_API_HEAD_TIMEOUT", SettingKind::Value, "DURATION", "default 10",
     "a request head on the API port must arrive within this: seconds, or 10s / 500ms", true},
    {"api-idle-timeout", "NOTIFY_API_IDLE_TIMEOUT", SettingKind::Value, "DURATION", "default 30",
     "close an API keep-alive connection idle for this long", true},
    {"threads", "NOTIFY_THREADS", SettingKind::Value, "N", "default: the number of cores",
     "connection shard threads, 1..64", true},
    {"allowed-origins", "NOTIFY_ALLOWED_ORIGINS", SettingKind::List, "ORIGINS",
     "default: any origin",
     "comma-separated browser origins (https://app.example.com); empty allows any", true},
    {"trusted-proxies", "NOTIFY_TRUSTED_PROXIES", SettingKind::List, "ADDRESSES", "default: none",
     "comma-separated proxy addresses or CIDR ranges whose X-Forwarded-For / X-Real-IP name "
     "the client",
     true},
    {"ping-interval", "NOTIFY_PING_INTERVAL", SettingKind::Value, "DURATION", "default 30",
     "WebSocket ping interval: seconds, or 30s / 500ms", true},
    {"pong-timeout", "NOTIFY_PONG_TIMEOUT", SettingKind::Value, "DURATION", "default 10",
     "close a connection whose pong is this late: seconds, or 10s / 500ms", true},
    {"sio-ping-interval", "NOTIFY_SIO_PING_INTERVAL", SettingKind::Value, "DURATION", "default 25",
     "Socket.IO (Engine.IO) ping interval: seconds, or 25s / 500ms", true},
    {"sio-ping-timeout", "NOTIFY_SIO_PING_TIMEOUT", SettingKind::Value, "DURATION", "default 20",
     "close a Socket.IO session whose pong is this late", true},
    {"max-message-bytes", "NOTIFY_MAX_MESSAGE_BYTES", SettingKind::Value, "BYTES", "default 65536",
     "largest client message, 256..16777216", true},
    {"rate-limit", "NOTIFY_RATE_LIMIT", SettingKind::Value, "RATE/s[,BURST]", "default 20/s,40",
     "client messages per connection; BURST defaults to 2*RATE; 'off' disables", true},
    {"max-connections-per-user", "NOTIFY_MAX_CONNECTIONS_PER_USER", SettingKind::Value, "N",
     "default 50", "simultaneous connections of one user, 0 = unlimited", true},
    {"retention-days", "NOTIFY_RETENTION_DAYS", SettingKind::Value, "DAYS", "default 90",
     "delete notifications older than this, 0 = keep forever", true},
    {"audit-retention-days", "NOTIFY_AUDIT_RETENTION_DAYS", SettingKind::Value, "DAYS",
     "default 365", "delete audit log entries older than this, 0 = keep forever", true},
    {"plain-dialect", "NOTIFY_PLAIN_DIALECT", SettingKind::Value, "NAME", "default standard",
     "event dialect of /ws/notifications: standard or snake", true},
    {"socketio-dialect", "NOTIFY_SOCKETIO_DIALECTS", SettingKind::List, "NAMESPACE=NAME",
     "default: standard on both",
     "event dialect of a Socket.IO namespace (/ or /notifications): standard, colon or crud; "
     "repeat the flag, comma-separate in env and file",
     true},
    {"node-name", "NOTIFY_NODE_NAME", SettingKind::Value, "NAME", "default HOST:CLIENTPORT",
     "this node's name in the cluster registry (PostgreSQL)", true},
    {"node-gone-after", "NOTIFY_NODE_GONE_AFTER", SettingKind::Value, "DURATION", "default 10",
     "a cluster node silent this long is shown as gone (removed after 3x)", true},
    {"store-timeout", "NOTIFY_STORE_TIMEOUT", SettingKind::Value, "DURATION", "default 10",
     "an API request waits this long for the store, then answers 503 storage_timeout", true},
    {"head-timeout", "NOTIFY_HEAD_TIMEOUT", SettingKind::Value, "DURATION", "default 10",
     "client port: a request head must be complete this long after accept", true},
    {"max-pending-per-address", "NOTIFY_MAX_PENDING_PER_ADDRESS", SettingKind::Value, "N",
     "default 256", "client port: unauthenticated sockets and sessions per address, 0 = unlimited",
     true},
    {"max-connections", "NOTIFY_MAX_CONNECTIONS", SettingKind::Value, "N",
     "default: the descriptor limit minus 1/8 (at least 64)",
     "client port: open connections in total", true},
    {"max-pending-sessions", "NOTIFY_MAX_PENDING_SESSIONS", SettingKind::Value, "N",
     "default 10000", "Engine.IO sessions without a Socket.IO CONNECT, in total", true},
    {"sio-connect-timeout", "NOTIFY_SIO_CONNECT_TIMEOUT", SettingKind::Value, "DURATION",
     "default 10", "end an Engine.IO session without a granted CONNECT after this", true},
    {"max-output-bytes", "NOTIFY_MAX_OUTPUT_BYTES", SettingKind::Value, "BYTES", "default 4194304",
     "bytes queued for one client before it is closed as slow", true},
    {"memory-limit", "NOTIFY_MEMORY_LIMIT", SettingKind::Value, "BYTES|auto|off", "default auto",
     "refuse new client connections near this (auto: the cgroup's limit)", true},
    {"memory-high-water", "NOTIFY_MEMORY_HIGH_WATER", SettingKind::Value, "PERCENT",
     "default 90", "refuse new client connections above this share of the memory limit", true},
    {"log-format", "NOTIFY_LOG_FORMAT", SettingKind::Value, "text|json", "default text",
     "log line format on stderr", true},
    {"log-level", "NOTIFY_LOG_LEVEL", SettingKind::Value, "LEVEL", "default info",
     "minimum level: debug, info, warning, error", true},
    {"config", "NOTIFY_CONFIG", SettingKind::Value, "FILE", "default: none",
     "INI file of key=value lines, keys named like the long options", false},
    {"dev", "NOTIFY_DEV", SettingKind::Flag, nullptr, "default off",
     "development mode: missing secrets come from <data-dir>/dev-secrets.ini", true},
};

inline const SettingSpec *findSetting(const QString &name)
{
    for (const SettingSpec &spec : settingSpecs) {
        if (name == QLatin1String(spec.name))
            return &spec;
    }
    return nullptr;
}

struct IniEntry
{
    QString key;
    QString value;
    int line = 0;
};

// "key = value" lines; blank lines and lines starting with '#' or ';' are skipped, a
// "[notifyd]" section header is allowed, values may be double-quoted to keep outer spaces.
// There are no inline comments: secrets may contain '#'. Errors read "line N: ...".
Result<QList<IniEntry>, QString> parseIni(const QByteArray &data);

} // namespace notify::detail
