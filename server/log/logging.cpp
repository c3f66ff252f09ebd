#include "server/log/logging.h"

#include <QMutex>
#include <QMutexLocker>

#include <cstdio>

namespace notify {

Q_LOGGING_CATEGORY(lcServer, "notify.server")
Q_LOGGING_CATEGORY(lcNet, "notify.net")
Q_LOGGING_CATEGORY(lcStore, "notify.store")
Q_LOGGING_CATEGORY(lcApi, "notify.api")
Q_LOGGING_CATEGORY(lcAuth, "notify.auth")
Q_LOGGING_CATEGORY(lcAdmin, "notify.admin")

namespace {

struct LogState
{
    QMutex mutex;
    LogFormat format = LogFormat::Text;
    LogLevel minimum = LogLevel::Info;
};

LogState &logState()
{
    static LogState state;
    return state;
}

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "debug";
    case QtInfoMsg:
        return "info";
    case QtWarningMsg:
        return "warning";
    case QtCriticalMsg:
        return "error";
    case QtFatalMsg:
        return "fatal";
    }
    return "info";
}

void appendJsonString(QByteArray &out, const QByteArray &utf8)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (u < 0x20 || u == 0x7f) {
                out += "\\u00";
                out += hex[u >> 4];
                out += hex[u & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

// Text lines must stay one entry per line, or a message carrying user input could
// forge entries.
void appendEscapedText(QByteArray &out, const QByteArray &utf8)
{
    static const char hex[] = "0123456789abcdef";
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\\') {
            out += "\\\\";
        } else if (u < 0x20 || u == 0x7f) {
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 0xf];
        } else {
            out += c;
        }
    }
}

void messageHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    LogState &state = logState();
    LogFormat format;
    LogLevel minimum;
    {
        QMutexLocker lock(&state.mutex);
        format = state.format;
        minimum = state.minimum;
    }
    if (!logLevelPasses(minimum, type))
        return;
    const QByteArray line
        = formatLogLine(format, type, context.category, message, QDateTime::currentDateTimeUtc());
    QMutexLocker lock(&state.mutex);
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

} // namespace

std::optional<LogFormat> parseLogFormat(QStringView text)
{
    if (text == u"text")
        return LogFormat::Text;
    if (text == u"json")
        return LogFormat::Json;
    return std::nullopt;
}

std::optional<LogLevel> parseLogLevel(QStringView text)
{
    if (text == u"debug")
        return LogLevel::Debug;
    if (text == u"info")
        return LogLevel::Info;
    if (text == u"warning")
        return LogLevel::Warning;
    if (text == u"error")
        return LogLevel::Error;
    return std::nullopt;
}

QString logFormatName(LogFormat format)
{
    return format == LogFormat::Json ? QStringLiteral("json") : QStringLiteral("text");
}

QString logLevelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug:
        return QStringLiteral("debug");
    case LogLevel::Info:
        return QStringLiteral("info");
    case LogLevel::Warning:
        return QStringLiteral("warning");
    case LogLevel::Error:
        return QStringLiteral("error");
    }
    return QStringLiteral("info");
}

bool logLevelPasses(LogLevel minimum, QtMsgType type)
{
    LogLevel level = LogLevel::Info;
    switch (type) {
    case QtDebugMsg:
        level = LogLevel::Debug;
        break;
    case QtInfoMsg:
        level = LogLevel::Info;
        break;
    case QtWarningMsg:
        level = LogLevel::Warning;
        break;
    case QtCriticalMsg:
        level = LogLevel::Error;
        break;
    case QtFatalMsg:
        return true;
    }
    return int(level) >= int(minimum);
}

QByteArray formatLogLine(LogFormat format, QtMsgType type, const char *category,
                         const QString &message, const QDateTime &timestamp)
{
    const QByteArray ts = timestamp.toUTC().toString(Qt::ISODateWithMs).toLatin1();
    const QByteArray cat
        = (category && *category) ? QByteArray(category) : QByteArrayLiteral("default");
    const QByteArray msg = message.toUtf8();
    const char *level = levelName(type);

    QByteArray line;
    line.reserve(msg.size() + cat.size() + 64);
    if (format == LogFormat::Json) {
        line += "{\"ts\":";
        appendJsonString(line, ts);
        line += ",\"level\":";
        appendJsonString(line, QByteArray(level));
        line += ",\"category\":";
        appendJsonString(line, cat);
        line += ",\"msg\":";
        appendJsonString(line, msg);
        line += "}\n";
    } else {
        line += ts;
        line += ' ';
        line += QByteArray(level).toUpper().leftJustified(7, ' ');
        line += ' ';
        appendEscapedText(line, cat);
        line += ": ";
        appendEscapedText(line, msg);
        line += '\n';
    }
    return line;
}

void installLogging(LogFormat format, LogLevel minimum)
{
    LogState &state = logState();
    {
        QMutexLocker lock(&state.mutex);
        state.format = format;
        state.minimum = minimum;
    }
    // Filtering at the category spares the formatting cost of disabled qCDebug calls in
    // hot paths; the handler filters again for messages without a category check.
    QString rules;
    if (int(minimum) > int(LogLevel::Debug))
        rules += QStringLiteral("*.debug=false\n");
    if (int(minimum) > int(LogLevel::Info))
        rules += QStringLiteral("*.info=false\n");
    if (int(minimum) > int(LogLevel::Warning))
        rules += QStringLiteral("*.warning=false\n");
    if (minimum == LogLevel::Debug)
        rules += QStringLiteral("notify.*.debug=true\n");
    QLoggingCategory::setFilterRules(rules);
    qInstallMessageHandler(messageHandler);
}

} // namespace notify
