// Organizations' API keys (docs/operations.md, "API keys"; docs/security.md, "API keys"):
// keys made, listed and revoked by `notifyd keys` as a real process on the database of an
// in-process server. A key of one organization acts in that organization only (403
// forbidden naming the other, nothing stored), within its scopes; revocation and creation
// take effect within a second without a restart; per-key limits answer 429 with Retry-After
// and are counted in /metrics by key name.
#include "testserver.h"

#include <QElapsedTimer>
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

QJsonObject publishBody(const QString &org, const QStringList &users, const QString &title)
{
    return {{QStringLiteral("orgId"), org},
            {QStringLiteral("userIds"), QJsonArray::fromStringList(users)},
            {QStringLiteral("type"), QStringLiteral("TEST")},
            {QStringLiteral("title"), title}};
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

class TestApiKeys : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void subcommandRefusesBadInput();
    void keyActsInItsOrganizationOnly();
    void scopesLimitWhatAKeyDoes();
    void creationAndRevocationWithinOneSecond();
    void requestLimitAnswers429WithRetryAfter();
    void deliveryLimitCountsRecipients();
    void bootstrapKeyStillReachesEveryOrganization();

private:
    Run keys(const QStringList &args);
    QByteArray createKey(const QString &org, const QString &name, const QStringList &extra = {});
    // Waits until the server knows the key (a request with it is not 401).
    bool waitKnown(const QByteArray &key);
    TestServer::Response publishAs(const QByteArray &key, const QString &org,
                                   const QStringList &users, const QString &title);
    int inboxSize(const QString &org, const QString &user);

    std::unique_ptr<TestServer> m_server;
};

void TestApiKeys::init()
{
    m_server = std::make_unique<TestServer>();
}

void TestApiKeys::cleanup()
{
    m_server.reset();
}

Run TestApiKeys::keys(const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("NOTIFY_DB"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(NOTIFYD_BINARY),
            QStringList {QStringLiteral("keys")} + args
                + QStringList {QStringLiteral("--db"), m_server->config.db});
    // The event loop keeps running meanwhile: the server under test lives on this thread.
    if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 15000))
        qWarning("notifyd keys did not finish");
    Run r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QByteArray TestApiKeys::createKey(const QString &org, const QString &name, const QStringList &extra)
{
    const Run r = keys(QStringList {QStringLiteral("create"), QStringLiteral("--org"), org,
                                    QStringLiteral("--name"), name}
                       + extra);
    if (r.exitCode != 0)
        qWarning("keys create failed: %s", qPrintable(r.err));
    return r.lastLine().toLatin1();
}

bool TestApiKeys::waitKnown(const QByteArray &key)
{
    return QTest::qWaitFor(
        [&] {
            return m_server->request("GET", QStringLiteral("/healthz")).status == 200
                && m_server
                       ->request("POST", QStringLiteral("/api/v1/notifications"), QByteArray("{}"),
                                 key)
                       .status
                != 401;
        },
        5000);
}

TestServer::Response TestApiKeys::publishAs(const QByteArray &key, const QString &org,
                                            const QStringList &users, const QString &title)
{
    return m_server->request("POST", QStringLiteral("/api/v1/notifications"),
                             compact(publishBody(org, users, title)), key);
}

int TestApiKeys::inboxSize(const QString &org, const QString &user)
{
    const auto r = m_server->request(
        "GET", QStringLiteral("/api/v1/notifications?orgId=%1&userId=%2&limit=100").arg(org, user));
    if (r.status != 200)
        return -1;
    return int(r.json.value(QStringLiteral("notifications")).toArray().size());
}

void TestApiKeys::subcommandRefusesBadInput()
{
    const QString org = QStringLiteral("acme");
    Run r = keys({QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("k")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("--org")), qPrintable(r.err));
    r = keys({QStringLiteral("create"), QStringLiteral("--org"), org, QStringLiteral("--name"),
              QStringLiteral("k"), QStringLiteral("--scope"), QStringLiteral("publish,admin")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("'admin'")), qPrintable(r.err));
    r = keys({QStringLiteral("create"), QStringLiteral("--org"), org, QStringLiteral("--name"),
              QStringLiteral("k"), QStringLiteral("--rate"), QStringLiteral("fast")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("--rate")), qPrintable(r.err));
    r = keys({QStringLiteral("create"), QStringLiteral("--org"), org, QStringLiteral("--name"),
              QStringLiteral("a b")});
    QCOMPARE(r.exitCode, 2);
    r = keys({QStringLiteral("create"), QStringLiteral("--org"), QString(200, u'x'),
              QStringLiteral("--name"), QStringLiteral("k")});
    QCOMPARE(r.exitCode, 2);
    r = keys({QStringLiteral("revoke"), QStringLiteral("nobody")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("nobody")), qPrintable(r.err));
    r = keys({QStringLiteral("frobnicate")});
    QCOMPARE(r.exitCode, 2);

    // Nothing of the refused ones was stored.
    r = keys({QStringLiteral("list")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out.trimmed().split(u'\n').size(), 1); // the header alone

    // A name is taken once; the key is printed once, alone on the last line, and the
    // list shows neither it nor its hash.
    const QByteArray key = createKey(org, QStringLiteral("k"));
    QVERIFY(key.startsWith("nk_"));
    QVERIFY(key.size() >= 40);
    r = keys({QStringLiteral("create"), QStringLiteral("--org"), org, QStringLiteral("--name"),
              QStringLiteral("k")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("exists")), qPrintable(r.err));
    r = keys({QStringLiteral("list")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("publish,read,sessions,broadcast")), qPrintable(r.out));
    QVERIFY(!r.out.contains(QString::fromLatin1(key)));
    QVERIFY(!r.out.contains(QString::fromLatin1(key.mid(3, 12))));
}

void TestApiKeys::keyActsInItsOrganizationOnly()
{
    const QByteArray acme = createKey(QStringLiteral("acme"), QStringLiteral("acme-be"));
    const QByteArray globex = createKey(QStringLiteral("globex"), QStringLiteral("globex-be"));
    QVERIFY(waitKnown(acme));
    QVERIFY(waitKnown(globex));

    auto r
        = publishAs(acme, QStringLiteral("acme"), {QStringLiteral("alice")}, QStringLiteral("ok"));
    QCOMPARE(r.status, 201);
    r = publishAs(globex, QStringLiteral("globex"), {QStringLiteral("bob")}, QStringLiteral("ok"));
    QCOMPARE(r.status, 201);

    // Publish into the other organization: 403 naming it, nothing stored.
    r = publishAs(acme, QStringLiteral("globex"), {QStringLiteral("bob")}, QStringLiteral("cross"));
    QCOMPARE(r.status, 403);
    QCOMPARE(r.code(), QStringLiteral("forbidden"));
    QVERIFY2(r.message().contains(QStringLiteral("'globex'")), qPrintable(r.message()));
    // Mixed recipients: one foreign is enough to store nothing at all.
    QJsonObject mixed {
        {QStringLiteral("recipients"),
         QJsonArray {QJsonObject {{QStringLiteral("orgId"), QStringLiteral("acme")},
                                  {QStringLiteral("userId"), QStringLiteral("alice")}},
                     QJsonObject {{QStringLiteral("orgId"), QStringLiteral("globex")},
                                  {QStringLiteral("userId"), QStringLiteral("bob")}}}},
        {QStringLiteral("type"), QStringLiteral("TEST")},
        {QStringLiteral("title"), QStringLiteral("mixed")}};
    r = m_server->request("POST", QStringLiteral("/api/v1/notifications"), compact(mixed), acme);
    QCOMPARE(r.status, 403);
    QVERIFY2(r.message().contains(QStringLiteral("'globex'")), qPrintable(r.message()));
    QCOMPARE(inboxSize(QStringLiteral("globex"), QStringLiteral("bob")), 1);
    QCOMPARE(inboxSize(QStringLiteral("acme"), QStringLiteral("alice")), 1);

    // Read, presence, sessions, broadcasts and node statistics across organizations.
    r = m_server->request("GET", QStringLiteral("/api/v1/notifications?orgId=globex&userId=bob"),
                          {}, acme);
    QCOMPARE(r.status, 403);
    QVERIFY(r.message().contains(QStringLiteral("'globex'")));
    r = m_server->request("GET", QStringLiteral("/api/v1/presence?orgId=globex&userId=bob"), {},
                          acme);
    QCOMPARE(r.status, 403);
    const QJsonObject session {{QStringLiteral("orgId"), QStringLiteral("globex")},
                               {QStringLiteral("userId"), QStringLiteral("bob")},
                               {QStringLiteral("ttlSeconds"), 60}};
    r = m_server->request("POST", QStringLiteral("/api/v1/sessions"), compact(session), acme);
    QCOMPARE(r.status, 403);
    QVERIFY(r.message().contains(QStringLiteral("'globex'")));
    // A session of globex made by its own key cannot be revoked with acme's.
    r = m_server->request("POST", QStringLiteral("/api/v1/sessions"), compact(session), globex);
    QCOMPARE(r.status, 201);
    const QString token = r.json.value(QStringLiteral("token")).toString();
    r = m_server->request("DELETE", QStringLiteral("/api/v1/sessions/") + token, {}, acme);
    QCOMPARE(r.status, 403);
    QVERIFY(r.message().contains(QStringLiteral("'globex'")));
    r = m_server->request("DELETE", QStringLiteral("/api/v1/sessions/") + token, {}, globex);
    QCOMPARE(r.status, 204);

    const QJsonObject nodeWide {{QStringLiteral("title"), QStringLiteral("all")}};
    r = m_server->request("POST", QStringLiteral("/api/v1/broadcasts"), compact(nodeWide), acme);
    QCOMPARE(r.status, 403);
    QCOMPARE(r.code(), QStringLiteral("forbidden"));
    const QJsonObject foreign {{QStringLiteral("orgId"), QStringLiteral("globex")},
                               {QStringLiteral("title"), QStringLiteral("all")}};
    r = m_server->request("POST", QStringLiteral("/api/v1/broadcasts"), compact(foreign), acme);
    QCOMPARE(r.status, 403);
    const QJsonObject own {{QStringLiteral("orgId"), QStringLiteral("acme")},
                           {QStringLiteral("title"), QStringLiteral("all")}};
    r = m_server->request("POST", QStringLiteral("/api/v1/broadcasts"), compact(own), acme);
    QCOMPARE(r.status, 201);
    r = m_server->request("GET", QStringLiteral("/api/v1/stats"), {}, acme);
    QCOMPARE(r.status, 403);

    // A tab of globex saw nothing of acme's attempts.
    WsClient tab(m_server->wsUrl(mintToken(QStringLiteral("globex"), QStringLiteral("bob"))));
    QVERIFY(tab.waitConnected());
    QVERIFY(tab.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    QCOMPARE(tab.events(QStringLiteral("notification:unread_count"))
                 .first()
                 .value(QStringLiteral("unreadCount"))
                 .toInt(),
             1);
}

void TestApiKeys::scopesLimitWhatAKeyDoes()
{
    const QByteArray key = createKey(QStringLiteral("acme"), QStringLiteral("publisher"),
                                     {QStringLiteral("--scope"), QStringLiteral("publish")});
    QVERIFY(waitKnown(key));
    QCOMPARE(publishAs(key, QStringLiteral("acme"), {QStringLiteral("alice")}, QStringLiteral("ok"))
                 .status,
             201);
    auto r = m_server->request(
        "GET", QStringLiteral("/api/v1/notifications?orgId=acme&userId=alice"), {}, key);
    QCOMPARE(r.status, 403);
    QVERIFY2(r.message().contains(QStringLiteral("'read'")), qPrintable(r.message()));
    const QJsonObject session {{QStringLiteral("orgId"), QStringLiteral("acme")},
                               {QStringLiteral("userId"), QStringLiteral("alice")},
                               {QStringLiteral("ttlSeconds"), 60}};
    r = m_server->request("POST", QStringLiteral("/api/v1/sessions"), compact(session), key);
    QCOMPARE(r.status, 403);
    QVERIFY(r.message().contains(QStringLiteral("'sessions'")));
    const QJsonObject own {{QStringLiteral("orgId"), QStringLiteral("acme")},
                           {QStringLiteral("title"), QStringLiteral("all")}};
    r = m_server->request("POST", QStringLiteral("/api/v1/broadcasts"), compact(own), key);
    QCOMPARE(r.status, 403);
}

void TestApiKeys::creationAndRevocationWithinOneSecond()
{
    // Made while the server runs: usable within a second of the subcommand's exit.
    const QByteArray key = createKey(QStringLiteral("acme"), QStringLiteral("rotating"));
    QElapsedTimer since;
    since.start();
    QTRY_VERIFY_WITH_TIMEOUT(
        publishAs(key, QStringLiteral("acme"), {QStringLiteral("alice")}, QStringLiteral("hi"))
                .status
            == 201,
        1000);
    qInfo("key usable %lld ms after its creation", since.elapsed());

    const Run r = keys({QStringLiteral("revoke"), QStringLiteral("rotating")});
    QCOMPARE(r.exitCode, 0);
    since.restart();
    QTRY_VERIFY_WITH_TIMEOUT(
        publishAs(key, QStringLiteral("acme"), {QStringLiteral("alice")}, QStringLiteral("late"))
                .status
            == 401,
        1000);
    qInfo("key refused %lld ms after its revocation", since.elapsed());
    // Revoked for good; the list says so; a second revoke finds nothing active.
    QCOMPARE(keys({QStringLiteral("revoke"), QStringLiteral("rotating")}).exitCode, 1);
    QVERIFY(keys({QStringLiteral("list")}).out.contains(QStringLiteral("revoked")));
}

void TestApiKeys::requestLimitAnswers429WithRetryAfter()
{
    // One token per 10 s after a burst of 3: the refill cannot hide a refusal here.
    const QByteArray key = createKey(QStringLiteral("acme"), QStringLiteral("limited"),
                                     {QStringLiteral("--rate"), QStringLiteral("0.1/s,3")});
    QVERIFY(waitKnown(key)); // one request
    TestServer::Response r;
    int passed = 1;
    for (int i = 0; i < 5; ++i) {
        r = publishAs(key, QStringLiteral("acme"), {QStringLiteral("alice")},
                      QStringLiteral("n%1").arg(i));
        if (r.status == 429)
            break;
        QCOMPARE(r.status, 201);
        ++passed;
    }
    QCOMPARE(passed, 3);
    QCOMPARE(r.status, 429);
    QCOMPARE(r.code(), QStringLiteral("rate_limited"));
    QVERIFY2(r.message().contains(QStringLiteral("'limited'")), qPrintable(r.message()));
    bool ok = false;
    const int retryAfter = r.retryAfter.toInt(&ok);
    QVERIFY2(ok && retryAfter >= 1 && retryAfter <= 10, r.retryAfter.constData());
    QCOMPARE(inboxSize(QStringLiteral("acme"), QStringLiteral("alice")), 2);

    // Another key of the same organization is not slowed by this one.
    const QByteArray other = createKey(QStringLiteral("acme"), QStringLiteral("unhurried"));
    QVERIFY(waitKnown(other));
    QCOMPARE(
        publishAs(other, QStringLiteral("acme"), {QStringLiteral("alice")}, QStringLiteral("other"))
            .status,
        201);

    const auto metrics = m_server->request("GET", QStringLiteral("/metrics"), {}, {});
    QCOMPARE(metrics.status, 200);
    QVERIFY2(metrics.body.contains("notify_api_key_rate_limited_total{key=\"limited\"} 1\n"),
             metrics.body.constData());
    QVERIFY(metrics.body.contains("notify_api_key_requests_total{key=\"limited\"} 3\n"));
    QVERIFY(metrics.body.contains("notify_api_key_requests_total{key=\"unhurried\"} 2\n"));
}

void TestApiKeys::deliveryLimitCountsRecipients()
{
    const QByteArray key = createKey(QStringLiteral("acme"), QStringLiteral("fanout"),
                                     {QStringLiteral("--rate"), QStringLiteral("off"),
                                      QStringLiteral("--deliveries"), QStringLiteral("0.1/s,4")});
    QVERIFY(waitKnown(key)); // an invalid publish: no deliveries taken
    auto r = publishAs(key, QStringLiteral("acme"),
                       {QStringLiteral("u1"), QStringLiteral("u2"), QStringLiteral("u3")},
                       QStringLiteral("three"));
    QCOMPARE(r.status, 201);
    r = publishAs(key, QStringLiteral("acme"), {QStringLiteral("u1"), QStringLiteral("u2")},
                  QStringLiteral("two more"));
    QCOMPARE(r.status, 429);
    QCOMPARE(r.code(), QStringLiteral("rate_limited"));
    QVERIFY(r.retryAfter.toInt() >= 1);
    QCOMPARE(inboxSize(QStringLiteral("acme"), QStringLiteral("u1")), 1);
    r = publishAs(key, QStringLiteral("acme"), {QStringLiteral("u1")}, QStringLiteral("one"));
    QCOMPARE(r.status, 201);
    const auto metrics = m_server->request("GET", QStringLiteral("/metrics"), {}, {});
    QVERIFY2(metrics.body.contains("notify_api_key_deliveries_total{key=\"fanout\"} 4\n"),
             metrics.body.constData());
    QVERIFY(metrics.body.contains("notify_api_key_deliveries_limited_total{key=\"fanout\"} 1\n"));
}

void TestApiKeys::bootstrapKeyStillReachesEveryOrganization()
{
    createKey(QStringLiteral("acme"), QStringLiteral("some-key"));
    QCOMPARE(m_server->publish(QStringLiteral("acme"), {QStringLiteral("a")}, QStringLiteral("x"))
                 .status,
             201);
    QCOMPARE(m_server->publish(QStringLiteral("globex"), {QStringLiteral("b")}, QStringLiteral("x"))
                 .status,
             201);
    QCOMPARE(m_server->request("GET", QStringLiteral("/api/v1/stats")).status, 200);
    // An unknown key is still 401.
    QCOMPARE(publishAs("nk_not-a-key", QStringLiteral("acme"), {QStringLiteral("a")},
                       QStringLiteral("x"))
                 .status,
             401);
}

QTEST_MAIN(TestApiKeys)
#include "test_apikeys.moc"
