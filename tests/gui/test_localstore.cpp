// LocalStore: versioned migrations (fresh, from version 1, refusing a newer file) and the
// CRUD of profiles, templates and history, in a temporary folder.

#include "console/storage/localstore.h"

#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace notify::console;

class TestLocalStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void defaultPathIsInAppData()
    {
        QCoreApplication::setApplicationName("notify-console-test");
        QVERIFY(LocalStore::defaultPath().endsWith("/console.db"));
        QVERIFY(LocalStore::defaultPath().startsWith(
            QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)));
    }

    void freshFileMigratesToLatest()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("sub/console.db");
        LocalStore store;
        QVERIFY2(store.open(path), qPrintable(store.lastError()));
        QCOMPARE(store.version(), LocalStore::schemaVersion);
        QVERIFY(QFileInfo::exists(path));
        // The file holds admin keys: owner only.
        QCOMPARE(QFileInfo(path).permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
    }

    void upgradesVersionOneKeepingRows()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("console.db");
        {
            // A version-1 file as an older console left it.
            QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "v1");
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec("CREATE TABLE profiles (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
                           " url TEXT NOT NULL, admin_key TEXT NOT NULL DEFAULT '')"));
            QVERIFY(q.exec("CREATE TABLE templates (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
                           " org_id TEXT NOT NULL DEFAULT '', user_id TEXT NOT NULL DEFAULT '',"
                           " room TEXT NOT NULL DEFAULT '', type TEXT NOT NULL DEFAULT '',"
                           " title TEXT NOT NULL DEFAULT '', body TEXT NOT NULL DEFAULT '',"
                           " priority TEXT NOT NULL DEFAULT 'normal', action_url TEXT NOT NULL DEFAULT '',"
                           " metadata TEXT NOT NULL DEFAULT '')"));
            QVERIFY(q.exec("CREATE TABLE history (id INTEGER PRIMARY KEY, sent_at TEXT NOT NULL,"
                           " org_id TEXT NOT NULL, target TEXT NOT NULL, type TEXT NOT NULL DEFAULT '',"
                           " title TEXT NOT NULL, priority TEXT NOT NULL DEFAULT 'normal',"
                           " delivered INTEGER NOT NULL, notification_ids TEXT NOT NULL DEFAULT '',"
                           " error TEXT NOT NULL DEFAULT '')"));
            QVERIFY(q.exec("INSERT INTO profiles (name, url, admin_key) VALUES ('old', 'ws://h:1/admin', 'k')"));
            QVERIFY(q.exec("PRAGMA user_version = 1"));
            db.close();
        }
        QSqlDatabase::removeDatabase("v1");

        LocalStore store;
        QVERIFY2(store.open(path), qPrintable(store.lastError()));
        QCOMPARE(store.version(), 2);
        const auto old = store.profile("old");
        QVERIFY(old.has_value());
        QCOMPARE(old->url, QString("ws://h:1/admin"));
        QVERIFY(!old->lastUsedAt.isValid());
        QVERIFY(store.touchProfile("old")); // the column version 2 added
        QVERIFY(store.profile("old")->lastUsedAt.isValid());
    }

    void refusesNewerSchema()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("console.db");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "future");
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec("PRAGMA user_version = 99"));
            db.close();
        }
        QSqlDatabase::removeDatabase("future");
        LocalStore store;
        QVERIFY(!store.open(path));
        QVERIFY(store.lastError().contains("99"));
        QVERIFY(!store.isOpen());
        QVERIFY(store.profiles().isEmpty()); // a closed store answers, it does not crash
        QCOMPARE(store.saveProfile(ServerProfile{0, "x", "ws://h/admin", "k", {}}), 0);
    }

    void profilesCrud()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.filePath("console.db")));
        QVERIFY(store.profiles().isEmpty());
        QVERIFY(store.saveProfile(ServerProfile{0, "local", "ws://127.0.0.1:8081/admin", "k1", {}}) > 0);
        QVERIFY(store.saveProfile(ServerProfile{0, "staging", "wss://staging/admin", "k2", {}}) > 0);
        QCOMPARE(store.saveProfile(ServerProfile{0, "  ", "ws://x/admin", "", {}}), 0);
        QCOMPARE(store.profiles().size(), 2);
        // Saving under an existing name replaces.
        const qint64 id = store.profile("local")->id;
        QCOMPARE(store.saveProfile(ServerProfile{0, "local", "ws://127.0.0.1:9000/admin", "k3", {}}), id);
        QCOMPARE(store.profile("local")->url, QString("ws://127.0.0.1:9000/admin"));
        QCOMPARE(store.profile("local")->adminKey, QString("k3"));
        // The most recently used comes first.
        QCOMPARE(store.profiles().first().name, QString("local"));
        QVERIFY(store.touchProfile("staging"));
        QCOMPARE(store.profiles().first().name, QString("staging"));
        QVERIFY(store.deleteProfile("local"));
        QVERIFY(!store.deleteProfile("local"));
        QVERIFY(!store.profile("local").has_value());
        QCOMPARE(store.profiles().size(), 1);
    }

    void templatesCrud()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.filePath("console.db")));
        SendTemplate t;
        t.name = "claim";
        t.orgId = "acme";
        t.userId = "alice";
        t.type = "CLAIM_REJECTED";
        t.title = "Claim rejected";
        t.body = "Your claim was rejected.";
        t.priority = "urgent";
        t.actionUrl = "/claims/abc";
        t.metadata = "{\"claim\": \"abc\"}";
        QVERIFY(store.saveTemplate(t) > 0);
        auto loaded = store.sendTemplate("claim");
        QVERIFY(loaded.has_value());
        QCOMPARE(loaded->priority, QString("urgent"));
        QCOMPARE(loaded->metadata, t.metadata);
        QCOMPARE(loaded->userId, QString("alice"));
        t.room = "org:acme";
        t.userId.clear();
        t.title = "Changed";
        store.saveTemplate(t);
        QCOMPARE(store.templates().size(), 1);
        QCOMPARE(store.sendTemplate("claim")->title, QString("Changed"));
        QCOMPARE(store.sendTemplate("claim")->room, QString("org:acme"));
        QVERIFY(store.deleteTemplate("claim"));
        QVERIFY(store.templates().isEmpty());
    }

    void historyNewestFirstAndPersistent()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("console.db");
        {
            LocalStore store;
            QVERIFY(store.open(path));
            for (int i = 0; i < 5; ++i) {
                HistoryEntry e;
                e.sentAt = QDateTime(QDate(2026, 2, 17), QTime(10, 0, i), Qt::UTC);
                e.orgId = "acme";
                e.target = QStringLiteral("user:u%1").arg(i);
                e.title = QStringLiteral("t%1").arg(i);
                e.deliveredConnections = i;
                e.notificationIds = {QStringLiteral("id%1").arg(i), "x"};
                QVERIFY(store.addHistory(e) > 0);
            }
            HistoryEntry failed;
            failed.sentAt = QDateTime(QDate(2026, 2, 17), QTime(11, 0), Qt::UTC);
            failed.orgId = "acme";
            failed.target = "room:nope";
            failed.title = "bad";
            failed.error = "not_found";
            QVERIFY(store.addHistory(failed) > 0);
        }
        LocalStore reopened;
        QVERIFY(reopened.open(path));
        const auto all = reopened.history();
        QCOMPARE(all.size(), 6);
        QCOMPARE(all.first().title, QString("bad"));
        QCOMPARE(all.first().error, QString("not_found"));
        QCOMPARE(all.first().deliveredConnections, -1);
        QCOMPARE(all.at(1).title, QString("t4"));
        QCOMPARE(all.at(1).notificationIds, (QStringList{"id4", "x"}));
        QCOMPARE(all.at(1).sentAt, QDateTime(QDate(2026, 2, 17), QTime(10, 0, 4), Qt::UTC));
        QCOMPARE(reopened.history(2).size(), 2);
        QVERIFY(reopened.clearHistory());
        QVERIFY(reopened.history().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestLocalStore)
#include "test_localstore.moc"
