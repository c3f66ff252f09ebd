// Signed webhooks (docs/operations.md, "Webhooks"; docs/protocol.md, "Webhook events")
// against a real HTTP receiver on loopback: every call signed (checked with Qt's HMAC),
// each user's events in order, at least once; an endpoint that answers 500, hangs or resets
// is retried and never delays delivery to the clients; an event stored before a kill -9 is
// sent after the restart; only http and https URLs are taken; a disabled endpoint enabled
// again (the route and the subcommand) sends what it kept, in order; the `notifyd webhooks`
// subcommand as a real process, its changes audited.
#include "notifydprocess.h"
#include "testserver.h"
#include "webhookreceiver.h"

#include "shared/store/store.h"
#include "shared/store/storeconfig.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>

using namespace notify;
using namespace notify::test;

namespace {

using Behaviour = WebhookReceiver::Behaviour;

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
    QString lastLine() const { return out.trimmed().split(u'\n').last(); }
};

// `notifyd webhooks ARGS` on the given store options.
Run webhooksCommand(const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("NOTIFY_DB"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(NOTIFYD_BINARY), QStringList {QStringLiteral("webhooks")} + args);
    // The event loop runs meanwhile: the server and the receiver live on this thread.
    if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 15000))
        qWarning("notifyd webhooks did not finish");
    Run r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject idsData(const QStringList &ids)
{
    return {{QStringLiteral("notificationIds"), QJsonArray::fromStringList(ids)}};
}

const QByteArray adminKey = "test-admin-key";

} // namespace

class TestWebhooks : public QObject
{
    Q_OBJECT

private slots:
    void nonHttpUrlsAreRefused();
    void subcommandAddsListsAndRemovesAudited();
    void signedEventsArriveInOrderPerUser();
    void failingEndpointIsRetriedAndNeverDelaysDelivery();
    void eventStoredBeforeKillIsSentAfterRestart();
    void disabledEndpointEnabledAgainSendsKeptEventsInOrder();

private:
    // Adds an endpoint through the admin API; its secret goes to the receiver.
    QString addEndpoint(TestServer &server, WebhookReceiver &receiver, const QString &org);
};

QString TestWebhooks::addEndpoint(TestServer &server, WebhookReceiver &receiver, const QString &org)
{
    const auto r = server.request(
        "POST", QStringLiteral("/api/v1/webhooks"),
        compact({{QStringLiteral("orgId"), org}, {QStringLiteral("url"), receiver.url()}}),
        adminKey);
    if (r.status != 201) {
        qWarning("adding the endpoint: %d %s", r.status, r.body.constData());
        return {};
    }
    receiver.secret = r.json.value(QStringLiteral("secret")).toString().toLatin1();
    return r.json.value(QStringLiteral("id")).toString();
}

void TestWebhooks::nonHttpUrlsAreRefused()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("notify.db"));
    for (const QString &url :
         {QStringLiteral("ftp://example.com/hook"), QStringLiteral("file:///etc/passwd"),
          QStringLiteral("javascript:alert(1)"), QStringLiteral("/relative"),
          QStringLiteral("http://")}) {
        const Run r = webhooksCommand({QStringLiteral("add"), QStringLiteral("--org"),
                                       QStringLiteral("acme"), QStringLiteral("--url"), url,
                                       QStringLiteral("--db"), db});
        QVERIFY2(r.exitCode == 2, qPrintable(url + QStringLiteral(": ") + r.err));
        QVERIFY2(r.err.contains(QStringLiteral("invalid --url")), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }
    const Run ftp
        = webhooksCommand({QStringLiteral("add"), QStringLiteral("--org"), QStringLiteral("acme"),
                           QStringLiteral("--url"), QStringLiteral("ftp://example.com/hook"),
                           QStringLiteral("--db"), db});
    QVERIFY2(ftp.err.contains(QStringLiteral("only http and https")), qPrintable(ftp.err));
    const Run badEvent = webhooksCommand(
        {QStringLiteral("add"), QStringLiteral("--org"), QStringLiteral("acme"),
         QStringLiteral("--url"), QStringLiteral("https://example.com/h"),
         QStringLiteral("--events"), QStringLiteral("read,clicked"), QStringLiteral("--db"), db});
    QCOMPARE(badEvent.exitCode, 2);
    QVERIFY2(badEvent.err.contains(QStringLiteral("clicked")), qPrintable(badEvent.err));

    // The admin API refuses the same, and nothing is stored.
    TestServer server;
    auto r = server.request("POST", QStringLiteral("/api/v1/webhooks"),
                            compact({{QStringLiteral("orgId"), QStringLiteral("acme")},
                                     {QStringLiteral("url"), QStringLiteral("ftp://x/y")}}),
                            adminKey);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.code(), QStringLiteral("invalid_payload"));
    QVERIFY2(r.message().contains(QStringLiteral("only http and https")), qPrintable(r.message()));
    r = server.request("GET", QStringLiteral("/api/v1/webhooks"), {}, adminKey);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(QStringLiteral("endpoints")).toArray().size(), 0);
}

void TestWebhooks::subcommandAddsListsAndRemovesAudited()
{
    TestServer server;
    const QStringList store {QStringLiteral("--db"), server.config.db};
    const Run added = webhooksCommand(
        QStringList {QStringLiteral("add"), QStringLiteral("--org"), QStringLiteral("acme"),
                     QStringLiteral("--url"), QStringLiteral("https://hooks.example.com/n"),
                     QStringLiteral("--events"), QStringLiteral("read,deleted")}
        + store);
    QVERIFY2(added.exitCode == 0, qPrintable(added.err));
    // The secret alone on the last line, shown once.
    QVERIFY2(added.lastLine().startsWith(QStringLiteral("whsec_")), qPrintable(added.out));
    QVERIFY(!added.lastLine().contains(u' '));

    Run listed = webhooksCommand(QStringList {QStringLiteral("list")} + store);
    QCOMPARE(listed.exitCode, 0);
    QVERIFY2(listed.out.contains(QStringLiteral("https://hooks.example.com/n")),
             qPrintable(listed.out));
    QVERIFY(listed.out.contains(QStringLiteral("read,deleted")));
    QVERIFY(listed.out.contains(QStringLiteral("enabled")));
    QVERIFY(!listed.out.contains(added.lastLine()));

    // The admin API shows it (never its secret), to admins only.
    auto r = server.request("GET", QStringLiteral("/api/v1/webhooks"), {}, adminKey);
    QCOMPARE(r.status, 200);
    const QJsonArray endpoints = r.json.value(QStringLiteral("endpoints")).toArray();
    QCOMPARE(endpoints.size(), 1);
    const QJsonObject endpoint = endpoints.first().toObject();
    QCOMPARE(endpoint.value(QStringLiteral("state")).toString(), QStringLiteral("enabled"));
    QCOMPARE(endpoint.value(QStringLiteral("orgId")).toString(), QStringLiteral("acme"));
    QVERIFY(!endpoint.contains(QStringLiteral("secret")));
    QVERIFY(!r.body.contains(added.lastLine().toLatin1()));
    r = server.request("GET", QStringLiteral("/api/v1/webhooks"), {}, "not-a-key");
    QCOMPARE(r.status, 401);

    const Run removed = webhooksCommand(
        QStringList {QStringLiteral("remove"), QStringLiteral("https://hooks.example.com/n")}
        + store);
    QVERIFY2(removed.exitCode == 0, qPrintable(removed.err));
    const Run missing = webhooksCommand(
        QStringList {QStringLiteral("remove"), QStringLiteral("https://hooks.example.com/n")}
        + store);
    QCOMPARE(missing.exitCode, 1);

    // Added and removed through the API too; all four changes are in the audit log.
    WebhookReceiver receiver;
    const QString id = addEndpoint(server, receiver, QStringLiteral("acme"));
    QVERIFY(!id.isEmpty());
    r = server.request("DELETE", QStringLiteral("/api/v1/webhooks/") + id, {}, adminKey);
    QCOMPARE(r.status, 200);
    r = server.request("DELETE", QStringLiteral("/api/v1/webhooks/") + id, {}, adminKey);
    QCOMPARE(r.status, 404);
    QStringList audited;
    QVERIFY(QTest::qWaitFor(
        [&] {
            const auto log
                = server.request("GET", QStringLiteral("/api/v1/audit?limit=100"), {}, adminKey);
            audited.clear();
            for (const QJsonValue &v : log.json.value(QStringLiteral("entries")).toArray()) {
                const QJsonObject e = v.toObject();
                if (e.value(QStringLiteral("action"))
                        .toString()
                        .startsWith(QLatin1String("webhooks.")))
                    audited.prepend(e.value(QStringLiteral("action")).toString() + u' '
                                    + e.value(QStringLiteral("result")).toString());
            }
            return audited.size() >= 6;
        },
        5000));
    QCOMPARE(audited,
             (QStringList {QStringLiteral("webhooks.add ok"), QStringLiteral("webhooks.remove ok"),
                           QStringLiteral("webhooks.remove not_found"),
                           QStringLiteral("webhooks.add ok"), QStringLiteral("webhooks.remove ok"),
                           QStringLiteral("webhooks.remove not_found")}));
}

void TestWebhooks::signedEventsArriveInOrderPerUser()
{
    WebhookReceiver receiver;
    TestServer server;
    QVERIFY(!addEndpoint(server, receiver, QStringLiteral("acme")).isEmpty());

    WsClient alice(server.wsUrl(mintToken(QStringLiteral("acme"), QStringLiteral("alice"))));
    WsClient bob(server.wsUrl(mintToken(QStringLiteral("acme"), QStringLiteral("bob"))));
    QVERIFY(alice.waitConnected());
    QVERIFY(bob.waitConnected());
    QStringList a;
    for (int i = 0; i < 3; ++i) {
        const auto r = server.publish(QStringLiteral("acme"), {QStringLiteral("alice")},
                                      QStringLiteral("a%1").arg(i));
        QCOMPARE(r.status, 201);
        a += r.notificationIds();
    }
    const auto published
        = server.publish(QStringLiteral("acme"), {QStringLiteral("bob")}, QStringLiteral("b"));
    const QStringList b = published.notificationIds();
    // Another organization's changes go to its own endpoints only (it has none).
    const auto foreign
        = server.publish(QStringLiteral("globex"), {QStringLiteral("alice")}, QStringLiteral("g"));
    QCOMPARE(foreign.status, 201);
    QVERIFY(alice.waitForEvents(QStringLiteral("notification:new"), 3));
    QVERIFY(bob.waitForEvents(QStringLiteral("notification:new"), 1));

    // A client's ack is `delivered`; then read, read, deleted.
    alice.socket.sendTextMessage(QString::fromUtf8(compact(
        {{QStringLiteral("type"), QStringLiteral("ack")}, {QStringLiteral("data"), idsData(a)}})));
    QVERIFY(!alice.call(QStringLiteral("mark_read"), idsData({a[0]})).isEmpty());
    QVERIFY(!alice.call(QStringLiteral("mark_read"), idsData({a[1]})).isEmpty());
    QVERIFY(!alice.call(QStringLiteral("delete"), idsData({a[2]})).isEmpty());
    QVERIFY(!bob.call(QStringLiteral("mark_read"), idsData(b)).isEmpty());

    const QStringList expectedAlice {
        QStringLiteral("delivered ") + a[0], QStringLiteral("delivered ") + a[1],
        QStringLiteral("delivered ") + a[2], QStringLiteral("read ") + a[0],
        QStringLiteral("read ") + a[1],      QStringLiteral("deleted ") + a[2]};
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     return receiver.acceptedOf(QStringLiteral("alice")).size() >= 6
                         && receiver.acceptedOf(QStringLiteral("bob")).size() >= 1;
                 },
                 10000),
             qPrintable(receiver.acceptedOf(QStringLiteral("alice")).join(u',')));
    QCOMPARE(receiver.acceptedOf(QStringLiteral("alice")), expectedAlice);
    QCOMPARE(receiver.acceptedOf(QStringLiteral("bob")),
             QStringList {QStringLiteral("read ") + b[0]});
    for (const WebhookReceiver::Call &call : receiver.calls) {
        QVERIFY2(call.signatureValid, call.signature.constData());
        QCOMPARE(call.json.value(QStringLiteral("id")).toString().toLatin1(), call.eventId);
        QCOMPARE(call.json.value(QStringLiteral("data"))
                     .toObject()
                     .value(QStringLiteral("orgId"))
                     .toString(),
                 QStringLiteral("acme"));
        QVERIFY(call.json.value(QStringLiteral("occurredAt")).toString().endsWith(u'Z'));
    }
    QVERIFY(QTest::qWaitFor(
        [&] {
            return server.request("GET", QStringLiteral("/metrics"))
                .body.contains("notify_webhooks_sent_total 7\n");
        },
        5000));
}

void TestWebhooks::failingEndpointIsRetriedAndNeverDelaysDelivery()
{
    WebhookReceiver receiver;
    // alice's first calls: a 500, a hang (the sender's 10 s deadline), a reset.
    receiver.script.insert(QStringLiteral("alice"),
                           {Behaviour::Fail, Behaviour::Stall, Behaviour::Reset});
    TestServer server;
    QVERIFY(!addEndpoint(server, receiver, QStringLiteral("acme")).isEmpty());

    WsClient alice(server.wsUrl(mintToken(QStringLiteral("acme"), QStringLiteral("alice"))));
    QVERIFY(alice.waitConnected());
    QStringList a;
    for (int i = 0; i < 3; ++i)
        a += server
                 .publish(QStringLiteral("acme"), {QStringLiteral("alice")},
                          QStringLiteral("a%1").arg(i))
                 .notificationIds();
    QVERIFY(alice.waitForEvents(QStringLiteral("notification:new"), 3));
    for (const QString &id : a)
        QVERIFY(!alice.call(QStringLiteral("mark_read"), idsData({id})).isEmpty());

    // While alice's first event hangs at the receiver, delivery goes on as usual.
    QVERIFY(QTest::qWaitFor(
        [&] {
            return !receiver.calls.isEmpty() && receiver.calls.last().answered == Behaviour::Stall;
        },
        10000));
    WsClient carol(server.wsUrl(mintToken(QStringLiteral("acme"), QStringLiteral("carol"))));
    QVERIFY(carol.waitConnected());
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer timer;
        timer.start();
        const auto r = server.publish(QStringLiteral("acme"), {QStringLiteral("carol")},
                                      QStringLiteral("c%1").arg(i));
        QCOMPARE(r.status, 201);
        QVERIFY(carol.waitForEvents(QStringLiteral("notification:new"), i + 1, 2000));
        const QJsonObject reply
            = carol.call(QStringLiteral("mark_read"), idsData(r.notificationIds()), 2000);
        QVERIFY2(!reply.isEmpty(), "mark_read waited behind the hung webhook");
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    }

    // Retried until it goes through, each user's events in order, each at least once.
    QVERIFY2(QTest::qWaitFor(
                 [&] { return receiver.acceptedOf(QStringLiteral("alice")).size() >= 3; }, 60000),
             qPrintable(receiver.acceptedOf(QStringLiteral("alice")).join(u',')));
    QCOMPARE(receiver.acceptedOf(QStringLiteral("alice")),
             (QStringList {QStringLiteral("read ") + a[0], QStringLiteral("read ") + a[1],
                           QStringLiteral("read ") + a[2]}));
    // The first three calls of alice were her first event, answered as scripted.
    QStringList first;
    for (const WebhookReceiver::Call &c : receiver.calls) {
        if (c.userId() == QLatin1String("alice") && first.size() < 4)
            first.append(c.summary());
    }
    QCOMPARE(first, QStringList(4, QStringLiteral("read ") + a[0]));
    QVERIFY(QTest::qWaitFor(
        [&] { return receiver.acceptedOf(QStringLiteral("carol")).size() >= 5; }, 20000));
    for (const WebhookReceiver::Call &call : receiver.calls)
        QVERIFY(call.signatureValid);
    // The 500 and the hang count as failed calls; Qt's HTTP client sends a request again by
    // itself when the connection is reset before any answer, so the reset may show up as a
    // second attempt within one call instead.
    const QByteArray metrics = server.request("GET", QStringLiteral("/metrics")).body;
    QVERIFY2(metrics.contains("notify_webhooks_failed_total 2\n")
                 || metrics.contains("notify_webhooks_failed_total 3\n"),
             metrics.constData());

    // The endpoint recovered: the API shows it healthy again.
    QVERIFY(QTest::qWaitFor(
        [&] {
            const auto r = server.request("GET", QStringLiteral("/api/v1/webhooks"), {}, adminKey);
            const QJsonObject e
                = r.json.value(QStringLiteral("endpoints")).toArray().first().toObject();
            return e.value(QStringLiteral("state")).toString() == QLatin1String("enabled")
                && e.value(QStringLiteral("pending")).toInt() == 0;
        },
        5000));
}

void TestWebhooks::eventStoredBeforeKillIsSentAfterRestart()
{
    WebhookReceiver receiver;
    receiver.otherwise = Behaviour::Stall;
    QTemporaryDir dir;
    const Run added = webhooksCommand({QStringLiteral("add"), QStringLiteral("--org"),
                                       QStringLiteral("acme"), QStringLiteral("--url"),
                                       receiver.url(), QStringLiteral("--data-dir"), dir.path()});
    QVERIFY2(added.exitCode == 0, qPrintable(added.err));
    receiver.secret = added.lastLine().toLatin1();

    QString eventId;
    {
        NotifydProcess notifyd(dir.path());
        QVERIFY2(notifyd.waitListening(), qPrintable(notifyd.readLog()));
        QNetworkAccessManager nam;
        const auto published = httpRequest(
            nam, notifyd.url(QStringLiteral("/api/v1/notifications")), "POST",
            compact({{QStringLiteral("orgId"), QStringLiteral("acme")},
                     {QStringLiteral("userIds"), QJsonArray {QStringLiteral("alice")}},
                     {QStringLiteral("type"), QStringLiteral("TEST")},
                     {QStringLiteral("title"), QStringLiteral("t")}}),
            processApiKey);
        QCOMPARE(published.status, 201);
        const QString id = published.notificationIds().first();
        const auto read = httpRequest(
            nam, notifyd.url(QStringLiteral("/api/v1/me/notifications/read")), "POST",
            compact(idsData({id})), mintToken(QStringLiteral("acme"), QStringLiteral("alice")));
        QCOMPARE(read.status, 200);
        // The event is committed and its call under way (hung): kill -9 now.
        QVERIFY(QTest::qWaitFor([&] { return !receiver.calls.isEmpty(); }, 10000));
        eventId = QString::fromLatin1(receiver.calls.first().eventId);
        QCOMPARE(eventId, id + QStringLiteral(".read"));
        notifyd.process.kill();
        QVERIFY(notifyd.process.waitForFinished(5000));
        QCOMPARE(notifyd.process.exitStatus(), QProcess::CrashExit);
    }

    receiver.otherwise = Behaviour::Ok;
    NotifydProcess restarted(dir.path());
    QVERIFY2(restarted.waitListening(), qPrintable(restarted.readLog()));
    // Sent again after the restart without waiting for the lease, with the same id.
    QVERIFY(QTest::qWaitFor([&] { return !receiver.accepted().isEmpty(); }, 10000));
    QCOMPARE(QString::fromLatin1(receiver.accepted().first().eventId), eventId);
    QVERIFY(receiver.accepted().first().signatureValid);
}

void TestWebhooks::disabledEndpointEnabledAgainSendsKeptEventsInOrder()
{
    WebhookReceiver receiver;
    receiver.otherwise = Behaviour::Fail;
    TestServer server;
    const QString id = addEndpoint(server, receiver, QStringLiteral("acme"));
    QVERIFY(!id.isEmpty());
    WsClient alice(server.wsUrl(mintToken(QStringLiteral("acme"), QStringLiteral("alice"))));
    QVERIFY(alice.waitConnected());
    QStringList a;
    for (int i = 0; i < 3; ++i)
        a += server
                 .publish(QStringLiteral("acme"), {QStringLiteral("alice")},
                          QStringLiteral("a%1").arg(i))
                 .notificationIds();
    QVERIFY(alice.waitForEvents(QStringLiteral("notification:new"), 3));
    for (const QString &n : a)
        QVERIFY(!alice.call(QStringLiteral("mark_read"), idsData({n})).isEmpty());
    QVERIFY(QTest::qWaitFor([&] { return !receiver.calls.isEmpty(); }, 10000));

    // A day of failures, without waiting a day: the store's own disabling (test_store) as
    // the sender would leave it. Nothing is sent to a disabled endpoint.
    {
        auto config = StoreConfig::parse(server.config.db);
        QVERIFY(config.ok());
        auto store = Store::open(config.value(), QStringLiteral("test"));
        QVERIFY(store.ok());
        QSqlQuery q(store.value()->database());
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        q.prepare(QStringLiteral("UPDATE webhook_endpoints SET disabled_at = :now,"
                                 " failing_since = :since, failures = 30,"
                                 " next_attempt_at = :next WHERE id = :id"));
        q.bindValue(QStringLiteral(":now"), now);
        q.bindValue(QStringLiteral(":since"), now - 24 * 3600 * 1000);
        q.bindValue(QStringLiteral(":next"), now + 3600 * 1000);
        q.bindValue(QStringLiteral(":id"), id);
        QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
    }
    auto listed = server.request("GET", QStringLiteral("/api/v1/webhooks"), {}, adminKey);
    QJsonObject endpoint
        = listed.json.value(QStringLiteral("endpoints")).toArray().first().toObject();
    QCOMPARE(endpoint.value(QStringLiteral("state")).toString(), QStringLiteral("disabled"));
    QCOMPARE(endpoint.value(QStringLiteral("pending")).toInt(), 3);
    // A disabled endpoint gets no new events (this one is never sent, below); the kept ones
    // wait.
    QVERIFY(!alice.call(QStringLiteral("delete"), idsData({a[0]})).isEmpty());

    // The route: admins only, 404 for an unknown endpoint, then enabled: 200 with its state.
    receiver.otherwise = Behaviour::Ok;
    auto r = server.request("POST", QStringLiteral("/api/v1/webhooks/%1/enable").arg(id), {},
                            "not-a-key");
    QCOMPARE(r.status, 401);
    r = server.request("POST", QStringLiteral("/api/v1/webhooks/wh_0000/enable"), {}, adminKey);
    QCOMPARE(r.status, 404);
    r = server.request("GET", QStringLiteral("/api/v1/webhooks/%1/enable").arg(id), {}, adminKey);
    QCOMPARE(r.status, 405);
    r = server.request("POST", QStringLiteral("/api/v1/webhooks/%1/enable").arg(id), {}, adminKey);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(QStringLiteral("state")).toString(), QStringLiteral("enabled"));
    QCOMPARE(r.json.value(QStringLiteral("failures")).toInt(), 0);
    QVERIFY(r.json.value(QStringLiteral("disabledAt")).isNull());
    QCOMPARE(r.json.value(QStringLiteral("pending")).toInt(), 3);

    // The kept events, in order, at once (the backoff is cleared), then new ones; not the
    // one of the change made while it was disabled.
    QVERIFY2(QTest::qWaitFor(
                 [&] { return receiver.acceptedOf(QStringLiteral("alice")).size() >= 3; }, 5000),
             qPrintable(receiver.acceptedOf(QStringLiteral("alice")).join(u',')));
    QCOMPARE(receiver.acceptedOf(QStringLiteral("alice")),
             (QStringList {QStringLiteral("read ") + a[0], QStringLiteral("read ") + a[1],
                           QStringLiteral("read ") + a[2]}));
    QVERIFY(!alice.call(QStringLiteral("delete"), idsData({a[1]})).isEmpty());
    QVERIFY(QTest::qWaitFor(
        [&] { return receiver.acceptedOf(QStringLiteral("alice")).size() >= 4; }, 5000));
    QCOMPARE(receiver.acceptedOf(QStringLiteral("alice")).last(),
             QStringLiteral("deleted ") + a[1]);
    QVERIFY(
        !receiver.acceptedOf(QStringLiteral("alice")).contains(QStringLiteral("deleted ") + a[0]));

    // The subcommand, by URL, as `remove` takes it; an unknown one is exit status 1.
    const QStringList store {QStringLiteral("--db"), server.config.db};
    const Run enabled
        = webhooksCommand(QStringList {QStringLiteral("enable"), receiver.url()} + store);
    QVERIFY2(enabled.exitCode == 0, qPrintable(enabled.err));
    QVERIFY2(enabled.out.contains(id), qPrintable(enabled.out));
    const Run unknown = webhooksCommand(
        QStringList {QStringLiteral("enable"), QStringLiteral("wh_none")} + store);
    QCOMPARE(unknown.exitCode, 1);

    // Each enabling is in the audit log with its outcome.
    QStringList audited;
    QVERIFY(QTest::qWaitFor(
        [&] {
            const auto log
                = server.request("GET", QStringLiteral("/api/v1/audit?limit=100"), {}, adminKey);
            audited.clear();
            for (const QJsonValue &v : log.json.value(QStringLiteral("entries")).toArray()) {
                const QJsonObject e = v.toObject();
                if (e.value(QStringLiteral("action")).toString()
                    == QLatin1String("webhooks.enable"))
                    audited.prepend(e.value(QStringLiteral("result")).toString());
            }
            return audited.size() >= 4;
        },
        5000));
    QCOMPARE(audited,
             (QStringList {QStringLiteral("not_found"), QStringLiteral("ok"), QStringLiteral("ok"),
                           QStringLiteral("not_found")}));
}

QTEST_GUILESS_MAIN(TestWebhooks)
#include "test_webhooks.moc"
