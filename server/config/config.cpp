#include "server/config/config.h"

#include "server/config/settings_p.h"

#include <QRegularExpression>
#include <QThread>
#include <QUrl>

#include <algorithm>

#include <cmath>
#include <sys/resource.h>

namespace notify {

namespace {

const QString kAddressReason = QStringLiteral(
    "expected HOST:PORT with an IPv4 address, a [IPv6] address or localhost, and a port "
    "0..65535");

Result<quint16, QString> parsePort(QStringView text)
{
    static const QRegularExpression digits(QStringLiteral("^[0-9]{1,5}$"));
    if (!digits.match(text).hasMatch())
        return kAddressReason;
    const int port = text.toInt();
    if (port > 65535)
        return kAddressReason;
    return quint16(port);
}

QString formatDuration(int ms)
{
    return ms % 1000 == 0 ? QStringLiteral("%1s").arg(ms / 1000) : QStringLiteral("%1ms").arg(ms);
}

bool isPostgresUrl(const QString &db)
{
    return db.startsWith(QLatin1String("postgres://"), Qt::CaseInsensitive)
        || db.startsWith(QLatin1String("postgresql://"), Qt::CaseInsensitive);
}

QString describeDb(const QString &db)
{
    if (!isPostgresUrl(db))
        return QStringLiteral("sqlite:") + db;
    // The password, and any query (libpq accepts ?password=), must never reach a log.
    const QUrl url(db);
    if (!url.isValid())
        return QStringLiteral("postgres://(unparsable)");
    return url.toString(QUrl::RemovePassword | QUrl::RemoveQuery | QUrl::RemoveFragment);
}

QString setOrUnset(bool set)
{
    return set ? QStringLiteral("set") : QStringLiteral("unset");
}

} // namespace

QString ListenAddress::toString() const
{
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return QStringLiteral("[%1]:%2").arg(address.toString()).arg(port);
    return QStringLiteral("%1:%2").arg(address.toString()).arg(port);
}

QString RateLimit::toString() const
{
    if (!enabled())
        return QStringLiteral("off");
    // Every digit, never an exponent: the text is parsed back (a key's limits are stored as
    // text), and "1e+06/s" would not parse. parseRateLimit takes at most 6 decimals.
    return QStringLiteral("%1/s,%2").arg(QString::number(perSecond, 'g', 14)).arg(burst);
}

int ServerConfig::defaultThreadCount()
{
    return std::clamp(QThread::idealThreadCount(), 1, maxThreads);
}

QString ConfigError::line() const
{
    return QStringLiteral("notifyd: ") + message;
}

Result<ListenAddress, QString> parseListenAddress(const QString &text)
{
    ListenAddress result;
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u']');
        if (close < 0 || close + 1 >= text.size() || text.at(close + 1) != u':')
            return kAddressReason;
        const QString host = text.mid(1, close - 1);
        if (!result.address.setAddress(host)
            || result.address.protocol() != QAbstractSocket::IPv6Protocol)
            return kAddressReason;
        auto port = parsePort(QStringView(text).mid(close + 2));
        if (!port)
            return port.error();
        result.port = *port;
        return result;
    }

    const qsizetype colon = text.lastIndexOf(u':');
    if (colon < 0)
        return kAddressReason;
    const QString host = text.left(colon);
    if (host.contains(u':'))
        return QStringLiteral("an IPv6 address needs brackets, as in [::1]:8080");
    if (host == QLatin1String("localhost")) {
        result.address = QHostAddress(QHostAddress::LocalHost);
    } else {
        // QHostAddress also takes inet_aton forms such as "127.1"; only dotted quads here.
        static const QRegularExpression ipv4(
            QStringLiteral("^[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}$"));
        if (!ipv4.match(host).hasMatch() || !result.address.setAddress(host))
            return kAddressReason;
    }
    auto port = parsePort(QStringView(text).mid(colon + 1));
    if (!port)
        return port.error();
    result.port = *port;
    return result;
}

Result<RateLimit, QString> parseRateLimit(const QString &text)
{
    const QString reason = QStringLiteral(
        "expected RATE/s or RATE/s,BURST (e.g. 20/s,40, rate up to 1000000), or off");
    if (text == QLatin1String("off"))
        return RateLimit {0, 0};
    static const QRegularExpression re(
        QStringLiteral("^([0-9]{1,7}(?:\\.[0-9]{1,6})?)/s(?:\\s*,\\s*([0-9]{1,7}))?$"));
    const auto match = re.match(text);
    if (!match.hasMatch())
        return reason;
    RateLimit limit;
    limit.perSecond = match.captured(1).toDouble();
    if (!(limit.perSecond > 0) || limit.perSecond > 1e6)
        return reason;
    if (match.hasCaptured(2)) {
        limit.burst = match.captured(2).toInt();
        if (limit.burst < 1 || limit.burst > 1000000)
            return QStringLiteral("BURST must be 1..1000000");
    } else {
        // Within the bound a written BURST has, so that the text of the limit parses again.
        limit.burst = std::clamp(int(std::ceil(limit.perSecond * 2)), 1, 1000000);
    }
    return limit;
}

Result<int, QString> parseDurationMs(const QString &text)
{
    const QString reason
        = QStringLiteral("expected seconds (30) or a duration (30s, 500ms) from 100ms to 3600s");
    static const QRegularExpression re(QStringLiteral("^([0-9]{1,9})(ms|s)?$"));
    const auto match = re.match(text);
    if (!match.hasMatch())
        return reason;
    const qint64 n = match.captured(1).toLongLong();
    const qint64 ms = match.captured(2) == QLatin1String("ms") ? n : n * 1000;
    if (ms < 100 || ms > 3600 * 1000)
        return reason;
    return int(ms);
}

std::optional<QString> normaliseOrigin(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        || url.host().isEmpty() || !url.userInfo().isEmpty() || url.hasQuery() || url.hasFragment()
        || (!url.path().isEmpty() && url.path() != QLatin1String("/")))
        return std::nullopt;
    // Browsers leave the default port out of the Origin header.
    const int defaultPort = scheme == QLatin1String("https") ? 443 : 80;
    QString origin = scheme + QStringLiteral("://") + url.host(QUrl::FullyEncoded).toLower();
    if (url.port() != -1 && url.port() != defaultPort)
        origin += u':' + QString::number(url.port());
    return origin;
}

bool isOriginAllowed(const QStringList &allowedOrigins, const QString &origin)
{
    if (allowedOrigins.isEmpty() || origin.isEmpty())
        return true;
    const auto normalised = normaliseOrigin(origin);
    return normalised && allowedOrigins.contains(*normalised);
}

std::optional<QPair<QHostAddress, int>> parseProxyRange(const QString &text)
{
    const QString trimmed = text.trimmed();
    const qsizetype slash = trimmed.indexOf(u'/');
    QHostAddress address(slash < 0 ? trimmed : trimmed.left(slash));
    if (address.isNull())
        return std::nullopt;
    // An IPv4-mapped address is the IPv4 address the peer check sees.
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        address = QHostAddress(v4);
    const int bits = address.protocol() == QAbstractSocket::IPv4Protocol ? 32 : 128;
    int prefix = bits;
    if (slash >= 0) {
        bool ok = false;
        prefix = trimmed.mid(slash + 1).toInt(&ok);
        if (!ok || prefix < 0 || prefix > bits)
            return std::nullopt;
    }
    // The network itself, so that describeProxyRanges shows what is matched.
    const auto network
        = QHostAddress::parseSubnet(address.toString() + u'/' + QString::number(prefix));
    if (network.first.isNull())
        return std::nullopt;
    return network;
}

bool isTrustedProxy(const QList<QPair<QHostAddress, int>> &ranges, const QHostAddress &peer)
{
    if (ranges.isEmpty())
        return false;
    bool isV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isV4);
    const QHostAddress plain = isV4 ? QHostAddress(v4) : peer;
    for (const auto &range : ranges) {
        if (plain.isInSubnet(range))
            return true;
    }
    return false;
}

namespace {
QHostAddress forwardedAddress(QByteArrayView text)
{
    QString entry = QString::fromLatin1(text.trimmed());
    // "[2001:db8::1]:443" and "192.0.2.1:443" (RFC 7239 style) name the address too.
    if (entry.startsWith(u'[')) {
        const qsizetype close = entry.indexOf(u']');
        entry = close > 0 ? entry.mid(1, close - 1) : QString();
    } else if (entry.count(u':') == 1) {
        entry = entry.left(entry.indexOf(u':'));
    }
    QHostAddress address(entry);
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : address;
}
} // namespace

QHostAddress clientAddressBehind(const QList<QPair<QHostAddress, int>> &ranges,
                                 const QHostAddress &peer, QByteArrayView forwardedFor,
                                 QByteArrayView realIp)
{
    if (!isTrustedProxy(ranges, peer))
        return peer;
    const QList<QByteArray> entries = forwardedFor.toByteArray().split(',');
    QHostAddress leftMost;
    for (qsizetype i = entries.size() - 1; i >= 0; --i) {
        const QHostAddress address = forwardedAddress(entries[i]);
        if (address.isNull())
            break;
        if (!isTrustedProxy(ranges, address))
            return address;
        leftMost = address;
    }
    if (!leftMost.isNull())
        return leftMost;
    const QHostAddress real = forwardedAddress(realIp);
    return real.isNull() ? peer : real;
}

QString describeProxyRanges(const QList<QPair<QHostAddress, int>> &ranges)
{
    QStringList parts;
    for (const auto &range : ranges)
        parts << range.first.toString() + u'/' + QString::number(range.second);
    return parts.join(u',');
}

QString helpText()
{
    using detail::SettingKind;
    QString text = QStringLiteral(
        "Usage: notifyd [options]\n"
        "\n"
        "Real-time in-app notification server.\n"
        "\n"
        "Every option can also be given as an environment variable or as a key in the\n"
        "INI file named by --config (key = the long option without dashes, e.g.\n"
        "\"api-listen = 127.0.0.1:8081\"; '#' or ';' starts a comment line).\n"
        "Precedence: flags > environment > config file > defaults.\n"
        "\n"
        "Options:\n");
    for (const detail::SettingSpec &spec : detail::settingSpecs) {
        QString flag = QStringLiteral("  --") + QLatin1String(spec.name);
        if (spec.kind != SettingKind::Flag)
            flag += u' ' + QLatin1String(spec.valueName);
        text += flag + u'\n';
        text += QStringLiteral("        ") + QLatin1String(spec.help) + u'\n';
        text += QStringLiteral("        env %1, %2")
                    .arg(QLatin1String(spec.env), QLatin1String(spec.defaultText));
        if (!spec.inFile)
            text += QStringLiteral(" (not in the config file)");
        text += u'\n';
    }
    text
        += QStringLiteral("  -h, --help\n"
                          "        show this help and exit\n"
                          "  --version\n"
                          "        show the version and exit\n"
                          "\n"
                          "Outside --dev, --jwt-secret and at least one --api-key are required.\n");
    return text;
}

QString describeForLog(const ServerConfig &config)
{
    QStringList parts;
    parts << QStringLiteral("listen=") + config.listen.toString()
          << QStringLiteral("api-listen=") + config.apiListen.toString()
          << QStringLiteral("db=") + describeDb(config.db)
          << QStringLiteral("data-dir=") + config.dataDir
          << QStringLiteral("threads=") + QString::number(config.threads)
          << QStringLiteral("jwt-secret=")
            + (config.jwtSecrets.size() > 1
                   ? QStringLiteral("set(%1)").arg(config.jwtSecrets.size())
                   : setOrUnset(!config.jwtSecret.isEmpty()))
          << QStringLiteral("jwt-public-key=") + QString::number(config.jwtPublicKeys.size())
          << QStringLiteral("jwt-jwks-url=")
            + (config.jwtJwksUrl.isEmpty() ? QStringLiteral("(none)") : config.jwtJwksUrl)
          << QStringLiteral("jwt-jwks-file=")
            + (config.jwtJwksFile.isEmpty() ? QStringLiteral("(none)") : config.jwtJwksFile)
          << QStringLiteral("jwt-issuer=")
            + (config.jwtIssuers.isEmpty() ? QStringLiteral("(any)")
                                           : config.jwtIssuers.join(u','))
          << QStringLiteral("jwt-audience=")
            + (config.jwtAudiences.isEmpty() ? QStringLiteral("(any)")
                                             : config.jwtAudiences.join(u','))
          << QStringLiteral("jwt-leeway=") + QString::number(config.jwtLeewaySeconds)
          << QStringLiteral("jwt-claims=%1,%2,%3")
                 .arg(config.jwtUserClaim, config.jwtOrgClaim, config.jwtRoleClaim)
          << QStringLiteral("api-key=")
            + (config.apiKeys.isEmpty() ? QStringLiteral("unset")
                                        : QStringLiteral("set(%1)").arg(config.apiKeys.size()))
          << QStringLiteral("admin-key=") + setOrUnset(!config.adminKey.isEmpty())
          << QStringLiteral("metrics-token=") + setOrUnset(!config.metricsToken.isEmpty())
          << QStringLiteral("api-max-head-bytes=") + QString::number(config.apiMaxHeadBytes)
          << QStringLiteral("api-head-timeout=") + formatDuration(config.apiHeadTimeoutMs)
          << QStringLiteral("api-idle-timeout=") + formatDuration(config.apiIdleTimeoutMs)
          << QStringLiteral("allowed-origins=")
            + (config.allowedOrigins.isEmpty() ? QStringLiteral("(any)")
                                               : config.allowedOrigins.join(u','))
          << QStringLiteral("trusted-proxies=")
            + (config.trustedProxies.isEmpty() ? QStringLiteral("(none)")
                                               : describeProxyRanges(config.trustedProxies))
          << QStringLiteral("ping-interval=") + formatDuration(config.pingIntervalMs)
          << QStringLiteral("pong-timeout=") + formatDuration(config.pongTimeoutMs)
          << QStringLiteral("sio-ping-interval=") + formatDuration(config.sioPingIntervalMs)
          << QStringLiteral("sio-ping-timeout=") + formatDuration(config.sioPingTimeoutMs)
          << QStringLiteral("max-message-bytes=") + QString::number(config.maxMessageBytes)
          << QStringLiteral("rate-limit=") + config.rateLimit.toString()
          << QStringLiteral("key-rate=") + config.keyRequestRate.toString()
          << QStringLiteral("key-delivery-rate=") + config.keyDeliveryRate.toString()
          << QStringLiteral("max-connections-per-user=")
            + QString::number(config.maxConnectionsPerUser)
          << QStringLiteral("retention-days=") + QString::number(config.retentionDays)
          << QStringLiteral("audit-retention-days=") + QString::number(config.auditRetentionDays)
          << QStringLiteral("plain-dialect=") + dialectName(config.dialects.plain)
          << QStringLiteral("socketio-dialect=") + config.dialects.describeSocketIo()
          << QStringLiteral("node-gone-after=") + formatDuration(config.nodeGoneAfterMs)
          << QStringLiteral("store-timeout=") + formatDuration(config.storeTimeoutMs)
          << QStringLiteral("head-timeout=") + formatDuration(config.headTimeoutMs)
          << QStringLiteral("max-pending-per-address=")
            + QString::number(config.maxPendingPerAddress)
          << QStringLiteral("max-connections=") + QString::number(clientConnectionCap(config))
          << QStringLiteral("max-pending-sessions=") + QString::number(config.maxPendingSessions)
          << QStringLiteral("sio-connect-timeout=") + formatDuration(config.sioConnectTimeoutMs)
          << QStringLiteral("max-output-bytes=") + QString::number(config.maxOutputBytes)
          << QStringLiteral("memory-limit=")
            + (config.memoryLimitBytes < 0        ? QStringLiteral("auto")
                   : config.memoryLimitBytes == 0 ? QStringLiteral("off")
                                                  : QString::number(config.memoryLimitBytes))
          << QStringLiteral("memory-high-water=") + QString::number(config.memoryHighWater)
          << QStringLiteral("log-format=") + logFormatName(config.logFormat)
          << QStringLiteral("log-level=") + logLevelName(config.logLevel)
          << QStringLiteral("dev=") + (config.dev ? QStringLiteral("on") : QStringLiteral("off"));
    if (!config.configFile.isEmpty())
        parts << QStringLiteral("config=") + config.configFile;
    return parts.join(u' ');
}

} // namespace notify

namespace notify {

int clientConnectionCap(const ServerConfig &config)
{
    if (config.maxConnections > 0)
        return config.maxConnections;
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return 1000000;
    const qint64 soft = qint64(qMin<rlim_t>(limit.rlim_cur, 100000000));
    // The reserve keeps descriptors for the API port (/healthz, /readyz, /admin), the store's
    // connections and files, and the brief duplicate taken at each WebSocket upgrade.
    const qint64 reserve = qMax<qint64>(64, soft / 8);
    return int(qMax<qint64>(16, soft - reserve));
}

int apiConnectionCap(const ServerConfig &config)
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return 100000;
    const qint64 soft = qint64(qMin<rlim_t>(limit.rlim_cur, 100000000));
    const qint64 left = soft - qMin<qint64>(soft, clientConnectionCap(config));
    return int(qMax<qint64>(16, left / 2));
}

} // namespace notify
