// Operators and roles on the admin channel, and the audit log (docs/operations.md,
// "Operators and roles", "Audit log"; docs/protocol.md, "Roles"): operators made and revoked
// by `notifyd operators` as a real process on the database of an in-process server; real
// consoles (QWebSocket) and clients. A viewer's kick is refused (forbidden), nothing done, the
// refusal audited; support sends tests; admin kicks; a revoked operator's console is closed
// within a second; GET /api/v1/audit pages and filters what happened, for admins only.
#include "testserver.h"

#include <QProcess>

using namespace notify;
using namespace notify::test;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
    QString lastLine() const { return out.trimmed().split(u'\n').last(); }
};

class Console : public WsClient
{
public:
    Console(const TestServer &s, const QString &key)
        : WsClient(QUrl(
            QStringLiteral("ws://127.0.0.1:%1/admin?key=%2").arg(s.server->apiPort()).arg(key)))
    { }
    bool waitReady() { return waitForEvents(QStringLiteral("snapshot"), 1); }
    QJsonObject op() const
    {
        return events(QStringLiteral("hello"))
            .value(0)
            .value(QStringLiteral("operator"))
            .toObject();
    }
};

QString errorCode(const QJsonObject &message)
{
    if (message.value(QStringLiteral("type")).toString() != QStringLiteral("error"))
        return QString();
    return message.value(QStringLiteral("data"))
        .toObject()
        .value(QStringLiteral("code"))
        .toString();
}

} // namespace

class TestOperators : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void subcommandRefusesBadInput();
    void rolesDecideWhatAConsoleMayDo();
    void revokedOperatorIsClosedWithinOneSecond();
    void auditLogIsPagedFilteredAndForAdminsOnly();

private:
    Run run(const QString &command, const QStringList &args);
    QString createOperator(const QString &name, const QString &role);
    // A console with its snapshot, once the server knows the key (within a second or two of
    // its creation); null if it never got in.
    std::unique_ptr<Console> openConsole(const QString &key);
    QList<QJsonObject> audit(const QString &query, const QByteArray &bearer = testApiKey.toUtf8(),
                             int *status = nullptr, bool *hasMore = nullptr);

    std::unique_ptr<TestServer> m_server;
};

void TestOperators::init()
{
    m_server = std::make_unique<TestServer>();
}

void TestOperators::cleanup()
{
    m_server.reset();
}

Run TestOperators::run(const QString &command, const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("NOTIFY_DB"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(NOTIFYD_BINARY),
            QStringList {command} + args
                + QStringList {QStringLiteral("--db"), m_server->config.db});
    // The event loop keeps running meanwhile: the server under test lives on this thread.
    if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 15000))
        qWarning("notifyd %s did not finish", qPrintable(command));
    Run r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QString TestOperators::createOperator(const QString &name, const QString &role)
{
    const Run r = run(
        QStringLiteral("operators"),
        {QStringLiteral("create"), QStringLiteral("--name"), name, QStringLiteral("--role"), role});
    if (r.exitCode != 0)
        qWarning("operators create failed: %s", qPrintable(r.err));
    return r.lastLine();
}

std::unique_ptr<Console> TestOperators::openConsole(const QString &key)
{
    std::unique_ptr<Console> c;
    const auto in = [&] {
        return !c->events(QStringLiteral("hello")).isEmpty();
    };
    (void)QTest::qWaitFor(
        [&] {
            c = std::make_unique<Console>(*m_server, key);
            (void)QTest::qWaitFor([&] { return c->closed || in(); }, 2000);
            return in();
        },
        3000);
    if (!c || !in() || !c->waitReady())
        return nullptr;
    return c;
}

QList<QJsonObject> TestOperators::audit(const QString &query, const QByteArray &bearer, int *status,
                                        bool *hasMore)
{
    const auto r = m_server->request("GET", QStringLiteral("/api/v1/audit") + query, {}, bearer);
    if (status)
        *status = r.status;
    if (hasMore)
        *hasMore = r.json.value(QStringLiteral("hasMore")).toBool();
    QList<QJsonObject> out;
    for (const QJsonValue &v : r.json.value(QStringLiteral("entries")).toArray())
        out.append(v.toObject());
    return out;
}

void TestOperators::subcommandRefusesBadInput()
{
    Run r = run(QStringLiteral("operators"),
                {QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("x"),
                 QStringLiteral("--role"), QStringLiteral("root")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("'root'")), qPrintable(r.err));
    r = run(QStringLiteral("operators"),
            {QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("x")});
    QCOMPARE(r.exitCode, 2);
    r = run(QStringLiteral("operators"), {QStringLiteral("revoke"), QStringLiteral("nobody")});
    QCOMPARE(r.exitCode, 1);
    r = run(QStringLiteral("operators"), {QStringLiteral("list")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out.trimmed().split(u'\n').size(), 1); // the header alone
    const QString key = createOperator(QStringLiteral("ann"), QStringLiteral("viewer"));
    QVERIFY(key.startsWith(QStringLiteral("nk_")));
    r = run(QStringLiteral("operators"),
            {QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("ann"),
             QStringLiteral("--role"), QStringLiteral("admin")});
    QCOMPARE(r.exitCode, 1);
    r = run(QStringLiteral("operators"), {QStringLiteral("list")});
    QVERIFY(r.out.contains(QStringLiteral("ann")));
    QVERIFY(r.out.contains(QStringLiteral("viewer")));
    QVERIFY(!r.out.contains(key));
}

void TestOperators::rolesDecideWhatAConsoleMayDo()
{
    const QString viewerKey = createOperator(QStringLiteral("vera"), QStringLiteral("viewer"));
    const QString supportKey = createOperator(QStringLiteral("sam"), QStringLiteral("support"));
    const QString adminKey = createOperator(QStringLiteral("ada"), QStringLiteral("admin"));

    WsClient tab(m_server->wsUrl(mintToken(QStringLiteral("acme"), QStringLiteral("alice"))));
    QVERIFY(tab.waitForEvents(QStringLiteral("notification:unread_count"), 1));

    // The operators are known within a second of their creation.
    const std::unique_ptr<Console> viewer = openConsole(viewerKey);
    QVERIFY(viewer);
    QCOMPARE(viewer->op().value(QStringLiteral("name")).toString(), QStringLiteral("vera"));
    QCOMPARE(viewer->op().value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
    const QJsonArray connections = viewer->events(QStringLiteral("snapshot"))
                                       .value(0)
                                       .value(QStringLiteral("connections"))
                                       .toArray();
    QCOMPARE(connections.size(), 1);
    const qint64 connectionId
        = connections.at(0).toObject().value(QStringLiteral("id")).toInteger();

    // A viewer watches only: a kick and a test are refused, nothing is done.
    QJsonObject answer
        = viewer->call(QStringLiteral("kick"), {{QStringLiteral("connectionId"), connectionId}});
    QCOMPARE(errorCode(answer), QStringLiteral("forbidden"));
    QVERIFY(answer.value(QStringLiteral("data"))
                .toObject()
                .value(QStringLiteral("message"))
                .toString()
                .contains(QStringLiteral("admin")));
    const QJsonObject test {{QStringLiteral("orgId"), QStringLiteral("acme")},
                            {QStringLiteral("userId"), QStringLiteral("alice")},
                            {QStringLiteral("title"), QStringLiteral("from a viewer")}};
    QCOMPARE(errorCode(viewer->call(QStringLiteral("send_test"), test)),
             QStringLiteral("forbidden"));
    QCOMPARE(errorCode(viewer->call(QStringLiteral("user"),
                                    {{QStringLiteral("orgId"), QStringLiteral("acme")},
                                     {QStringLiteral("userId"), QStringLiteral("alice")}})),
             QStringLiteral("forbidden"));
    QCOMPARE(viewer->call(QStringLiteral("nodes")).value(QStringLiteral("type")).toString(),
             QStringLiteral("reply"));

    // Support sends tests, and may not kick.
    const std::unique_ptr<Console> supportConsole = openConsole(supportKey);
    QVERIFY(supportConsole);
    Console &support = *supportConsole;
    QJsonObject supportTest = test;
    supportTest.insert(QStringLiteral("title"), QStringLiteral("from support"));
    QCOMPARE(support.call(QStringLiteral("send_test"), supportTest)
                 .value(QStringLiteral("type"))
                 .toString(),
             QStringLiteral("reply"));
    QVERIFY(tab.waitForEvents(QStringLiteral("notification:new"), 1));
    QCOMPARE(errorCode(support.call(QStringLiteral("kick"),
                                    {{QStringLiteral("connectionId"), connectionId}})),
             QStringLiteral("forbidden"));
    QCOMPARE(tab.events(QStringLiteral("notification:new")).size(), 1); // the viewer's: none
    QVERIFY(!tab.closed);

    // Admin kicks.
    const std::unique_ptr<Console> adminConsole = openConsole(adminKey);
    QVERIFY(adminConsole);
    Console &admin = *adminConsole;
    QCOMPARE(admin.op().value(QStringLiteral("role")).toString(), QStringLiteral("admin"));
    QCOMPARE(admin.call(QStringLiteral("kick"), {{QStringLiteral("connectionId"), connectionId}})
                 .value(QStringLiteral("type"))
                 .toString(),
             QStringLiteral("reply"));
    QVERIFY(tab.waitClosed());

    // The bootstrap admin key is still the admin, under its own name.
    Console bootstrap(*m_server, m_server->config.adminKey);
    QVERIFY(bootstrap.waitReady());
    QCOMPARE(bootstrap.op().value(QStringLiteral("name")).toString(), QStringLiteral("admin-key"));
    QCOMPARE(bootstrap.op().value(QStringLiteral("role")).toString(), QStringLiteral("admin"));

    // Everything above is in the audit log, under the operators' names.
    QList<QJsonObject> entries;
    QTRY_VERIFY((entries = audit(QStringLiteral("?operator=vera"))).size() == 3);
    for (const QJsonObject &e : entries)
        QCOMPARE(e.value(QStringLiteral("result")).toString(), QStringLiteral("forbidden"));
    QCOMPARE(entries.at(2).value(QStringLiteral("action")).toString(), QStringLiteral("kick"));
    QVERIFY(entries.at(2)
                .value(QStringLiteral("target"))
                .toString()
                .contains(QStringLiteral("connectionId=%1").arg(connectionId)));
    QTRY_VERIFY((entries = audit(QStringLiteral("?operator=sam"))).size() == 2);
    QCOMPARE(entries.at(0).value(QStringLiteral("action")).toString(), QStringLiteral("kick"));
    QCOMPARE(entries.at(0).value(QStringLiteral("result")).toString(), QStringLiteral("forbidden"));
    QCOMPARE(entries.at(1).value(QStringLiteral("action")).toString(), QStringLiteral("send_test"));
    QCOMPARE(entries.at(1).value(QStringLiteral("result")).toString(), QStringLiteral("ok"));
    QVERIFY(entries.at(1)
                .value(QStringLiteral("target"))
                .toString()
                .contains(QStringLiteral("userId=alice")));
    QTRY_VERIFY((entries = audit(QStringLiteral("?operator=ada&action=kick"))).size() == 1);
    QCOMPARE(entries.at(0).value(QStringLiteral("result")).toString(), QStringLiteral("ok"));
    QVERIFY(!entries.at(0).value(QStringLiteral("node")).toString().isEmpty());
}

void TestOperators::revokedOperatorIsClosedWithinOneSecond()
{
    const QString key = createOperator(QStringLiteral("temp"), QStringLiteral("support"));
    const std::unique_ptr<Console> console = openConsole(key);
    QVERIFY(console);
    const Run r
        = run(QStringLiteral("operators"), {QStringLiteral("revoke"), QStringLiteral("temp")});
    QCOMPARE(r.exitCode, 0);
    QTRY_VERIFY_WITH_TIMEOUT(console->closed, 1000);
    QCOMPARE(int(console->socket.closeCode()), 4001);
    Console again(*m_server, key);
    QVERIFY(again.waitClosed());
    QVERIFY(again.events(QStringLiteral("hello")).isEmpty());
}

void TestOperators::auditLogIsPagedFilteredAndForAdminsOnly()
{
    createOperator(QStringLiteral("o1"), QStringLiteral("viewer"));
    const QString supportKey = createOperator(QStringLiteral("o2"), QStringLiteral("support"));
    const QString adminKey = createOperator(QStringLiteral("o3"), QStringLiteral("admin"));
    run(QStringLiteral("operators"), {QStringLiteral("revoke"), QStringLiteral("o1")});

    // The subcommands' changes, newest first, under cli:<user>.
    QList<QJsonObject> all = audit(QStringLiteral("?limit=10"));
    QCOMPARE(all.size(), 4);
    QCOMPARE(all.at(0).value(QStringLiteral("action")).toString(),
             QStringLiteral("operators.revoke"));
    QVERIFY(
        all.at(0).value(QStringLiteral("operator")).toString().startsWith(QStringLiteral("cli:")));
    QCOMPARE(all.at(3).value(QStringLiteral("target")).toString(),
             QStringLiteral("operator=o1 role=viewer"));

    // Paged by id.
    bool hasMore = false;
    QList<QJsonObject> page
        = audit(QStringLiteral("?limit=3"), testApiKey.toUtf8(), nullptr, &hasMore);
    QCOMPARE(page.size(), 3);
    QVERIFY(hasMore);
    const qint64 last = page.last().value(QStringLiteral("id")).toInteger();
    page = audit(QStringLiteral("?limit=3&beforeId=%1").arg(last), testApiKey.toUtf8(), nullptr,
                 &hasMore);
    QCOMPARE(page.size(), 1);
    QVERIFY(!hasMore);
    QCOMPARE(page.at(0).value(QStringLiteral("id")), all.at(3).value(QStringLiteral("id")));
    // Filtered by action.
    QCOMPARE(audit(QStringLiteral("?action=operators.create")).size(), 3);
    QCOMPARE(audit(QStringLiteral("?since=2999-01-01T00:00:00Z")).size(), 0);

    // Who may read it.
    int status = 0;
    QTRY_VERIFY_WITH_TIMEOUT((audit({}, adminKey.toUtf8(), &status), status == 200), 3000);
    audit({}, supportKey.toUtf8(), &status);
    QCOMPARE(status, 403);
    audit({}, m_server->config.adminKey.toUtf8(), &status);
    QCOMPARE(status, 200);
    audit({}, "nk_wrong", &status);
    QCOMPARE(status, 401);
    audit({}, {}, &status);
    QCOMPARE(status, 401);
    audit(QStringLiteral("?limit=0"), testApiKey.toUtf8(), &status);
    QCOMPARE(status, 400);
    audit(QStringLiteral("?since=yesterday"), testApiKey.toUtf8(), &status);
    QCOMPARE(status, 400);
}

QTEST_MAIN(TestOperators)
#include "test_operators.moc"
