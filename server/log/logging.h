#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QLoggingCategory>
#include <QString>
#include <QStringView>

#include <optional>

namespace notify {

Q_DECLARE_LOGGING_CATEGORY(lcServer) // "notify.server": start-up, shutdown, shards
Q_DECLARE_LOGGING_CATEGORY(lcNet) // "notify.net": connections, protocols, heartbeats
Q_DECLARE_LOGGING_CATEGORY(lcStore) // "notify.store": database, migrations, writer
Q_DECLARE_LOGGING_CATEGORY(lcApi) // "notify.api": HTTP API
Q_DECLARE_LOGGING_CATEGORY(lcAuth) // "notify.auth": credentials (never the secrets)
Q_DECLARE_LOGGING_CATEGORY(lcAdmin) // "notify.admin": the operator channel

enum class LogFormat { Text, Json };
enum class LogLevel { Debug, Info, Warning, Error };

// "text"/"json" and "debug"/"info"/"warning"/"error", exactly (lower case).
std::optional<LogFormat> parseLogFormat(QStringView text);
std::optional<LogLevel> parseLogLevel(QStringView text);
QString logFormatName(LogFormat format);
QString logLevelName(LogLevel level);

// Whether a message of this Qt type passes the minimum level. Critical maps to error;
// fatal messages always pass.
bool logLevelPasses(LogLevel minimum, QtMsgType type);

// One complete log line, newline included. Pure, so that tests can check it.
//   text: "2026-05-01T12:00:00.123Z INFO    notify.server: listening on 127.0.0.1:8080"
//         (control characters in the message are escaped so one entry stays one line)
//   json: {"ts":"2026-05-01T12:00:00.123Z","level":"info","category":"notify.server","msg":"..."}
// level names: debug, info, warning, error, fatal. A null category becomes "default".
QByteArray formatLogLine(LogFormat format, QtMsgType type, const char *category,
                         const QString &message, const QDateTime &timestamp);

// Installs the process-wide Qt message handler writing to stderr (one locked write per
// line, so threads never interleave) and disables debug/info output below the minimum
// through logging-category filter rules (QT_LOGGING_RULES still overrides them).
void installLogging(LogFormat format, LogLevel minimum);

} // namespace notify
