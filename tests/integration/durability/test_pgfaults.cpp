// A slow or silent PostgreSQL: the node's every connection to the server (writer, readers,
// the cluster bus) goes through a fault proxy in this test (tests/common/faultproxy.h) that
// adds latency, goes silent without closing anything, or drops every connection. Publishes
// still succeed when slow; a silent server gets 503 storage_timeout within --store-timeout
// instead of an answer that never comes; and once the proxy heals the node writes again and
// every committed notification reaches the live client once (docs/operations.md, "When
// things fail").
#include "faultproxy.h"
#include "testserver.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>

using namespace notify;
using namespace notify::test;

class TestPgFaults : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void latencySlowsButNothingStalls();
    void silentServerAnswersWithinTheTimeoutAndHeals();
    void droppedConnectionsAreReplaced();

private:
    // A fresh database through a fresh proxy; the URL notifyd is given.
    QString proxiedUrl(FaultProxyThread &proxy, const QString &database) const;
    QString createDatabase();

    QString m_adminUrl;
    QStringList m_databases;
};

namespace {

QSqlDatabase openAdmin(const QString &url)
{
    const QUrl u(url);
    QSqlDatabase db
        = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("pgfaults-admin"));
    db.setHostName(u.host());
    db.setPort(u.port(5432));
    db.setUserName(u.userName());
    db.setPassword(u.password());
    db.setDatabaseName(QStringLiteral("postgres"));
    db.open();
    return db;
}

QString firstId(const HttpResponse &r)
{
    return r.notificationIds().value(0);
}

} // namespace

void TestPgFaults::initTestCase()
{
    QFile file(QStringLiteral(NOTIFY_PG_URL_FILE));
    if (!file.open(QIODevice::ReadOnly))
        QSKIP("PostgreSQL NOT AVAILABLE - the PostgreSQL fault test is SKIPPED (install "
              "`postgresql`)");
    m_adminUrl = QString::fromUtf8(file.readAll()).trimmed();
    QSqlDatabase admin = openAdmin(m_adminUrl);
    QVERIFY2(admin.isOpen(), qPrintable(admin.lastError().text()));
}

void TestPgFaults::cleanupTestCase()
{
    {
        QSqlDatabase admin = QSqlDatabase::database(QStringLiteral("pgfaults-admin"));
        QSqlQuery q(admin);
        for (const QString &name : std::as_const(m_databases))
            q.exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(name));
        admin.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("pgfaults-admin"));
}

QString TestPgFaults::createDatabase()
{
    const QString name = QStringLiteral("notify_pgfaults_%1").arg(QRandomGenerator::global()->generate());
    QSqlQuery q(QSqlDatabase::database(QStringLiteral("pgfaults-admin")));
    if (!q.exec(QStringLiteral("CREATE DATABASE %1").arg(name)))
        qFatal("CREATE DATABASE: %s", qPrintable(q.lastError().text()));
    m_databases.append(name);
    return name;
}

QString TestPgFaults::proxiedUrl(FaultProxyThread &proxy, const QString &database) const
{
    QUrl url(m_adminUrl);
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(proxy.port());
    url.setPath(QLatin1Char('/') + database);
    return url.toString();
}

void TestPgFaults::latencySlowsButNothingStalls()
{
    const QUrl admin(m_adminUrl);
    FaultProxyThread proxy(admin.host(), quint16(admin.port(5432)));
    const QString url = proxiedUrl(proxy, createDatabase());
    TestServer s([&](ServerConfig &c) { c.db = url; });
    QCOMPARE(s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("fast")).status,
             201);

    // 100 ms each way: 200 ms per round trip, and a publish is several.
    proxy.setLatency(100);
    QNetworkRequest req(s.apiUrl(QStringLiteral("/api/v1/notifications")));
    req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    req.setRawHeader("Authorization", "Bearer " + testApiKey.toUtf8());
    QElapsedTimer timer;
    timer.start();
    QNetworkReply *slow = s.nam.post(
        req, QByteArrayLiteral(R"({"orgId":"o1","userIds":["u1"],"type":"T","title":"slow"})"));
    // The API's event loop answers while the writer waits on the server.
    QNetworkAccessManager other;
    const HttpResponse health = httpRequest(other, s.apiUrl(QStringLiteral("/healthz")), "GET", {}, {});
    QCOMPARE(health.status, 200);
    QVERIFY2(!slow->isFinished(), "the publish should still be waiting on the slow server");
    QTRY_VERIFY_WITH_TIMEOUT(slow->isFinished(), 15000);
    QCOMPARE(slow->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 201);
    qInfo("one publish over 200 ms round trips: %lld ms", timer.elapsed());
    QVERIFY(timer.elapsed() >= 200);
    slow->deleteLater();
}

void TestPgFaults::silentServerAnswersWithinTheTimeoutAndHeals()
{
    const QUrl admin(m_adminUrl);
    FaultProxyThread proxy(admin.host(), quint16(admin.port(5432)));
    const QString url = proxiedUrl(proxy, createDatabase());
    TestServer s([&](ServerConfig &c) {
        c.db = url;
        c.storeTimeoutMs = 2000;
    });
    WsClient client(s.wsUrl(mintToken("o1", "u1")));
    QVERIFY(client.waitForEvents(QStringLiteral("notification:unread_count"), 1));

    QStringList answered;
    auto publish = [&](const QString &title) {
        const HttpResponse r = s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, title);
        if (r.status == 201)
            answered.append(firstId(r));
        return r;
    };
    QCOMPARE(publish(QStringLiteral("before")).status, 201);
    QVERIFY(client.waitForEvents(QStringLiteral("notification:new"), 1));

    // Silent: nothing closes, nothing answers.
    proxy.stall();
    QElapsedTimer timer;
    timer.start();
    const HttpResponse stalled = publish(QStringLiteral("stalled"));
    const qint64 waited = timer.elapsed();
    QCOMPARE(stalled.status, 503);
    QCOMPARE(stalled.code(), QStringLiteral("storage_timeout"));
    QVERIFY(stalled.retryAfter.toInt() > 0);
    qInfo("a publish to a silent server answered 503 after %lld ms (--store-timeout 2s)", waited);
    QVERIFY2(waited >= 1500, "answered before the store timeout: not the timeout's answer");
    // Those that come meanwhile are answered too, never held.
    int refusedMeanwhile = 0;
    for (int i = 0; i < 3; ++i) {
        const HttpResponse r = publish(QStringLiteral("meanwhile%1").arg(i));
        QVERIFY2(r.status == 503 || r.status == 201, r.body.constData());
        refusedMeanwhile += r.status == 503;
    }
    QTRY_COMPARE_WITH_TIMEOUT(s.request("GET", QStringLiteral("/readyz")).status, 503, 15000);
    QCOMPARE(s.request("GET", QStringLiteral("/healthz")).status, 200);
    QVERIFY(!client.closed);

    // Heal: writing resumes by itself, the node is ready again.
    proxy.heal();
    QTRY_COMPARE_WITH_TIMEOUT(publish(QStringLiteral("after")).status, 201, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(s.request("GET", QStringLiteral("/readyz")).status, 200, 20000);

    // Every answered notification is stored once, the sequence has no gap; what was refused
    // with a timeout may have been stored (the transaction in flight at the deadline) and
    // then counts like the rest.
    const HttpResponse inbox
        = s.request("GET", QStringLiteral("/api/v1/notifications?orgId=o1&userId=u1&limit=100"));
    QCOMPARE(inbox.status, 200);
    QSet<QString> stored;
    QList<qint64> seqs;
    for (const QJsonValue &v : inbox.json.value(QStringLiteral("notifications")).toArray()) {
        stored.insert(v.toObject().value(QStringLiteral("id")).toString());
        seqs.append(v.toObject().value(QStringLiteral("seq")).toInteger());
    }
    for (const QString &id : std::as_const(answered))
        QVERIFY2(stored.contains(id), qPrintable(id));
    for (qsizetype i = 0; i < seqs.size(); ++i)
        QCOMPARE(seqs[i], qint64(seqs.size() - i));
    QVERIFY(stored.size() <= answered.size() + 1 + refusedMeanwhile);

    // The live client gets every stored notification once: the bus listened again and the
    // node caught up with what it missed.
    QTRY_VERIFY_WITH_TIMEOUT(
        client.events(QStringLiteral("notification:new")).size() >= stored.size(), 20000);
    QSet<QString> delivered;
    for (const QJsonObject &e : client.events(QStringLiteral("notification:new"))) {
        const QString id = e.value(QStringLiteral("notification")).toObject().value(QStringLiteral("id")).toString();
        QVERIFY2(!delivered.contains(id), qPrintable(QStringLiteral("delivered twice: ") + id));
        delivered.insert(id);
    }
    QCOMPARE(delivered, stored);
}

void TestPgFaults::droppedConnectionsAreReplaced()
{
    const QUrl admin(m_adminUrl);
    FaultProxyThread proxy(admin.host(), quint16(admin.port(5432)));
    const QString url = proxiedUrl(proxy, createDatabase());
    TestServer s([&](ServerConfig &c) {
        c.db = url;
        c.storeTimeoutMs = 2000;
    });
    QCOMPARE(s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("one")).status,
             201);
    proxy.dropAll();
    // A connection found dead is replaced and the publish retried once: no error at all.
    QCOMPARE(s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("two")).status,
             201);
    QTRY_COMPARE_WITH_TIMEOUT(s.request("GET", QStringLiteral("/readyz")).status, 200, 15000);
    const HttpResponse inbox
        = s.request("GET", QStringLiteral("/api/v1/notifications?orgId=o1&userId=u1&limit=100"));
    QCOMPARE(inbox.json.value(QStringLiteral("notifications")).toArray().size(), 2);
}

QTEST_MAIN(TestPgFaults)
#include "test_pgfaults.moc"
