// Tenants stay apart on the live path whatever their ids contain (docs/protocol.md, "Rooms"
// and "Ids"): real sockets, a real in-process notifyd with two shards. Each "nothing arrived"
// is proved with a barrier: a later push to the same socket that must arrive, and arrives
// after anything sent before it (one shard, one queue, in order).
#include "testserver.h"

#include "server/metrics/metrics.h"
#include "shared/auth/base64url.h"

#include <QMessageAuthenticationCode>
#include <QUrlQuery>

using namespace notify;
using namespace notify::test;

class TestTenantIsolation : public QObject
{
    Q_OBJECT

private slots:
    void publishDoesNotCrossIntoAnotherOrg();
    void broadcastDoesNotCrossIntoAnotherOrg();
    void presenceCountsTheRightRecipient();
    void perUserLimitCountsTheRightRecipient();
    void tokenWithInvalidIdIsRefused_data();
    void tokenWithInvalidIdIsRefused();
    void apiRefusesInvalidIds_data();
    void apiRefusesInvalidIds();
    void storedSessionIdsAreTheOnesGiven();
};

namespace {

const QString acme = QStringLiteral("acme");
const QString acmeUserX = QStringLiteral("acme:user:x");

// Connected, authenticated and in its rooms: its first unread count has come.
std::unique_ptr<WsClient> connectUser(TestServer &s, const QString &org, const QString &user,
                                      const QString &role = {})
{
    auto c = std::make_unique<WsClient>(s.wsUrl(mintToken(org, user, role)));
    if (!c->waitConnected() || !c->waitForEvents(QStringLiteral("notification:unread_count"), 1))
        return nullptr;
    return c;
}

QList<QString> titles(const WsClient &c, const QString &event)
{
    QList<QString> out;
    for (const QJsonObject &e : c.events(event)) {
        const QJsonObject n = e.value(QStringLiteral("notification")).toObject();
        out.append((n.isEmpty() ? e : n).value(QStringLiteral("title")).toString());
    }
    return out;
}

TestServer::Response broadcast(TestServer &s, const QJsonObject &target, const QString &title)
{
    QJsonObject body = target;
    body.insert(QStringLiteral("title"), title);
    return s.request("POST", QStringLiteral("/api/v1/broadcasts"),
                     QJsonDocument(body).toJson(QJsonDocument::Compact));
}

// A correctly signed JWT with exactly this payload: lets a test put a JSON escape such as
// \ud800 into a claim, which QJsonDocument would not write.
QByteArray signedToken(const QByteArray &payloadJson)
{
    const QByteArray input
        = base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})") + '.' + base64UrlEncode(payloadJson);
    return input + '.'
        + base64UrlEncode(
               QMessageAuthenticationCode::hash(input, testSecret, QCryptographicHash::Sha256));
}

QByteArray payload(const QByteArray &subJson, const QByteArray &orgJson,
                   const QByteArray &extra = {})
{
    return R"({"sub":)" + subJson + R"(,"org":)" + orgJson + R"(,"exp":)"
        + QByteArray::number(QDateTime::currentSecsSinceEpoch() + 3600)
        + (extra.isEmpty() ? QByteArray() : ',' + extra) + '}';
}

} // namespace

void TestTenantIsolation::publishDoesNotCrossIntoAnotherOrg()
{
    TestServer s;
    // Before room names were escaped, both were in `org:acme:user:x:user:eve`.
    auto victim = connectUser(s, acme, QStringLiteral("x:user:eve"));
    auto eve = connectUser(s, acmeUserX, QStringLiteral("eve"));
    QVERIFY(victim && eve);

    const auto r = s.publish(acmeUserX, {QStringLiteral("eve")}, QStringLiteral("for eve"));
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json.value(QStringLiteral("deliveredConnections")).toInt(), 1);
    QVERIFY(eve->waitForEvents(QStringLiteral("notification:new"), 1));
    QCOMPARE(titles(*eve, QStringLiteral("notification:new")), QList<QString> {"for eve"});

    // Barrier: the victim's own notification, published after eve's, arrives; eve's would
    // have come before it.
    const auto own = s.publish(acme, {QStringLiteral("x:user:eve")}, QStringLiteral("own"));
    QCOMPARE(own.json.value(QStringLiteral("deliveredConnections")).toInt(), 1);
    QVERIFY(victim->waitForEvents(QStringLiteral("notification:new"), 1));
    QCOMPARE(titles(*victim, QStringLiteral("notification:new")), QList<QString> {"own"});
    // Its unread counts are its own: the initial 0, then 1 for "own".
    QCOMPARE(victim->events(QStringLiteral("notification:unread_count")).size(), 2);
    QCOMPARE(victim->lastUnreadCount(), 1);
    QCOMPARE(eve->events(QStringLiteral("notification:new")).size(), 1);
}

void TestTenantIsolation::broadcastDoesNotCrossIntoAnotherOrg()
{
    TestServer s;
    // Before: org `acme:user:x`'s room was acme user x's room, org `acme:role:admin`'s was
    // acme's admin role room.
    auto x = connectUser(s, acme, QStringLiteral("x"), QStringLiteral("admin"));
    auto insider = connectUser(s, acmeUserX, QStringLiteral("y"));
    auto roleInsider = connectUser(s, QStringLiteral("acme:role:admin"), QStringLiteral("z"));
    QVERIFY(x && insider && roleInsider);

    auto r = broadcast(s, {{QStringLiteral("orgId"), acmeUserX}}, QStringLiteral("to acme:user:x"));
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json.value(QStringLiteral("deliveredConnections")).toInt(), 1);
    r = broadcast(s, {{QStringLiteral("orgId"), QStringLiteral("acme:role:admin")}},
                  QStringLiteral("to acme:role:admin"));
    QCOMPARE(r.json.value(QStringLiteral("deliveredConnections")).toInt(), 1);
    QVERIFY(insider->waitForEvents(QStringLiteral("announcement"), 1));
    QVERIFY(roleInsider->waitForEvents(QStringLiteral("announcement"), 1));

    // Barrier: acme's admins' own announcement reaches x, and is the only one it got.
    r = broadcast(
        s, {{QStringLiteral("orgId"), acme}, {QStringLiteral("role"), QStringLiteral("admin")}},
        QStringLiteral("to acme admins"));
    QCOMPARE(r.json.value(QStringLiteral("deliveredConnections")).toInt(), 1);
    QVERIFY(x->waitForEvents(QStringLiteral("announcement"), 1));
    QCOMPARE(titles(*x, QStringLiteral("announcement")), QList<QString> {"to acme admins"});
    QCOMPARE(titles(*insider, QStringLiteral("announcement")), QList<QString> {"to acme:user:x"});
    QCOMPARE(titles(*roleInsider, QStringLiteral("announcement")),
             QList<QString> {"to acme:role:admin"});
}

void TestTenantIsolation::presenceCountsTheRightRecipient()
{
    TestServer s;
    auto victim = connectUser(s, acme, QStringLiteral("x:user:eve"));
    QVERIFY(victim);
    const auto presence = [&](const QString &org, const QString &user) {
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("orgId"), QString::fromLatin1(QUrl::toPercentEncoding(org)));
        q.addQueryItem(QStringLiteral("userId"),
                       QString::fromLatin1(QUrl::toPercentEncoding(user)));
        const auto r = s.request("GET", QStringLiteral("/api/v1/presence?") + q.query());
        return std::make_pair(r.json.value(QStringLiteral("online")).toBool(),
                              r.json.value(QStringLiteral("connections")).toInt());
    };
    QCOMPARE(presence(acmeUserX, QStringLiteral("eve")), std::make_pair(false, 0));
    QCOMPARE(presence(acme, QStringLiteral("x:user:eve")), std::make_pair(true, 1));

    // Stats count three rooms of distinct names for each: user, org, broadcast.
    auto eve = connectUser(s, acmeUserX, QStringLiteral("eve"));
    QVERIFY(eve);
    QCOMPARE(presence(acmeUserX, QStringLiteral("eve")), std::make_pair(true, 1));
    QCOMPARE(presence(acme, QStringLiteral("x:user:eve")), std::make_pair(true, 1));
    const auto stats = s.request("GET", QStringLiteral("/api/v1/stats"));
    QCOMPARE(stats.json.value(QStringLiteral("rooms")).toInt(), 5);
}

void TestTenantIsolation::perUserLimitCountsTheRightRecipient()
{
    // The limit is counted on the user's room: with shared names, another tenant's
    // connections used up the victim's allowance (and the other way round).
    TestServer s([](ServerConfig &c) { c.maxConnectionsPerUser = 1; });
    auto victim = connectUser(s, acme, QStringLiteral("x:user:eve"));
    QVERIFY(victim);
    auto eve = connectUser(s, acmeUserX, QStringLiteral("eve"));
    QVERIFY(eve);
    // The limit itself still holds for the same recipient.
    WsClient second(s.wsUrl(mintToken(acmeUserX, QStringLiteral("eve"))));
    QVERIFY(second.waitClosed());
    QCOMPARE(int(second.socket.closeCode()), 1008);
    QVERIFY(!victim->closed && !eve->closed);
}

void TestTenantIsolation::tokenWithInvalidIdIsRefused_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::newRow("newline in sub") << mintToken(acme, QStringLiteral("eve\nadmin"));
    QTest::newRow("CR in org") << mintToken(QStringLiteral("ac\rme"), QStringLiteral("eve"));
    QTest::newRow("NUL in role") << mintToken(acme, QStringLiteral("eve"), QString(QChar(0)));
    QTest::newRow("C1 in sub") << mintToken(acme, QStringLiteral("eve\u0085"));
    QTest::newRow("U+2028 in sub") << mintToken(acme, QStringLiteral("eve\u2028"));
    QTest::newRow("lone surrogate in sub") << signedToken(payload(R"("eve\ud800")", R"("acme")"));
    QTest::newRow("lone low surrogate in org")
        << signedToken(payload(R"("eve")", R"("\udc00acme")"));
    QTest::newRow("not UTF-8 in sub") << signedToken(payload("\"eve\xff\"", R"("acme")"));
    QTest::newRow("sub too long") << mintToken(acme, QString(129, u'e'));
    QTest::newRow("control in sid")
        << signedToken(payload(R"("eve")", R"("acme")", R"("sid":"s\u0007")"));
}

void TestTenantIsolation::tokenWithInvalidIdIsRefused()
{
    QFETCH(QByteArray, token);
    TestServer s;
    WsClient c(s.wsUrl(token));
    QVERIFY(c.waitClosed());
    QCOMPARE(int(c.socket.closeCode()), 4001);
    QVERIFY2(c.socket.closeReason().startsWith(QStringLiteral("unauthorized")),
             qPrintable(c.socket.closeReason()));
    QVERIFY(c.messages.isEmpty());
    QCOMPARE(s.server->metrics().authFailuresTotal(), 1u);

    // The polling path takes the same credential and refuses it the same way.
    const auto me = s.request("GET", QStringLiteral("/api/v1/me/unread-count"), {}, token);
    QCOMPARE(me.status, 401);
    QCOMPARE(me.code(), QStringLiteral("unauthorized"));
}

void TestTenantIsolation::apiRefusesInvalidIds_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("field"); // how the error message starts

    const QByteArray note = R"(,"type":"T","title":"t"})";
    QTest::newRow("publish: lone surrogate user")
        << "POST"
        << "/api/v1/notifications" << QByteArray(R"({"orgId":"acme","userIds":["\ud800"])" + note)
        << "userIds[0]:";
    QTest::newRow("publish: lone surrogate org")
        << "POST"
        << "/api/v1/notifications" << QByteArray(R"({"orgId":"a\udfffb","userIds":["eve"])" + note)
        << "orgId:";
    QTest::newRow("publish: recipients, reversed pair")
        << "POST"
        << "/api/v1/notifications"
        << QByteArray(R"({"recipients":[{"orgId":"acme","userId":"\udc00\ud800"}])" + note)
        << "recipients[0].userId:";
    QTest::newRow("publish: U+2029 in user")
        << "POST"
        << "/api/v1/notifications" << QByteArray(R"({"orgId":"acme","userIds":["a\u2029b"])" + note)
        << "userIds[0]:";
    QTest::newRow("publish: lone surrogate idempotencyKey")
        << "POST"
        << "/api/v1/notifications"
        << QByteArray(
               R"({"orgId":"acme","userIds":["eve"],"idempotencyKey":"k\ud800","type":"T","title":"t"})")
        << "idempotencyKey:";
    QTest::newRow("broadcast: lone surrogate role")
        << "POST"
        << "/api/v1/broadcasts" << QByteArray(R"({"orgId":"acme","role":"\ud800","title":"t"})")
        << "role:";
    QTest::newRow("session: lone surrogate user")
        << "POST"
        << "/api/v1/sessions" << QByteArray(R"({"orgId":"acme","userId":"\ud800","ttlSeconds":60})")
        << "userId:";
    QTest::newRow("session: newline in role")
        << "POST"
        << "/api/v1/sessions"
        << QByteArray(R"({"orgId":"acme","userId":"eve","role":"a\nb","ttlSeconds":60})")
        << "role:";
    QTest::newRow("presence: bytes that are not UTF-8")
        << "GET"
        << "/api/v1/presence?orgId=acme&userId=%FF" << QByteArray() << "userId:";
    QTest::newRow("inbox: lone surrogate as CESU-8")
        << "GET"
        << "/api/v1/notifications?orgId=%ED%A0%80&userId=eve" << QByteArray() << "orgId:";
}

void TestTenantIsolation::apiRefusesInvalidIds()
{
    QFETCH(QString, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(QString, field);
    TestServer s;
    const auto r = s.request(method.toLatin1(), path, body);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.code(), QStringLiteral("invalid_payload"));
    QVERIFY2(r.message().startsWith(field), qPrintable(r.message()));
}

void TestTenantIsolation::storedSessionIdsAreTheOnesGiven()
{
    // Ids with the characters that used to join rooms still work end to end, through a
    // session token as through a JWT.
    TestServer s;
    const auto created = s.request(
        "POST", QStringLiteral("/api/v1/sessions"),
        QJsonDocument(QJsonObject {{QStringLiteral("orgId"), QStringLiteral("a%3Ab:c")},
                                   {QStringLiteral("userId"), QStringLiteral("u:role:r")},
                                   {QStringLiteral("ttlSeconds"), 60}})
            .toJson(QJsonDocument::Compact));
    QCOMPARE(created.status, 201);
    WsClient c(s.wsUrl(created.json.value(QStringLiteral("token")).toString().toLatin1()));
    QVERIFY(c.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    const auto r = s.publish(QStringLiteral("a%3Ab:c"), {QStringLiteral("u:role:r")},
                             QStringLiteral("hello"));
    QCOMPARE(r.json.value(QStringLiteral("deliveredConnections")).toInt(), 1);
    QVERIFY(c.waitForEvents(QStringLiteral("notification:new"), 1));
    QCOMPARE(titles(c, QStringLiteral("notification:new")), QList<QString> {"hello"});
}

QTEST_MAIN(TestTenantIsolation)
#include "test_tenantisolation.moc"
