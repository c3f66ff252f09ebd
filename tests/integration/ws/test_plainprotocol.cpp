// The plain WebSocket protocol of docs/protocol.md against a real in-process notifyd on loopback.
#include "testserver.h"

#include "server/delivery/roomdirectory.h"
#include "server/metrics/metrics.h"
#include "shared/auth/base64url.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTcpSocket>

using namespace notify;
using namespace notify::test;

class TestPlainProtocol : public QObject
{
    Q_OBJECT

private slots:
    void rejectsBadCredentials_data();
    void rejectsBadCredentials();
    void rejectsRevokedSession();
    void closesWhenSessionExpires();
    void closesWhenSessionRevokedWhileConnected();
    void acceptsBearerHeaderAndCookie();
    void deliversToEveryTabOfTheRecipientOnly();
    void unreadCountSequence();
    void readsAndDeletesSyncAcrossTabs();
    void seenSyncsAcrossTabsApartFromRead();
    void getRecentWithAndWithoutCursors();
    void recoversMissedNotificationsWithLastSeq();
    void acksSetDeliveredAt();
    void requestErrors();
    void rateLimit();
    void oversizeFrameIsClosedWith1009();
    void perUserConnectionLimit();
    void disallowedOriginIsRefused();
    void unknownPathIsClosedWith4004();
    void heartbeatTimeoutEndsSilentClient();
    void slowConsumerIsClosedNotBufferedForever();
};

namespace {
QByteArray alterSignature(QByteArray token)
{
    token[token.size() - 2] = token[token.size() - 2] == 'A' ? 'B' : 'A';
    return token;
}

QByteArray algNoneToken()
{
    const QByteArray header = base64UrlEncode(R"({"alg":"none","typ":"JWT"})");
    const qint64 exp = QDateTime::currentSecsSinceEpoch() + 3600;
    const QByteArray payload = base64UrlEncode(
        QStringLiteral(R"({"sub":"u1","org":"o1","exp":%1})").arg(exp).toUtf8());
    return header + '.' + payload + '.' + base64UrlEncode("x");
}

QString createSession(TestServer &s, const QString &org, const QString &user, int ttl,
                      QString *sessionToken)
{
    const auto r = s.request("POST", QStringLiteral("/api/v1/sessions"),
                             QJsonDocument(QJsonObject{{QStringLiteral("orgId"), org},
                                                       {QStringLiteral("userId"), user},
                                                       {QStringLiteral("ttlSeconds"), ttl}})
                                 .toJson(QJsonDocument::Compact));
    *sessionToken = r.json.value(QStringLiteral("token")).toString();
    return r.json.value(QStringLiteral("expiresAt")).toString();
}

QStringList idsOf(const TestServer::Response &r)
{
    return r.notificationIds();
}
} // namespace

void TestPlainProtocol::rejectsBadCredentials_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::newRow("none") << QByteArray();
    QTest::newRow("bad signature") << alterSignature(mintToken("o1", "u1"));
    QTest::newRow("wrong secret") << mintToken("o1", "u1", {}, 3600, "another-secret-another-secret-xx");
    QTest::newRow("expired") << mintToken("o1", "u1", {}, -120);
    QTest::newRow("alg none") << algNoneToken();
    QTest::newRow("garbage") << QByteArray("not-a-token");
    QTest::newRow("unknown session") << QByteArray(43, 'a');
}

void TestPlainProtocol::rejectsBadCredentials()
{
    QFETCH(QByteArray, token);
    TestServer s;
    WsClient c(s.wsUrl(token));
    QVERIFY(c.waitClosed());
    QCOMPARE(int(c.socket.closeCode()), 4001);
    QCOMPARE(c.socket.closeReason(), QStringLiteral("unauthorized"));
    QVERIFY(c.messages.isEmpty()); // rejected before any other frame
    QCOMPARE(s.server->metrics().authFailuresTotal(), 1u);
}

void TestPlainProtocol::rejectsRevokedSession()
{
    TestServer s;
    QString token;
    createSession(s, QStringLiteral("o1"), QStringLiteral("u1"), 3600, &token);
    QVERIFY(!token.isEmpty());
    QCOMPARE(s.request("DELETE", QStringLiteral("/api/v1/sessions/") + token).status, 204);
    WsClient c(s.wsUrl(token.toLatin1()));
    QVERIFY(c.waitClosed());
    QCOMPARE(int(c.socket.closeCode()), 4001);
}

void TestPlainProtocol::closesWhenSessionExpires()
{
    TestServer s;
    QString token;
    createSession(s, QStringLiteral("o1"), QStringLiteral("u1"), 2, &token);
    WsClient c(s.wsUrl(token.toLatin1()));
    QVERIFY(c.waitConnected());
    QVERIFY(c.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    QVERIFY(!c.closed);
    QVERIFY(c.waitClosed(5000)); // 2 s ttl, closed within 1 s after
    QCOMPARE(int(c.socket.closeCode()), 4001);
    QCOMPARE(c.socket.closeReason(), QStringLiteral("session expired"));
}

void TestPlainProtocol::closesWhenSessionRevokedWhileConnected()
{
    TestServer s;
    QString token;
    createSession(s, QStringLiteral("o1"), QStringLiteral("u1"), 3600, &token);
    WsClient c(s.wsUrl(token.toLatin1()));
    WsClient other(s.wsUrl(mintToken("o1", "u1")));
    QVERIFY(c.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    QVERIFY(other.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    QCOMPARE(s.request("DELETE", QStringLiteral("/api/v1/sessions/") + token).status, 204);
    QVERIFY(c.waitClosed(1500));
    QCOMPARE(int(c.socket.closeCode()), 4001);
    QVERIFY(!other.closed); // the same user's JWT connection is not that session
}

void TestPlainProtocol::acceptsBearerHeaderAndCookie()
{
    TestServer s;
    const QUrl url(QStringLiteral("ws://127.0.0.1:%1/ws/notifications").arg(s.server->clientPort()));
    QWebSocket bearer;
    QNetworkRequest r1(url);
    r1.setRawHeader("Authorization", "Bearer " + mintToken("o1", "u1"));
    QSignalSpy bearerMsgs(&bearer, &QWebSocket::textMessageReceived);
    bearer.open(r1);
    QVERIFY(bearerMsgs.wait(5000));

    QString session;
    createSession(s, QStringLiteral("o1"), QStringLiteral("u1"), 3600, &session);
    QWebSocket cookie;
    QNetworkRequest r2(url);
    r2.setRawHeader("Cookie", "theme=dark; session_id=" + session.toLatin1());
    QSignalSpy cookieMsgs(&cookie, &QWebSocket::textMessageReceived);
    cookie.open(r2);
    QVERIFY(cookieMsgs.wait(5000));
    QVERIFY(cookieMsgs.first().first().toString().contains(QStringLiteral("unread_count")));
}

void TestPlainProtocol::deliversToEveryTabOfTheRecipientOnly()
{
    TestServer s;
    const QStringList orgs{QStringLiteral("acme"), QStringLiteral("globex"), QStringLiteral("initech")};
    // The same user ids in every org: isolation must hold on (org, user), not on user alone.
    const QStringList users{QStringLiteral("u1"), QStringLiteral("u2"), QStringLiteral("u3"),
                            QStringLiteral("u4")};
    std::vector<std::unique_ptr<WsClient>> tabs;
    QHash<QString, QList<WsClient *>> tabsOf;
    for (const QString &org : orgs) {
        for (const QString &user : users) {
            for (int tab = 0; tab < 2; ++tab) {
                tabs.push_back(std::make_unique<WsClient>(s.wsUrl(mintToken(org, user))));
                tabsOf[org + '/' + user].append(tabs.back().get());
            }
        }
    }
    for (auto &t : tabs)
        QVERIFY(t->waitForEvents(QStringLiteral("notification:unread_count"), 1));

    QRandomGenerator rng(20261122);
    QHash<QString, QSet<QString>> expected; // "org/user" → titles
    for (int i = 0; i < 40; ++i) {
        const QString org = orgs[rng.bounded(orgs.size())];
        QStringList to;
        for (const QString &user : users) {
            if (rng.bounded(2))
                to.append(user);
        }
        if (to.isEmpty())
            to.append(users[rng.bounded(users.size())]);
        const QString title = QStringLiteral("n%1").arg(i);
        const auto r = s.publish(org, to, title);
        QCOMPARE(r.status, 201);
        for (const QString &user : to)
            expected[org + '/' + user].insert(title);
    }
    for (auto it = tabsOf.begin(); it != tabsOf.end(); ++it) {
        const QSet<QString> want = expected.value(it.key());
        for (WsClient *tab : it.value()) {
            QVERIFY(tab->waitForEvents(QStringLiteral("notification:new"), int(want.size())));
        }
    }
    // A last marker to everyone makes sure nothing unexpected is still in flight.
    for (const QString &org : orgs)
        QCOMPARE(s.publish(org, users, QStringLiteral("marker")).status, 201);
    for (auto it = tabsOf.begin(); it != tabsOf.end(); ++it) {
        QSet<QString> want = expected.value(it.key());
        want.insert(QStringLiteral("marker"));
        for (WsClient *tab : it.value()) {
            QVERIFY(tab->waitForEvents(QStringLiteral("notification:new"), int(want.size())));
            QSet<QString> got;
            for (const QJsonObject &e : tab->events(QStringLiteral("notification:new"))) {
                const QJsonObject n = e.value(QStringLiteral("notification")).toObject();
                QVERIFY(!n.contains(QStringLiteral("orgId")));
                QVERIFY(!n.contains(QStringLiteral("userId")));
                got.insert(n.value(QStringLiteral("title")).toString());
            }
            QCOMPARE(tab->events(QStringLiteral("notification:new")).size(), want.size());
            QCOMPARE(got, want);
        }
    }
}

void TestPlainProtocol::unreadCountSequence()
{
    TestServer s;
    WsClient c(s.wsUrl(mintToken("o1", "u1")));
    QVERIFY(c.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    QCOMPARE(c.lastUnreadCount(), 0);
    for (int i = 1; i <= 3; ++i) {
        QCOMPARE(s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("t%1").arg(i)).status, 201);
        QVERIFY(c.waitForEvents(QStringLiteral("notification:unread_count"), 1 + i));
    }
    QList<int> seq;
    for (const QJsonObject &e : c.events(QStringLiteral("notification:unread_count")))
        seq.append(e.value(QStringLiteral("unreadCount")).toInt());
    QCOMPARE(seq, (QList<int>{0, 1, 2, 3}));
    const QJsonObject reply = c.call(QStringLiteral("get_unread_count"));
    QCOMPARE(reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("unreadCount")).toInt(), 3);
}

void TestPlainProtocol::readsAndDeletesSyncAcrossTabs()
{
    TestServer s;
    WsClient a(s.wsUrl(mintToken("o1", "u1")));
    WsClient b(s.wsUrl(mintToken("o1", "u1")));
    WsClient stranger(s.wsUrl(mintToken("o2", "u1")));
    QVERIFY(a.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    QVERIFY(b.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    QVERIFY(stranger.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    const auto r = s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("one"));
    const auto r2 = s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("two"));
    const auto r3 = s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("three"));
    const QString id1 = idsOf(r).value(0), id2 = idsOf(r2).value(0), id3 = idsOf(r3).value(0);
    QVERIFY(b.waitForEvents(QStringLiteral("notification:new"), 3));

    // mark_read in tab a: both tabs learn it.
    QJsonObject reply = a.call(QStringLiteral("mark_read"),
                               {{QStringLiteral("notificationIds"), QJsonArray{id1}}});
    QJsonObject data = reply.value(QStringLiteral("data")).toObject();
    QCOMPARE(reply.value(QStringLiteral("type")).toString(), QStringLiteral("reply"));
    QCOMPARE(data.value(QStringLiteral("updated")).toInt(), 1);
    QCOMPARE(data.value(QStringLiteral("unreadCount")).toInt(), 2);
    QVERIFY(b.waitForEvents(QStringLiteral("notification:marked_read"), 1));
    QCOMPARE(b.events(QStringLiteral("notification:marked_read")).first()
                 .value(QStringLiteral("notificationIds")).toArray(), QJsonArray{id1});
    QTRY_COMPARE(b.lastUnreadCount(), 2);

    // Another organization's user with the same id cannot touch it: not found.
    reply = stranger.call(QStringLiteral("delete"), {{QStringLiteral("notificationIds"), QJsonArray{id2}}});
    QCOMPARE(reply.value(QStringLiteral("type")).toString(), QStringLiteral("error"));
    QCOMPARE(reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("not_found"));

    // delete in tab b: both tabs learn it.
    reply = b.call(QStringLiteral("delete"), {{QStringLiteral("notificationIds"), QJsonArray{id2}}});
    data = reply.value(QStringLiteral("data")).toObject();
    QCOMPARE(data.value(QStringLiteral("deleted")).toInt(), 1);
    QCOMPARE(data.value(QStringLiteral("unreadCount")).toInt(), 1);
    QVERIFY(a.waitForEvents(QStringLiteral("notification:deleted"), 1));
    QTRY_COMPARE(a.lastUnreadCount(), 1);

    // mark_all_read in tab a.
    reply = a.call(QStringLiteral("mark_all_read"));
    data = reply.value(QStringLiteral("data")).toObject();
    QCOMPARE(data.value(QStringLiteral("updated")).toInt(), 1);
    QCOMPARE(data.value(QStringLiteral("unreadCount")).toInt(), 0);
    QVERIFY(b.waitForEvents(QStringLiteral("notification:marked_read"), 2));
    QCOMPARE(b.events(QStringLiteral("notification:marked_read")).last()
                 .value(QStringLiteral("notificationIds")).toArray(), QJsonArray{id3});
    QTRY_COMPARE(b.lastUnreadCount(), 0);
    QVERIFY(stranger.events(QStringLiteral("notification:marked_read")).isEmpty());
    QVERIFY(stranger.events(QStringLiteral("notification:deleted")).isEmpty());
}

// Seen (the badge) apart from read (docs/protocol.md, "Inbox states"): every count event
// and reply carries unseenCount, every tab learns what was seen, a read is seen too, and
// bad or foreign ids change nothing.
void TestPlainProtocol::seenSyncsAcrossTabsApartFromRead()
{
    TestServer s;
    WsClient a(s.wsUrl(mintToken("o1", "u1")));
    WsClient b(s.wsUrl(mintToken("o1", "u1")));
    WsClient stranger(s.wsUrl(mintToken("o2", "u1")));
    QVERIFY(a.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    QVERIFY(b.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    QVERIFY(stranger.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    QCOMPARE(b.events(QStringLiteral("notification:unread_count")).first().value(QStringLiteral("unseenCount")).toInt(-1), 0);
    QStringList ids;
    for (const char *title : {"one", "two", "three"})
        ids.append(idsOf(s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QString::fromLatin1(title))).value(0));
    QVERIFY(b.waitForEvents(QStringLiteral("notification:unread_count"), 4));
    auto lastCount = [](WsClient &c, const char *key) {
        return c.events(QStringLiteral("notification:unread_count")).last().value(QLatin1String(key)).toInt();
    };
    QCOMPARE(lastCount(b, "unseenCount"), 3);

    // mark_seen in tab a: the unseen count drops, the unread count stays.
    QJsonObject reply = a.call(QStringLiteral("mark_seen"), {{QStringLiteral("notificationIds"), QJsonArray{ids[0]}}});
    QJsonObject data = reply.value(QStringLiteral("data")).toObject();
    QCOMPARE(reply.value(QStringLiteral("type")).toString(), QStringLiteral("reply"));
    QCOMPARE(data.value(QStringLiteral("updated")).toInt(), 1);
    QCOMPARE(data.value(QStringLiteral("unreadCount")).toInt(), 3);
    QCOMPARE(data.value(QStringLiteral("unseenCount")).toInt(), 2);
    QVERIFY(b.waitForEvents(QStringLiteral("notification:seen"), 1));
    const QJsonObject seen = b.events(QStringLiteral("notification:seen")).first();
    QCOMPARE(seen.value(QStringLiteral("notificationIds")).toArray(), QJsonArray{ids[0]});
    QVERIFY(!seen.value(QStringLiteral("seenAt")).toString().isEmpty());
    QTRY_COMPARE(lastCount(b, "unseenCount"), 2);
    QCOMPARE(lastCount(b, "unreadCount"), 3);

    // Seeing it again changes nothing and is no error; another user's id is not found.
    reply = b.call(QStringLiteral("mark_seen"), {{QStringLiteral("notificationIds"), QJsonArray{ids[0]}}});
    QCOMPARE(reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("updated")).toInt(), 0);
    reply = stranger.call(QStringLiteral("mark_seen"), {{QStringLiteral("notificationIds"), QJsonArray{ids[1]}}});
    QCOMPARE(reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("not_found"));
    reply = a.call(QStringLiteral("mark_seen"), {{QStringLiteral("notificationIds"), QJsonArray{}}});
    QCOMPARE(reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("invalid_payload"));
    reply = a.call(QStringLiteral("mark_seen"));
    QCOMPARE(reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("invalid_payload"));
    QVERIFY(reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("notificationIds")));

    // A read is seen too: reading an unseen one lowers both counts.
    reply = a.call(QStringLiteral("mark_read"), {{QStringLiteral("notificationIds"), QJsonArray{ids[1]}}});
    data = reply.value(QStringLiteral("data")).toObject();
    QCOMPARE(data.value(QStringLiteral("unreadCount")).toInt(), 2);
    QCOMPARE(data.value(QStringLiteral("unseenCount")).toInt(), 1);

    // mark_all_seen in tab b: tab a learns which, both badges are 0, the unread count stays.
    reply = b.call(QStringLiteral("mark_all_seen"));
    data = reply.value(QStringLiteral("data")).toObject();
    QCOMPARE(data.value(QStringLiteral("updated")).toInt(), 1);
    QCOMPARE(data.value(QStringLiteral("unseenCount")).toInt(), 0);
    QCOMPARE(data.value(QStringLiteral("unreadCount")).toInt(), 2);
    QVERIFY(a.waitForEvents(QStringLiteral("notification:seen"), 2));
    QCOMPARE(a.events(QStringLiteral("notification:seen")).last().value(QStringLiteral("notificationIds")).toArray(), QJsonArray{ids[2]});
    QTRY_COMPARE(lastCount(a, "unseenCount"), 0);
    QCOMPARE(lastCount(a, "unreadCount"), 2);
    reply = a.call(QStringLiteral("get_unread_count"));
    QCOMPARE(reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("unseenCount")).toInt(), 0);
    QCOMPARE(reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("unreadCount")).toInt(), 2);

    // A new one is unseen; the stranger saw none of this.
    s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("four"));
    QTRY_COMPARE(lastCount(a, "unseenCount"), 1);
    reply = a.call(QStringLiteral("get_recent"));
    QCOMPARE(reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("unseenCount")).toInt(), 1);
    QVERIFY(stranger.events(QStringLiteral("notification:seen")).isEmpty());
}

void TestPlainProtocol::getRecentWithAndWithoutCursors()
{
    TestServer s;
    for (int i = 1; i <= 5; ++i)
        QCOMPARE(s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("t%1").arg(i)).status, 201);
    WsClient c(s.wsUrl(mintToken("o1", "u1")));
    QVERIFY(c.waitConnected());

    QJsonObject data = c.call(QStringLiteral("get_recent"), {{QStringLiteral("limit"), 3}})
                           .value(QStringLiteral("data")).toObject();
    QJsonArray list = data.value(QStringLiteral("notifications")).toArray();
    QCOMPARE(list.size(), 3);
    QCOMPARE(list.first().toObject().value(QStringLiteral("seq")).toInt(), 5); // newest first
    QCOMPARE(data.value(QStringLiteral("hasMore")).toBool(), true);
    QCOMPARE(data.value(QStringLiteral("unreadCount")).toInt(), 5);

    data = c.call(QStringLiteral("get_recent"), {{QStringLiteral("afterSeq"), 2}, {QStringLiteral("limit"), 2}})
               .value(QStringLiteral("data")).toObject();
    list = data.value(QStringLiteral("notifications")).toArray();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list[0].toObject().value(QStringLiteral("seq")).toInt(), 3); // ascending
    QCOMPARE(list[1].toObject().value(QStringLiteral("seq")).toInt(), 4);
    QCOMPARE(data.value(QStringLiteral("hasMore")).toBool(), true);

    data = c.call(QStringLiteral("get_recent"), {{QStringLiteral("since"), QStringLiteral("2000-01-01T00:00:00.000Z")}})
               .value(QStringLiteral("data")).toObject();
    QCOMPARE(data.value(QStringLiteral("notifications")).toArray().size(), 5);
    data = c.call(QStringLiteral("get_recent"), {{QStringLiteral("since"), QStringLiteral("2999-01-01T00:00:00.000Z")}})
               .value(QStringLiteral("data")).toObject();
    QCOMPARE(data.value(QStringLiteral("notifications")).toArray().size(), 0);

    const QJsonObject bad = c.call(QStringLiteral("get_recent"), {{QStringLiteral("limit"), 101}});
    QCOMPARE(bad.value(QStringLiteral("data")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("invalid_payload"));
}

void TestPlainProtocol::recoversMissedNotificationsWithLastSeq()
{
    TestServer s;
    {
        WsClient c(s.wsUrl(mintToken("o1", "u1")));
        QVERIFY(c.waitForEvents(QStringLiteral("notification:unread_count"), 1));
        QCOMPARE(s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("seen")).status, 201);
        QVERIFY(c.waitForEvents(QStringLiteral("notification:new"), 1));
        c.socket.close();
        QVERIFY(c.waitClosed());
    }
    // Published while the client was away.
    for (int i = 0; i < 3; ++i)
        QCOMPARE(s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("missed%1").arg(i)).status, 201);
    WsClient back(s.wsUrl(mintToken("o1", "u1"), QStringLiteral("lastSeq=1")));
    QVERIFY(back.waitForEvents(QStringLiteral("notification:recent"), 1));
    const QJsonObject recent = back.events(QStringLiteral("notification:recent")).first();
    const QJsonArray list = recent.value(QStringLiteral("notifications")).toArray();
    QCOMPARE(list.size(), 3);
    QCOMPARE(list[0].toObject().value(QStringLiteral("seq")).toInt(), 2);
    QCOMPARE(list[2].toObject().value(QStringLiteral("seq")).toInt(), 4);
    QCOMPARE(list[0].toObject().value(QStringLiteral("title")).toString(), QStringLiteral("missed0"));
    QCOMPARE(recent.value(QStringLiteral("hasMore")).toBool(), false);
    QCOMPARE(recent.value(QStringLiteral("unreadCount")).toInt(), 4);
}

void TestPlainProtocol::acksSetDeliveredAt()
{
    TestServer s;
    WsClient c(s.wsUrl(mintToken("o1", "u1")));
    QVERIFY(c.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    const auto r = s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("hello"));
    const QString id = idsOf(r).value(0);
    QVERIFY(c.waitForEvents(QStringLiteral("notification:new"), 1));
    auto deliveredAt = [&] {
        const auto inbox = s.request("GET", QStringLiteral("/api/v1/notifications?orgId=o1&userId=u1"));
        return inbox.json.value(QStringLiteral("notifications")).toArray().first().toObject()
            .value(QStringLiteral("deliveredAt"));
    };
    QVERIFY(deliveredAt().isNull());
    c.socket.sendTextMessage(QStringLiteral(R"({"type":"ack","data":{"notificationIds":["%1"]}})").arg(id));
    QTRY_VERIFY_WITH_TIMEOUT(deliveredAt().isString(), 5000);
    QTRY_COMPARE(s.server->metrics().acked.load(), 1u);
}

void TestPlainProtocol::requestErrors()
{
    TestServer s;
    WsClient c(s.wsUrl(mintToken("o1", "u1")));
    QVERIFY(c.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    auto lastError = [&] {
        return c.events(QStringLiteral("error")).isEmpty()
            ? QString() : c.events(QStringLiteral("error")).last().value(QStringLiteral("code")).toString();
    };
    c.socket.sendTextMessage(QStringLiteral("{not json"));
    QTRY_COMPARE(lastError(), QStringLiteral("invalid_json"));
    c.socket.sendTextMessage(QStringLiteral(R"(["array"])"));
    QTRY_COMPARE(c.events(QStringLiteral("error")).size(), 2);
    QCOMPARE(lastError(), QStringLiteral("invalid_json"));
    QJsonObject reply = c.call(QStringLiteral("no_such_thing"));
    QCOMPARE(reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("unknown_type"));
    reply = c.call(QStringLiteral("mark_read"), {{QStringLiteral("notificationIds"), QJsonArray{}}});
    QCOMPARE(reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("invalid_payload"));
    QJsonArray tooMany;
    for (int i = 0; i < 501; ++i)
        tooMany.append(QStringLiteral("id%1").arg(i));
    reply = c.call(QStringLiteral("delete"), {{QStringLiteral("notificationIds"), tooMany}});
    QCOMPARE(reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("invalid_payload"));
    reply = c.call(QStringLiteral("mark_read"), {{QStringLiteral("notificationIds"), QJsonArray{QStringLiteral("nope")}}});
    QCOMPARE(reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("not_found"));
    QVERIFY(!c.closed); // bad input never costs the connection
}

void TestPlainProtocol::rateLimit()
{
    TestServer s([](ServerConfig &c) { c.rateLimit = RateLimit{5, 5}; });
    WsClient c(s.wsUrl(mintToken("o1", "u1")));
    QVERIFY(c.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    for (int i = 0; i < 8; ++i)
        c.socket.sendTextMessage(QStringLiteral(R"({"type":"get_unread_count","id":"%1"})").arg(i));
    QVERIFY(c.waitForEvents(QStringLiteral("error"), 1));
    QCOMPARE(c.events(QStringLiteral("error")).first().value(QStringLiteral("code")).toString(),
             QStringLiteral("rate_limited"));
    QVERIFY(s.server->metrics().rateLimited.load() >= 1u);
    // Hammering on: closed with 4029.
    for (int i = 0; i < 50 && !c.closed; ++i)
        c.socket.sendTextMessage(QStringLiteral(R"({"type":"get_unread_count"})"));
    QVERIFY(c.waitClosed());
    QCOMPARE(int(c.socket.closeCode()), 4029);
}

void TestPlainProtocol::oversizeFrameIsClosedWith1009()
{
    TestServer s([](ServerConfig &c) { c.maxMessageBytes = 1024; });
    WsClient c(s.wsUrl(mintToken("o1", "u1")));
    QVERIFY(c.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    c.socket.sendTextMessage(QString(2048, QLatin1Char('x')));
    QVERIFY(c.waitClosed());
    QCOMPARE(int(c.socket.closeCode()), 1009);
}

void TestPlainProtocol::perUserConnectionLimit()
{
    TestServer s([](ServerConfig &c) { c.maxConnectionsPerUser = 2; });
    WsClient a(s.wsUrl(mintToken("o1", "u1")));
    WsClient b(s.wsUrl(mintToken("o1", "u1")));
    QVERIFY(a.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    QVERIFY(b.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    WsClient third(s.wsUrl(mintToken("o1", "u1")));
    QVERIFY(third.waitClosed());
    QCOMPARE(int(third.socket.closeCode()), 1008);
    WsClient otherOrg(s.wsUrl(mintToken("o2", "u1"))); // another org's u1 is another user
    QVERIFY(otherOrg.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    a.socket.close();
    QVERIFY(a.waitClosed());
    QTRY_COMPARE(s.server->directory().members(QStringLiteral("org:o1:user:u1")), 1);
    WsClient again(s.wsUrl(mintToken("o1", "u1")));
    QVERIFY(again.waitForEvents(QStringLiteral("notification:unread_count"), 1));
}

void TestPlainProtocol::disallowedOriginIsRefused()
{
    TestServer s([](ServerConfig &c) { c.allowedOrigins = {QStringLiteral("https://app.example.com")}; });
    WsClient bad(s.wsUrl(mintToken("o1", "u1")), "https://evil.example.com");
    QVERIFY(bad.waitClosed());
    QCOMPARE(int(bad.socket.closeCode()), 1008);
    WsClient good(s.wsUrl(mintToken("o1", "u1")), "https://app.example.com");
    QVERIFY(good.waitForEvents(QStringLiteral("notification:unread_count"), 1));
}

void TestPlainProtocol::unknownPathIsClosedWith4004()
{
    TestServer s;
    QWebSocket ws;
    QSignalSpy closed(&ws, &QWebSocket::disconnected);
    ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/elsewhere").arg(s.server->clientPort())));
    QVERIFY(closed.wait(5000));
    QCOMPARE(int(ws.closeCode()), 4004);
}

void TestPlainProtocol::heartbeatTimeoutEndsSilentClient()
{
    TestServer s([](ServerConfig &c) {
        c.pingIntervalMs = 300;
        c.pongTimeoutMs = 300;
    });
    // A raw TCP client that completes the handshake and then never reads or answers a ping.
    QTcpSocket raw;
    raw.connectToHost(QHostAddress::LocalHost, s.server->clientPort());
    QVERIFY(raw.waitForConnected(5000));
    raw.write("GET /ws/notifications?token=" + mintToken("o1", "u1") + " HTTP/1.1\r\n"
              "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(s.server->directory().members(QStringLiteral("org:o1:user:u1")), 1, 5000);
    // A well-behaved client of the same server stays connected meanwhile.
    WsClient good(s.wsUrl(mintToken("o1", "u2")));
    QVERIFY(good.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    QSignalSpy gone(&raw, &QTcpSocket::disconnected);
    QVERIFY(gone.wait(5000));
    QCOMPARE(s.server->metrics().heartbeatTimeouts.load(), 1u);
    QTRY_COMPARE(s.server->directory().members(QStringLiteral("org:o1:user:u1")), 0);
    QVERIFY(!good.closed);
}

void TestPlainProtocol::slowConsumerIsClosedNotBufferedForever()
{
    TestServer s([](ServerConfig &c) {
        c.rateLimit = RateLimit{0, 0};
        c.threads = 1;
    });
    // A client that completes the handshake, then stops reading: its receive window fills,
    // then the server's socket buffer, then the server's own send buffer.
    QTcpSocket raw;
    raw.setReadBufferSize(4096);
    raw.connectToHost(QHostAddress::LocalHost, s.server->clientPort());
    QVERIFY(raw.waitForConnected(5000));
    raw.write("GET /ws/notifications?token=" + mintToken("o1", "slow") + " HTTP/1.1\r\n"
              "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(s.server->directory().members(QStringLiteral("org:o1:user:slow")), 1, 5000);
    WsClient healthy(s.wsUrl(mintToken("o1", "healthy")));
    QVERIFY(healthy.waitForEvents(QStringLiteral("notification:unread_count"), 1));

    // Announcements of ~4 KB each to the whole organization, in waves, until the server gives
    // up on the slow client (bounded: at most ~40 MB in total).
    const QByteArray body = QJsonDocument(QJsonObject{
        {QStringLiteral("orgId"), QStringLiteral("o1")}, {QStringLiteral("title"), QStringLiteral("big")},
        {QStringLiteral("body"), QString(3900, QLatin1Char('x'))}}).toJson(QJsonDocument::Compact);
    int sent = 0;
    for (int wave = 0; wave < 100 && s.server->metrics().dropped.load() == 0; ++wave) {
        int pending = 0;
        for (int i = 0; i < 100; ++i) {
            QNetworkRequest req(s.apiUrl(QStringLiteral("/api/v1/broadcasts")));
            req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
            req.setRawHeader("Authorization", "Bearer " + testApiKey.toUtf8());
            QNetworkReply *reply = s.nam.post(req, body);
            ++pending;
            QObject::connect(reply, &QNetworkReply::finished, reply, [&pending, reply] {
                --pending;
                reply->deleteLater();
            });
        }
        QVERIFY(QTest::qWaitFor([&] { return pending == 0; }, 30000));
        sent += 100;
    }
    QTRY_COMPARE_WITH_TIMEOUT(s.server->metrics().dropped.load(), 1u, 10000);
    // A client that never reads again is cut only at the close timeout (5 s, started at the
    // drop): wait well past it, so that a slow build (ASan) does not lose the race.
    QTRY_COMPARE_WITH_TIMEOUT(s.server->directory().members(QStringLiteral("org:o1:user:slow")), 0, 15000);
    // The healthy client kept everything and is still connected.
    QVERIFY(healthy.waitForEvents(QStringLiteral("announcement"), sent, 30000));
    QVERIFY(!healthy.closed);
    qInfo("slow consumer dropped after %d announcements of ~4 KB", sent);
}

QTEST_MAIN(TestPlainProtocol)
#include "test_plainprotocol.moc"
