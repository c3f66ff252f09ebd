// The admin channel's support and admin requests (docs/protocol.md, "Support requests",
// "Admin requests") against a real in-process notifyd on loopback: real consoles
// (QWebSocket), real clients, real SQLite. Revoking a user's sessions closes their session
// connections; mark read and delete reach the user's connected tab; a notification is found
// by id and by idempotency key; refused connections (bad signature, expired token, wrong
// origin) are listed with their reason and never with the token; a viewer is refused
// (forbidden) and the refusal audited; keys are created (shown once), listed and revoked.
#include "testserver.h"

#include "shared/store/apikeys.h"
#include "shared/store/operators.h"
#include "shared/store/storeconfig.h"

using namespace notify;
using namespace notify::test;

namespace {

const QString adminKey = QStringLiteral("test-admin-key");
const QString unreadCount = QStringLiteral("notification:unread_count");
const QString o1 = QStringLiteral("o1");

class Console : public WsClient
{
public:
    explicit Console(const TestServer &s, const QString &key = adminKey)
        : WsClient(QUrl(
            QStringLiteral("ws://127.0.0.1:%1/admin?key=%2").arg(s.server->apiPort()).arg(key)))
    { }
    bool waitReady() { return waitForEvents(QStringLiteral("snapshot"), 1); }
    // The reply's data, or an empty object when the answer was not a reply.
    QJsonObject ask(const QString &type, const QJsonObject &data = {})
    {
        last = call(type, data);
        if (last.value(QStringLiteral("type")).toString() != QStringLiteral("reply"))
            return {};
        return last.value(QStringLiteral("data")).toObject();
    }
    QString lastError() const
    {
        if (last.value(QStringLiteral("type")).toString() != QStringLiteral("error"))
            return QString();
        return last.value(QStringLiteral("data"))
            .toObject()
            .value(QStringLiteral("code"))
            .toString();
    }
    QJsonObject last;
};

std::unique_ptr<WsClient> connectClient(TestServer &s, const QByteArray &credential)
{
    auto c = std::make_unique<WsClient>(s.wsUrl(credential));
    if (!c->waitForEvents(unreadCount, 1))
        qWarning("a client did not come up");
    return c;
}

QString publishOne(TestServer &s, const QString &user, const QString &title,
                   const QJsonObject &extra = {})
{
    const auto r = s.publish(o1, {user}, title, extra);
    if (r.status != 201)
        return QString();
    return r.json.value(QStringLiteral("notifications"))
        .toArray()
        .at(0)
        .toObject()
        .value(QStringLiteral("id"))
        .toString();
}

QByteArray createSession(TestServer &s, const QString &user)
{
    const QJsonObject body {{QStringLiteral("orgId"), o1},
                            {QStringLiteral("userId"), user},
                            {QStringLiteral("ttlSeconds"), 3600}};
    const auto r = s.request("POST", QStringLiteral("/api/v1/sessions"),
                             QJsonDocument(body).toJson(QJsonDocument::Compact));
    return r.json.value(QStringLiteral("token")).toString().toUtf8();
}

// A GET to the client port with an Origin: the answer's status.
int clientGet(TestServer &s, const QString &pathAndQuery, const QByteArray &origin,
              const QByteArray &bearer = {})
{
    QNetworkRequest req(QUrl(
        QStringLiteral("http://127.0.0.1:%1%2").arg(s.server->clientPort()).arg(pathAndQuery)));
    if (!origin.isEmpty())
        req.setRawHeader("Origin", origin);
    if (!bearer.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + bearer);
    QNetworkReply *reply = s.nam.get(req);
    // An SSE stream that was accepted would not finish: its headers are enough.
    (void)QTest::qWaitFor(
        [&] {
            return reply->isFinished()
                || reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).isValid();
        },
        5000);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->abort();
    reply->deleteLater();
    return status;
}

QList<QJsonObject> auditEntries(TestServer &s, const QString &action)
{
    const auto r = s.request("GET", QStringLiteral("/api/v1/audit?action=") + action);
    QList<QJsonObject> out;
    for (const QJsonValue &v : r.json.value(QStringLiteral("entries")).toArray())
        out.append(v.toObject());
    return out;
}

} // namespace

class TestSupportRequests : public QObject
{
    Q_OBJECT

private slots:
    void revokeSessionsClosesTheUsersSessionConnections();
    void markReadAndDeleteReachTheUsersTab();
    void findByIdAndByIdempotencyKey();
    void refusedConnectionsWithTheirReason();
    void httpAndMemoryRefusalsAreListed();
    void broadcastHistory();
    void viewerIsForbiddenAndAudited();
    void keysCreateListRevoke();
    void auditRequest();
};

void TestSupportRequests::revokeSessionsClosesTheUsersSessionConnections()
{
    TestServer s;
    const QByteArray token = createSession(s, QStringLiteral("ann"));
    QVERIFY(!token.isEmpty());
    auto tab1 = connectClient(s, token);
    auto tab2 = connectClient(s, createSession(s, QStringLiteral("ann")));
    auto jwtTab = connectClient(s, mintToken(o1, QStringLiteral("ann")));
    auto other = connectClient(s, createSession(s, QStringLiteral("bob")));
    Console console(s);
    QVERIFY(console.waitReady());

    const QJsonObject r = console.ask(
        QStringLiteral("revoke_sessions"),
        {{QStringLiteral("orgId"), o1}, {QStringLiteral("userId"), QStringLiteral("ann")}});
    QCOMPARE(r.value(QStringLiteral("revoked")).toInt(), 2);
    QVERIFY(tab1->waitClosed());
    QVERIFY(tab2->waitClosed());
    QCOMPARE(int(tab1->socket.closeCode()), 4001);
    // A JWT without a session and another user's session stay.
    QVERIFY(!jwtTab->closed);
    QVERIFY(!other->closed);
    // The revoked token opens nothing any more.
    WsClient again(s.wsUrl(token));
    QVERIFY(again.waitClosed());
    QCOMPARE(int(again.socket.closeCode()), 4001);
    // Nothing left to revoke; the action is audited under the bootstrap admin key.
    QCOMPARE(
        console
            .ask(QStringLiteral("revoke_sessions"),
                 {{QStringLiteral("orgId"), o1}, {QStringLiteral("userId"), QStringLiteral("ann")}})
            .value(QStringLiteral("revoked"))
            .toInt(),
        0);
    QTRY_COMPARE_WITH_TIMEOUT(auditEntries(s, QStringLiteral("revoke_sessions")).size(), 2, 3000);
    const QJsonObject entry = auditEntries(s, QStringLiteral("revoke_sessions")).last();
    QCOMPARE(entry.value(QStringLiteral("operator")).toString(), QStringLiteral("admin-key"));
    QCOMPARE(entry.value(QStringLiteral("target")).toString(),
             QStringLiteral("orgId=o1 userId=ann"));
    QCOMPARE(entry.value(QStringLiteral("result")).toString(), QStringLiteral("ok"));
}

void TestSupportRequests::markReadAndDeleteReachTheUsersTab()
{
    TestServer s;
    auto tab = connectClient(s, mintToken(o1, QStringLiteral("ann")));
    const QString a = publishOne(s, QStringLiteral("ann"), QStringLiteral("a"));
    const QString b = publishOne(s, QStringLiteral("ann"), QStringLiteral("b"));
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    QVERIFY(tab->waitForEvents(QStringLiteral("notification:new"), 2));
    QTRY_COMPARE(tab->lastUnreadCount(), 2);
    Console console(s);
    QVERIFY(console.waitReady());

    QJsonObject r = console.ask(QStringLiteral("mark_read"),
                                {{QStringLiteral("orgId"), o1},
                                 {QStringLiteral("userId"), QStringLiteral("ann")},
                                 {QStringLiteral("notificationIds"), QJsonArray {a}}});
    QCOMPARE(r.value(QStringLiteral("updated")).toInt(), 1);
    QCOMPARE(r.value(QStringLiteral("unreadCount")).toInt(), 1);
    QVERIFY(tab->waitForEvents(QStringLiteral("notification:marked_read"), 1));
    QTRY_COMPARE(tab->lastUnreadCount(), 1);

    r = console.ask(QStringLiteral("delete_notifications"),
                    {{QStringLiteral("orgId"), o1},
                     {QStringLiteral("userId"), QStringLiteral("ann")},
                     {QStringLiteral("notificationIds"), QJsonArray {b}}});
    QCOMPARE(r.value(QStringLiteral("deleted")).toInt(), 1);
    QCOMPARE(r.value(QStringLiteral("unreadCount")).toInt(), 0);
    QVERIFY(tab->waitForEvents(QStringLiteral("notification:deleted"), 1));
    QTRY_COMPARE(tab->lastUnreadCount(), 0);

    // Another user's id changes nothing of hers.
    r = console.ask(QStringLiteral("mark_read"),
                    {{QStringLiteral("orgId"), o1},
                     {QStringLiteral("userId"), QStringLiteral("bob")},
                     {QStringLiteral("notificationIds"), QJsonArray {b}}});
    QCOMPARE(r.value(QStringLiteral("updated")).toInt(), 0);
    // Bad input.
    console.ask(QStringLiteral("mark_read"),
                {{QStringLiteral("orgId"), o1}, {QStringLiteral("userId"), QStringLiteral("ann")}});
    QCOMPARE(console.lastError(), QStringLiteral("invalid_payload"));
    QTRY_COMPARE_WITH_TIMEOUT(auditEntries(s, QStringLiteral("mark_read")).size(), 3, 3000);
    QCOMPARE(auditEntries(s, QStringLiteral("delete_notifications")).size(), 1);
}

void TestSupportRequests::findByIdAndByIdempotencyKey()
{
    TestServer s;
    const QString id = publishOne(s, QStringLiteral("ann"), QStringLiteral("claim"),
                                  {{QStringLiteral("idempotencyKey"), QStringLiteral("claim-7")}});
    QVERIFY(!id.isEmpty());
    publishOne(s, QStringLiteral("bob"), QStringLiteral("other"));
    Console console(s);
    QVERIFY(console.waitReady());

    QJsonArray found
        = console.ask(QStringLiteral("find_notification"), {{QStringLiteral("id"), id}})
              .value(QStringLiteral("notifications"))
              .toArray();
    QCOMPARE(found.size(), 1);
    QCOMPARE(found.at(0).toObject().value(QStringLiteral("userId")).toString(),
             QStringLiteral("ann"));
    QCOMPARE(found.at(0).toObject().value(QStringLiteral("orgId")).toString(), o1);

    found = console
                .ask(QStringLiteral("find_notification"),
                     {{QStringLiteral("orgId"), o1},
                      {QStringLiteral("idempotencyKey"), QStringLiteral("claim-7")}})
                .value(QStringLiteral("notifications"))
                .toArray();
    QCOMPARE(found.size(), 1);
    QCOMPARE(found.at(0).toObject().value(QStringLiteral("id")).toString(), id);

    // Another organization's key, an unknown id: nothing.
    QCOMPARE(console
                 .ask(QStringLiteral("find_notification"),
                      {{QStringLiteral("orgId"), QStringLiteral("o2")},
                       {QStringLiteral("idempotencyKey"), QStringLiteral("claim-7")}})
                 .value(QStringLiteral("notifications"))
                 .toArray()
                 .size(),
             0);
    QCOMPARE(console
                 .ask(QStringLiteral("find_notification"),
                      {{QStringLiteral("id"), QStringLiteral("0190-nothing")}})
                 .value(QStringLiteral("notifications"))
                 .toArray()
                 .size(),
             0);
    console.ask(QStringLiteral("find_notification"));
    QCOMPARE(console.lastError(), QStringLiteral("invalid_payload"));
}

void TestSupportRequests::refusedConnectionsWithTheirReason()
{
    TestServer s(
        [](ServerConfig &c) { c.allowedOrigins = {QStringLiteral("https://app.example")}; });
    const QByteArray forged = mintToken(o1, QStringLiteral("ann"), {}, 3600, "another secret");
    WsClient badSignature(s.wsUrl(forged));
    QVERIFY(badSignature.waitClosed());
    WsClient expired(s.wsUrl(mintToken(o1, QStringLiteral("ann"), {}, -7200)));
    QVERIFY(expired.waitClosed());
    const QByteArray good = mintToken(o1, QStringLiteral("ann"));
    WsClient wrongOrigin(s.wsUrl(good), "https://evil.example");
    QVERIFY(wrongOrigin.waitClosed());
    WsClient someoneElse(s.wsUrl(mintToken(o1, QStringLiteral("bob"), {}, -7200)));
    QVERIFY(someoneElse.waitClosed());

    Console console(s);
    QVERIFY(console.waitReady());
    const QJsonObject r = console.ask(
        QStringLiteral("refused_connections"),
        {{QStringLiteral("orgId"), o1}, {QStringLiteral("userId"), QStringLiteral("ann")}});
    const QJsonArray list = r.value(QStringLiteral("refusals")).toArray();
    QCOMPARE(list.size(), 3);
    // Newest first.
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("reason")).toString(),
             QStringLiteral("origin_not_allowed"));
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("origin")).toString(),
             QStringLiteral("https://evil.example"));
    QCOMPARE(list.at(1).toObject().value(QStringLiteral("reason")).toString(),
             QStringLiteral("expired"));
    QCOMPARE(list.at(2).toObject().value(QStringLiteral("reason")).toString(),
             QStringLiteral("bad_token"));
    QCOMPARE(list.at(2).toObject().value(QStringLiteral("detail")).toString(),
             QStringLiteral("bad_signature"));
    QCOMPARE(list.at(2).toObject().value(QStringLiteral("protocol")).toString(),
             QStringLiteral("websocket"));
    QCOMPARE(list.at(2).toObject().value(QStringLiteral("remoteAddress")).toString(),
             QStringLiteral("127.0.0.1"));
    // The token itself is never kept.
    const QByteArray text = QJsonDocument(r).toJson();
    QVERIFY(!text.contains(forged));
    QVERIFY(!text.contains(good));
    QVERIFY(!text.contains(forged.split('.').at(2)));
    // Every refusal of the node without a user filter.
    QCOMPARE(console.ask(QStringLiteral("refused_connections"))
                 .value(QStringLiteral("refusals"))
                 .toArray()
                 .size(),
             4);
}

// The refusals that are not a WebSocket's credential: a wrong origin on an SSE stream, a
// user route and an Engine.IO request, and the refusals near the memory limit; listed for the
// user the credential names, never with the credential.
void TestSupportRequests::httpAndMemoryRefusalsAreListed()
{
    const QByteArray token = mintToken(o1, QStringLiteral("cy"));
    const QByteArray evil = "https://evil.example";
    {
        TestServer s(
            [](ServerConfig &c) { c.allowedOrigins = {QStringLiteral("https://app.example")}; });
        const QString query = QStringLiteral("token=") + QString::fromLatin1(token);
        QCOMPARE(clientGet(s, QStringLiteral("/sse/notifications?") + query, evil), 403);
        QCOMPARE(clientGet(s, QStringLiteral("/api/v1/me/unread-count"), evil, token), 403);
        QCOMPARE(clientGet(s, QStringLiteral("/socket.io/?EIO=4&transport=polling&") + query, evil),
                 403);
        // An allowed origin is not a refusal.
        QCOMPARE(
            clientGet(s, QStringLiteral("/api/v1/me/unread-count"), "https://app.example", token),
            200);

        Console console(s);
        QVERIFY(console.waitReady());
        const QJsonObject r = console.ask(
            QStringLiteral("refused_connections"),
            {{QStringLiteral("orgId"), o1}, {QStringLiteral("userId"), QStringLiteral("cy")}});
        const QJsonArray list = r.value(QStringLiteral("refusals")).toArray();
        QCOMPARE(list.size(), 3);
        const QStringList protocols {QStringLiteral("socketio"), QStringLiteral("http"),
                                     QStringLiteral("sse")}; // newest first
        for (int i = 0; i < 3; ++i) {
            const QJsonObject o = list.at(i).toObject();
            QCOMPARE(o.value(QStringLiteral("reason")).toString(),
                     QStringLiteral("origin_not_allowed"));
            QCOMPARE(o.value(QStringLiteral("protocol")).toString(), protocols.at(i));
            QCOMPARE(o.value(QStringLiteral("origin")).toString(), QString::fromLatin1(evil));
            QCOMPARE(o.value(QStringLiteral("remoteAddress")).toString(),
                     QStringLiteral("127.0.0.1"));
        }
        QVERIFY(!QJsonDocument(r).toJson().contains(token.split('.').at(2)));
    }
    {
        // A limit below what the process uses: every new client connection is refused.
        TestServer s([](ServerConfig &c) { c.memoryLimitBytes = 4 << 20; });
        WsClient tab(s.wsUrl(token));
        // Closed with 1013 (test_memorylimit reads the code from the wire: QWebSocket does
        // not report 1013 as such).
        QVERIFY(tab.waitClosed());
        QCOMPARE(clientGet(s,
                           QStringLiteral("/sse/notifications?token=") + QString::fromLatin1(token),
                           {}),
                 503);

        Console console(s);
        QVERIFY(console.waitReady());
        const QJsonObject r = console.ask(
            QStringLiteral("refused_connections"),
            {{QStringLiteral("orgId"), o1}, {QStringLiteral("userId"), QStringLiteral("cy")}});
        const QJsonArray list = r.value(QStringLiteral("refusals")).toArray();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list.at(0).toObject().value(QStringLiteral("protocol")).toString(),
                 QStringLiteral("sse"));
        QCOMPARE(list.at(1).toObject().value(QStringLiteral("protocol")).toString(),
                 QStringLiteral("websocket"));
        for (const QJsonValue &v : list) {
            QCOMPARE(v.toObject().value(QStringLiteral("reason")).toString(),
                     QStringLiteral("memory_limit"));
            QVERIFY2(v.toObject()
                         .value(QStringLiteral("detail"))
                         .toString()
                         .contains(QLatin1String("memory limit")),
                     qPrintable(v.toObject().value(QStringLiteral("detail")).toString()));
        }
        QVERIFY(!QJsonDocument(r).toJson().contains(token.split('.').at(2)));
    }
}

void TestSupportRequests::broadcastHistory()
{
    TestServer s;
    const QJsonObject body {{QStringLiteral("orgId"), o1},
                            {QStringLiteral("title"), QStringLiteral("maintenance at 22:00")}};
    const auto posted = s.request("POST", QStringLiteral("/api/v1/broadcasts"),
                                  QJsonDocument(body).toJson(QJsonDocument::Compact));
    QVERIFY2(posted.status / 100 == 2, qPrintable(QString::number(posted.status)));
    Console console(s);
    QVERIFY(console.waitReady());
    const QJsonArray list
        = console.ask(QStringLiteral("broadcast_history"), {{QStringLiteral("orgId"), o1}})
              .value(QStringLiteral("broadcasts"))
              .toArray();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("title")).toString(),
             QStringLiteral("maintenance at 22:00"));
    QCOMPARE(console
                 .ask(QStringLiteral("broadcast_history"),
                      {{QStringLiteral("orgId"), QStringLiteral("o2")}})
                 .value(QStringLiteral("broadcasts"))
                 .toArray()
                 .size(),
             0);
}

void TestSupportRequests::viewerIsForbiddenAndAudited()
{
    TestServer s;
    {
        auto config = StoreConfig::parse(s.config.db);
        QVERIFY(config.ok());
        auto store = Store::open(config.value(), QStringLiteral("test"));
        QVERIFY(store.ok());
        operators::OperatorRow row;
        row.name = QStringLiteral("vera");
        row.role = QStringLiteral("viewer");
        row.sha256Hex = apikeys::hashKey("viewer-key-of-vera");
        row.createdAt = QDateTime::currentDateTimeUtc();
        QVERIFY(operators::create(*store.value(), row).ok());
    }
    auto tab = connectClient(s, createSession(s, QStringLiteral("ann")));
    // The server picks the operator up within its poll.
    std::unique_ptr<Console> viewer;
    QTRY_VERIFY_WITH_TIMEOUT(
        (viewer = std::make_unique<Console>(s, QStringLiteral("viewer-key-of-vera")),
         viewer->waitReady()),
        5000);
    for (const QString &type :
         {QStringLiteral("revoke_sessions"), QStringLiteral("mark_read"),
          QStringLiteral("find_notification"), QStringLiteral("refused_connections"),
          QStringLiteral("keys_list"), QStringLiteral("audit")}) {
        viewer->ask(
            type,
            {{QStringLiteral("orgId"), o1}, {QStringLiteral("userId"), QStringLiteral("ann")}});
        QCOMPARE(viewer->lastError(), QStringLiteral("forbidden"));
    }
    QVERIFY(!tab->closed);
    QTRY_COMPARE_WITH_TIMEOUT(auditEntries(s, QStringLiteral("revoke_sessions")).size(), 1, 3000);
    const QJsonObject entry = auditEntries(s, QStringLiteral("revoke_sessions")).first();
    QCOMPARE(entry.value(QStringLiteral("operator")).toString(), QStringLiteral("vera"));
    QCOMPARE(entry.value(QStringLiteral("result")).toString(), QStringLiteral("forbidden"));
}

void TestSupportRequests::keysCreateListRevoke()
{
    TestServer s;
    Console console(s);
    QVERIFY(console.waitReady());
    const QJsonObject created
        = console.ask(QStringLiteral("keys_create"),
                      {{QStringLiteral("orgId"), o1},
                       {QStringLiteral("name"), QStringLiteral("backend-1")},
                       {QStringLiteral("scopes"), QJsonArray {QStringLiteral("publish")}},
                       {QStringLiteral("requestRate"), QStringLiteral("50/s")}});
    const QString key = created.value(QStringLiteral("key")).toString();
    QVERIFY2(key.startsWith(QStringLiteral("nk_")), qPrintable(console.lastError()));
    // The key publishes in its organization (once the node has reloaded its keys).
    const QByteArray body
        = QJsonDocument(
              QJsonObject {{QStringLiteral("orgId"), o1},
                           {QStringLiteral("userIds"), QJsonArray {QStringLiteral("ann")}},
                           {QStringLiteral("type"), QStringLiteral("T")},
                           {QStringLiteral("title"), QStringLiteral("x")}})
              .toJson(QJsonDocument::Compact);
    QTRY_COMPARE_WITH_TIMEOUT(
        s.request("POST", QStringLiteral("/api/v1/notifications"), body, key.toUtf8()).status, 201,
        3000);

    // Listed without the key; the same name again is refused.
    const QJsonArray keys
        = console.ask(QStringLiteral("keys_list")).value(QStringLiteral("keys")).toArray();
    QCOMPARE(keys.size(), 1);
    QCOMPARE(keys.at(0).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("backend-1"));
    QVERIFY(!keys.at(0).toObject().contains(QStringLiteral("key")));
    QVERIFY(!QJsonDocument(keys).toJson().contains(key.toUtf8()));
    console.ask(
        QStringLiteral("keys_create"),
        {{QStringLiteral("orgId"), o1}, {QStringLiteral("name"), QStringLiteral("backend-1")}});
    QCOMPARE(console.lastError(), QStringLiteral("invalid_payload"));
    console.ask(
        QStringLiteral("keys_create"),
        {{QStringLiteral("orgId"), o1}, {QStringLiteral("name"), QStringLiteral("bad name")}});
    QCOMPARE(console.lastError(), QStringLiteral("invalid_payload"));

    QVERIFY(console
                .ask(QStringLiteral("keys_revoke"),
                     {{QStringLiteral("name"), QStringLiteral("backend-1")}})
                .value(QStringLiteral("ok"))
                .toBool());
    QTRY_COMPARE_WITH_TIMEOUT(
        s.request("POST", QStringLiteral("/api/v1/notifications"), body, key.toUtf8()).status, 401,
        3000);
    console.ask(QStringLiteral("keys_revoke"),
                {{QStringLiteral("name"), QStringLiteral("backend-1")}});
    QCOMPARE(console.lastError(), QStringLiteral("not_found"));
    QTRY_COMPARE_WITH_TIMEOUT(auditEntries(s, QStringLiteral("keys_create")).size(), 3, 3000);
    // Written after the create's entry, on the writer's own time.
    QTRY_COMPARE_WITH_TIMEOUT(auditEntries(s, QStringLiteral("keys_revoke")).size(), 2, 3000);
    // The audit log names the key, never its text.
    QVERIFY(!s.request("GET", QStringLiteral("/api/v1/audit")).body.contains(key.toUtf8()));
}

void TestSupportRequests::auditRequest()
{
    TestServer s;
    Console console(s);
    QVERIFY(console.waitReady());
    console.ask(QStringLiteral("revoke_sessions"),
                {{QStringLiteral("orgId"), o1}, {QStringLiteral("userId"), QStringLiteral("ann")}});
    QJsonArray entries;
    QTRY_VERIFY_WITH_TIMEOUT(
        (entries = console
                       .ask(QStringLiteral("audit"),
                            {{QStringLiteral("action"), QStringLiteral("revoke_sessions")}})
                       .value(QStringLiteral("entries"))
                       .toArray(),
         entries.size() == 1),
        3000);
    QCOMPARE(entries.at(0).toObject().value(QStringLiteral("operator")).toString(),
             QStringLiteral("admin-key"));
    QCOMPARE(
        console
            .ask(QStringLiteral("audit"), {{QStringLiteral("action"), QStringLiteral("nothing")}})
            .value(QStringLiteral("entries"))
            .toArray()
            .size(),
        0);
    console.ask(QStringLiteral("audit"), {{QStringLiteral("since"), QStringLiteral("yesterday")}});
    QCOMPARE(console.lastError(), QStringLiteral("invalid_payload"));
}

QTEST_MAIN(TestSupportRequests)
#include "test_supportrequests.moc"
