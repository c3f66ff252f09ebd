// The admin channel (/admin on the API port) against a real in-process notifyd on loopback:
// real consoles (QWebSocket), real clients, real SQLite.
#include "testserver.h"

#include "server/adminchannel/adminchannel.h"
#include "server/metrics/metrics.h"

#include <QSet>

using namespace notify;
using namespace notify::test;

namespace {

const QString adminKey = QStringLiteral("test-admin-key");
const QString unreadCount = QStringLiteral("notification:unread_count");

QUrl consoleUrl(const TestServer &s, const QString &query)
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/admin%2")
                    .arg(s.server->apiPort())
                    .arg(query.isEmpty() ? QString() : QLatin1Char('?') + query));
}

// A console: a WsClient on /admin with the key in the query.
class Console : public WsClient
{
public:
    explicit Console(const TestServer &s, const QString &key = adminKey)
        : WsClient(consoleUrl(s, QStringLiteral("key=") + key))
    { }
    bool waitReady() { return waitForEvents(QStringLiteral("snapshot"), 1); }
    QJsonObject snapshot() const { return events(QStringLiteral("snapshot")).value(0); }
    QJsonObject data(const QJsonObject &message) const
    {
        return message.value(QStringLiteral("data")).toObject();
    }
};

// A client that is authenticated and in its rooms (the first unread count came).
std::unique_ptr<WsClient> connectClient(TestServer &s, const QString &org, const QString &user,
                                        const QString &role = {})
{
    auto c = std::make_unique<WsClient>(s.wsUrl(mintToken(org, user, role)));
    if (!c->waitForEvents(unreadCount, 1))
        qWarning("client %s/%s did not come up", qPrintable(org), qPrintable(user));
    return c;
}

QJsonObject findConnection(const QJsonArray &connections, const QString &org, const QString &user)
{
    for (const QJsonValue &v : connections) {
        const QJsonObject c = v.toObject();
        if (c.value(QStringLiteral("orgId")).toString() == org
            && c.value(QStringLiteral("userId")).toString() == user)
            return c;
    }
    return {};
}

QList<qint64> membersOf(const QJsonArray &rooms, const QString &name)
{
    for (const QJsonValue &v : rooms) {
        const QJsonObject room = v.toObject();
        if (room.value(QStringLiteral("name")).toString() == name) {
            QList<qint64> ids;
            for (const QJsonValue &m : room.value(QStringLiteral("members")).toArray())
                ids.append(m.toInteger());
            return ids;
        }
    }
    return {};
}

QStringList stringList(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &e : v.toArray())
        out.append(e.toString());
    return out;
}

QString errorCode(const QJsonObject &message)
{
    if (message.value(QStringLiteral("type")).toString() != QStringLiteral("error"))
        return QString();
    return message.value(QStringLiteral("data"))
        .toObject()
        .value(QStringLiteral("code"))
        .toString();
}

QString publishOne(TestServer &s, const QString &org, const QString &user, const QString &title)
{
    const auto r = s.publish(org, {user}, title);
    if (r.status != 201)
        return QString();
    return r.json.value(QStringLiteral("notifications"))
        .toArray()
        .at(0)
        .toObject()
        .value(QStringLiteral("id"))
        .toString();
}

} // namespace

class TestAdminChannel : public QObject
{
    Q_OBJECT

private slots:
    void refusesWithoutTheAdminKey_data();
    void refusesWithoutTheAdminKey();
    void acceptsBearerHeader();
    void emptyAdminKeyRefusesEveryone();
    void plainHttpGetIsTold426();
    void helloThenSnapshotWithExistingClients();
    void connectionDeltas();
    void countersEverySecond();
    void traceOnAndOff();
    void sendTestToUserReachesEveryTab();
    void sendTestToUserRoomIsTheUser();
    void sendTestToRoomIsAnAnnouncement();
    void roomNamesEscapeSeparatorsInIds();
    void kickClosesTheClient();
    void listNotifications();
    void snapshotRequest();
    void userRequest();
    void deliveryAnswerTellsPushedNoneAndReceipt();
    void watchUserPushesTheUsersChanges();
    void connectionStatsArePushed();
    void requestErrors();
    void twoConsolesAtOnce();
    void consolesAreNotClients();
    void shutdownClosesConsolesLast();
};

void TestAdminChannel::refusesWithoutTheAdminKey_data()
{
    QTest::addColumn<QString>("query");
    QTest::newRow("no key") << QString();
    QTest::newRow("empty key") << QStringLiteral("key=");
    QTest::newRow("wrong key") << QStringLiteral("key=test-admin-kez");
    QTest::newRow("prefix of the key") << QStringLiteral("key=test-admin");
    QTest::newRow("an API key") << QStringLiteral("key=") + testApiKey;
}

void TestAdminChannel::refusesWithoutTheAdminKey()
{
    QFETCH(QString, query);
    TestServer s;
    WsClient console(consoleUrl(s, query));
    QVERIFY(console.waitClosed());
    QCOMPARE(int(console.socket.closeCode()), 4001);
    QCOMPARE(console.socket.closeReason(), QStringLiteral("unauthorized"));
    QVERIFY(console.messages.isEmpty());
    QCOMPARE(s.server->admin()->consoleCount(), 0);
}

void TestAdminChannel::acceptsBearerHeader()
{
    TestServer s;
    QWebSocket socket;
    QStringList frames;
    connect(&socket, &QWebSocket::textMessageReceived, this,
            [&](const QString &text) { frames.append(text); });
    QNetworkRequest good(consoleUrl(s, {}));
    good.setRawHeader("Authorization", "Bearer " + adminKey.toUtf8());
    socket.open(good);
    QTRY_VERIFY_WITH_TIMEOUT(frames.size() >= 2, 5000);
    QCOMPARE(QJsonDocument::fromJson(frames[0].toUtf8()).object().value("type").toString(),
             QStringLiteral("hello"));

    // The header is the only credential looked at when present: a wrong header with a right
    // query key is refused.
    QWebSocket bad;
    bool closed = false;
    connect(&bad, &QWebSocket::disconnected, this, [&] { closed = true; });
    QNetworkRequest wrong(consoleUrl(s, QStringLiteral("key=") + adminKey));
    wrong.setRawHeader("Authorization", "Bearer nope");
    bad.open(wrong);
    QTRY_VERIFY_WITH_TIMEOUT(closed, 5000);
    QCOMPARE(int(bad.closeCode()), 4001);
}

void TestAdminChannel::emptyAdminKeyRefusesEveryone()
{
    TestServer s([](ServerConfig &c) { c.adminKey.clear(); });
    WsClient empty(consoleUrl(s, QStringLiteral("key=")));
    WsClient guess(consoleUrl(s, QStringLiteral("key=test-admin-key")));
    QVERIFY(empty.waitClosed());
    QVERIFY(guess.waitClosed());
    QCOMPARE(int(empty.socket.closeCode()), 4001);
    QCOMPARE(int(guess.socket.closeCode()), 4001);
    QVERIFY(guess.messages.isEmpty());
}

void TestAdminChannel::plainHttpGetIsTold426()
{
    TestServer s;
    const auto r = s.request("GET", QStringLiteral("/admin"));
    QCOMPARE(r.status, 426);
    QCOMPARE(r.json.value("error").toObject().value("code").toString(),
             QStringLiteral("upgrade_required"));
}

void TestAdminChannel::helloThenSnapshotWithExistingClients()
{
    TestServer s;
    auto alice
        = connectClient(s, QStringLiteral("o1"), QStringLiteral("u1"), QStringLiteral("admin"));
    auto bob = connectClient(s, QStringLiteral("o1"), QStringLiteral("u2"));
    QVERIFY(alice->waitForEvents(unreadCount, 1));
    QVERIFY(bob->waitForEvents(unreadCount, 1));

    Console console(s);
    QVERIFY(console.waitReady());
    QCOMPARE(console.messages[0].value("type").toString(), QStringLiteral("hello"));
    QCOMPARE(console.messages[1].value("type").toString(), QStringLiteral("snapshot"));

    const QJsonObject node = console.data(console.messages[0]).value("node").toObject();
    QCOMPARE(node.value("id").toString(), AdminChannel::processNodeId());
    QVERIFY(!node.value("id").toString().isEmpty());
    QCOMPARE(node.value("version").toString(), QStringLiteral(NOTIFY_VERSION));
    QVERIFY(!node.value("startedAt").toString().isEmpty());
    QCOMPARE(node.value("listen").toString(),
             QStringLiteral("127.0.0.1:%1").arg(s.server->clientPort()));
    QCOMPARE(node.value("apiListen").toString(),
             QStringLiteral("127.0.0.1:%1").arg(s.server->apiPort()));
    QVERIFY(node.value("storage").toString().contains(QStringLiteral("notify.db")));

    const QJsonObject snap = console.snapshot();
    const QJsonArray connections = snap.value("connections").toArray();
    QCOMPARE(connections.size(), 2);
    const QJsonObject a = findConnection(connections, QStringLiteral("o1"), QStringLiteral("u1"));
    QCOMPARE(a.value("role").toString(), QStringLiteral("admin"));
    QCOMPARE(a.value("protocol").toString(), QStringLiteral("plain"));
    QCOMPARE(a.value("remoteAddress").toString(), QStringLiteral("127.0.0.1"));
    QVERIFY(!a.value("connectedAt").toString().isEmpty());
    const qint64 aliceId = a.value("id").toInteger();
    QVERIFY(aliceId > 0);
    const QStringList aliceRooms = stringList(a.value("rooms"));
    QVERIFY(aliceRooms.contains(QStringLiteral("org:o1:user:u1")));
    QVERIFY(aliceRooms.contains(QStringLiteral("org:o1")));
    QVERIFY(aliceRooms.contains(QStringLiteral("org:o1:role:admin")));
    const qint64 bobId = findConnection(connections, QStringLiteral("o1"), QStringLiteral("u2"))
                             .value("id")
                             .toInteger();
    QVERIFY(bobId > 0 && bobId != aliceId);

    const QJsonArray rooms = snap.value("rooms").toArray();
    QCOMPARE(membersOf(rooms, QStringLiteral("org:o1:user:u1")), QList<qint64> {aliceId});
    QCOMPARE(membersOf(rooms, QStringLiteral("org:o1:user:u2")), QList<qint64> {bobId});
    QCOMPARE(membersOf(rooms, QStringLiteral("org:o1:role:admin")), QList<qint64> {aliceId});
    QList<qint64> org = membersOf(rooms, QStringLiteral("org:o1"));
    std::sort(org.begin(), org.end());
    QList<qint64> both {aliceId, bobId};
    std::sort(both.begin(), both.end());
    QCOMPARE(org, both);

    const QJsonObject counters = snap.value("counters").toObject();
    for (const char *field : {"created", "sent", "acked", "read", "failed", "dropped",
                              "authFailures", "heartbeatTimeouts", "rateLimited"})
        QVERIFY2(counters.contains(QLatin1String(field)), field);
}

void TestAdminChannel::connectionDeltas()
{
    TestServer s;
    Console console(s);
    QVERIFY(console.waitReady());
    QCOMPARE(console.snapshot().value("connections").toArray().size(), 0);

    auto client
        = connectClient(s, QStringLiteral("o1"), QStringLiteral("u7"), QStringLiteral("ops"));
    QVERIFY(console.waitForEvents(QStringLiteral("connection:opened"), 1));
    const QJsonObject c = console.events(QStringLiteral("connection:opened"))
                              .first()
                              .value("connection")
                              .toObject();
    QCOMPARE(c.value("orgId").toString(), QStringLiteral("o1"));
    QCOMPARE(c.value("userId").toString(), QStringLiteral("u7"));
    QCOMPARE(c.value("role").toString(), QStringLiteral("ops"));
    QCOMPARE(c.value("protocol").toString(), QStringLiteral("plain"));
    const QStringList rooms = stringList(c.value("rooms"));
    QVERIFY(rooms.contains(QStringLiteral("org:o1:user:u7")));
    QVERIFY(rooms.contains(QStringLiteral("org:o1")));
    QVERIFY(rooms.contains(QStringLiteral("org:o1:role:ops")));
    const qint64 id = c.value("id").toInteger();
    QVERIFY(id > 0);

    client->socket.close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("tab closed"));
    QVERIFY(console.waitForEvents(QStringLiteral("connection:closed"), 1));
    const QJsonObject closed = console.events(QStringLiteral("connection:closed")).first();
    QCOMPARE(closed.value("connectionId").toInteger(), id);
    QCOMPARE(closed.value("code").toInt(), 1000);
    QCOMPARE(closed.value("reason").toString(), QStringLiteral("tab closed"));

    // A refused client never opened, so it never closes either.
    WsClient refused(s.wsUrl("not-a-token"));
    QVERIFY(refused.waitClosed());
    const QJsonObject snap = console.call(QStringLiteral("snapshot"));
    QCOMPARE(snap.value("type").toString(), QStringLiteral("reply"));
    QCOMPARE(console.events(QStringLiteral("connection:opened")).size(), 1);
    QCOMPARE(console.events(QStringLiteral("connection:closed")).size(), 1);
}

void TestAdminChannel::countersEverySecond()
{
    TestServer s;
    auto client = connectClient(s, QStringLiteral("o1"), QStringLiteral("u1"));
    Console console(s);
    QVERIFY(console.waitReady());
    const QJsonObject before = console.snapshot().value("counters").toObject();
    QVERIFY(console.waitForEvents(QStringLiteral("counters"), 1, 5000));

    QVERIFY(
        !publishOne(s, QStringLiteral("o1"), QStringLiteral("u1"), QStringLiteral("c1")).isEmpty());
    QVERIFY(client->waitForEvents(QStringLiteral("notification:new"), 1));
    const auto moved = [&] {
        const auto list = console.events(QStringLiteral("counters"));
        const QJsonObject totals = list.last().value("totals").toObject();
        return totals.value("created").toInteger() > before.value("created").toInteger()
            && totals.value("sent").toInteger() > before.value("sent").toInteger();
    };
    QTRY_VERIFY_WITH_TIMEOUT(moved(), 5000);
    QVERIFY(console.events(QStringLiteral("counters")).size() >= 2);

    // perSecond is the difference between consecutive totals, so over every message it adds
    // up to what happened since the console connected.
    const auto list = console.events(QStringLiteral("counters"));
    qint64 createdSum = 0;
    qint64 sentSum = 0;
    for (const QJsonObject &m : list) {
        createdSum += m.value("perSecond").toObject().value("created").toInteger();
        sentSum += m.value("perSecond").toObject().value("sent").toInteger();
    }
    const QJsonObject last = list.last().value("totals").toObject();
    QCOMPARE(createdSum, last.value("created").toInteger() - before.value("created").toInteger());
    QCOMPARE(sentSum, last.value("sent").toInteger() - before.value("sent").toInteger());
    QCOMPARE(createdSum, 1);
    QCOMPARE(list.last().value("connections").toInt(), 1);
}

void TestAdminChannel::traceOnAndOff()
{
    TestServer s;
    auto client = connectClient(s, QStringLiteral("o1"), QStringLiteral("u1"));
    Console console(s);
    QVERIFY(console.waitReady());

    // Off by default.
    QVERIFY(
        !publishOne(s, QStringLiteral("o1"), QStringLiteral("u1"), QStringLiteral("t0")).isEmpty());
    QVERIFY(client->waitForEvents(QStringLiteral("notification:new"), 1));

    QJsonObject r = console.call(QStringLiteral("trace"), {{QStringLiteral("on"), true}});
    QCOMPARE(r.value("type").toString(), QStringLiteral("reply"));
    QCOMPARE(console.data(r).value("ok").toBool(), true);
    QCOMPARE(console.data(r).value("on").toBool(), true);
    QCOMPARE(console.events(QStringLiteral("delivery")).size(), 0);

    const QString id
        = publishOne(s, QStringLiteral("o1"), QStringLiteral("u1"), QStringLiteral("t1"));
    QVERIFY(!id.isEmpty());
    QVERIFY(console.waitForEvents(QStringLiteral("delivery"), 1));
    const QJsonObject d = console.events(QStringLiteral("delivery")).first();
    QCOMPARE(d.value("notificationId").toString(), id);
    QCOMPARE(d.value("room").toString(), QStringLiteral("org:o1:user:u1"));
    QCOMPARE(d.value("connections").toInt(), 1);
    QVERIFY(!d.value("at").toString().isEmpty());

    r = console.call(QStringLiteral("trace"), {{QStringLiteral("on"), false}});
    QCOMPARE(console.data(r).value("on").toBool(), false);
    QVERIFY(
        !publishOne(s, QStringLiteral("o1"), QStringLiteral("u1"), QStringLiteral("t2")).isEmpty());
    QVERIFY(client->waitForEvents(QStringLiteral("notification:new"), 3));
    // A trace is posted to the channel before the notification reaches any client, so one
    // more round trip after the client has it would have carried it.
    QCOMPARE(console.call(QStringLiteral("snapshot")).value("type").toString(),
             QStringLiteral("reply"));
    QCOMPARE(console.events(QStringLiteral("delivery")).size(), 1);
}

void TestAdminChannel::sendTestToUserReachesEveryTab()
{
    TestServer s;
    auto tab1 = connectClient(s, QStringLiteral("o1"), QStringLiteral("u1"));
    auto tab2 = connectClient(s, QStringLiteral("o1"), QStringLiteral("u1"));
    auto other = connectClient(s, QStringLiteral("o1"), QStringLiteral("u2"));
    Console console(s);
    QVERIFY(console.waitReady());

    const QJsonObject r
        = console.call(QStringLiteral("send_test"),
                       {{QStringLiteral("orgId"), QStringLiteral("o1")},
                        {QStringLiteral("userId"), QStringLiteral("u1")},
                        {QStringLiteral("title"), QStringLiteral("Hello from the console")},
                        {QStringLiteral("priority"), QStringLiteral("high")},
                        {QStringLiteral("metadata"), QJsonObject {{QStringLiteral("k"), 1}}}});
    QCOMPARE(r.value("type").toString(), QStringLiteral("reply"));
    const QStringList ids = stringList(console.data(r).value("notificationIds"));
    QCOMPARE(ids.size(), 1);
    QCOMPARE(console.data(r).value("deliveredConnections").toInt(), 2);
    QCOMPARE(console.data(r).value("stored").toBool(false), true);

    for (WsClient *tab : {tab1.get(), tab2.get()}) {
        QVERIFY(tab->waitForEvents(QStringLiteral("notification:new"), 1));
        const QJsonObject n = tab->events(QStringLiteral("notification:new"))
                                  .first()
                                  .value("notification")
                                  .toObject();
        QCOMPARE(n.value("id").toString(), ids.first());
        QCOMPARE(n.value("type").toString(), QStringLiteral("TEST"));
        QCOMPARE(n.value("title").toString(), QStringLiteral("Hello from the console"));
        QCOMPARE(n.value("priority").toString(), QStringLiteral("high"));
        QCOMPARE(n.value("metadata").toObject().value("k").toInt(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(tab->lastUnreadCount(), 1, 5000);
    }
    // Stored like any notification: the user's inbox has it.
    const auto inbox = s.request("GET", QStringLiteral("/api/v1/notifications?orgId=o1&userId=u1"));
    QCOMPARE(inbox.json.value("notifications").toArray().size(), 1);
    QCOMPARE(other->events(QStringLiteral("notification:new")).size(), 0);
}

void TestAdminChannel::sendTestToUserRoomIsTheUser()
{
    TestServer s;
    auto tab = connectClient(s, QStringLiteral("o1"), QStringLiteral("u1"));
    Console console(s);
    QVERIFY(console.waitReady());
    const QJsonObject r = console.call(QStringLiteral("send_test"),
                                       {{QStringLiteral("orgId"), QStringLiteral("o1")},
                                        {QStringLiteral("room"), QStringLiteral("org:o1:user:u1")},
                                        {QStringLiteral("type"), QStringLiteral("PING")},
                                        {QStringLiteral("title"), QStringLiteral("via room")}});
    QCOMPARE(r.value("type").toString(), QStringLiteral("reply"));
    QCOMPARE(console.data(r).value("deliveredConnections").toInt(), 1);
    QVERIFY(tab->waitForEvents(QStringLiteral("notification:new"), 1));
    const QJsonObject n
        = tab->events(QStringLiteral("notification:new")).first().value("notification").toObject();
    QCOMPARE(n.value("type").toString(), QStringLiteral("PING"));
    QCOMPARE(n.value("id").toString(),
             stringList(console.data(r).value("notificationIds")).value(0));
    QCOMPARE(n.value("seq").toInt(), 1);
}

void TestAdminChannel::sendTestToRoomIsAnAnnouncement()
{
    TestServer s;
    auto u1 = connectClient(s, QStringLiteral("o1"), QStringLiteral("u1"), QStringLiteral("admin"));
    auto u2 = connectClient(s, QStringLiteral("o1"), QStringLiteral("u2"));
    auto outsider = connectClient(s, QStringLiteral("o2"), QStringLiteral("u1"));
    Console console(s);
    QVERIFY(console.waitReady());

    const auto send = [&](const QString &org, const QString &room, const QString &title) {
        return console.call(QStringLiteral("send_test"),
                            {{QStringLiteral("orgId"), org},
                             {QStringLiteral("room"), room},
                             {QStringLiteral("title"), title},
                             {QStringLiteral("body"), QStringLiteral("b")}});
    };
    QJsonObject r
        = send(QStringLiteral("o1"), QStringLiteral("org:o1"), QStringLiteral("all of o1"));
    QCOMPARE(r.value("type").toString(), QStringLiteral("reply"));
    QCOMPARE(console.data(r).value("deliveredConnections").toInt(), 2);
    // The reply says it was live only: no inbox has it.
    QCOMPARE(console.data(r).value("stored").toBool(true), false);
    const QString id = stringList(console.data(r).value("notificationIds")).value(0);
    QVERIFY(!id.isEmpty());
    for (WsClient *c : {u1.get(), u2.get()}) {
        QVERIFY(c->waitForEvents(QStringLiteral("announcement"), 1));
        const QJsonObject a = c->events(QStringLiteral("announcement")).first();
        QCOMPARE(a.value("id").toString(), id);
        QCOMPARE(a.value("title").toString(), QStringLiteral("all of o1"));
        QCOMPARE(a.value("body").toString(), QStringLiteral("b"));
        QCOMPARE(a.value("priority").toString(), QStringLiteral("normal"));
        // Live only: nothing lands in an inbox.
        QCOMPARE(c->events(QStringLiteral("notification:new")).size(), 0);
    }

    r = send(QStringLiteral("o1"), QStringLiteral("org:o1:role:admin"), QStringLiteral("admins"));
    QCOMPARE(console.data(r).value("deliveredConnections").toInt(), 1);
    QVERIFY(u1->waitForEvents(QStringLiteral("announcement"), 2));

    r = send(QStringLiteral("o2"), QStringLiteral("org:o2"), QStringLiteral("all of o2"));
    QCOMPARE(console.data(r).value("deliveredConnections").toInt(), 1);
    // The outsider's first announcement is o2's: o1's never reached it.
    QVERIFY(outsider->waitForEvents(QStringLiteral("announcement"), 1));
    QCOMPARE(outsider->events(QStringLiteral("announcement")).first().value("title").toString(),
             QStringLiteral("all of o2"));

    r = send(QStringLiteral("o1"), QStringLiteral("broadcast"), QStringLiteral("everyone"));
    QCOMPARE(console.data(r).value("deliveredConnections").toInt(), 3);
    QVERIFY(outsider->waitForEvents(QStringLiteral("announcement"), 2));
    QCOMPARE(u2->events(QStringLiteral("announcement")).size() >= 1, true);

    // Rooms by their exact names, and only inside orgId.
    for (const QString &bad :
         {QStringLiteral("org:o2"), QStringLiteral("o1"), QStringLiteral("org:o1:team:x"),
          QStringLiteral("org:o1:user:"), QStringLiteral("org:o1:role:")}) {
        r = send(QStringLiteral("o1"), bad, QStringLiteral("x"));
        QVERIFY2(errorCode(r) == QStringLiteral("invalid_payload"), qPrintable(bad));
    }
}

void TestAdminChannel::roomNamesEscapeSeparatorsInIds()
{
    // docs/protocol.md "Rooms": an id's `%` and `:` are written %25 and %3A in a room name,
    // so the console sees distinct names for distinct rooms, and send_test reads them back.
    TestServer s;
    const QString org = QStringLiteral("a:b");
    auto tab = connectClient(s, org, QStringLiteral("c:user:d"), QStringLiteral("r%x"));
    auto lookalike = connectClient(s, QStringLiteral("a"), QStringLiteral("b:user:c:user:d"));
    Console console(s);
    QVERIFY(console.waitReady());

    const QJsonObject snap = console.snapshot();
    const QJsonObject c
        = findConnection(snap.value("connections").toArray(), org, QStringLiteral("c:user:d"));
    const qint64 id = c.value("id").toInteger();
    QVERIFY(id > 0);
    QCOMPARE(
        stringList(c.value("rooms")),
        (QStringList {QStringLiteral("org:a%3Ab:user:c%3Auser%3Ad"), QStringLiteral("org:a%3Ab"),
                      QStringLiteral("org:a%3Ab:role:r%25x"), QStringLiteral("broadcast")}));
    const QJsonArray rooms = snap.value("rooms").toArray();
    QCOMPARE(membersOf(rooms, QStringLiteral("org:a%3Ab:user:c%3Auser%3Ad")), QList<qint64> {id});
    QCOMPARE(membersOf(rooms, QStringLiteral("org:a%3Ab")), QList<qint64> {id});
    QCOMPARE(membersOf(rooms, QStringLiteral("org:a:user:b%3Auser%3Ac%3Auser%3Ad")).size(), 1);

    const auto send = [&](const QString &room, const QString &title) {
        return console.call(QStringLiteral("send_test"),
                            {{QStringLiteral("orgId"), org},
                             {QStringLiteral("room"), room},
                             {QStringLiteral("title"), title}});
    };
    QJsonObject r = send(QStringLiteral("org:a%3Ab:user:c%3Auser%3Ad"), QStringLiteral("stored"));
    QCOMPARE(r.value("type").toString(), QStringLiteral("reply"));
    QCOMPARE(console.data(r).value("deliveredConnections").toInt(), 1);
    QVERIFY(tab->waitForEvents(QStringLiteral("notification:new"), 1));
    r = send(QStringLiteral("org:a%3ab:role:r%25x"), QStringLiteral("announced"));
    QCOMPARE(console.data(r).value("deliveredConnections").toInt(), 1);
    QVERIFY(tab->waitForEvents(QStringLiteral("announcement"), 1));

    // The unescaped spelling names no room of org a:b.
    for (const QString &bad :
         {QStringLiteral("org:a:b:user:c:user:d"), QStringLiteral("org:a:b"),
          QStringLiteral("org:a%3Ab:user:c%3Xd"), QStringLiteral("org:a%3Ab:role:r%x")}) {
        r = send(bad, QStringLiteral("x"));
        QVERIFY2(errorCode(r) == QStringLiteral("invalid_payload"), qPrintable(bad));
    }
    // Barrier for the look-alike: a send_test of its own arrives, and is the only thing.
    r = console.call(QStringLiteral("send_test"),
                     {{QStringLiteral("orgId"), QStringLiteral("a")},
                      {QStringLiteral("userId"), QStringLiteral("b:user:c:user:d")},
                      {QStringLiteral("title"), QStringLiteral("own")}});
    QVERIFY(lookalike->waitForEvents(QStringLiteral("notification:new"), 1));
    QCOMPARE(lookalike->events(QStringLiteral("notification:new")).size(), 1);
    QCOMPARE(lookalike->events(QStringLiteral("announcement")).size(), 0);
}

void TestAdminChannel::kickClosesTheClient()
{
    TestServer s;
    auto victim = connectClient(s, QStringLiteral("o1"), QStringLiteral("u1"));
    auto bystander = connectClient(s, QStringLiteral("o1"), QStringLiteral("u2"));
    Console console(s);
    QVERIFY(console.waitReady());
    const qint64 id = findConnection(console.snapshot().value("connections").toArray(),
                                     QStringLiteral("o1"), QStringLiteral("u1"))
                          .value("id")
                          .toInteger();
    QVERIFY(id > 0);

    const QJsonObject r = console.call(QStringLiteral("kick"),
                                       {{QStringLiteral("connectionId"), id},
                                        {QStringLiteral("reason"), QStringLiteral("bye now")}});
    QCOMPARE(r.value("type").toString(), QStringLiteral("reply"));
    QCOMPARE(console.data(r).value("ok").toBool(), true);
    QVERIFY(victim->waitClosed());
    QCOMPARE(int(victim->socket.closeCode()), 1000);
    QCOMPARE(victim->socket.closeReason(), QStringLiteral("bye now"));

    QVERIFY(console.waitForEvents(QStringLiteral("connection:closed"), 1));
    const QJsonObject closed = console.events(QStringLiteral("connection:closed")).first();
    QCOMPARE(closed.value("connectionId").toInteger(), id);
    QCOMPARE(closed.value("code").toInt(), 1000);
    QCOMPARE(closed.value("reason").toString(), QStringLiteral("bye now"));
    QVERIFY(!bystander->closed);

    // An id that is no connection is no error (it may just have gone); the default reason.
    QCOMPARE(console.call(QStringLiteral("kick"), {{QStringLiteral("connectionId"), 999999}})
                 .value("type")
                 .toString(),
             QStringLiteral("reply"));
    const qint64 bystanderId = findConnection(console.snapshot().value("connections").toArray(),
                                              QStringLiteral("o1"), QStringLiteral("u2"))
                                   .value("id")
                                   .toInteger();
    console.call(QStringLiteral("kick"),
                 {{QStringLiteral("connectionId"), QString::number(bystanderId)}});
    QVERIFY(bystander->waitClosed());
    QCOMPARE(bystander->socket.closeReason(), QStringLiteral("kicked by operator"));

    QCOMPARE(errorCode(console.call(QStringLiteral("kick"), {})),
             QStringLiteral("invalid_payload"));
    QCOMPARE(
        errorCode(console.call(QStringLiteral("kick"), {{QStringLiteral("connectionId"), 1.5}})),
        QStringLiteral("invalid_payload"));
    QCOMPARE(errorCode(console.call(QStringLiteral("kick"),
                                    {{QStringLiteral("connectionId"), 1},
                                     {QStringLiteral("reason"), QString(200, QLatin1Char('x'))}})),
             QStringLiteral("invalid_payload"));
}

void TestAdminChannel::listNotifications()
{
    TestServer s;
    Console console(s);
    QVERIFY(console.waitReady());
    QStringList sent;
    for (int i = 0; i < 3; ++i)
        sent.append(publishOne(s, QStringLiteral("o1"), QStringLiteral("u1"),
                               QStringLiteral("n%1").arg(i)));
    const QJsonObject viaConsole = console.call(QStringLiteral("send_test"),
                                                {{QStringLiteral("orgId"), QStringLiteral("o1")},
                                                 {QStringLiteral("userId"), QStringLiteral("u1")},
                                                 {QStringLiteral("title"), QStringLiteral("n3")}});
    sent.append(stringList(console.data(viaConsole).value("notificationIds")).value(0));
    publishOne(s, QStringLiteral("o1"), QStringLiteral("u2"), QStringLiteral("not u1's"));
    publishOne(s, QStringLiteral("o2"), QStringLiteral("u1"), QStringLiteral("not o1's"));

    QJsonObject r = console.call(QStringLiteral("list_notifications"),
                                 {{QStringLiteral("orgId"), QStringLiteral("o1")},
                                  {QStringLiteral("userId"), QStringLiteral("u1")},
                                  {QStringLiteral("limit"), 3}});
    QCOMPARE(r.value("type").toString(), QStringLiteral("reply"));
    QJsonArray list = console.data(r).value("notifications").toArray();
    QCOMPARE(list.size(), 3);
    QCOMPARE(console.data(r).value("hasMore").toBool(), true);
    // Newest first, with the admin fields.
    QCOMPARE(list[0].toObject().value("id").toString(), sent[3]);
    QCOMPARE(list[0].toObject().value("title").toString(), QStringLiteral("n3"));
    QCOMPARE(list[0].toObject().value("orgId").toString(), QStringLiteral("o1"));
    QCOMPARE(list[0].toObject().value("userId").toString(), QStringLiteral("u1"));
    QCOMPARE(list[2].toObject().value("id").toString(), sent[1]);
    const qint64 oldestSeq = list[2].toObject().value("seq").toInteger();

    r = console.call(QStringLiteral("list_notifications"),
                     {{QStringLiteral("orgId"), QStringLiteral("o1")},
                      {QStringLiteral("userId"), QStringLiteral("u1")},
                      {QStringLiteral("beforeSeq"), oldestSeq}});
    list = console.data(r).value("notifications").toArray();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list[0].toObject().value("id").toString(), sent[0]);
    QCOMPARE(console.data(r).value("hasMore").toBool(), false);

    QCOMPARE(errorCode(console.call(QStringLiteral("list_notifications"),
                                    {{QStringLiteral("orgId"), QStringLiteral("o1")}})),
             QStringLiteral("invalid_payload"));
    QCOMPARE(errorCode(console.call(QStringLiteral("list_notifications"), {})),
             QStringLiteral("invalid_payload"));
    QCOMPARE(errorCode(console.call(QStringLiteral("list_notifications"),
                                    {{QStringLiteral("orgId"), QStringLiteral("o1")},
                                     {QStringLiteral("userId"), QStringLiteral("u1")},
                                     {QStringLiteral("limit"), 101}})),
             QStringLiteral("invalid_payload"));
}

void TestAdminChannel::userRequest()
{
    TestServer s;
    auto tab1 = connectClient(s, QStringLiteral("o1"), QStringLiteral("u1"));
    auto tab2 = connectClient(s, QStringLiteral("o1"), QStringLiteral("u1"));
    auto other = connectClient(s, QStringLiteral("o1"), QStringLiteral("u2"));
    auto sameIdOtherOrg = connectClient(s, QStringLiteral("o2"), QStringLiteral("u1"));
    Console console(s);
    QVERIFY(console.waitReady());
    const QString first
        = publishOne(s, QStringLiteral("o1"), QStringLiteral("u1"), QStringLiteral("a"));
    const QString second
        = publishOne(s, QStringLiteral("o1"), QStringLiteral("u1"), QStringLiteral("b"));
    publishOne(s, QStringLiteral("o2"), QStringLiteral("u1"), QStringLiteral("not o1's"));
    QVERIFY(tab1->waitForEvents(QStringLiteral("notification:new"), 2));

    const QJsonObject r = console.call(QStringLiteral("user"),
                                       {{QStringLiteral("orgId"), QStringLiteral("o1")},
                                        {QStringLiteral("userId"), QStringLiteral("u1")}});
    QCOMPARE(r.value("type").toString(), QStringLiteral("reply"));
    const QJsonObject data = console.data(r);
    // Exactly this user's connections, on every shard.
    const QJsonArray connections = data.value("connections").toArray();
    QCOMPARE(connections.size(), 2);
    for (const QJsonValue &c : connections) {
        QCOMPARE(c.toObject().value("orgId").toString(), QStringLiteral("o1"));
        QCOMPARE(c.toObject().value("userId").toString(), QStringLiteral("u1"));
    }
    QCOMPARE(data.value("unreadCount").toInteger(), 2);
    const QJsonArray list = data.value("notifications").toArray();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list[0].toObject().value("id").toString(), second);
    QCOMPARE(list[1].toObject().value("id").toString(), first);
    QVERIFY(list[0].toObject().contains("deliveredAt"));
    QCOMPARE(data.value("hasMore").toBool(), false);

    QCOMPARE(errorCode(console.call(QStringLiteral("user"),
                                    {{QStringLiteral("orgId"), QStringLiteral("o1")}})),
             QStringLiteral("invalid_payload"));
}

// "Did alice get it?": the `user` answer tells pushed without a receipt, not pushed because no
// connection was open, and the client's receipt apart (docs/protocol.md, "Delivery of a
// notification").
void TestAdminChannel::deliveryAnswerTellsPushedNoneAndReceipt()
{
    TestServer s;
    auto tab1 = connectClient(s, QStringLiteral("o1"), QStringLiteral("alice"));
    auto tab2 = connectClient(s, QStringLiteral("o1"), QStringLiteral("alice"));
    auto carol = connectClient(s, QStringLiteral("o1"), QStringLiteral("carol"));
    Console console(s);
    QVERIFY(console.waitReady());
    const QString pushed
        = publishOne(s, QStringLiteral("o1"), QStringLiteral("alice"), QStringLiteral("to two"));
    const QString queued
        = publishOne(s, QStringLiteral("o1"), QStringLiteral("bob"), QStringLiteral("to none"));
    const QString received
        = publishOne(s, QStringLiteral("o1"), QStringLiteral("carol"), QStringLiteral("acked"));
    QVERIFY(!pushed.isEmpty() && !queued.isEmpty() && !received.isEmpty());
    QVERIFY(tab1->waitForEvents(QStringLiteral("notification:new"), 1));
    QVERIFY(tab2->waitForEvents(QStringLiteral("notification:new"), 1));
    QVERIFY(carol->waitForEvents(QStringLiteral("notification:new"), 1));
    carol->socket.sendTextMessage(
        QStringLiteral(R"({"type":"ack","data":{"notificationIds":["%1"]}})").arg(received));

    // The newest notification of user, once its push (and receipt) is recorded.
    const auto newest = [&](const QString &user) {
        const QJsonObject r = console.call(
            QStringLiteral("user"),
            {{QStringLiteral("orgId"), QStringLiteral("o1")}, {QStringLiteral("userId"), user}});
        return console.data(r).value("notifications").toArray().at(0).toObject();
    };
    const auto state = [](const QJsonObject &n) {
        return n.value("delivery").toObject().value("state").toString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(state(newest(QStringLiteral("alice"))), QStringLiteral("pushed"),
                              5000);
    const QJsonObject a = newest(QStringLiteral("alice"));
    QCOMPARE(a.value("id").toString(), pushed);
    QCOMPARE(a.value("delivery").toObject().value("connections").toInt(), 2);
    QVERIFY(!a.value("delivery").toObject().value("pushedAt").toString().isEmpty());
    QVERIFY(a.value("deliveredAt").isNull()); // pushed, but no receipt

    QTRY_COMPARE_WITH_TIMEOUT(state(newest(QStringLiteral("bob"))), QStringLiteral("none"), 5000);
    const QJsonObject b = newest(QStringLiteral("bob"));
    QCOMPARE(b.value("id").toString(), queued);
    QCOMPARE(b.value("delivery").toObject().value("connections").toInt(), 0);
    QVERIFY(b.value("delivery").toObject().value("pushedAt").isNull());
    QVERIFY(b.value("deliveredAt").isNull());

    QTRY_VERIFY_WITH_TIMEOUT(!newest(QStringLiteral("carol")).value("deliveredAt").isNull(), 5000);
    const QJsonObject c = newest(QStringLiteral("carol"));
    QCOMPARE(c.value("id").toString(), received);
    QCOMPARE(state(c), QStringLiteral("pushed"));
    QCOMPARE(c.value("delivery").toObject().value("connections").toInt(), 1);

    // list_notifications answers the same.
    const QJsonObject list = console.call(QStringLiteral("list_notifications"),
                                          {{QStringLiteral("orgId"), QStringLiteral("o1")},
                                           {QStringLiteral("userId"), QStringLiteral("bob")}});
    QCOMPARE(state(console.data(list).value("notifications").toArray().at(0).toObject()),
             QStringLiteral("none"));
}

// While a console watches a user, the user's changes come to it as they happen, and only
// that user's; {} or another user ends it.
void TestAdminChannel::watchUserPushesTheUsersChanges()
{
    TestServer s;
    auto tab = connectClient(s, QStringLiteral("o1"), QStringLiteral("alice"));
    Console console(s);
    QVERIFY(console.waitReady());
    const QString changed = QStringLiteral("user:changed");
    QJsonObject r = console.call(QStringLiteral("watch_user"),
                                 {{QStringLiteral("orgId"), QStringLiteral("o1")},
                                  {QStringLiteral("userId"), QStringLiteral("alice")}});
    QCOMPARE(r.value("type").toString(), QStringLiteral("reply"));
    QCOMPARE(console.data(r).value("watching").toObject().value("userId").toString(),
             QStringLiteral("alice"));

    const auto changes = [&](const QString &kind) {
        QList<QJsonObject> out;
        for (const QJsonObject &c : console.events(changed)) {
            if (c.value("change").toString() == kind)
                out.append(c);
        }
        return out;
    };
    const QString id
        = publishOne(s, QStringLiteral("o1"), QStringLiteral("alice"), QStringLiteral("hello"));
    publishOne(s, QStringLiteral("o1"), QStringLiteral("bob"), QStringLiteral("not watched"));
    QTRY_COMPARE_WITH_TIMEOUT(changes(QStringLiteral("created")).size(), 1, 5000);
    const QJsonObject created = changes(QStringLiteral("created")).first();
    QCOMPARE(created.value("userId").toString(), QStringLiteral("alice"));
    QCOMPARE(stringList(created.value("ids")), QStringList {id});
    QCOMPARE(created.value("unreadCount").toInt(), 1);
    // Its push recorded: the console reads the delivery answer again.
    QTRY_COMPARE_WITH_TIMEOUT(changes(QStringLiteral("pushed")).size(), 1, 5000);
    QCOMPARE(stringList(changes(QStringLiteral("pushed")).first().value("ids")), QStringList {id});

    const QJsonObject read = tab->call(QStringLiteral("mark_read"),
                                       {{QStringLiteral("notificationIds"), QJsonArray {id}}});
    QVERIFY(!read.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(changes(QStringLiteral("read")).size(), 1, 5000);
    QCOMPARE(changes(QStringLiteral("read")).first().value("unreadCount").toInt(), 0);
    for (const QJsonObject &c : console.events(changed))
        QCOMPARE(c.value("userId").toString(), QStringLiteral("alice"));

    // Stopped: nothing more comes.
    r = console.call(QStringLiteral("watch_user"), {});
    QCOMPARE(r.value("type").toString(), QStringLiteral("reply"));
    QVERIFY(!console.data(r).contains("watching"));
    const qsizetype before = console.events(changed).size();
    publishOne(s, QStringLiteral("o1"), QStringLiteral("alice"), QStringLiteral("unwatched"));
    QVERIFY(tab->waitForEvents(QStringLiteral("notification:new"), 2));
    // A later watched change proves the unwatched one would have arrived by now.
    console.call(QStringLiteral("watch_user"),
                 {{QStringLiteral("orgId"), QStringLiteral("o1")},
                  {QStringLiteral("userId"), QStringLiteral("bob")}});
    publishOne(s, QStringLiteral("o1"), QStringLiteral("bob"), QStringLiteral("watched"));
    QTRY_VERIFY_WITH_TIMEOUT(console.events(changed).size() > before, 5000);
    for (qsizetype i = before; i < console.events(changed).size(); ++i)
        QCOMPARE(console.events(changed).at(i).value("userId").toString(), QStringLiteral("bob"));

    QCOMPARE(errorCode(console.call(QStringLiteral("watch_user"),
                                    {{QStringLiteral("orgId"), QStringLiteral("o1")}})),
             QStringLiteral("invalid_payload"));
}

void TestAdminChannel::connectionStatsArePushed()
{
    TestServer s([](ServerConfig &c) { c.pingIntervalMs = 200; });
    auto client = connectClient(s, QStringLiteral("o1"), QStringLiteral("u1"));
    Console console(s);
    QVERIFY(console.waitReady());
    publishOne(s, QStringLiteral("o1"), QStringLiteral("u1"), QStringLiteral("a"));
    QVERIFY(client->waitForEvents(QStringLiteral("notification:new"), 1));
    // Without any request: the figures come to the console, the RTT once measured.
    QVERIFY(QTest::qWaitFor(
        [&] {
            const auto stats = console.events(QStringLiteral("connection:stats"));
            if (stats.isEmpty())
                return false;
            const QJsonArray list = stats.last().value("connections").toArray();
            return list.size() == 1 && list[0].toObject().value("rttMs").isDouble()
                && list[0].toObject().value("framesOut").toInteger() >= 1;
        },
        10000));
    QCOMPARE(console.events(QStringLiteral("connection:stats")).last().value("intervalMs").toInt(),
             2000);
}

void TestAdminChannel::snapshotRequest()
{
    TestServer s;
    Console console(s);
    QVERIFY(console.waitReady());
    auto client = connectClient(s, QStringLiteral("o3"), QStringLiteral("u9"));
    const QJsonObject r = console.call(QStringLiteral("snapshot"));
    QCOMPARE(r.value("type").toString(), QStringLiteral("reply"));
    const QJsonObject data = console.data(r);
    QCOMPARE(data.value("connections").toArray().size(), 1);
    QCOMPARE(data.value("connections").toArray()[0].toObject().value("userId").toString(),
             QStringLiteral("u9"));
    QCOMPARE(membersOf(data.value("rooms").toArray(), QStringLiteral("org:o3:user:u9")).size(), 1);
    QVERIFY(data.value("counters").isObject());
}

void TestAdminChannel::requestErrors()
{
    TestServer s;
    Console console(s);
    QVERIFY(console.waitReady());

    QCOMPARE(errorCode(console.call(QStringLiteral("reboot_everything"))),
             QStringLiteral("unknown_type"));

    console.socket.sendTextMessage(QStringLiteral("{not json"));
    QTRY_COMPARE_WITH_TIMEOUT(console.events(QStringLiteral("error")).size(), 2, 5000);
    QCOMPARE(console.events(QStringLiteral("error")).last().value("code").toString(),
             QStringLiteral("invalid_json"));

    const auto sendTest = [&](const QJsonObject &data) {
        return errorCode(console.call(QStringLiteral("send_test"), data));
    };
    const QString invalid = QStringLiteral("invalid_payload");
    QCOMPARE(sendTest({{QStringLiteral("userId"), QStringLiteral("u1")},
                       {QStringLiteral("title"), QStringLiteral("t")}}),
             invalid); // no orgId
    QCOMPARE(sendTest({{QStringLiteral("orgId"), QStringLiteral("o1")},
                       {QStringLiteral("title"), QStringLiteral("t")}}),
             invalid); // neither userId nor room
    QCOMPARE(sendTest({{QStringLiteral("orgId"), QStringLiteral("o1")},
                       {QStringLiteral("userId"), QStringLiteral("u1")},
                       {QStringLiteral("room"), QStringLiteral("org:o1")},
                       {QStringLiteral("title"), QStringLiteral("t")}}),
             invalid); // both
    QCOMPARE(sendTest({{QStringLiteral("orgId"), QStringLiteral("o1")},
                       {QStringLiteral("userId"), QStringLiteral("u1")}}),
             invalid); // no title
    QCOMPARE(sendTest({{QStringLiteral("orgId"), QStringLiteral("o1")},
                       {QStringLiteral("userId"), QStringLiteral("u1")},
                       {QStringLiteral("title"), QStringLiteral("t")},
                       {QStringLiteral("priority"), QStringLiteral("panic")}}),
             invalid);
    QCOMPARE(sendTest({{QStringLiteral("orgId"), 5},
                       {QStringLiteral("userId"), QStringLiteral("u1")},
                       {QStringLiteral("title"), QStringLiteral("t")}}),
             invalid);
    QCOMPARE(errorCode(console.call(QStringLiteral("trace"), {{QStringLiteral("on"), 1}})),
             invalid);

    const qsizetype errorsBefore = console.events(QStringLiteral("error")).size();
    console.socket.sendBinaryMessage("\x01\x02");
    QTRY_COMPARE_WITH_TIMEOUT(console.events(QStringLiteral("error")).size(), errorsBefore + 1,
                              5000);
    QCOMPARE(console.events(QStringLiteral("error")).last().value("code").toString(), invalid);

    // Errors keep the channel open and the request id.
    const QJsonObject r
        = console.call(QStringLiteral("trace"), {{QStringLiteral("on"), QStringLiteral("yes")}});
    QVERIFY(!r.value("replyTo").toString().isEmpty());
    QVERIFY(!console.closed);
}

void TestAdminChannel::twoConsolesAtOnce()
{
    TestServer s;
    Console a(s);
    Console b(s);
    QVERIFY(a.waitReady());
    QVERIFY(b.waitReady());
    QCOMPARE(s.server->admin()->consoleCount(), 2);

    auto client = connectClient(s, QStringLiteral("o1"), QStringLiteral("u1"));
    QVERIFY(a.waitForEvents(QStringLiteral("connection:opened"), 1));
    QVERIFY(b.waitForEvents(QStringLiteral("connection:opened"), 1));
    QCOMPARE(a.events(QStringLiteral("connection:opened")).first(),
             b.events(QStringLiteral("connection:opened")).first());

    // Tracing is per console.
    QCOMPARE(
        a.call(QStringLiteral("trace"), {{QStringLiteral("on"), true}}).value("type").toString(),
        QStringLiteral("reply"));
    const QString id
        = publishOne(s, QStringLiteral("o1"), QStringLiteral("u1"), QStringLiteral("x"));
    QVERIFY(a.waitForEvents(QStringLiteral("delivery"), 1));
    QVERIFY(client->waitForEvents(QStringLiteral("notification:new"), 1));
    QCOMPARE(b.call(QStringLiteral("snapshot")).value("type").toString(), QStringLiteral("reply"));
    QCOMPARE(b.events(QStringLiteral("delivery")).size(), 0);

    // One console leaving does not end the other's deltas (or a's trace).
    b.socket.close();
    QVERIFY(b.waitClosed());
    QTRY_COMPARE_WITH_TIMEOUT(s.server->admin()->consoleCount(), 1, 5000);
    client->socket.close();
    QVERIFY(a.waitForEvents(QStringLiteral("connection:closed"), 1));
    QVERIFY(
        !publishOne(s, QStringLiteral("o1"), QStringLiteral("u1"), QStringLiteral("y")).isEmpty());
    QVERIFY(a.waitForEvents(QStringLiteral("delivery"), 2));
    QCOMPARE(a.events(QStringLiteral("delivery")).last().value("connections").toInt(), 0);
}

void TestAdminChannel::consolesAreNotClients()
{
    TestServer s;
    auto client = connectClient(s, QStringLiteral("o1"), QStringLiteral("u1"));
    Console console(s);
    QVERIFY(console.waitReady());
    WsClient refused(consoleUrl(s, QStringLiteral("key=wrong")));
    QVERIFY(refused.waitClosed());

    const Metrics &m = s.server->metrics();
    QCOMPARE(m.connectionsPlain.load(), quint64(1));
    QCOMPARE(m.connectionsSocketIo.load(), quint64(0));
    // A refused console is not a client's auth failure either.
    QCOMPARE(m.authFailuresTotal(), quint64(0));
    const auto stats = s.request("GET", QStringLiteral("/api/v1/stats"));
    QCOMPARE(stats.json.value("connections").toObject().value("total").toInt(), 1);
    QCOMPARE(console.snapshot().value("connections").toArray().size(), 1);
}

void TestAdminChannel::shutdownClosesConsolesLast()
{
    TestServer s;
    auto client = connectClient(s, QStringLiteral("o1"), QStringLiteral("u1"));
    Console console(s);
    QVERIFY(console.waitReady());
    QSignalSpy stopped(s.server.get(), &Server::stopped);
    s.server->shutdown();
    QVERIFY(stopped.wait(15000));
    QVERIFY(console.waitClosed());
    QCOMPARE(int(console.socket.closeCode()), 1001);
    // The console saw its clients go first.
    const auto closed = console.events(QStringLiteral("connection:closed"));
    QCOMPARE(closed.size(), 1);
    QCOMPARE(closed.first().value("code").toInt(), 1001);
    QCOMPARE(s.server->admin()->consoleCount(), 0);
}

QTEST_MAIN(TestAdminChannel)
#include "test_adminchannel.moc"
