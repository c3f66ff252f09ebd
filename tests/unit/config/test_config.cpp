#include "server/config/config.h"
#include "server/log/logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cstdio>
#include <unistd.h>

using namespace notify;

namespace {

const QString kSecret = QStringLiteral("0123456789abcdef0123456789abcdef-secret");

QStringList argv(const QStringList &rest)
{
    return QStringList {QStringLiteral("notifyd")} + rest;
}

// The secrets every non-dev configuration needs, as flags.
QStringList withSecrets(const QStringList &rest)
{
    return argv(QStringList {QStringLiteral("--jwt-secret"), kSecret, QStringLiteral("--api-key"),
                             QStringLiteral("key-one")}
                + rest);
}

QProcessEnvironment emptyEnv()
{
    return QProcessEnvironment(); // empty, not the system one
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
}

// The file's mode, without the "User" bits Qt mirrors from the owner bits.
QFileDevice::Permissions fileMode(const QString &path)
{
    return QFile::permissions(path)
        & ~(QFileDevice::ReadUser | QFileDevice::WriteUser | QFileDevice::ExeUser);
}

} // namespace

class TestConfig : public QObject
{
    Q_OBJECT

private slots:
    void defaults();
    void eachFlag_data();
    void eachFlag();
    void equalsFormOfFlags();
    void precedence();
    void apiKeysRepeatableAndComma();
    void listsFromFile();
    void addressParsing_data();
    void addressParsing();
    void invalidValues_data();
    void invalidValues();
    void errorNamesEnvAndFileSource();
    void missingSecretsOutsideDev();
    void devNeedsNoSecrets();
    void helpAndVersionSkipValidation();
    void helpTextListsEveryOption();
    void describeForLogHidesSecrets();
    void originCheck();
    void trustedProxies();
    void clientAddressBehindProxies();
    void ensureDevSecretsCreatesAndRereads();
    void jwtKeysAndClaims();
    void ensureDevSecretsKeepsConfiguredValues();
    void logJsonLinesParse();
    void logTextLineIsOneLine();
    void logLevelFilter();
    void installedHandlerWritesJsonLines();
};

void TestConfig::defaults()
{
    auto result = loadConfig(withSecrets({}), emptyEnv());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().line()));
    const ServerConfig &c = *result;
    QCOMPARE(c.listen.toString(), QStringLiteral("127.0.0.1:8080"));
    QCOMPARE(c.apiListen.toString(), QStringLiteral("127.0.0.1:8081"));
    QCOMPARE(c.dataDir, QStringLiteral("var"));
    QCOMPARE(c.db, QStringLiteral("var/notify.db"));
    QCOMPARE(c.jwtSecret, kSecret.toUtf8());
    QVERIFY(c.jwtIssuers.isEmpty());
    QVERIFY(c.jwtAudiences.isEmpty());
    QCOMPARE(c.apiKeys, QStringList {QStringLiteral("key-one")});
    QVERIFY(c.adminKey.isEmpty());
    QCOMPARE(c.threads, ServerConfig::defaultThreadCount());
    QVERIFY(c.threads >= 1 && c.threads <= 64);
    QVERIFY(c.allowedOrigins.isEmpty());
    QCOMPARE(c.pingIntervalMs, 30000);
    QCOMPARE(c.pongTimeoutMs, 10000);
    QCOMPARE(c.maxMessageBytes, qint64(65536));
    QCOMPARE(c.rateLimit.perSecond, 20.0);
    QCOMPARE(c.rateLimit.burst, 40);
    QCOMPARE(c.maxConnectionsPerUser, 50);
    QCOMPARE(c.retentionDays, 90);
    QCOMPARE(c.logFormat, LogFormat::Text);
    QCOMPARE(c.logLevel, LogLevel::Info);
    QVERIFY(c.configFile.isEmpty());
    QVERIFY(!c.dev);
    QVERIFY(!c.helpRequested);
    QVERIFY(!c.versionRequested);
}

void TestConfig::eachFlag_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected"); // describeForLog fragment or a field check

    QTest::newRow("listen") << QStringList {"--listen", "0.0.0.0:9000"} << "listen=0.0.0.0:9000";
    QTest::newRow("api-listen") << QStringList {"--api-listen", "[::1]:0"} << "api-listen=[::1]:0";
    QTest::newRow("db sqlite") << QStringList {"--db", "/tmp/x.db"} << "db=sqlite:/tmp/x.db";
    QTest::newRow("db postgres") << QStringList {"--db", "postgres://u:pw@db.local:5433/notify"}
                                 << "db=postgres://u@db.local:5433/notify";
    QTest::newRow("data-dir") << QStringList {"--data-dir", "/srv/notify"}
                              << "data-dir=/srv/notify";
    QTest::newRow("data-dir moves db")
        << QStringList {"--data-dir", "/srv/notify"} << "db=sqlite:/srv/notify/notify.db";
    QTest::newRow("jwt-issuer") << QStringList {"--jwt-issuer", "auth.example"}
                                << "jwt-issuer=auth.example";
    QTest::newRow("jwt-audience") << QStringList {"--jwt-audience", "notify"}
                                  << "jwt-audience=notify";
    QTest::newRow("jwt-issuer twice")
        << QStringList {"--jwt-issuer", "a.example", "--jwt-issuer", "b.example"}
        << "jwt-issuer=a.example,b.example";
    QTest::newRow("jwt-leeway") << QStringList {"--jwt-leeway", "5"} << "jwt-leeway=5";
    QTest::newRow("jwt-claims")
        << QStringList {"--jwt-user-claim", "preferred_username", "--jwt-org-claim",
                        "https://example.com/org", "--jwt-role-claim", "realm_access.roles"}
        << "jwt-claims=preferred_username,https://example.com/org,realm_access.roles";
    QTest::newRow("jwt-jwks-url") << QStringList {"--jwt-jwks-url", "https://idp.example/jwks"}
                                  << "jwt-jwks-url=https://idp.example/jwks";
    QTest::newRow("admin-key") << QStringList {"--admin-key", "adminadmin"} << "admin-key=set";
    QTest::newRow("threads") << QStringList {"--threads", "7"} << "threads=7";
    QTest::newRow("allowed-origins")
        << QStringList {"--allowed-origins", "https://App.example.com/,http://localhost:3000"}
        << "allowed-origins=https://app.example.com,http://localhost:3000";
    QTest::newRow("trusted-proxies") << QStringList {"--trusted-proxies", "10.0.0.0/8,::1"}
                                     << "trusted-proxies=10.0.0.0/8,::1/128";
    QTest::newRow("ping-interval") << QStringList {"--ping-interval", "45"} << "ping-interval=45s";
    QTest::newRow("ping-interval ms")
        << QStringList {"--ping-interval", "500ms"} << "ping-interval=500ms";
    QTest::newRow("pong-timeout") << QStringList {"--pong-timeout", "3s"} << "pong-timeout=3s";
    QTest::newRow("max-message-bytes")
        << QStringList {"--max-message-bytes", "1024"} << "max-message-bytes=1024";
    QTest::newRow("rate-limit") << QStringList {"--rate-limit", "5/s,9"} << "rate-limit=5/s,9";
    QTest::newRow("rate-limit default burst")
        << QStringList {"--rate-limit", "0.5/s"} << "rate-limit=0.5/s,1";
    QTest::newRow("rate-limit off") << QStringList {"--rate-limit", "off"} << "rate-limit=off";
    // The largest rate, written as it parses again (a key's limits are stored as this text).
    QTest::newRow("rate-limit largest")
        << QStringList {"--rate-limit", "1000000/s"} << "rate-limit=1000000/s,1000000";
    QTest::newRow("rate-limit fraction")
        << QStringList {"--rate-limit", "123456.125/s,7"} << "rate-limit=123456.125/s,7";
    QTest::newRow("max-connections-per-user")
        << QStringList {"--max-connections-per-user", "0"} << "max-connections-per-user=0";
    QTest::newRow("retention-days") << QStringList {"--retention-days", "0"} << "retention-days=0";
    QTest::newRow("log-format") << QStringList {"--log-format", "json"} << "log-format=json";
    QTest::newRow("log-level") << QStringList {"--log-level", "debug"} << "log-level=debug";
    QTest::newRow("dev") << QStringList {"--dev"} << "dev=on";
    QTest::newRow("node-gone-after")
        << QStringList {"--node-gone-after", "4s"} << "node-gone-after=4s";
    QTest::newRow("store-timeout")
        << QStringList {"--store-timeout", "2500ms"} << "store-timeout=2500ms";
}

void TestConfig::eachFlag()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    auto result = loadConfig(withSecrets(args), emptyEnv());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().line()));
    const QString described = describeForLog(*result);
    QVERIFY2(described.split(u' ').contains(expected), qPrintable(described));
}

void TestConfig::equalsFormOfFlags()
{
    auto result = loadConfig(
        withSecrets({"--threads=3", "--listen=localhost:0", "--jwt-audience=a=b"}), emptyEnv());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().line()));
    QCOMPARE(result->threads, 3);
    QCOMPARE(result->listen.address, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(result->listen.port, quint16(0));
    QCOMPARE(result->jwtAudiences, QStringList {QStringLiteral("a=b")});
}

void TestConfig::precedence()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString ini = dir.filePath("notifyd.ini");
    writeFile(ini,
              "# comment\n[notifyd]\nthreads = 2\nretention-days = 7\n"
              "log-level = warning\njwt-secret = \""
                  + kSecret.toUtf8()
                  + "\"\n"
                    "api-key = file-key\n");

    QProcessEnvironment env;
    env.insert("NOTIFY_CONFIG", ini);
    env.insert("NOTIFY_THREADS", "4");
    env.insert("NOTIFY_RETENTION_DAYS", "30");

    // File only (log-level), env over file (retention-days), flag over env (threads).
    auto result = loadConfig(argv({"--threads", "6"}), env);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().line()));
    QCOMPARE(result->threads, 6);
    QCOMPARE(result->retentionDays, 30);
    QCOMPARE(result->logLevel, LogLevel::Warning);
    QCOMPARE(result->jwtSecret, kSecret.toUtf8());
    QCOMPARE(result->apiKeys, QStringList {"file-key"});
    QCOMPARE(result->configFile, ini);

    // Without the flag, env wins over the file.
    result = loadConfig(argv({}), env);
    QVERIFY(result.ok());
    QCOMPARE(result->threads, 4);

    // Without the env var, the file wins over the default.
    env.remove("NOTIFY_THREADS");
    result = loadConfig(argv({}), env);
    QVERIFY(result.ok());
    QCOMPARE(result->threads, 2);

    // --config flag beats NOTIFY_CONFIG.
    const QString other = dir.filePath("other.ini");
    writeFile(other, "threads=9\njwt-secret=" + kSecret.toUtf8() + "\napi-key=k\n");
    result = loadConfig(argv({"--config", other}), env);
    QVERIFY(result.ok());
    QCOMPARE(result->threads, 9);
    QCOMPARE(result->retentionDays, 30);
}

void TestConfig::apiKeysRepeatableAndComma()
{
    auto result = loadConfig(
        argv({"--jwt-secret", kSecret, "--api-key", "alpha", "--api-key", "beta,gamma"}),
        emptyEnv());
    QVERIFY(result.ok());
    QCOMPARE(result->apiKeys, (QStringList {"alpha", "beta", "gamma"}));

    QProcessEnvironment env;
    env.insert("NOTIFY_JWT_SECRET", kSecret);
    env.insert("NOTIFY_API_KEYS", "one, two,,three");
    result = loadConfig(argv({}), env);
    QVERIFY(result.ok());
    QCOMPARE(result->apiKeys, (QStringList {"one", "two", "three"}));

    // Flags replace the environment's list instead of adding to it.
    result = loadConfig(argv({"--api-key", "flag"}), env);
    QVERIFY(result.ok());
    QCOMPARE(result->apiKeys, QStringList {"flag"});
}

void TestConfig::listsFromFile()
{
    QTemporaryDir dir;
    const QString ini = dir.filePath("n.ini");
    writeFile(ini,
              "\xEF\xBB\xBFjwt-secret=" + kSecret.toUtf8()
                  + "\r\napi-key=a,b\r\napi-key=c\r\n"
                    "allowed-origins = https://x.example, https://y.example:8443\r\n");
    auto result = loadConfig(argv({"--config", ini}), emptyEnv());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().line()));
    QCOMPARE(result->apiKeys, (QStringList {"a", "b", "c"}));
    QCOMPARE(result->allowedOrigins, (QStringList {"https://x.example", "https://y.example:8443"}));
}

void TestConfig::addressParsing_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("normalised");

    QTest::newRow("ipv4") << "10.1.2.3:80" << true << "10.1.2.3:80";
    QTest::newRow("any") << "0.0.0.0:8080" << true << "0.0.0.0:8080";
    QTest::newRow("port 0") << "127.0.0.1:0" << true << "127.0.0.1:0";
    QTest::newRow("localhost") << "localhost:8080" << true << "127.0.0.1:8080";
    QTest::newRow("ipv6") << "[::1]:8080" << true << "[::1]:8080";
    QTest::newRow("ipv6 any") << "[::]:443" << true << "[::]:443";
    QTest::newRow("max port") << "127.0.0.1:65535" << true << "127.0.0.1:65535";
    QTest::newRow("port too big") << "127.0.0.1:65536" << false << "";
    QTest::newRow("negative port") << "127.0.0.1:-1" << false << "";
    QTest::newRow("no port") << "127.0.0.1" << false << "";
    QTest::newRow("empty port") << "127.0.0.1:" << false << "";
    QTest::newRow("empty") << "" << false << "";
    QTest::newRow("hostname") << "example.com:80" << false << "";
    QTest::newRow("short ipv4") << "127.1:80" << false << "";
    QTest::newRow("bad octet") << "256.0.0.1:80" << false << "";
    QTest::newRow("bare ipv6") << "::1:8080" << false << "";
    QTest::newRow("ipv6 no port") << "[::1]" << false << "";
    QTest::newRow("ipv6 garbage") << "[zz]:80" << false << "";
    QTest::newRow("ipv4 in brackets") << "[127.0.0.1]:80" << false << "";
    QTest::newRow("letters port") << "127.0.0.1:http" << false << "";
}

void TestConfig::addressParsing()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QString, normalised);
    auto result = parseListenAddress(text);
    QCOMPARE(result.ok(), valid);
    if (valid)
        QCOMPARE(result->toString(), normalised);
    else
        QVERIFY(!result.error().isEmpty());
}

void TestConfig::invalidValues_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("setting");
    QTest::addColumn<QString>("fragment"); // must appear in the error line

    QTest::newRow("jwks url scheme") << QStringList {"--jwt-jwks-url", "ftp://idp/jwks"}
                                     << "--jwt-jwks-url" << "expected an http:// or https:// URL";
    QTest::newRow("public key missing") << QStringList {"--jwt-public-key", "/nonexistent.pem"}
                                        << "--jwt-public-key" << "no such file";
    QTest::newRow("leeway too long") << QStringList {"--jwt-leeway", "3600"} << "--jwt-leeway"
                                     << "expected a duration from 0 to 600s";

    QTest::newRow("bad port") << QStringList {"--listen", "127.0.0.1:99999"} << "--listen"
                              << "notifyd: invalid --listen '127.0.0.1:99999': expected HOST:PORT";
    QTest::newRow("bad address") << QStringList {"--api-listen", "nowhere"} << "--api-listen"
                                 << "invalid --api-listen 'nowhere'";
    QTest::newRow("threads 0")
        << QStringList {"--threads", "0"} << "--threads"
        << "invalid --threads '0': expected a number of threads from 1 to 64";
    QTest::newRow("threads 65") << QStringList {"--threads", "65"} << "--threads"
                                << "invalid --threads '65'";
    QTest::newRow("threads text") << QStringList {"--threads", "four"} << "--threads"
                                  << "invalid --threads 'four'";
    QTest::newRow("store-timeout below 100ms")
        << QStringList {"--store-timeout", "50ms"} << "--store-timeout"
        << "invalid --store-timeout '50ms'";
    QTest::newRow("node-gone-after below 1s")
        << QStringList {"--node-gone-after", "500ms"} << "--node-gone-after"
        << "invalid --node-gone-after '500ms': expected a duration from 1s to 3600s";
    QTest::newRow("rate-limit garbage")
        << QStringList {"--rate-limit", "abc"} << "--rate-limit"
        << "notifyd: invalid --rate-limit 'abc': expected RATE/s or RATE/s,BURST";
    QTest::newRow("rate-limit zero") << QStringList {"--rate-limit", "0/s"} << "--rate-limit"
                                     << "invalid --rate-limit '0/s'";
    QTest::newRow("rate-limit burst 0") << QStringList {"--rate-limit", "5/s,0"} << "--rate-limit"
                                        << "BURST must be";
    QTest::newRow("log-format xml") << QStringList {"--log-format", "xml"} << "--log-format"
                                    << "invalid --log-format 'xml': expected text or json";
    QTest::newRow("log-level loud") << QStringList {"--log-level", "loud"} << "--log-level"
                                    << "invalid --log-level 'loud'";
    QTest::newRow("unknown flag") << QStringList {"--colour"} << "--colour"
                                  << "notifyd: unknown option '--colour'";
    QTest::newRow("unknown short flag") << QStringList {"-x"} << "-x"
                                        << "unknown option '-x'";
    QTest::newRow("positional") << QStringList {"serve"} << "serve"
                                << "unexpected argument 'serve'";
    QTest::newRow("missing value") << QStringList {"--listen"} << "--listen"
                                   << "notifyd: --listen needs a value";
    QTest::newRow("dev with value") << QStringList {"--dev=yes"} << "--dev"
                                    << "takes no value";
    QTest::newRow("missing config file")
        << QStringList {"--config", "/nonexistent/notifyd.ini"} << "--config"
        << "cannot read config file '/nonexistent/notifyd.ini': no such file";
    QTest::newRow("config is a directory") << QStringList {"--config", "/"} << "--config"
                                           << "not a regular file";
    QTest::newRow("short secret") << QStringList {"--jwt-secret", "tooshort"} << "--jwt-secret"
                                  << "invalid --jwt-secret: it is 8 bytes long, at least 32";
    QTest::newRow("ping 0") << QStringList {"--ping-interval", "0"} << "--ping-interval"
                            << "invalid --ping-interval '0'";
    QTest::newRow("pong huge") << QStringList {"--pong-timeout", "2h"} << "--pong-timeout"
                               << "invalid --pong-timeout '2h'";
    QTest::newRow("message bytes small")
        << QStringList {"--max-message-bytes", "10"} << "--max-message-bytes"
        << "from 256 to 16777216";
    QTest::newRow("max connections negative")
        << QStringList {"--max-connections-per-user", "-1"} << "--max-connections-per-user"
        << "invalid --max-connections-per-user '-1'";
    QTest::newRow("retention text")
        << QStringList {"--retention-days", "forever"} << "--retention-days"
        << "invalid --retention-days";
    QTest::newRow("origin with path")
        << QStringList {"--allowed-origins", "https://a.com/app"} << "--allowed-origins"
        << "invalid --allowed-origins 'https://a.com/app'";
    QTest::newRow("origin ftp") << QStringList {"--allowed-origins", "ftp://a.com"}
                                << "--allowed-origins"
                                << "invalid --allowed-origins";
    QTest::newRow("db mysql") << QStringList {"--db", "mysql://u:pw@h/db"} << "--db"
                              << "invalid --db: expected a SQLite file path or a postgres:// URL";
    QTest::newRow("api key with space") << QStringList {"--api-key", "a b"} << "--api-key"
                                        << "invalid --api-key: a key must not contain spaces";
    QTest::newRow("empty data dir") << QStringList {"--data-dir="} << "--data-dir"
                                    << "invalid --data-dir ''";
}

void TestConfig::invalidValues()
{
    QFETCH(QStringList, args);
    QFETCH(QString, setting);
    QFETCH(QString, fragment);
    auto result = loadConfig(withSecrets(args), emptyEnv());
    QVERIFY(!result.ok());
    QCOMPARE(result.error().setting, setting);
    QVERIFY2(result.error().line().contains(fragment), qPrintable(result.error().line()));
    QVERIFY(result.error().line().startsWith("notifyd: "));
    QVERIFY(!result.error().line().contains(u'\n'));
}

void TestConfig::errorNamesEnvAndFileSource()
{
    QProcessEnvironment env;
    env.insert("NOTIFY_RATE_LIMIT", "fast");
    auto result = loadConfig(withSecrets({}), env);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().setting, QStringLiteral("--rate-limit"));
    QVERIFY2(result.error().line().startsWith("notifyd: invalid NOTIFY_RATE_LIMIT 'fast': "),
             qPrintable(result.error().line()));

    // A bad value overridden by a higher layer is never used, so it is no error.
    result = loadConfig(withSecrets({"--rate-limit", "10/s"}), env);
    QVERIFY(result.ok());
    QCOMPARE(result->rateLimit.burst, 20);

    QTemporaryDir dir;
    const QString ini = dir.filePath("n.ini");
    writeFile(ini, "\n# the log\nlog-format = xml\n");
    result = loadConfig(withSecrets({"--config", ini}), emptyEnv());
    QVERIFY(!result.ok());
    QCOMPARE(result.error().setting, QStringLiteral("--log-format"));
    QCOMPARE(
        result.error().line(),
        QStringLiteral("notifyd: %1:3: invalid log-format 'xml': expected text or json").arg(ini));

    writeFile(ini, "lisen = 127.0.0.1:1\n");
    result = loadConfig(withSecrets({"--config", ini}), emptyEnv());
    QVERIFY(!result.ok());
    QCOMPARE(result.error().setting, QStringLiteral("--config"));
    QCOMPARE(result.error().line(), QStringLiteral("notifyd: %1:1: unknown key 'lisen'").arg(ini));

    writeFile(ini, "config = other.ini\n");
    result = loadConfig(withSecrets({"--config", ini}), emptyEnv());
    QVERIFY(!result.ok());
    QVERIFY(result.error().line().contains("unknown key 'config'"));

    writeFile(ini, "threads\n");
    result = loadConfig(withSecrets({"--config", ini}), emptyEnv());
    QVERIFY(!result.ok());
    QVERIFY2(result.error().line().contains("line 1: expected key = value"),
             qPrintable(result.error().line()));

    writeFile(ini, "[server]\nthreads=1\n");
    result = loadConfig(withSecrets({"--config", ini}), emptyEnv());
    QVERIFY(!result.ok());
    QVERIFY(result.error().line().contains("unknown section [server]"));

    env = QProcessEnvironment();
    env.insert("NOTIFY_CONFIG", dir.filePath("missing.ini"));
    result = loadConfig(withSecrets({}), env);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().setting, QStringLiteral("--config"));
}

void TestConfig::missingSecretsOutsideDev()
{
    auto result = loadConfig(argv({"--api-key", "k"}), emptyEnv());
    QVERIFY(!result.ok());
    QCOMPARE(result.error().setting, QStringLiteral("--jwt-secret"));
    QCOMPARE(result.error().line(),
             QStringLiteral("notifyd: --jwt-secret (NOTIFY_JWT_SECRET) "
                            "is required outside --dev, or --jwt-public-key, --jwt-jwks-url or "
                            "--jwt-jwks-file"));

    result = loadConfig(argv({"--jwt-secret", kSecret}), emptyEnv());
    QVERIFY(!result.ok());
    QCOMPARE(result.error().setting, QStringLiteral("--api-key"));
    QCOMPARE(result.error().line(),
             QStringLiteral("notifyd: --api-key (NOTIFY_API_KEYS) is required outside --dev"));

    // An empty variable counts as unset.
    QProcessEnvironment env;
    env.insert("NOTIFY_JWT_SECRET", "");
    result = loadConfig(argv({"--api-key", "k"}), env);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().setting, QStringLiteral("--jwt-secret"));

    // A short secret is refused in dev mode as well: it was given explicitly.
    result = loadConfig(argv({"--dev", "--jwt-secret", "short"}), emptyEnv());
    QVERIFY(!result.ok());
    QCOMPARE(result.error().setting, QStringLiteral("--jwt-secret"));
}

void TestConfig::devNeedsNoSecrets()
{
    auto result = loadConfig(argv({"--dev"}), emptyEnv());
    QVERIFY(result.ok());
    QVERIFY(result->dev);
    QVERIFY(result->jwtSecret.isEmpty());

    QProcessEnvironment env;
    env.insert("NOTIFY_DEV", "true");
    result = loadConfig(argv({}), env);
    QVERIFY(result.ok());
    QVERIFY(result->dev);

    env.insert("NOTIFY_DEV", "maybe");
    result = loadConfig(argv({}), env);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().setting, QStringLiteral("--dev"));
}

void TestConfig::helpAndVersionSkipValidation()
{
    QProcessEnvironment env;
    env.insert("NOTIFY_THREADS", "zero");
    auto result = loadConfig(argv({"--bogus", "--help"}), env);
    QVERIFY(result.ok());
    QVERIFY(result->helpRequested);
    result = loadConfig(argv({"-h"}), env);
    QVERIFY(result.ok());
    QVERIFY(result->helpRequested);
    result = loadConfig(argv({"--version"}), env);
    QVERIFY(result.ok());
    QVERIFY(result->versionRequested);
    QVERIFY(!result->helpRequested);
}

void TestConfig::helpTextListsEveryOption()
{
    const QString help = helpText();
    const QStringList options {"listen",
                               "api-listen",
                               "db",
                               "data-dir",
                               "jwt-secret",
                               "jwt-issuer",
                               "jwt-audience",
                               "api-key",
                               "admin-key",
                               "threads",
                               "allowed-origins",
                               "ping-interval",
                               "pong-timeout",
                               "max-message-bytes",
                               "rate-limit",
                               "max-connections-per-user",
                               "retention-days",
                               "log-format",
                               "log-level",
                               "config",
                               "dev"};
    for (const QString &option : options) {
        QVERIFY2(help.contains("  --" + option), qPrintable(option));
        QString env = "NOTIFY_" + option.toUpper().replace(u'-', u'_');
        if (option == "api-key")
            env = "NOTIFY_API_KEYS";
        QVERIFY2(help.contains("env " + env + ","), qPrintable(env));
    }
    QVERIFY(help.contains("--help"));
    QVERIFY(help.contains("--version"));
    QVERIFY(help.contains("default 127.0.0.1:8080"));
    QVERIFY(help.contains("default 20/s,40"));
}

void TestConfig::describeForLogHidesSecrets()
{
    const QString apiKey = QStringLiteral("api-key-value-1234");
    const QString adminKey = QStringLiteral("admin-key-value-5678");
    auto result = loadConfig(argv({"--jwt-secret", kSecret, "--api-key", apiKey, "--api-key",
                                   "second-key-xyz", "--admin-key", adminKey, "--db",
                                   "postgres://notify:pg-password-99@db:5432/notify"
                                   "?password=pg-password-99"}),
                             emptyEnv());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().line()));
    const QString line = describeForLog(*result);
    for (const QString &secret : {kSecret, apiKey, adminKey, QStringLiteral("second-key-xyz"),
                                  QStringLiteral("pg-password-99")}) {
        QVERIFY2(!line.contains(secret), qPrintable(line));
    }
    QVERIFY(line.contains("jwt-secret=set"));
    QVERIFY(line.contains("api-key=set(2)"));
    QVERIFY(line.contains("admin-key=set"));
    QVERIFY(line.contains("db=postgres://notify@db:5432/notify"));

    auto dev = loadConfig(argv({"--dev"}), emptyEnv());
    QVERIFY(dev.ok());
    const QString devLine = describeForLog(*dev);
    QVERIFY(devLine.contains("jwt-secret=unset"));
    QVERIFY(devLine.contains("api-key=unset"));
    QVERIFY(devLine.contains("admin-key=unset"));
}

void TestConfig::originCheck()
{
    QVERIFY(isOriginAllowed({}, "https://anything.example"));
    const QStringList allowed {"https://app.example.com", "http://localhost:3000"};
    QVERIFY(isOriginAllowed(allowed, "https://app.example.com"));
    QVERIFY(isOriginAllowed(allowed, "https://APP.example.com:443"));
    QVERIFY(isOriginAllowed(allowed, "http://localhost:3000"));
    QVERIFY(isOriginAllowed(allowed, "")); // non-browser client
    QVERIFY(!isOriginAllowed(allowed, "https://evil.example"));
    QVERIFY(!isOriginAllowed(allowed, "http://app.example.com"));
    QVERIFY(!isOriginAllowed(allowed, "http://localhost:3001"));
    QVERIFY(!isOriginAllowed(allowed, "null"));
}

void TestConfig::trustedProxies()
{
    auto result = loadConfig(withSecrets({"--trusted-proxies", "10.0.0.5, 10.1.0.0/16",
                                          "--trusted-proxies", "fd00::/8,::ffff:192.0.2.1"}),
                             emptyEnv());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().line()));
    const auto &ranges = result->trustedProxies;
    QCOMPARE(ranges.size(), 4);
    QCOMPARE(describeProxyRanges(ranges),
             QStringLiteral("10.0.0.5/32,10.1.0.0/16,fd00::/8,192.0.2.1/32"));
    QVERIFY(isTrustedProxy(ranges, QHostAddress("10.1.200.3")));
    QVERIFY(isTrustedProxy(ranges, QHostAddress("::ffff:10.0.0.5"))); // a dual-stack socket
    QVERIFY(isTrustedProxy(ranges, QHostAddress("fd12::1")));
    QVERIFY(!isTrustedProxy(ranges, QHostAddress("10.0.0.6")));
    QVERIFY(!isTrustedProxy({}, QHostAddress("127.0.0.1")));
    for (const char *bad : {"10.0.0.300", "10.0.0.0/33", "example.com", "10.0.0.0/x", "::/129"}) {
        auto refused = loadConfig(withSecrets({"--trusted-proxies", bad}), emptyEnv());
        QVERIFY2(!refused.ok(), bad);
        QVERIFY(refused.error().line().contains(QStringLiteral("trusted-proxies")));
    }
}

void TestConfig::clientAddressBehindProxies()
{
    const QList<QPair<QHostAddress, int>> proxies {*parseProxyRange("10.0.0.0/8")};
    const QHostAddress proxy("10.0.0.1");
    const QHostAddress stranger("203.0.113.9");
    const auto behind
        = [&](const QHostAddress &peer, QByteArrayView xff, QByteArrayView real = {}) {
              return clientAddressBehind(proxies, peer, xff, real).toString();
          };
    // From anyone but a trusted proxy the headers are ignored.
    QCOMPARE(behind(stranger, "198.51.100.7", "198.51.100.8"), QStringLiteral("203.0.113.9"));
    // The right-most untrusted entry: what a client wrote to the left is not believed.
    QCOMPARE(behind(proxy, "1.2.3.4, 198.51.100.7"), QStringLiteral("198.51.100.7"));
    QCOMPARE(behind(proxy, "1.2.3.4, 198.51.100.7, 10.2.3.4"), QStringLiteral("198.51.100.7"));
    QCOMPARE(behind(proxy, "10.9.9.9, 10.2.3.4"), QStringLiteral("10.9.9.9"));
    QCOMPARE(behind(proxy, "[2001:db8::7]:4711"), QStringLiteral("2001:db8::7"));
    QCOMPARE(behind(proxy, "198.51.100.7:4711"), QStringLiteral("198.51.100.7"));
    QCOMPARE(behind(proxy, "2001:db8::8"), QStringLiteral("2001:db8::8"));
    // Garbage ends the walk; X-Real-IP, then the peer, are the fallbacks.
    QCOMPARE(behind(proxy, "unknown"), QStringLiteral("10.0.0.1"));
    QCOMPARE(behind(proxy, "", "198.51.100.9"), QStringLiteral("198.51.100.9"));
    QCOMPARE(behind(proxy, "", "not an address"), QStringLiteral("10.0.0.1"));
    QCOMPARE(behind(proxy, "198.51.100.7, unknown, 10.2.3.4"), QStringLiteral("10.2.3.4"));
}

void TestConfig::ensureDevSecretsCreatesAndRereads()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString dataDir = dir.filePath("data"); // does not exist yet

    auto first = loadConfig(argv({"--dev", "--data-dir", dataDir}), emptyEnv());
    QVERIFY(first.ok());
    ServerConfig a = *first;
    auto created = ensureDevSecrets(a);
    QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : created.error().line()));
    QVERIFY(*created);

    const QString path = dataDir + "/dev-secrets.ini";
    QCOMPARE(devSecretsPath(a), path);
    QVERIFY(QFileInfo::exists(path));
    QCOMPARE(fileMode(path), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QVERIFY(a.jwtSecret.size() >= 32);
    QCOMPARE(a.apiKeys.size(), 1);
    QCOMPARE(a.apiKeys.first().size(), 64);
    QCOMPARE(a.adminKey.size(), 64);
    QVERIFY(a.apiKeys.first() != a.adminKey);

    ServerConfig b = *first;
    created = ensureDevSecrets(b);
    QVERIFY(created.ok());
    QVERIFY(!*created);
    QCOMPARE(b.jwtSecret, a.jwtSecret);
    QCOMPARE(b.apiKeys, a.apiKeys);
    QCOMPARE(b.adminKey, a.adminKey);

    // Loosened by hand: tightened again on the next read.
    QVERIFY(QFile::setPermissions(path, QFile::permissions(path) | QFileDevice::ReadOther));
    QVERIFY(fileMode(path) & QFileDevice::ReadOther);
    ServerConfig c = *first;
    QVERIFY(ensureDevSecrets(c).ok());
    QCOMPARE(fileMode(path), QFileDevice::ReadOwner | QFileDevice::WriteOwner);

    // Another data dir gets different secrets.
    auto other = loadConfig(argv({"--dev", "--data-dir", dir.filePath("other")}), emptyEnv());
    QVERIFY(other.ok());
    ServerConfig d = *other;
    QVERIFY(ensureDevSecrets(d).ok());
    QVERIFY(d.jwtSecret != a.jwtSecret);
}

void TestConfig::ensureDevSecretsKeepsConfiguredValues()
{
    QTemporaryDir dir;
    auto loaded
        = loadConfig(argv({"--dev", "--data-dir", dir.path(), "--api-key", "mine"}), emptyEnv());
    QVERIFY(loaded.ok());
    ServerConfig config = *loaded;
    auto created = ensureDevSecrets(config);
    QVERIFY(created.ok());
    QVERIFY(*created);
    QCOMPARE(config.apiKeys, QStringList {"mine"});
    QVERIFY(!config.jwtSecret.isEmpty());
    QVERIFY(!config.adminKey.isEmpty());

    // Nothing missing: the file is neither needed nor written.
    QTemporaryDir empty;
    ServerConfig full = config;
    full.dataDir = empty.path();
    created = ensureDevSecrets(full);
    QVERIFY(created.ok());
    QVERIFY(!*created);
    QVERIFY(!QFileInfo::exists(empty.filePath("dev-secrets.ini")));

    // A corrupt file is an error naming it, not a crash or a silent overwrite.
    writeFile(dir.filePath("dev-secrets.ini"), "garbage line\n");
    ServerConfig again = *loaded;
    created = ensureDevSecrets(again);
    QVERIFY(!created.ok());
    QCOMPARE(created.error().setting, QStringLiteral("--dev"));
    QVERIFY(created.error().line().contains("dev-secrets.ini"));
}

void TestConfig::logJsonLinesParse()
{
    const QDateTime ts = QDateTime::fromMSecsSinceEpoch(1700000000123, Qt::UTC);
    const QString message = QStringLiteral("quote \" backslash \\ newline\n tab\t ctl\x01 é ✓");
    const QByteArray line = formatLogLine(LogFormat::Json, QtWarningMsg, "notify.net", message, ts);
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonObject obj = doc.object();
    QCOMPARE(obj.value("ts").toString(), QStringLiteral("2023-11-14T22:13:20.123Z"));
    QCOMPARE(obj.value("level").toString(), QStringLiteral("warning"));
    QCOMPARE(obj.value("category").toString(), QStringLiteral("notify.net"));
    QCOMPARE(obj.value("msg").toString(), message);
    QCOMPARE(obj.size(), 4);

    const QList<std::pair<QtMsgType, QString>> levels {{QtDebugMsg, "debug"},
                                                       {QtInfoMsg, "info"},
                                                       {QtCriticalMsg, "error"},
                                                       {QtFatalMsg, "fatal"}};
    for (const auto &[type, name] : levels) {
        const QJsonDocument d
            = QJsonDocument::fromJson(formatLogLine(LogFormat::Json, type, nullptr, "x", ts));
        QCOMPARE(d.object().value("level").toString(), name);
        QCOMPARE(d.object().value("category").toString(), QStringLiteral("default"));
    }
}

void TestConfig::logTextLineIsOneLine()
{
    const QDateTime ts = QDateTime::fromMSecsSinceEpoch(1700000000123, Qt::UTC);
    const QByteArray line = formatLogLine(LogFormat::Text, QtInfoMsg, lcServer().categoryName(),
                                          "forged\n2023-11-14 ERROR x: y", ts);
    QCOMPARE(line,
             QByteArray("2023-11-14T22:13:20.123Z INFO    notify.server: "
                        "forged\\n2023-11-14 ERROR x: y\n"));
}

void TestConfig::logLevelFilter()
{
    QVERIFY(logLevelPasses(LogLevel::Debug, QtDebugMsg));
    QVERIFY(!logLevelPasses(LogLevel::Info, QtDebugMsg));
    QVERIFY(logLevelPasses(LogLevel::Info, QtInfoMsg));
    QVERIFY(!logLevelPasses(LogLevel::Warning, QtInfoMsg));
    QVERIFY(logLevelPasses(LogLevel::Warning, QtCriticalMsg));
    QVERIFY(!logLevelPasses(LogLevel::Error, QtWarningMsg));
    QVERIFY(logLevelPasses(LogLevel::Error, QtCriticalMsg));
    QVERIFY(logLevelPasses(LogLevel::Error, QtFatalMsg));
    QCOMPARE(parseLogLevel(u"warning"), std::optional<LogLevel>(LogLevel::Warning));
    QCOMPARE(parseLogFormat(u"JSON"), std::optional<LogFormat>());
    QCOMPARE(QString(lcAdmin().categoryName()), QStringLiteral("notify.admin"));
    QCOMPARE(QString(lcStore().categoryName()), QStringLiteral("notify.store"));
}

void TestConfig::installedHandlerWritesJsonLines()
{
    // Point stderr at a file for the duration, so the real handler's output can be read.
    QTemporaryDir dir;
    const QString path = dir.filePath("stderr.log");
    std::fflush(stderr);
    const int saved = ::dup(STDERR_FILENO);
    QVERIFY(saved >= 0);
    FILE *capture = std::fopen(QFile::encodeName(path).constData(), "w");
    QVERIFY(capture);
    QVERIFY(::dup2(::fileno(capture), STDERR_FILENO) >= 0);

    const QtMessageHandler testlibHandler = qInstallMessageHandler(nullptr);
    installLogging(LogFormat::Json, LogLevel::Warning);
    qCInfo(lcServer) << "filtered out";
    qCDebug(lcNet) << "filtered out too";
    qCWarning(lcStore, "disk %s", "slow");
    QThread *worker = QThread::create([] { qCCritical(lcApi) << "from a thread"; });
    worker->start();
    const bool finished = worker->wait(10000);
    delete worker;

    qInstallMessageHandler(testlibHandler);
    QLoggingCategory::setFilterRules(QString());
    std::fflush(stderr);
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    std::fclose(capture);
    QVERIFY(finished);

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QCOMPARE(lines.size(), 3); // two entries and the empty tail
    QVERIFY(lines.last().isEmpty());
    QJsonParseError error;
    const QJsonObject first = QJsonDocument::fromJson(lines.at(0), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(first.value("category").toString(), QStringLiteral("notify.store"));
    QCOMPARE(first.value("level").toString(), QStringLiteral("warning"));
    QCOMPARE(first.value("msg").toString(), QStringLiteral("disk slow"));
    const QJsonObject second = QJsonDocument::fromJson(lines.at(1), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(second.value("category").toString(), QStringLiteral("notify.api"));
    QCOMPARE(second.value("level").toString(), QStringLiteral("error"));
    QCOMPARE(second.value("msg").toString(), QStringLiteral("from a thread"));
}

void TestConfig::jwtKeysAndClaims()
{
    // Secrets are never split at commas; KID:SECRET names one, ":SECRET" keeps a colon.
    auto result = loadConfig(argv({"--api-key", "k", "--jwt-secret", "old:" + kSecret,
                                   "--jwt-secret", ":a,b:" + kSecret}),
                             emptyEnv());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().line()));
    QCOMPARE(result->jwtSecrets.size(), 2);
    QCOMPARE(result->jwtSecrets[0].kid, QStringLiteral("old"));
    QCOMPARE(result->jwtSecrets[0].secret, kSecret.toUtf8());
    QCOMPARE(result->jwtSecrets[1].kid, QString());
    QCOMPARE(result->jwtSecrets[1].secret, ("a,b:" + kSecret).toUtf8());
    QCOMPARE(result->jwtSecret, kSecret.toUtf8());
    QCOMPARE(result->jwtSecretKid, QStringLiteral("old"));
    QVERIFY(!describeForLog(*result).contains(kSecret));

    // A JWKS URL alone is a token key: no secret needed outside --dev.
    result = loadConfig(argv({"--api-key", "k", "--jwt-jwks-url", "http://127.0.0.1:1/jwks",
                              "--jwt-roles", "admin,user", "--jwt-default-org", "main"}),
                        emptyEnv());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().line()));
    QCOMPARE(result->jwtRoles, QStringList({"admin", "user"}));
    QCOMPARE(result->jwtDefaultOrg, QStringLiteral("main"));
    QCOMPARE(result->jwtJwksMinRefreshMs, 30000);

    // A public key file, with and without a kid.
    QTemporaryDir dir;
    const QString pem = dir.filePath(QStringLiteral("key.pem"));
    QFile file(pem);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    result = loadConfig(argv({"--api-key", "k", "--jwt-public-key", "k1:" + pem,
                              "--jwt-public-key", pem}),
                        emptyEnv());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().line()));
    QCOMPARE(result->jwtPublicKeys.size(), 2);
    QCOMPARE(result->jwtPublicKeys[0].kid, QStringLiteral("k1"));
    QCOMPARE(result->jwtPublicKeys[0].file, pem);
    QCOMPARE(result->jwtPublicKeys[1].kid, QString());
}

QTEST_GUILESS_MAIN(TestConfig)
#include "test_config.moc"
