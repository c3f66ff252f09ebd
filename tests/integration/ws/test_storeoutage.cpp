// A database that goes away under a running node: clear errors (503, "internal" with a
// message), nothing answered is lost, connections survive, and the node recovers by itself.
// Runs on the real PostgreSQL of the test fixture; its connections are killed server-side.
#include "testserver.h"

#include <QFile>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

using namespace notify;
using namespace notify::test;

class TestStoreOutage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void lostConnectionsGiveClearErrorsAndRecover();

private:
    bool killBackends();
    QString m_adminUrl;
    QString m_dbName;
};

namespace {
QSqlDatabase openAdmin(const QString &url, const QString &database)
{
    const QUrl u(url);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("outage-admin"));
    db.setHostName(u.host());
    db.setPort(u.port(5432));
    db.setUserName(u.userName());
    db.setPassword(u.password());
    db.setDatabaseName(database);
    db.open();
    return db;
}
} // namespace

void TestStoreOutage::initTestCase()
{
    QFile file(QStringLiteral(NOTIFY_PG_URL_FILE));
    if (!file.open(QIODevice::ReadOnly))
        QSKIP("PostgreSQL NOT AVAILABLE - the store outage test is SKIPPED (install `postgresql`)");
    m_adminUrl = QString::fromUtf8(file.readAll()).trimmed();
    m_dbName = QStringLiteral("notify_outage_%1").arg(QRandomGenerator::global()->generate());
    QSqlDatabase admin = openAdmin(m_adminUrl, QStringLiteral("postgres"));
    QVERIFY2(admin.isOpen(), qPrintable(admin.lastError().text()));
    QSqlQuery q(admin);
    QVERIFY2(q.exec(QStringLiteral("CREATE DATABASE %1").arg(m_dbName)), qPrintable(q.lastError().text()));
}

void TestStoreOutage::cleanupTestCase()
{
    if (m_dbName.isEmpty())
        return;
    {
        QSqlDatabase admin = QSqlDatabase::database(QStringLiteral("outage-admin"));
        QSqlQuery q(admin);
        q.exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_dbName));
        admin.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("outage-admin"));
}

bool TestStoreOutage::killBackends()
{
    QSqlQuery q(QSqlDatabase::database(QStringLiteral("outage-admin")));
    return q.exec(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = '%1' AND pid <> pg_backend_pid()").arg(m_dbName));
}

void TestStoreOutage::lostConnectionsGiveClearErrorsAndRecover()
{
    QUrl url(m_adminUrl);
    url.setPath(QLatin1Char('/') + m_dbName);
    TestServer s([&](ServerConfig &c) { c.db = url.toString(); });

    WsClient client(s.wsUrl(mintToken("o1", "u1")));
    QVERIFY(client.waitForEvents(QStringLiteral("notification:unread_count"), 1));
    QStringList committed;
    auto publish = [&](const QString &title) {
        const auto r = s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, title);
        if (r.status == 201)
            committed.append(r.json.value(QStringLiteral("notifications")).toArray().first()
                                 .toObject().value(QStringLiteral("id")).toString());
        return r;
    };
    QCOMPARE(publish(QStringLiteral("before")).status, 201);

    // 1. Connections killed while idle (a restart, a failover): replaced without an error.
    QVERIFY(killBackends());
    for (int i = 0; i < 3; ++i)
        QCOMPARE(publish(QStringLiteral("reconnected%1").arg(i)).status, 201);
    QCOMPARE(client.call(QStringLiteral("get_unread_count")).value(QStringLiteral("data")).toObject()
                 .value(QStringLiteral("unreadCount")).toInt(), 4);

    // 2. The database is really gone: clear errors everywhere, nothing pretends to succeed.
    QSqlQuery q(QSqlDatabase::database(QStringLiteral("outage-admin")));
    QVERIFY(q.exec(QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS false").arg(m_dbName)));
    QVERIFY(killBackends());
    const auto refused = publish(QStringLiteral("refused"));
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("unavailable"));
    const QJsonObject reply = client.call(QStringLiteral("get_unread_count"));
    QCOMPARE(reply.value(QStringLiteral("type")).toString(), QStringLiteral("error"));
    QCOMPARE(reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("internal"));
    QVERIFY(reply.value(QStringLiteral("data")).toObject().value(QStringLiteral("message")).toString()
                .contains(QStringLiteral("unavailable")));
    QTRY_COMPARE_WITH_TIMEOUT(s.request("GET", QStringLiteral("/readyz")).status, 503, 10000);
    QCOMPARE(s.request("GET", QStringLiteral("/healthz")).status, 200); // alive, just not ready
    QVERIFY(!client.closed);

    // 3. Back: ready again by itself, and everything answered 201 is stored, nothing else.
    QVERIFY(q.exec(QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS true").arg(m_dbName)));
    QTRY_COMPARE_WITH_TIMEOUT(s.request("GET", QStringLiteral("/readyz")).status, 200, 10000);
    QCOMPARE(publish(QStringLiteral("after")).status, 201);
    const auto inbox = s.request("GET", QStringLiteral("/api/v1/notifications?orgId=o1&userId=u1&limit=100"));
    QVERIFY2(inbox.status == 200, inbox.body.constData());
    QStringList stored;
    for (const QJsonValue &v : inbox.json.value(QStringLiteral("notifications")).toArray())
        stored.append(v.toObject().value(QStringLiteral("id")).toString());
    stored.sort();
    committed.sort();
    QCOMPARE(stored, committed);
    QVERIFY(client.waitForEvents(QStringLiteral("notification:new"), int(committed.size())));
}

QTEST_MAIN(TestStoreOutage)
#include "test_storeoutage.moc"
