// --plain-dialect and --socketio-dialect: read from flags, environment and file like every
// setting, and a name that does not fit its endpoint stops the start with a clear line.

#include "server/config/config.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace notify;

namespace {

QStringList argv(const QStringList &rest)
{
    return QStringList {QStringLiteral("notifyd"), QStringLiteral("--dev")} + rest;
}

QProcessEnvironment env(const QList<std::pair<QString, QString>> &vars = {})
{
    QProcessEnvironment e;
    for (const auto &[k, v] : vars)
        e.insert(k, v);
    return e;
}

} // namespace

class TestDialectConfig : public QObject
{
    Q_OBJECT
private slots:
    void defaultsAreStandard();
    void flags();
    void environmentAndFile();
    void flagsWinOverEnvironment();
    void refusals_data();
    void refusals();
    void helpAndLog();
};

void TestDialectConfig::defaultsAreStandard()
{
    auto config = loadConfig(argv({}), env());
    QVERIFY(config.ok());
    QCOMPARE(config->dialects, EndpointDialects {});
    QVERIFY(config->dialects.inUse().contains(Dialect::Standard));
    QVERIFY(!config->dialects.inUse().contains(Dialect::Crud));
}

void TestDialectConfig::flags()
{
    auto config = loadConfig(argv({"--plain-dialect", "snake", "--socketio-dialect", "/=colon",
                                   "--socketio-dialect=/notifications=crud"}),
                             env());
    QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().line()));
    QCOMPARE(config->dialects.plain, Dialect::Snake);
    QCOMPARE(config->dialects.forNamespace("/"), Dialect::Colon);
    QCOMPARE(config->dialects.forNamespace("/notifications"), Dialect::Crud);
    QVERIFY(!config->dialects.inUse().contains(Dialect::Standard));
}

void TestDialectConfig::environmentAndFile()
{
    auto fromEnv = loadConfig(argv({}),
                              env({{"NOTIFY_PLAIN_DIALECT", "snake"},
                                   {"NOTIFY_SOCKETIO_DIALECTS", "/notifications=colon"}}));
    QVERIFY(fromEnv.ok());
    QCOMPARE(fromEnv->dialects.plain, Dialect::Snake);
    QCOMPARE(fromEnv->dialects.socketIoDefault, Dialect::Standard);
    QCOMPARE(fromEnv->dialects.socketIoNotifications, Dialect::Colon);

    QTemporaryDir dir;
    const QString path = dir.filePath("notifyd.conf");
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(
        "[notifyd]\nplain-dialect = snake\nsocketio-dialect = /=crud, /notifications=colon\n");
    file.close();
    auto fromFile = loadConfig(argv({"--config", path}), env());
    QVERIFY2(fromFile.ok(), qPrintable(fromFile.ok() ? QString() : fromFile.error().line()));
    QCOMPARE(fromFile->dialects.plain, Dialect::Snake);
    QCOMPARE(fromFile->dialects.socketIoDefault, Dialect::Crud);
    QCOMPARE(fromFile->dialects.socketIoNotifications, Dialect::Colon);
}

void TestDialectConfig::flagsWinOverEnvironment()
{
    // A higher source's list replaces the lower one's: "/" falls back to standard.
    auto config = loadConfig(argv({"--socketio-dialect", "/notifications=crud"}),
                             env({{"NOTIFY_SOCKETIO_DIALECTS", "/=colon,/notifications=colon"}}));
    QVERIFY(config.ok());
    QCOMPARE(config->dialects.socketIoDefault, Dialect::Standard);
    QCOMPARE(config->dialects.socketIoNotifications, Dialect::Crud);
}

void TestDialectConfig::refusals_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown plain") << QStringList {"--plain-dialect", "kebab"}
                                   << "invalid --plain-dialect 'kebab': expected standard, snake, "
                                      "colon or crud";
    QTest::newRow("socket.io dialect on plain")
        << QStringList {"--plain-dialect", "colon"}
        << "invalid --plain-dialect 'colon': colon is a Socket.IO dialect";
    QTest::newRow("plain dialect on socket.io")
        << QStringList {"--socketio-dialect", "/=snake"}
        << "invalid --socketio-dialect '/=snake': snake is a plain WebSocket dialect";
    QTest::newRow("unknown namespace")
        << QStringList {"--socketio-dialect", "/admin=colon"}
        << "invalid --socketio-dialect '/admin=colon': unknown namespace '/admin'";
    QTest::newRow("no namespace") << QStringList {"--socketio-dialect", "colon"}
                                  << "invalid --socketio-dialect 'colon': expected NAMESPACE=NAME";
    QTest::newRow("unknown socket.io name")
        << QStringList {"--socketio-dialect", "/notifications=Colon"}
        << "invalid --socketio-dialect '/notifications=Colon': expected standard, snake, colon or "
           "crud";
}

void TestDialectConfig::refusals()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    auto config = loadConfig(argv(args), env());
    QVERIFY(!config.ok());
    QVERIFY2(config.error().message.startsWith(message), qPrintable(config.error().message));
}

void TestDialectConfig::helpAndLog()
{
    const QString help = helpText();
    QVERIFY(help.contains("--plain-dialect NAME"));
    QVERIFY(help.contains("env NOTIFY_PLAIN_DIALECT,"));
    QVERIFY(help.contains("--socketio-dialect NAMESPACE=NAME"));
    QVERIFY(help.contains("env NOTIFY_SOCKETIO_DIALECTS,"));
    auto config
        = loadConfig(argv({"--plain-dialect", "snake", "--socketio-dialect", "/=crud"}), env());
    QVERIFY(config.ok());
    const QString line = describeForLog(*config);
    QVERIFY2(line.contains("plain-dialect=snake socketio-dialect=/=crud,/notifications=standard"),
             qPrintable(line));
}

QTEST_APPLESS_MAIN(TestDialectConfig)
#include "test_dialectconfig.moc"
