// The store's contract, asserted against a real database. Compiled twice: with
// NOTIFY_STORE_TEST_POSTGRES=0 against SQLite files in temporary directories, and with =1
// against the throw-away PostgreSQL that tests/scripts/pg-start.sh starts (one fresh
// database per test function, so runs never see each other's rows).

#include "shared/store/migrations.h"
#include "shared/store/store.h"
#include "shared/store/webhooks.h"

#include <QFile>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTest>
#include <QThread>
#include <QUuid>

#include <map>
#include <memory>
#include <set>
#include <tuple>

#ifndef NOTIFY_STORE_TEST_POSTGRES
#error "NOTIFY_STORE_TEST_POSTGRES must be 0 or 1"
#endif

using namespace notify;

namespace {

constexpr bool kPostgres = NOTIFY_STORE_TEST_POSTGRES;

#define STORE_OK(var, expr)                                                                        \
    auto var = (expr);                                                                             \
    QVERIFY2(var.ok(), var.ok() ? "" : qPrintable(var.error().message))

const QDateTime kT0 = QDateTime(QDate(2024, 5, 1), QTime(12, 0, 0, 123), Qt::UTC);

NewNotification draft(const Recipient &r, const QString &title, const QString &key = {})
{
    NewNotification n;
    n.recipient = r;
    n.content.type = QStringLiteral("test.event");
    n.content.title = title;
    n.idempotencyKey = key;
    return n;
}

QList<qint64> seqsOf(const Page &page)
{
    QList<qint64> out;
    for (const Notification &n : page.notifications)
        out.append(n.seq);
    return out;
}

QList<qint64> range(qint64 from, qint64 to) // inclusive, either direction
{
    QList<qint64> out;
    if (from <= to) {
        for (qint64 i = from; i <= to; ++i)
            out.append(i);
    } else {
        for (qint64 i = from; i >= to; --i)
            out.append(i);
    }
    return out;
}

// The columns of a whole notification, in the order of every schema version's reads.
const QString kRowColumns = QStringLiteral(
    "id, org_id, user_id, seq, type, title, body, priority, action_url, entity_type, entity_id,"
    " metadata, idempotency_key, created_at, delivered_at, read_at, deleted_at");

// A row as the schemas before version 5 kept it: one table, the content in every row.
struct LegacyRow
{
    QString id, org, user;
    qint64 seq = 0;
    QString type, title, body, priority, actionUrl, entityType, entityId, metadata;
    QVariant key, createdAt, deliveredAt, readAt, deletedAt;
};

bool execBound(const QSqlDatabase &db, const QString &sql, const QVariantList &values,
               QString *error)
{
    QSqlQuery q(db);
    if (!q.prepare(sql)) {
        *error = q.lastError().text();
        return false;
    }
    for (qsizetype i = 0; i < values.size(); ++i)
        q.bindValue(int(i), values.at(i));
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

// Writes rows into a database of schema version 1 to 4 as those versions did, with each
// recipient's last_seq and unread_count.
bool insertLegacy(const QSqlDatabase &db, const std::vector<LegacyRow> &rows, QString *error)
{
    std::map<std::pair<QString, QString>, std::pair<qint64, qint64>> recipients;
    for (const LegacyRow &r : rows) {
        auto &[lastSeq, unread] = recipients[{r.org, r.user}];
        lastSeq = std::max(lastSeq, r.seq);
        if (r.readAt.isNull() && r.deletedAt.isNull())
            ++unread;
    }
    for (const auto &[key, counts] : recipients) {
        if (!execBound(db,
                       QStringLiteral("INSERT INTO recipients (org_id, user_id, last_seq,"
                                      " unread_count) VALUES (?, ?, ?, ?)"),
                       {key.first, key.second, counts.first, counts.second}, error)) {
            return false;
        }
    }
    for (const LegacyRow &r : rows) {
        if (!execBound(db,
                       QStringLiteral("INSERT INTO notifications (") + kRowColumns
                           + QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                                            " ?, ?, ?, ?)"),
                       {r.id, r.org, r.user, r.seq, r.type, r.title, r.body, r.priority,
                        r.actionUrl, r.entityType, r.entityId, r.metadata, r.key, r.createdAt,
                        r.deliveredAt, r.readAt, r.deletedAt},
                       error)) {
            return false;
        }
    }
    return true;
}

// Every row of a query as text, NULL told apart from the empty string.
QStringList dumpRows(const QSqlDatabase &db, const QString &sql)
{
    QStringList out;
    QSqlQuery q(db);
    if (!q.exec(sql)) {
        out.append(QStringLiteral("error: ") + q.lastError().text());
        return out;
    }
    while (q.next()) {
        QStringList fields;
        for (int i = 0; i < q.record().count(); ++i)
            fields.append(q.value(i).isNull() ? QStringLiteral("<null>") : q.value(i).toString());
        out.append(fields.join(QLatin1Char('|')));
    }
    return out;
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void parseConfig_data();
    void parseConfig();
    void describeHidesPassword();
    void postgresConnectionParameters();

    void insertAndReadBack();
    void concurrentBatchesAreGapFree();
    void idempotency();
    void isolationBetweenUsersAndOrgs();
    void unreadCounterSurvivesRandomOperations();
    void inboxPaging();
    void afterSeqAscending();
    void sinceFilter();
    void readRangesOfManyUsers();
    void readRangesLimitAndChunks();
    void unreadCountsOfMany();
    void sessions();
    void purge();
    void broadcastsAreRecorded();
    void pushesAreRecordedOncePerNotificationAndNode();
    void migrationsAreIdempotent();
    void upgradeFromVersionOne();
    void upgradeFromVersionFourKeepsEveryRow();
    void upgradeFromVersionFiveAddsInboxStates();
    void unreachableDatabaseIsUnavailable();
    void lostConnectionRecovers();
    void insertReportsUnreadCountAfter();
    void findManyIsScopedAndSkipsDeleted();
    void seenIsApartFromRead();
    void countersExactWithKeyedAndKeylessRecipients();
    void sqliteSessionSettings();
    void failedGroupRollsBackWhole();
    void failedChangeRollsBackWhole();

    void webhookEventsCommitWithTheirChange();
    void webhookClaimsOneEventPerUserInOrder();
    void webhookBackoffThenDisableAfterADay();
    void webhookOutboxIsBounded();
    void webhookEnableClearsBackoffAndReleasesKeptEvents();

private:
    // A store on this test function's database, not yet migrated.
    std::unique_ptr<Store> openRaw();
    std::unique_ptr<Store> openMigrated();
    QString nextConnectionName() { return QStringLiteral("store-%1").arg(++m_connections); }

    StoreConfig m_config;
    StoreConfig m_pgBase; // the server's own database, for admin statements
    QString m_pgDatabase; // this test function's database
    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_openError;
    int m_connections = 0;
};

void TestStore::initTestCase()
{
    if constexpr (kPostgres) {
#ifdef NOTIFY_PG_URL_FILE
        QFile file(QStringLiteral(NOTIFY_PG_URL_FILE));
        QString url;
        if (file.open(QIODevice::ReadOnly))
            url = QString::fromUtf8(file.readAll()).trimmed();
        if (url.isEmpty()) {
            qWarning("################################################################");
            qWarning("### PostgreSQL NOT AVAILABLE - store tests on PostgreSQL SKIPPED");
            qWarning("### (no URL in %s; install the `postgresql` package)", NOTIFY_PG_URL_FILE);
            qWarning("################################################################");
            QSKIP("PostgreSQL NOT AVAILABLE - store tests on PostgreSQL SKIPPED");
        }
        auto parsed = StoreConfig::parse(url);
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error()));
        m_pgBase = parsed.value();
        QSqlDatabase admin
            = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("admin"));
        admin.setHostName(m_pgBase.host);
        admin.setPort(m_pgBase.port);
        admin.setUserName(m_pgBase.user);
        admin.setDatabaseName(m_pgBase.database);
        QVERIFY2(admin.open(), qPrintable(admin.lastError().text()));
        QSqlQuery(admin).exec(QStringLiteral("SET client_min_messages TO warning"));
#endif
    }
}

void TestStore::cleanupTestCase()
{
    if (QSqlDatabase::contains(QStringLiteral("admin"))) {
        QSqlDatabase::database(QStringLiteral("admin")).close();
        QSqlDatabase::removeDatabase(QStringLiteral("admin"));
    }
}

void TestStore::init()
{
    if constexpr (kPostgres) {
        m_pgDatabase = QStringLiteral("t_%1_%2")
                           .arg(QString::fromLatin1(QTest::currentTestFunction()).toLower())
                           .arg(QRandomGenerator::global()->generate() % 1000000);
        m_pgDatabase = m_pgDatabase.right(60);
        QSqlQuery q(QSqlDatabase::database(QStringLiteral("admin")));
        QVERIFY2(q.exec(QStringLiteral("CREATE DATABASE \"%1\"").arg(m_pgDatabase)),
                 qPrintable(q.lastError().text()));
        m_config = m_pgBase;
        m_config.database = m_pgDatabase;
    } else {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        m_config = StoreConfig();
        // A nested path: opening must create the parent directories.
        m_config.sqlitePath = m_tmp->filePath(QStringLiteral("nested/dir/notify.db"));
    }
}

void TestStore::cleanup()
{
    if constexpr (kPostgres) {
        if (!m_pgDatabase.isEmpty() && QSqlDatabase::contains(QStringLiteral("admin"))) {
            QSqlQuery q(QSqlDatabase::database(QStringLiteral("admin")));
            if (!q.exec(QStringLiteral("DROP DATABASE IF EXISTS \"%1\" WITH (FORCE)")
                            .arg(m_pgDatabase))) {
                qWarning("could not drop %s: %s", qPrintable(m_pgDatabase),
                         qPrintable(q.lastError().text()));
            }
        }
        m_pgDatabase.clear();
    }
    m_tmp.reset();
}

std::unique_ptr<Store> TestStore::openRaw()
{
    auto opened = Store::open(m_config, nextConnectionName());
    if (!opened) {
        m_openError = opened.error().message;
        return nullptr;
    }
    return std::move(opened.value());
}

std::unique_ptr<Store> TestStore::openMigrated()
{
    auto store = openRaw();
    if (!store)
        return nullptr;
    auto migrated = store->migrate();
    if (!migrated) {
        m_openError = migrated.error().message;
        return nullptr;
    }
    return store;
}

#define OPEN_STORE(var)                                                                            \
    std::unique_ptr<Store> var = openMigrated();                                                   \
    QVERIFY2(var, qPrintable(m_openError))

// ---------------------------------------------------------------------------------------

void TestStore::parseConfig_data()
{
    QTest::addColumn<QString>("argument");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<bool>("postgres");
    QTest::addColumn<QString>("sqlitePath");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("database");

    QTest::newRow("sqlite path") << "/var/lib/notifyd/notify.db" << true << false
                                 << "/var/lib/notifyd/notify.db"
                                 << "" << 5432 << ""
                                 << ""
                                 << "";
    QTest::newRow("sqlite relative") << "data/n.db" << true << false << "data/n.db"
                                     << "" << 5432 << ""
                                     << ""
                                     << "";
    QTest::newRow("sqlite: prefix") << "sqlite:/tmp/x.db" << true << false << "/tmp/x.db"
                                    << "" << 5432 << ""
                                    << ""
                                    << "";
    QTest::newRow("full pg url") << "postgres://alice:s3cret@db.example.com:6543/notify" << true
                                 << true << ""
                                 << "db.example.com" << 6543 << "alice"
                                 << "s3cret"
                                 << "notify";
    QTest::newRow("postgresql scheme, default port")
        << "postgresql://bob@localhost/app" << true << true << ""
        << "localhost" << 5432 << "bob"
        << ""
        << "app";
    QTest::newRow("percent-decoding")
        << "postgres://us%40er:p%3Aa%2Fss%40@127.0.0.1:5433/d%20b" << true << true << ""
        << "127.0.0.1" << 5433 << "us@er"
        << "p:a/ss@"
        << "d b";
    QTest::newRow("ipv6 host") << "postgres://u@[::1]:5440/db" << true << true << ""
                               << "::1" << 5440 << "u"
                               << ""
                               << "db";
    QTest::newRow("empty") << "" << false << false << ""
                           << "" << 0 << ""
                           << ""
                           << "";
    QTest::newRow("pg without database") << "postgres://u@host:5432/" << false << false << ""
                                         << "" << 0 << ""
                                         << ""
                                         << "";
    QTest::newRow("pg bad port") << "postgres://u@host:99999/db" << false << false << ""
                                 << "" << 0 << ""
                                 << ""
                                 << "";
    QTest::newRow("pg non-numeric port") << "postgres://u@host:abc/db" << false << false << ""
                                         << "" << 0 << ""
                                         << ""
                                         << "";
    QTest::newRow("other scheme") << "mysql://u@host/db" << false << false << ""
                                  << "" << 0 << ""
                                  << ""
                                  << "";
}

void TestStore::parseConfig()
{
    QFETCH(QString, argument);
    QFETCH(bool, ok);
    const auto parsed = StoreConfig::parse(argument);
    QCOMPARE(parsed.ok(), ok);
    if (!ok) {
        QVERIFY(!parsed.error().isEmpty());
        return;
    }
    QFETCH(bool, postgres);
    QFETCH(QString, sqlitePath);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(QString, database);
    QCOMPARE(parsed->isPostgres(), postgres);
    if (!postgres) {
        QCOMPARE(parsed->sqlitePath, sqlitePath);
        return;
    }
    QCOMPARE(parsed->host, host);
    QCOMPARE(parsed->port, port);
    QCOMPARE(parsed->user, user);
    QCOMPARE(parsed->password, password);
    QCOMPARE(parsed->database, database);
}

void TestStore::describeHidesPassword()
{
    const auto pg = StoreConfig::parse(QStringLiteral("postgres://alice:s3cret@db:6543/notify"));
    QVERIFY(pg.ok());
    QCOMPARE(pg->describe(), QStringLiteral("postgres://alice@db:6543/notify"));
    QVERIFY(!pg->describe().contains(QStringLiteral("s3cret")));
    const auto sqlite = StoreConfig::parse(QStringLiteral("/tmp/n.db"));
    QVERIFY(sqlite.ok());
    QCOMPARE(sqlite->describe(), QStringLiteral("sqlite:/tmp/n.db"));
    // describe() output parses back to the same place.
    const auto again = StoreConfig::parse(sqlite->describe());
    QVERIFY(again.ok());
    QCOMPARE(again->sqlitePath, QStringLiteral("/tmp/n.db"));
}

// docs/configuration.md, "PostgreSQL connection parameters": defaults, overrides from the
// URL's query, the session settings as -c options, and refusals.
void TestStore::postgresConnectionParameters()
{
    const auto plain = StoreConfig::parse(QStringLiteral("postgres://u@h:5432/db"));
    QVERIFY(plain.ok());
    QCOMPARE(plain->qtConnectOptions(),
             QStringLiteral("connect_timeout=5;keepalives=1;keepalives_idle=5;"
                            "keepalives_interval=2;keepalives_count=3;tcp_user_timeout=10000"));
    const auto tuned = StoreConfig::parse(QStringLiteral(
        "postgres://u@h:5432/db?tcp_user_timeout=3000&statement_timeout=30000&lock_timeout=500"
        "&application_name=notifyd-a"));
    QVERIFY2(tuned.ok(), qPrintable(tuned.ok() ? QString() : tuned.error()));
    QCOMPARE(tuned->database, QStringLiteral("db"));
    QCOMPARE(tuned->qtConnectOptions(),
             QStringLiteral("connect_timeout=5;keepalives=1;keepalives_idle=5;"
                            "keepalives_interval=2;keepalives_count=3;tcp_user_timeout=3000;"
                            "application_name=notifyd-a;"
                            "options='-c statement_timeout=30000 -c lock_timeout=500'"));
    const auto libpq = tuned->libpqParameters();
    QCOMPARE(libpq.last().first, QByteArray("options"));
    QCOMPARE(libpq.last().second, QByteArray("-c statement_timeout=30000 -c lock_timeout=500"));

    const auto unknown = StoreConfig::parse(QStringLiteral("postgres://u@h/db?sslcert=x"));
    QVERIFY(!unknown.ok());
    QVERIFY(unknown.error().contains(QStringLiteral("unknown parameter \"sslcert\"")));
    const auto negative
        = StoreConfig::parse(QStringLiteral("postgres://u@h/db?keepalives_idle=-1"));
    QVERIFY(!negative.ok());
    const auto quoted
        = StoreConfig::parse(QStringLiteral("postgres://u@h/db?application_name=a%27b"));
    QVERIFY(!quoted.ok());
}

// ---------------------------------------------------------------------------------------

void TestStore::insertAndReadBack()
{
    OPEN_STORE(store);
    const Recipient r {QStringLiteral("o1"), QStringLiteral("u1")};
    NewNotification n;
    n.recipient = r;
    n.content.type = QStringLiteral("invoice.paid");
    n.content.title = QStringLiteral("Invoice paid – ünïcødé ✓");
    n.content.body = QStringLiteral("Line one\nLine 'two' \"quoted\" ; DROP TABLE x; --");
    n.content.priority = Priority::High;
    n.content.actionUrl = QStringLiteral("https://example.com/i/42?x=1&y=2");
    n.content.entityType = QStringLiteral("invoice");
    n.content.entityId = QStringLiteral("42");
    n.content.metadata
        = QJsonObject {{QStringLiteral("amount"), 12.5},
                       {QStringLiteral("tags"), QJsonArray {1, QStringLiteral("a")}},
                       {QStringLiteral("nested"), QJsonObject {{QStringLiteral("ok"), true}}}};
    n.idempotencyKey = QStringLiteral("key-1");

    NewNotification bare; // every optional field empty (null QStrings)
    bare.recipient = r;
    bare.content.type = QStringLiteral("t");
    bare.content.title = QStringLiteral("bare");
    bare.content.priority = Priority::Urgent;

    STORE_OK(inserted, store->insertBatch({n, bare}, kT0));
    QCOMPARE(inserted->size(), size_t(2));
    const Notification &created = inserted->at(0).notification;
    QVERIFY(inserted->at(0).created);
    QVERIFY(inserted->at(1).created);
    QVERIFY(!QUuid::fromString(created.id).isNull());
    QVERIFY(!created.id.startsWith(QLatin1Char('{')));
    QCOMPARE(created.seq, 1);
    QCOMPARE(inserted->at(1).notification.seq, 2);
    QCOMPARE(created.createdAt, kT0);

    STORE_OK(found, store->find(r, created.id));
    QVERIFY(found->has_value());
    const Notification &f = **found;
    QCOMPARE(f.id, created.id);
    QCOMPARE(f.recipient, r);
    QCOMPARE(f.seq, 1);
    QCOMPARE(f.content.type, n.content.type);
    QCOMPARE(f.content.title, n.content.title);
    QCOMPARE(f.content.body, n.content.body);
    QCOMPARE(f.content.priority, Priority::High);
    QCOMPARE(f.content.actionUrl, n.content.actionUrl);
    QCOMPARE(f.content.entityType, n.content.entityType);
    QCOMPARE(f.content.entityId, n.content.entityId);
    QCOMPARE(f.content.metadata, n.content.metadata);
    QCOMPARE(f.idempotencyKey, n.idempotencyKey);
    QCOMPARE(f.createdAt, kT0);
    QCOMPARE(f.createdAt.timeSpec(), Qt::UTC);
    QVERIFY(!f.deliveredAt.isValid());
    QVERIFY(!f.readAt.isValid());
    QVERIFY(!f.deletedAt.isValid());

    STORE_OK(foundBare, store->find(r, inserted->at(1).notification.id));
    QVERIFY(foundBare->has_value());
    QCOMPARE((*foundBare)->content.priority, Priority::Urgent);
    QVERIFY((*foundBare)->content.body.isEmpty());
    QVERIFY((*foundBare)->content.metadata.isEmpty());
    QVERIFY((*foundBare)->idempotencyKey.isEmpty());

    STORE_OK(unread, store->unreadCount(r));
    QCOMPARE(*unread, 2);

    const QDateTime t1 = kT0.addSecs(10);
    STORE_OK(delivered, store->markDelivered(r, {created.id}, t1));
    QCOMPARE(*delivered, 1);
    STORE_OK(deliveredAgain, store->markDelivered(r, {created.id}, t1.addSecs(1)));
    QCOMPARE(*deliveredAgain, 0);
    STORE_OK(afterDelivery, store->find(r, created.id));
    QCOMPARE((*afterDelivery)->deliveredAt, t1);

    const QDateTime t2 = kT0.addSecs(20);
    STORE_OK(read, store->markRead(r, {created.id, QStringLiteral("no-such-id")}, t2));
    QCOMPARE(read->ids, QStringList {created.id});
    QCOMPARE(read->updated(), 1);
    QCOMPARE(read->unreadCount, 1);
    QCOMPARE(read->at, t2);
    STORE_OK(readAgain, store->markRead(r, {created.id}, t2.addSecs(1)));
    QVERIFY(readAgain->ids.isEmpty());
    QCOMPARE(readAgain->unreadCount, 1);
    STORE_OK(afterRead, store->find(r, created.id));
    QCOMPARE((*afterRead)->readAt, t2);

    STORE_OK(deleted, store->softDelete(r, {created.id}, kT0.addSecs(30)));
    QCOMPARE(deleted->ids, QStringList {created.id});
    QCOMPARE(deleted->unreadCount, 1); // it was already read
    STORE_OK(gone, store->find(r, created.id));
    QVERIFY(!gone->has_value());
    STORE_OK(page, store->inbox(r, {}));
    QCOMPARE(seqsOf(*page), QList<qint64> {2});
    STORE_OK(deletedAgain, store->softDelete(r, {created.id}, kT0.addSecs(31)));
    QVERIFY(deletedAgain->ids.isEmpty());
    STORE_OK(notDeliveredWhenDeleted, store->markDelivered(r, {created.id}, kT0));
    QCOMPARE(*notDeliveredWhenDeleted, 0);

    // Deleting an unread one brings the counter down.
    STORE_OK(deleteUnread, store->softDelete(r, {inserted->at(1).notification.id}, kT0));
    QCOMPARE(deleteUnread->unreadCount, 0);
    STORE_OK(unreadAfter, store->unreadCount(r));
    QCOMPARE(*unreadAfter, 0);

    // Empty batches and unknown recipients are harmless.
    STORE_OK(empty, store->insertBatch({}, kT0));
    QVERIFY(empty->empty());
    STORE_OK(unknown, store->unreadCount({QStringLiteral("nobody"), QStringLiteral("x")}));
    QCOMPARE(*unknown, 0);
    const auto invalid = store->insertBatch({draft({QString(), QStringLiteral("u")}, "x")}, kT0);
    QVERIFY(!invalid.ok());
}

void TestStore::concurrentBatchesAreGapFree()
{
    // Created before the threads so that they do not race on creating the schema.
    OPEN_STORE(store);
    std::vector<Recipient> recipients;
    for (int i = 0; i < 5; ++i)
        recipients.push_back({QStringLiteral("org"), QStringLiteral("user%1").arg(i)});

    constexpr int kThreads = 2;
    constexpr int kBatches = 50;
    QStringList errors[kThreads];
    std::vector<std::unique_ptr<QThread>> threads;
    for (int t = 0; t < kThreads; ++t) {
        const QString name = QStringLiteral("worker-%1").arg(t);
        QStringList *threadErrors = &errors[t];
        const StoreConfig config = m_config;
        threads.emplace_back(QThread::create([=] {
            auto opened = Store::open(config, name);
            if (!opened) {
                threadErrors->append(opened.error().message);
                return;
            }
            Store &own = *opened.value();
            for (int b = 0; b < kBatches; ++b) {
                std::vector<NewNotification> batch;
                for (const Recipient &r : recipients)
                    batch.push_back(draft(r, QStringLiteral("t%1 b%2").arg(t).arg(b)));
                // The first recipient twice: its two seqs must follow batch order.
                batch.push_back(
                    draft(recipients[0], QStringLiteral("t%1 b%2 again").arg(t).arg(b)));
                auto result = own.insertBatch(batch, QDateTime::currentDateTimeUtc());
                if (!result) {
                    threadErrors->append(result.error().message);
                    return;
                }
                const auto &out = *result;
                if (out.size() != batch.size()
                    || out.front().notification.seq >= out.back().notification.seq) {
                    threadErrors->append(QStringLiteral("batch order broken"));
                    return;
                }
            }
        }));
    }
    for (auto &thread : threads)
        thread->start();
    for (auto &thread : threads)
        QVERIFY(thread->wait(QDeadlineTimer(120000)));
    for (const QStringList &e : errors)
        QVERIFY2(e.isEmpty(), qPrintable(e.join(QStringLiteral("; "))));

    for (size_t i = 0; i < recipients.size(); ++i) {
        const qint64 expected = kThreads * kBatches * (i == 0 ? 2 : 1);
        STORE_OK(page, store->afterSeq(recipients[i], 0, 1000));
        QCOMPARE(seqsOf(*page), range(1, expected));
        QVERIFY(!page->hasMore);
        STORE_OK(unread, store->unreadCount(recipients[i]));
        QCOMPARE(*unread, expected);
    }
}

void TestStore::idempotency()
{
    OPEN_STORE(store);
    const Recipient r1 {QStringLiteral("o1"), QStringLiteral("u1")};
    const Recipient r2 {QStringLiteral("o1"), QStringLiteral("u2")};
    const Recipient otherOrg {QStringLiteral("o2"), QStringLiteral("u1")};
    const QString key = QStringLiteral("order-7");

    STORE_OK(first, store->insertBatch({draft(r1, "first", key)}, kT0));
    QVERIFY(first->at(0).created);
    STORE_OK(second, store->insertBatch({draft(r1, "second attempt", key)}, kT0.addSecs(5)));
    QVERIFY(!second->at(0).created);
    QCOMPARE(second->at(0).notification.id, first->at(0).notification.id);
    QCOMPARE(second->at(0).notification.seq, 1);
    QCOMPARE(second->at(0).notification.content.title, QStringLiteral("first"));
    QCOMPARE(second->at(0).notification.createdAt, kT0);
    STORE_OK(rows, store->afterSeq(r1, 0, 100));
    QCOMPARE(rows->notifications.size(), size_t(1));
    STORE_OK(unread, store->unreadCount(r1));
    QCOMPARE(*unread, 1);

    // The same key for other recipients is a different notification.
    STORE_OK(others, store->insertBatch({draft(r2, "r2", key), draft(otherOrg, "o2", key)}, kT0));
    QVERIFY(others->at(0).created);
    QVERIFY(others->at(1).created);
    QVERIFY(others->at(0).notification.id != first->at(0).notification.id);
    QVERIFY(others->at(1).notification.id != others->at(0).notification.id);

    // A key repeated inside one batch, around a keyless draft.
    const Recipient r3 {QStringLiteral("o1"), QStringLiteral("u3")};
    STORE_OK(batch,
             store->insertBatch({draft(r3, "a", "dup"), draft(r3, "b"), draft(r3, "c", "dup"),
                                 draft(r3, "d", "other")},
                                kT0));
    QCOMPARE(batch->size(), size_t(4));
    QVERIFY(batch->at(0).created);
    QVERIFY(batch->at(1).created);
    QVERIFY(!batch->at(2).created);
    QVERIFY(batch->at(3).created);
    QCOMPARE(batch->at(2).notification.id, batch->at(0).notification.id);
    QCOMPARE(batch->at(2).notification.content.title, QStringLiteral("a"));
    QCOMPARE(batch->at(0).notification.seq, 1);
    QCOMPARE(batch->at(1).notification.seq, 2);
    QCOMPARE(batch->at(3).notification.seq, 3);
    STORE_OK(r3unread, store->unreadCount(r3));
    QCOMPARE(*r3unread, 3);
    STORE_OK(r3rows, store->afterSeq(r3, 0, 100));
    QCOMPARE(seqsOf(*r3rows), range(1, 3));

    // A replay after the original was read returns it as it is now, counting nothing.
    STORE_OK(read, store->markRead(r1, {first->at(0).notification.id}, kT0.addSecs(9)));
    QCOMPARE(read->updated(), 1);
    STORE_OK(replay, store->insertBatch({draft(r1, "third attempt", key)}, kT0.addSecs(10)));
    QVERIFY(!replay->at(0).created);
    QCOMPARE(replay->at(0).notification.readAt, kT0.addSecs(9));
    STORE_OK(unreadAfter, store->unreadCount(r1));
    QCOMPARE(*unreadAfter, 0);
}

void TestStore::isolationBetweenUsersAndOrgs()
{
    OPEN_STORE(store);
    const Recipient a {QStringLiteral("o1"), QStringLiteral("u1")};
    const Recipient b {QStringLiteral("o1"), QStringLiteral("u2")};
    const Recipient c {QStringLiteral("o2"), QStringLiteral("u1")}; // same user id, other org
    STORE_OK(inserted,
             store->insertBatch({draft(a, "for a"), draft(b, "for b"), draft(c, "for c")}, kT0));
    const QString idA = inserted->at(0).notification.id;
    const QString idB = inserted->at(1).notification.id;
    const QString idC = inserted->at(2).notification.id;
    // Sequences are per recipient.
    QCOMPARE(inserted->at(0).notification.seq, 1);
    QCOMPARE(inserted->at(1).notification.seq, 1);
    QCOMPARE(inserted->at(2).notification.seq, 1);

    for (const QString &foreign : {idB, idC}) {
        STORE_OK(found, store->find(a, foreign));
        QVERIFY(!found->has_value());
    }
    STORE_OK(read, store->markRead(a, {idB, idC}, kT0));
    QVERIFY(read->ids.isEmpty());
    QCOMPARE(read->unreadCount, 1);
    STORE_OK(deleted, store->softDelete(a, {idB, idC}, kT0));
    QVERIFY(deleted->ids.isEmpty());
    STORE_OK(delivered, store->markDelivered(a, {idB, idC}, kT0));
    QCOMPARE(*delivered, 0);
    STORE_OK(all, store->markAllRead(a, kT0));
    QCOMPARE(all->ids, QStringList {idA});

    STORE_OK(inboxA, store->inbox(a, {}));
    QCOMPARE(inboxA->notifications.size(), size_t(1));
    QCOMPARE(inboxA->notifications.front().id, idA);
    STORE_OK(replayA, store->afterSeq(a, 0, 100));
    QCOMPARE(replayA->notifications.size(), size_t(1));
    QCOMPARE(replayA->notifications.front().id, idA);
    STORE_OK(sinceA, store->since(a, kT0.addDays(-1), 100));
    QCOMPARE(sinceA->notifications.size(), size_t(1));
    QCOMPARE(sinceA->notifications.front().id, idA);

    // b and c are untouched.
    for (const auto &[who, id] : {std::pair {b, idB}, std::pair {c, idC}}) {
        STORE_OK(found, store->find(who, id));
        QVERIFY(found->has_value());
        QVERIFY(!(*found)->readAt.isValid());
        QVERIFY(!(*found)->deletedAt.isValid());
        QVERIFY(!(*found)->deliveredAt.isValid());
        STORE_OK(unread, store->unreadCount(who));
        QCOMPARE(*unread, 1);
        STORE_OK(recount, store->recountUnread(who));
        QCOMPARE(*recount, 1);
    }
    // And c (same user id as a, other org) cannot reach a's notification either.
    STORE_OK(cReadsA, store->find(c, idA));
    QVERIFY(!cReadsA->has_value());
    STORE_OK(cDeletesA, store->softDelete(c, {idA}, kT0));
    QVERIFY(cDeletesA->ids.isEmpty());
    STORE_OK(stillThere, store->find(a, idA));
    QVERIFY(stillThere->has_value());
}

void TestStore::unreadCounterSurvivesRandomOperations()
{
    OPEN_STORE(store);
    const std::vector<Recipient> recipients {{QStringLiteral("o1"), QStringLiteral("u1")},
                                             {QStringLiteral("o1"), QStringLiteral("u2")},
                                             {QStringLiteral("o2"), QStringLiteral("u1")}};
    struct Row
    {
        int owner;
        bool read = false;
        bool deleted = false;
    };
    std::map<QString, Row> model;
    QStringList allIds;
    auto modelUnread = [&](int who) {
        qint64 n = 0;
        for (const auto &[id, row] : model)
            n += (row.owner == who && !row.read && !row.deleted) ? 1 : 0;
        return n;
    };

    QRandomGenerator rng(20240501);
    QDateTime now = kT0;
    for (int op = 0; op < 1000; ++op) {
        now = now.addMSecs(7);
        const int who = int(rng.bounded(quint32(recipients.size())));
        const Recipient &r = recipients[size_t(who)];
        // Some picked ids belong to other recipients or are already gone on purpose.
        auto pickIds = [&] {
            QStringList ids;
            const int n = int(rng.bounded(1, 4));
            for (int i = 0; i < n && !allIds.isEmpty(); ++i)
                ids.append(allIds.at(rng.bounded(int(allIds.size()))));
            return ids;
        };
        const quint32 kind = rng.bounded(100);
        if (kind < 40 || allIds.isEmpty()) {
            std::vector<NewNotification> batch;
            std::vector<int> owners;
            const int n = int(rng.bounded(1, 4));
            for (int i = 0; i < n; ++i) {
                const int owner = int(rng.bounded(quint32(recipients.size())));
                owners.push_back(owner);
                batch.push_back(draft(recipients[size_t(owner)], QStringLiteral("op %1").arg(op)));
            }
            STORE_OK(inserted, store->insertBatch(batch, now));
            for (size_t i = 0; i < inserted->size(); ++i) {
                model[inserted->at(i).notification.id] = Row {owners[i]};
                allIds.append(inserted->at(i).notification.id);
            }
        } else if (kind < 65 || kind >= 90) {
            const QStringList ids = pickIds();
            QStringList expected;
            for (const QString &id : ids) {
                const Row &row = model[id];
                if (row.owner == who && !row.read && !row.deleted && !expected.contains(id))
                    expected.append(id);
            }
            STORE_OK(changed, store->markRead(r, ids, now));
            QCOMPARE(changed->ids, expected);
            for (const QString &id : expected)
                model[id].read = true;
            QCOMPARE(changed->unreadCount, modelUnread(who));
        } else if (kind < 75) {
            STORE_OK(changed, store->markAllRead(r, now));
            QCOMPARE(changed->updated(), modelUnread(who));
            for (const QString &id : changed->ids) {
                QCOMPARE(model[id].owner, who);
                model[id].read = true;
            }
            QCOMPARE(changed->unreadCount, 0);
        } else {
            const QStringList ids = pickIds();
            QStringList expected;
            for (const QString &id : ids) {
                const Row &row = model[id];
                if (row.owner == who && !row.deleted && !expected.contains(id))
                    expected.append(id);
            }
            STORE_OK(changed, store->softDelete(r, ids, now));
            QCOMPARE(changed->ids, expected);
            for (const QString &id : expected)
                model[id].deleted = true;
            QCOMPARE(changed->unreadCount, modelUnread(who));
        }
    }

    for (size_t i = 0; i < recipients.size(); ++i) {
        STORE_OK(counter, store->unreadCount(recipients[i]));
        QCOMPARE(*counter, modelUnread(int(i)));
        STORE_OK(recount, store->recountUnread(recipients[i]));
        QCOMPARE(*recount, *counter);
        STORE_OK(unreadPage, store->inbox(recipients[i], {100, std::nullopt, true}));
        if (!unreadPage->hasMore)
            QCOMPARE(qint64(unreadPage->notifications.size()), *counter);
    }
}

void TestStore::inboxPaging()
{
    OPEN_STORE(store);
    const Recipient r {QStringLiteral("o1"), QStringLiteral("u1")};
    std::vector<NewNotification> batch;
    for (int i = 1; i <= 105; ++i)
        batch.push_back(draft(r, QStringLiteral("n%1").arg(i)));
    STORE_OK(inserted, store->insertBatch(batch, kT0));
    auto idOfSeq = [&](qint64 seq) {
        return inserted->at(size_t(seq - 1)).notification.id;
    };

    STORE_OK(deleted, store->softDelete(r, {idOfSeq(105)}, kT0));
    QCOMPARE(deleted->updated(), 1);

    STORE_OK(first, store->inbox(r, {10, std::nullopt, false}));
    QCOMPARE(seqsOf(*first), range(104, 95));
    QVERIFY(first->hasMore);
    STORE_OK(second, store->inbox(r, {10, 95, false}));
    QCOMPARE(seqsOf(*second), range(94, 85));
    QVERIFY(second->hasMore);
    STORE_OK(last, store->inbox(r, {10, 6, false}));
    QCOMPARE(seqsOf(*last), range(5, 1));
    QVERIFY(!last->hasMore);
    STORE_OK(exact, store->inbox(r, {5, 6, false}));
    QCOMPARE(seqsOf(*exact), range(5, 1));
    QVERIFY(!exact->hasMore);
    STORE_OK(nothing, store->inbox(r, {10, 1, false}));
    QVERIFY(nothing->notifications.empty());
    QVERIFY(!nothing->hasMore);

    // Limits are clamped to 1..100.
    STORE_OK(tiny, store->inbox(r, {0, std::nullopt, false}));
    QCOMPARE(seqsOf(*tiny), QList<qint64> {104});
    QVERIFY(tiny->hasMore);
    STORE_OK(huge, store->inbox(r, {5000, std::nullopt, false}));
    QCOMPARE(seqsOf(*huge), range(104, 5));
    QVERIFY(huge->hasMore);

    // Unread only: every third one is read.
    QStringList toRead;
    for (qint64 seq = 3; seq <= 30; seq += 3)
        toRead.append(idOfSeq(seq));
    STORE_OK(read, store->markRead(r, toRead, kT0));
    QCOMPARE(read->updated(), 10);
    QCOMPARE(read->unreadCount, 104 - 10);
    STORE_OK(unreadPage, store->inbox(r, {5, 13, true}));
    QCOMPARE(seqsOf(*unreadPage), (QList<qint64> {11, 10, 8, 7, 5}));
    QVERIFY(unreadPage->hasMore);
    STORE_OK(unreadTail, store->inbox(r, {5, 5, true}));
    QCOMPARE(seqsOf(*unreadTail), (QList<qint64> {4, 2, 1}));
    QVERIFY(!unreadTail->hasMore);
}

void TestStore::afterSeqAscending()
{
    OPEN_STORE(store);
    const Recipient r {QStringLiteral("o1"), QStringLiteral("u1")};
    std::vector<NewNotification> batch;
    for (int i = 1; i <= 25; ++i)
        batch.push_back(draft(r, QStringLiteral("n%1").arg(i)));
    STORE_OK(inserted, store->insertBatch(batch, kT0));
    STORE_OK(deleted, store->softDelete(r, {inserted->at(11).notification.id}, kT0)); // seq 12
    QCOMPARE(deleted->updated(), 1);

    STORE_OK(first, store->afterSeq(r, 0, 10));
    QCOMPARE(seqsOf(*first), range(1, 10));
    QVERIFY(first->hasMore);
    STORE_OK(second, store->afterSeq(r, 10, 10));
    QCOMPARE(seqsOf(*second), (QList<qint64> {11, 13, 14, 15, 16, 17, 18, 19, 20, 21}));
    QVERIFY(second->hasMore);
    STORE_OK(third, store->afterSeq(r, 21, 10));
    QCOMPARE(seqsOf(*third), range(22, 25));
    QVERIFY(!third->hasMore);
    STORE_OK(exact, store->afterSeq(r, 20, 5));
    QCOMPARE(seqsOf(*exact), range(21, 25));
    QVERIFY(!exact->hasMore);
    STORE_OK(none, store->afterSeq(r, 25, 10));
    QVERIFY(none->notifications.empty());
    QVERIFY(!none->hasMore);
}

void TestStore::sinceFilter()
{
    OPEN_STORE(store);
    const Recipient r {QStringLiteral("o1"), QStringLiteral("u1")};
    for (int i = 0; i < 3; ++i) {
        STORE_OK(inserted,
                 store->insertBatch({draft(r, QStringLiteral("at %1").arg(i))}, kT0.addSecs(i)));
        QCOMPARE(inserted->at(0).notification.createdAt, kT0.addSecs(i));
    }
    STORE_OK(all, store->since(r, kT0.addMSecs(-1), 10));
    QCOMPARE(seqsOf(*all), range(3, 1));
    QVERIFY(!all->hasMore);
    STORE_OK(later, store->since(r, kT0, 10)); // strictly after
    QCOMPARE(seqsOf(*later), range(3, 2));
    STORE_OK(limited, store->since(r, kT0, 1));
    QCOMPARE(seqsOf(*limited), QList<qint64> {3});
    QVERIFY(limited->hasMore);
    STORE_OK(none, store->since(r, kT0.addSecs(2), 10));
    QVERIFY(none->notifications.empty());
    // A since in another time zone means the same instant.
    STORE_OK(offset, store->since(r, kT0.toOffsetFromUtc(3600), 10));
    QCOMPARE(seqsOf(*offset), range(3, 2));
}

void TestStore::readRangesOfManyUsers()
{
    OPEN_STORE(store);
    const Recipient a {QStringLiteral("o1"), QStringLiteral("a")};
    const Recipient b {QStringLiteral("o1"), QStringLiteral("b")};
    const Recipient other {QStringLiteral("o2"), QStringLiteral("a")}; // same user id
    std::vector<NewNotification> batch;
    for (int i = 1; i <= 6; ++i) {
        batch.push_back(draft(a, QStringLiteral("a%1").arg(i)));
        batch.push_back(draft(b, QStringLiteral("b%1").arg(i)));
        batch.push_back(draft(other, QStringLiteral("o%1").arg(i)));
    }
    STORE_OK(inserted, store->insertBatch(batch, kT0));
    STORE_OK(early, store->insertBatch({draft(b, QStringLiteral("b7"))}, kT0.addSecs(-10)));
    // a's seq 3 deleted: left out like every read.
    STORE_OK(deleted, store->softDelete(a, {inserted->at(6).notification.id}, kT0));
    QCOMPARE(deleted->updated(), 1);

    // In the order of the ranges as given (b before a), each range's rows by seq, bounds
    // exclusive below and inclusive above; nothing of the other org's user "a".
    STORE_OK(page, store->readRanges({{b, 4, 7, {}}, {a, 1, 4, {}}}, 100));
    QVERIFY(!page->hasMore);
    QList<QPair<QString, qint64>> got;
    for (const Notification &n : page->notifications)
        got.append({n.recipient.orgId + QLatin1Char('/') + n.recipient.userId, n.seq});
    const QList<QPair<QString, qint64>> expected {{QStringLiteral("o1/b"), 5},
                                                  {QStringLiteral("o1/b"), 6},
                                                  {QStringLiteral("o1/b"), 7},
                                                  {QStringLiteral("o1/a"), 2},
                                                  {QStringLiteral("o1/a"), 4}};
    QCOMPARE(got, expected);
    // Whole rows, content included.
    QCOMPARE(page->notifications.front().content.title, QStringLiteral("b5"));
    QCOMPARE(page->notifications.front().id, inserted->at(13).notification.id);

    // since: only rows created after it (b's seq 7 is older).
    STORE_OK(recent, store->readRanges({{b, 0, 100, kT0.addSecs(-1)}}, 100));
    QCOMPARE(seqsOf(*recent), range(1, 6));
    // An unknown user and an empty range give nothing.
    STORE_OK(
        none,
        store->readRanges(
            {{{QStringLiteral("o1"), QStringLiteral("nobody")}, 0, 9, {}}, {a, 4, 4, {}}}, 100));
    QVERIFY(none->notifications.empty());
    STORE_OK(empty, store->readRanges({}, 100));
    QVERIFY(empty->notifications.empty());
    auto invalid = store->readRanges({{Recipient {}, 0, 9, {}}}, 100);
    QVERIFY(!invalid.ok());

    // Ids that need quoting read back as they are, and match only themselves (PostgreSQL
    // gets the values written into the statement).
    const Recipient odd {QStringLiteral("o'1\\"),
                         QStringLiteral("u\\'); DELETE FROM recipients; --é")};
    const Recipient plain {QStringLiteral("o'1"), QStringLiteral("u")};
    STORE_OK(oddInserted,
             store->insertBatch(
                 {draft(odd, QStringLiteral("odd")), draft(plain, QStringLiteral("plain"))}, kT0));
    STORE_OK(oddRows, store->readRanges({{odd, 0, 9, {}}}, 100));
    QCOMPARE(oddRows->notifications.size(), size_t(1));
    QCOMPARE(oddRows->notifications.front().recipient, odd);
    QCOMPARE(oddRows->notifications.front().content.title, QStringLiteral("odd"));
    STORE_OK(oddCounts, store->unreadCounts({odd, plain, a}));
    QCOMPARE(oddCounts->value(odd), qint64(1));
    QCOMPARE(oddCounts->value(plain), qint64(1));
    QCOMPARE(oddCounts->value(a), qint64(5));
}

void TestStore::readRangesLimitAndChunks()
{
    OPEN_STORE(store);
    // More ranges than one statement takes (100), two rows each.
    std::vector<NewNotification> batch;
    std::vector<SeqRange> ranges;
    for (int u = 0; u < 150; ++u) {
        const Recipient r {QStringLiteral("o1"), QStringLiteral("u%1").arg(u)};
        batch.push_back(draft(r, QStringLiteral("first")));
        batch.push_back(draft(r, QStringLiteral("second")));
        ranges.push_back({r, 0, 2, {}});
    }
    STORE_OK(inserted, store->insertBatch(batch, kT0));
    STORE_OK(all, store->readRanges(ranges, 1000));
    QCOMPARE(all->notifications.size(), size_t(300));
    QVERIFY(!all->hasMore);
    for (size_t i = 0; i < all->notifications.size(); ++i) {
        QCOMPARE(all->notifications[i].recipient.userId, QStringLiteral("u%1").arg(i / 2));
        QCOMPARE(all->notifications[i].seq, qint64(i % 2 + 1));
    }
    // The limit counts rows over every statement: 250 of 300, the first ones.
    STORE_OK(limited, store->readRanges(ranges, 250));
    QCOMPARE(limited->notifications.size(), size_t(250));
    QVERIFY(limited->hasMore);
    QCOMPARE(limited->notifications.back().recipient.userId, QStringLiteral("u124"));
    QCOMPARE(limited->notifications.back().seq, qint64(2));
    // Exactly the limit: nothing more.
    STORE_OK(exact, store->readRanges(ranges, 300));
    QVERIFY(!exact->hasMore);
}

void TestStore::unreadCountsOfMany()
{
    OPEN_STORE(store);
    const Recipient a {QStringLiteral("o1"), QStringLiteral("a")};
    const Recipient b {QStringLiteral("o1"), QStringLiteral("b")};
    const Recipient never {QStringLiteral("o1"), QStringLiteral("never")};
    std::vector<NewNotification> batch {
        draft(a, QStringLiteral("1")), draft(a, QStringLiteral("2")), draft(a, QStringLiteral("3")),
        draft(b, QStringLiteral("1"))};
    STORE_OK(inserted, store->insertBatch(batch, kT0));
    STORE_OK(read, store->markRead(a, {inserted->at(0).notification.id}, kT0));
    QCOMPARE(read->updated(), 1);
    std::vector<Recipient> many {a, b, never};
    for (int i = 0; i < 250; ++i) // more than one statement takes (200)
        many.push_back({QStringLiteral("o2"), QStringLiteral("x%1").arg(i)});
    STORE_OK(counts, store->unreadCounts(many));
    QCOMPARE(counts->size(), qsizetype(many.size()));
    QCOMPARE(counts->value(a), qint64(2));
    QCOMPARE(counts->value(b), qint64(1));
    QCOMPARE(counts->value(never, -1), qint64(0));
    QCOMPARE(counts->value(many.back(), -1), qint64(0));
    for (const Recipient &r : {a, b}) {
        STORE_OK(one, store->unreadCount(r));
        QCOMPARE(counts->value(r), one.value());
    }
}

void TestStore::sessions()
{
    OPEN_STORE(store);
    const QDateTime now = kT0;
    auto session = [&](const char *token, const QDateTime &expires) {
        SessionRecord s;
        s.tokenSha256Hex = QByteArray(token).repeated(1);
        s.recipient = {QStringLiteral("o1"), QStringLiteral("u1")};
        s.role = QStringLiteral("member");
        s.createdAt = now.addSecs(-60);
        s.expiresAt = expires;
        return s;
    };
    const SessionRecord active = session("aa01", now.addSecs(3600));
    const SessionRecord revokedLater = session("bb02", now.addSecs(3600));
    const SessionRecord expired = session("cc03", now.addSecs(-1));
    const SessionRecord stillActive = session("dd04", now.addDays(1));
    for (const SessionRecord &s : {active, revokedLater, expired, stillActive}) {
        STORE_OK(created, store->createSession(s));
    }
    QVERIFY(!store->createSession(active).ok()); // the token hash is unique

    STORE_OK(found, store->findSession("aa01"));
    QVERIFY(found->has_value());
    QCOMPARE((*found)->tokenSha256Hex, QByteArray("aa01"));
    QCOMPARE((*found)->recipient, active.recipient);
    QCOMPARE((*found)->role, QStringLiteral("member"));
    QCOMPARE((*found)->createdAt, active.createdAt);
    QCOMPARE((*found)->expiresAt, active.expiresAt);
    QVERIFY(!(*found)->revokedAt.isValid());
    QVERIFY((*found)->isActiveAt(now));
    STORE_OK(missing, store->findSession("ffff"));
    QVERIFY(!missing->has_value());

    STORE_OK(revoked, store->revokeSession("bb02", now.addSecs(-600)));
    QVERIFY(*revoked);
    STORE_OK(revokedAgain, store->revokeSession("bb02", now));
    QVERIFY(!*revokedAgain);
    STORE_OK(revokeExpired, store->revokeSession("cc03", now));
    QVERIFY(!*revokeExpired);
    STORE_OK(revokeUnknown, store->revokeSession("9999", now));
    QVERIFY(!*revokeUnknown);
    STORE_OK(afterRevoke, store->findSession("bb02"));
    QCOMPARE((*afterRevoke)->revokedAt, now.addSecs(-600));
    QVERIFY(!(*afterRevoke)->isActiveAt(now));

    STORE_OK(purged, store->deleteExpiredSessions(now));
    QCOMPARE(*purged, 2); // the expired one and the one revoked before the cutoff
    STORE_OK(expiredGone, store->findSession("cc03"));
    QVERIFY(!expiredGone->has_value());
    STORE_OK(revokedGone, store->findSession("bb02"));
    QVERIFY(!revokedGone->has_value());
    for (const char *kept : {"aa01", "dd04"}) {
        STORE_OK(keptSession, store->findSession(kept));
        QVERIFY(keptSession->has_value());
    }
    STORE_OK(later, store->deleteExpiredSessions(now.addSecs(7200)));
    QCOMPARE(*later, 1); // aa01 has expired by then
}

// What the delivery hub pushed (docs/protocol.md, "Delivery of a notification"): a record
// per notification and node, the first one kept; on an insert's own transaction too; gone
// with the retention purge.
void TestStore::pushesAreRecordedOncePerNotificationAndNode()
{
    OPEN_STORE(store);
    const Recipient r {QStringLiteral("o1"), QStringLiteral("u1")};
    STORE_OK(created, store->insertBatch({draft(r, "pushed"), draft(r, "queued")}, kT0));
    const QString pushed = created->at(0).notification.id;
    const QString queued = created->at(1).notification.id;
    const qint64 t1 = kT0.toMSecsSinceEpoch() + 5;
    STORE_OK(first,
             store->recordPushes({PushRecord {pushed, r, t1, 2}, PushRecord {queued, r, t1, 0}}));
    // A later push of the same notification on the same node keeps the first.
    STORE_OK(again, store->recordPushes({PushRecord {pushed, r, t1 + 1000, 5}}));
    STORE_OK(read, store->pushesOf({pushed, queued, QStringLiteral("no-such-id")}));
    QCOMPARE(read->size(), 2);
    QCOMPARE(read->value(pushed).size(), size_t(1));
    QCOMPARE(read->value(pushed).at(0).connections, 2);
    QCOMPARE(read->value(pushed).at(0).at.toMSecsSinceEpoch(), t1);
    QVERIFY(read->value(pushed).at(0).node.isEmpty()); // a single node: no node id
    QCOMPARE(read->value(queued).at(0).connections, 0);
    QVERIFY(!read->contains(QStringLiteral("no-such-id")));

    // Riding on an insert's transaction.
    STORE_OK(withInsert,
             store->insertBatch({draft(r, "third")}, kT0,
                                {PushRecord {QStringLiteral("earlier-one"), r, t1, 1}}));
    STORE_OK(ridden, store->pushesOf({QStringLiteral("earlier-one")}));
    QCOMPARE(ridden->value(QStringLiteral("earlier-one")).at(0).connections, 1);

    // A group's records go in statements of several rows, the rest one by one; a duplicate
    // inside one statement keeps the first as well. 37 = two statements of 16 and 5 rows.
    std::vector<PushRecord> many;
    QStringList manyIds;
    for (int i = 0; i < 37; ++i) {
        manyIds.append(QStringLiteral("group-%1").arg(i));
        many.push_back(PushRecord {manyIds.last(), r, t1, i});
    }
    many[3] = PushRecord {manyIds[2], r, t1 + 1, 99};
    STORE_OK(group, store->recordPushes(many));
    STORE_OK(groupRead, store->pushesOf(manyIds));
    QCOMPARE(groupRead->size(), 36); // group-3 was never recorded
    QCOMPARE(groupRead->value(manyIds[2]).size(), size_t(1));
    QCOMPARE(groupRead->value(manyIds[2]).at(0).connections, 2);
    QCOMPARE(groupRead->value(manyIds[36]).at(0).connections, 36);
    QCOMPARE(groupRead->value(manyIds[20]).at(0).connections, 20);

    STORE_OK(purged, store->purgeOlderThan(kT0.addDays(1)));
    QCOMPARE(*purged, 3);
    STORE_OK(after, store->pushesOf({pushed, queued, QStringLiteral("earlier-one")}));
    QVERIFY(after->isEmpty());
}

void TestStore::purge()
{
    OPEN_STORE(store);
    const Recipient r1 {QStringLiteral("o1"), QStringLiteral("u1")};
    const Recipient r2 {QStringLiteral("o1"), QStringLiteral("u2")};
    const QDateTime old = QDateTime(QDate(2020, 1, 1), QTime(0, 0), Qt::UTC);
    const QDateTime cutoff = QDateTime(QDate(2021, 1, 1), QTime(0, 0), Qt::UTC);

    STORE_OK(oldOnes,
             store->insertBatch({draft(r1, "old 1"), draft(r1, "old 2"), draft(r1, "old 3"),
                                 draft(r2, "old r2 a"), draft(r2, "old r2 b")},
                                old));
    STORE_OK(
        newOnes,
        store->insertBatch({draft(r1, "new 1"), draft(r1, "new 2"), draft(r2, "new r2")}, kT0));
    STORE_OK(readOld, store->markRead(r1, {oldOnes->at(0).notification.id}, old));
    QCOMPARE(readOld->updated(), 1);
    // Created after the cutoff but deleted before it: purged as well.
    STORE_OK(deletedEarly, store->softDelete(r1, {newOnes->at(1).notification.id}, old));
    QCOMPARE(deletedEarly->updated(), 1);
    STORE_OK(before, store->unreadCount(r1));
    QCOMPARE(*before, 3); // old 2, old 3, new 1

    STORE_OK(purged, store->purgeOlderThan(cutoff));
    QCOMPARE(*purged, 6);

    STORE_OK(left1, store->afterSeq(r1, 0, 100));
    QCOMPARE(seqsOf(*left1), QList<qint64> {4});
    STORE_OK(left2, store->afterSeq(r2, 0, 100));
    QCOMPARE(seqsOf(*left2), QList<qint64> {3});
    STORE_OK(unread1, store->unreadCount(r1));
    QCOMPARE(*unread1, 1);
    STORE_OK(unread2, store->unreadCount(r2));
    QCOMPARE(*unread2, 1);
    STORE_OK(recount1, store->recountUnread(r1));
    QCOMPARE(*recount1, 1);

    // Seq never goes back, even after the oldest rows went.
    STORE_OK(next, store->insertBatch({draft(r1, "after purge")}, kT0));
    QCOMPARE(next->at(0).notification.seq, 6);
    STORE_OK(again, store->purgeOlderThan(cutoff));
    QCOMPARE(*again, 0);
}

void TestStore::broadcastsAreRecorded()
{
    OPEN_STORE(store);
    BroadcastRecord b;
    b.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    b.orgId = QStringLiteral("o1");
    b.role = QStringLiteral("admin");
    b.title = QStringLiteral("Maintenance");
    b.body = QStringLiteral("Tonight");
    b.priority = QStringLiteral("high");
    b.createdAt = kT0;
    b.deliveredConnections = 17;
    STORE_OK(recorded, store->recordBroadcast(b));
    BroadcastRecord nodeWide;
    nodeWide.title = QStringLiteral("Node-wide");
    nodeWide.createdAt = kT0;
    STORE_OK(recordedNodeWide, store->recordBroadcast(nodeWide));
    QVERIFY(!store->recordBroadcast(b).ok()); // same id twice

    QSqlQuery q(store->database());
    QVERIFY(q.exec(QStringLiteral("SELECT org_id, role, title, delivered_connections, created_at"
                                  " FROM broadcasts ORDER BY title")));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("o1"));
    QCOMPARE(q.value(1).toString(), QStringLiteral("admin"));
    QCOMPARE(q.value(2).toString(), QStringLiteral("Maintenance"));
    QCOMPARE(q.value(3).toLongLong(), 17);
    QCOMPARE(q.value(4).toLongLong(), kT0.toMSecsSinceEpoch());
    QVERIFY(q.next());
    QVERIFY(q.value(0).isNull());
    QCOMPARE(q.value(2).toString(), QStringLiteral("Node-wide"));
    QVERIFY(!q.next());
}

void TestStore::migrationsAreIdempotent()
{
    std::unique_ptr<Store> store = openRaw();
    QVERIFY2(store, qPrintable(m_openError));
    STORE_OK(empty, store->schemaVersion());
    QCOMPARE(*empty, 0);
    QVERIFY(Store::latestSchemaVersion() >= 2);

    STORE_OK(migrated, store->migrate());
    STORE_OK(version, store->schemaVersion());
    QCOMPARE(*version, Store::latestSchemaVersion());
    STORE_OK(migratedAgain, store->migrate());
    STORE_OK(versionAgain, store->schemaVersion());
    QCOMPARE(*versionAgain, Store::latestSchemaVersion());

    // A second connection (another process, say) finds nothing to do.
    std::unique_ptr<Store> other = openRaw();
    QVERIFY2(other, qPrintable(m_openError));
    STORE_OK(otherMigrated, other->migrate());

    QSqlQuery q(store->database());
    QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*), MIN(version), MAX(version)"
                                  " FROM schema_migrations")));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toInt(), Store::latestSchemaVersion());
    QCOMPARE(q.value(1).toInt(), 1);
    QCOMPARE(q.value(2).toInt(), Store::latestSchemaVersion());
}

void TestStore::upgradeFromVersionOne()
{
    std::unique_ptr<Store> store = openRaw();
    QVERIFY2(store, qPrintable(m_openError));
    STORE_OK(toOne, storedetail::migrateTo(*store, 1));
    STORE_OK(one, store->schemaVersion());
    QCOMPARE(*one, 1);

    const Recipient r {QStringLiteral("o1"), QStringLiteral("u1")};
    const qint64 t0 = kT0.toMSecsSinceEpoch();
    LegacyRow first {QStringLiteral("0190a1b2-0000-7000-8000-000000000001"),
                     r.orgId,
                     r.userId,
                     1,
                     QStringLiteral("test.event"),
                     QStringLiteral("from v1"),
                     QString(""),
                     QStringLiteral("normal"),
                     QString(""),
                     QString(""),
                     QString(""),
                     QStringLiteral("{}"),
                     QStringLiteral("k"),
                     t0,
                     QVariant(),
                     QVariant(),
                     QVariant()};
    LegacyRow second = first;
    second.id = QStringLiteral("0190a1b2-0000-7000-8000-000000000002");
    second.seq = 2;
    second.title = QStringLiteral("second");
    second.key = QVariant();
    second.readAt = t0;
    QString legacyError;
    QVERIFY2(insertLegacy(store->database(), {first, second}, &legacyError),
             qPrintable(legacyError));
    SessionRecord s;
    s.tokenSha256Hex = "abcd";
    s.recipient = r;
    s.createdAt = kT0;
    s.expiresAt = kT0.addDays(1);
    STORE_OK(session, store->createSession(s));
    BroadcastRecord b;
    b.title = QStringLiteral("needs v2");
    b.createdAt = kT0;
    const auto tooEarly = store->recordBroadcast(b);
    QVERIFY(!tooEarly.ok()); // the table arrives in version 2
    QCOMPARE(tooEarly.error().kind, StoreError::Kind::Internal);

    STORE_OK(upgraded, store->migrate());
    STORE_OK(latest, store->schemaVersion());
    QCOMPARE(*latest, Store::latestSchemaVersion());

    STORE_OK(found, store->find(r, first.id));
    QVERIFY(found->has_value());
    QCOMPARE((*found)->content.title, QStringLiteral("from v1"));
    QCOMPARE((*found)->idempotencyKey, QStringLiteral("k"));
    STORE_OK(unread, store->unreadCount(r));
    QCOMPARE(*unread, 1);
    STORE_OK(unreadPage, store->inbox(r, {20, std::nullopt, true}));
    QCOMPARE(seqsOf(*unreadPage), QList<qint64> {1});
    STORE_OK(sessionKept, store->findSession("abcd"));
    QVERIFY(sessionKept->has_value());
    STORE_OK(broadcastNow, store->recordBroadcast(b));
    STORE_OK(next, store->insertBatch({draft(r, "after upgrade")}, kT0));
    QCOMPARE(next->at(0).notification.seq, 3);
    // The key stored under version 1 still deduplicates (version 3 moved it into a
    // partial index); rows without a key never collide.
    STORE_OK(again,
             store->insertBatch(
                 {draft(r, "retry", "k"), draft(r, "no key"), draft(r, "no key either")}, kT0));
    QVERIFY(!again->at(0).created);
    QCOMPARE(again->at(0).notification.id, first.id);
    QCOMPARE(again->at(1).notification.seq, 4);
    QCOMPARE(again->at(2).notification.seq, 5);

    // Never down, and no version beyond the newest.
    STORE_OK(down, storedetail::migrateTo(*store, 1));
    STORE_OK(stillLatest, store->schemaVersion());
    QCOMPARE(*stillLatest, Store::latestSchemaVersion());
    QVERIFY(!storedetail::migrateTo(*store, Store::latestSchemaVersion() + 1).ok());
}

// Version 5 splits each row into shared content and an inbox row: every value of every
// row (NULLs, empty strings, quotes, newlines, non-ASCII, keys, the three timestamps) reads
// back the same through the join, and the other tables are untouched.
void TestStore::upgradeFromVersionFourKeepsEveryRow()
{
    std::unique_ptr<Store> store = openRaw();
    QVERIFY2(store, qPrintable(m_openError));
    STORE_OK(toFour, storedetail::migrateTo(*store, 4));
    const QSqlDatabase db = store->database();

    std::vector<LegacyRow> rows;
    const qint64 t0 = kT0.toMSecsSinceEpoch();
    const QStringList bodies {QString(""), QStringLiteral("plain"),
                              QStringLiteral("quote ' \" and\nnewline"),
                              QStringLiteral("Grüße, 通知, 🚀")};
    for (int i = 0; i < 240; ++i) {
        LegacyRow r;
        r.id = QStringLiteral("0190a1b2-%1-7000-8000-000000000000").arg(i, 4, 16, QLatin1Char('0'));
        r.org = i % 5 == 0 ? QStringLiteral("org-b") : QStringLiteral("org-a");
        r.user = QStringLiteral("user-%1").arg(i % 7);
        r.seq = i / 7 + 1 + (i % 5 == 0 ? 1000 : 0);
        r.type = QStringLiteral("t.%1").arg(i % 3);
        r.title = QStringLiteral("title %1").arg(i);
        r.body = bodies.at(i % bodies.size());
        r.priority = QStringList {QStringLiteral("low"), QStringLiteral("normal"),
                                  QStringLiteral("high"), QStringLiteral("urgent")}
                         .at(i % 4);
        r.actionUrl = i % 2 ? QStringLiteral("/claims/%1").arg(i) : QString("");
        r.entityType = i % 3 ? QStringLiteral("claim") : QString("");
        r.entityId = i % 3 ? QString::number(i) : QString("");
        r.metadata = i % 4 ? QStringLiteral("{\"n\":%1,\"s\":\"x\"}").arg(i) : QStringLiteral("{}");
        r.key = i % 6 == 0 ? QVariant(QStringLiteral("key-%1").arg(i)) : QVariant();
        r.createdAt = t0 + i;
        r.deliveredAt = i % 2 ? QVariant(t0 + i + 1) : QVariant();
        r.readAt = i % 3 == 1 ? QVariant(t0 + i + 2) : QVariant();
        r.deletedAt = i % 10 == 3 ? QVariant(t0 + i + 3) : QVariant();
        rows.push_back(r);
    }
    QString legacyError;
    QVERIFY2(insertLegacy(db, rows, &legacyError), qPrintable(legacyError));
    SessionRecord s;
    s.tokenSha256Hex = "beef";
    s.recipient = {QStringLiteral("org-a"), QStringLiteral("user-1")};
    s.role = QStringLiteral("admin");
    s.createdAt = kT0;
    s.expiresAt = kT0.addDays(1);
    STORE_OK(session, store->createSession(s));
    BroadcastRecord b;
    b.title = QStringLiteral("kept");
    b.createdAt = kT0;
    STORE_OK(broadcast, store->recordBroadcast(b));

    const QString order = QStringLiteral(" ORDER BY id");
    const QStringList before = dumpRows(db,
                                        QStringLiteral("SELECT ") + kRowColumns
                                            + QStringLiteral(" FROM notifications") + order);
    QCOMPARE(before.size(), qsizetype(rows.size()));
    // The columns of version 4 (later versions add some).
    const QStringList others {QStringLiteral("SELECT org_id, user_id, last_seq, unread_count"
                                             " FROM recipients ORDER BY org_id, user_id"),
                              QStringLiteral("SELECT * FROM sessions ORDER BY token_sha256"),
                              QStringLiteral("SELECT * FROM broadcasts ORDER BY id")};
    std::vector<QStringList> othersBefore;
    for (const QString &sql : others)
        othersBefore.push_back(dumpRows(db, sql));

    STORE_OK(upgraded, store->migrate());
    STORE_OK(version, store->schemaVersion());
    QCOMPARE(*version, Store::latestSchemaVersion());
    QCOMPARE(dumpRows(db,
                      QStringLiteral("SELECT ") + kRowColumns
                          + QStringLiteral(" FROM notifications JOIN notification_contents"
                                           " USING (content_id)")
                          + order),
             before);
    for (qsizetype i = 0; i < others.size(); ++i)
        QCOMPARE(dumpRows(db, others.at(i)), othersBefore.at(size_t(i)));

    // The store reads them, counts stay exact, and new rows continue each sequence with
    // fresh content ids (PostgreSQL's identity continues after the copied ids).
    const Recipient r {QStringLiteral("org-a"), QStringLiteral("user-1")};
    STORE_OK(unread, store->unreadCount(r));
    STORE_OK(recount, store->recountUnread(r));
    QCOMPARE(*recount, *unread);
    STORE_OK(keyed,
             store->insertBatch({draft({QStringLiteral("org-b"), QStringLiteral("user-0")},
                                       "replay", QStringLiteral("key-0"))},
                                kT0));
    QVERIFY(!keyed->at(0).created);
    QCOMPARE(keyed->at(0).notification.id, rows.at(0).id);
    QCOMPARE(keyed->at(0).notification.content.title, QStringLiteral("title 0"));
    STORE_OK(fresh,
             store->insertBatch({draft(r, "new one"), draft(r, "new two")}, kT0.addSecs(120)));
    qint64 lastSeq = 0;
    for (const LegacyRow &row : rows) {
        if (row.org == r.orgId && row.user == r.userId)
            lastSeq = std::max(lastSeq, row.seq);
    }
    QCOMPARE(fresh->at(0).notification.seq, lastSeq + 1);
    QCOMPARE(fresh->at(1).notification.seq, lastSeq + 2);
    STORE_OK(page, store->inbox(r, {2, std::nullopt, false}));
    QCOMPARE(page->notifications.at(0).content.title, QStringLiteral("new two"));
    QCOMPARE(page->notifications.at(1).content.title, QStringLiteral("new one"));

    // Retention removes the migrated rows and the content no row points to any more.
    STORE_OK(purged, store->purgeOlderThan(kT0.addSecs(60)));
    QCOMPARE(*purged, int(rows.size()));
    QCOMPARE(dumpRows(db, QStringLiteral("SELECT COUNT(*) FROM notification_contents")),
             QStringList {QStringLiteral("2")});
}

// Version 10 adds the inbox states (issue 29) to every row of a version 5 inbox: each old
// value reads back the same, a read row counts as seen (seen_at = read_at) and nothing else
// is set, every content gets an empty list of actions, each recipient's unseen counter
// starts at its unread one, and the preferences table takes one row per (org, user, type).
void TestStore::upgradeFromVersionFiveAddsInboxStates()
{
    std::unique_ptr<Store> store = openRaw();
    QVERIFY2(store, qPrintable(m_openError));
    STORE_OK(toFive, storedetail::migrateTo(*store, 5));
    const QSqlDatabase db = store->database();
    const qint64 t0 = kT0.toMSecsSinceEpoch();
    QString error;

    // Rows as version 5 wrote them: one content, one inbox row per recipient of it.
    std::map<std::pair<QString, QString>, std::pair<qint64, qint64>> recipients;
    for (int c = 0; c < 60; ++c) {
        QVERIFY2(execBound(
                     db,
                     QStringLiteral("INSERT INTO notification_contents (content_id, type,"
                                    " title, body, priority, action_url, entity_type,"
                                    " entity_id, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                     {c + 1, QStringLiteral("t.%1").arg(c % 3), QStringLiteral("title %1").arg(c),
                      c % 2 ? QStringLiteral("Grüße ' \"\n") : QString(""),
                      c % 4 ? QStringLiteral("high") : QStringLiteral("normal"),
                      c % 5 ? QStringLiteral("/x/%1").arg(c) : QString(""), QStringLiteral("claim"),
                      QString::number(c), QStringLiteral("{\"n\":%1}").arg(c)},
                     &error),
                 qPrintable(error));
        for (int u = 0; u < 1 + c % 3; ++u) {
            const QString org = c % 7 == 0 ? QStringLiteral("org-b") : QStringLiteral("org-a");
            const QString user = QStringLiteral("user-%1").arg(u);
            auto &[lastSeq, unread] = recipients[{org, user}];
            ++lastSeq;
            const int i = c * 3 + u;
            const QVariant readAt = i % 3 == 1 ? QVariant(t0 + i + 2) : QVariant();
            const QVariant deletedAt = i % 10 == 3 ? QVariant(t0 + i + 3) : QVariant();
            if (readAt.isNull() && deletedAt.isNull())
                ++unread;
            QVERIFY2(
                execBound(db,
                          QStringLiteral("INSERT INTO notifications (org_id, user_id, seq,"
                                         " id, content_id, idempotency_key, created_at,"
                                         " delivered_at, read_at, deleted_at)"
                                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                          {org, user, lastSeq,
                           QStringLiteral("0190a1b2-%1-7000-8000-000000000000")
                               .arg(i, 4, 16, QLatin1Char('0')),
                           c + 1,
                           i % 6 == 0 ? QVariant(QStringLiteral("key-%1").arg(i)) : QVariant(),
                           t0 + i, i % 2 ? QVariant(t0 + i + 1) : QVariant(), readAt, deletedAt},
                          &error),
                qPrintable(error));
        }
    }
    for (const auto &[key, counts] : recipients) {
        QVERIFY2(execBound(db,
                           QStringLiteral("INSERT INTO recipients (org_id, user_id, last_seq,"
                                          " unread_count) VALUES (?, ?, ?, ?)"),
                           {key.first, key.second, counts.first, counts.second}, &error),
                 qPrintable(error));
    }
    if constexpr (kPostgres) {
        QVERIFY(QSqlQuery(db).exec(QStringLiteral(
            "SELECT setval(pg_get_serial_sequence('notification_contents', 'content_id'),"
            " 61, false)")));
    }

    const QString inboxColumns = QStringLiteral(
        "org_id, user_id, seq, id, content_id, idempotency_key, created_at, delivered_at,"
        " read_at, deleted_at");
    const QString contentColumns = QStringLiteral(
        "content_id, type, title, body, priority, action_url, entity_type, entity_id, metadata");
    const QString inboxSql = QStringLiteral("SELECT ") + inboxColumns
        + QStringLiteral(" FROM notifications ORDER BY id");
    const QString contentSql = QStringLiteral("SELECT ") + contentColumns
        + QStringLiteral(" FROM notification_contents ORDER BY content_id");
    const QString recipientSql = QStringLiteral(
        "SELECT org_id, user_id, last_seq, unread_count FROM recipients ORDER BY org_id, user_id");
    const QStringList inboxBefore = dumpRows(db, inboxSql);
    const QStringList contentBefore = dumpRows(db, contentSql);
    const QStringList recipientsBefore = dumpRows(db, recipientSql);
    QCOMPARE(contentBefore.size(), 60);
    QCOMPARE(inboxBefore.size(), 120);

    STORE_OK(upgraded, store->migrate());
    STORE_OK(version, store->schemaVersion());
    QCOMPARE(*version, Store::latestSchemaVersion());
    QVERIFY(*version >= 10);

    // Every old value, row by row.
    QCOMPARE(dumpRows(db, inboxSql), inboxBefore);
    QCOMPARE(dumpRows(db, contentSql), contentBefore);
    QCOMPARE(dumpRows(db, recipientSql), recipientsBefore);

    // The new columns of each row: seen exactly where read, no other state.
    const QStringList states = dumpRows(
        db,
        QStringLiteral("SELECT id, read_at, seen_at, archived_at, snoozed_until, expires_at,"
                       " expired_at, acted_action_id, acted_at FROM notifications ORDER BY id"));
    QCOMPARE(states.size(), inboxBefore.size());
    for (const QString &row : states) {
        const QStringList f = row.split(QLatin1Char('|'));
        QCOMPARE(f.at(2), f.at(1)); // seen_at = read_at, NULL where unread
        for (int i = 3; i < f.size(); ++i)
            QCOMPARE(f.at(i), QStringLiteral("<null>"));
    }
    QCOMPARE(dumpRows(db, QStringLiteral("SELECT DISTINCT actions FROM notification_contents")),
             QStringList {QStringLiteral("[]")});
    const QStringList counters
        = dumpRows(db, QStringLiteral("SELECT unread_count, unseen_count FROM recipients"));
    QCOMPARE(counters.size(), recipientsBefore.size());
    for (const QString &row : counters) {
        const QStringList f = row.split(QLatin1Char('|'));
        QCOMPARE(f.at(1), f.at(0));
    }

    // Preferences: one row per (org, user, type), the org's defaults under the empty user.
    const QString insertPreference = QStringLiteral(
        "INSERT INTO preferences (org_id, user_id, type, mode, updated_at) VALUES (?, ?, ?, ?, ?)");
    QVERIFY2(execBound(db, insertPreference,
                       {QStringLiteral("org-a"), QString(""), QStringLiteral("t.1"),
                        QStringLiteral("inbox"), t0},
                       &error),
             qPrintable(error));
    QVERIFY2(execBound(db, insertPreference,
                       {QStringLiteral("org-a"), QStringLiteral("user-1"), QStringLiteral("t.1"),
                        QStringLiteral("off"), t0},
                       &error),
             qPrintable(error));
    QVERIFY(!execBound(db, insertPreference,
                       {QStringLiteral("org-a"), QStringLiteral("user-1"), QStringLiteral("t.1"),
                        QStringLiteral("on"), t0},
                       &error));

    // The store works on the upgraded rows: counters agree with the check, and new rows
    // continue each sequence and the content ids.
    STORE_OK(report, store->check());
    QVERIFY2(report->problems.isEmpty(), qPrintable(report->problems.join(QLatin1Char('\n'))));
    const Recipient r {QStringLiteral("org-a"), QStringLiteral("user-1")};
    STORE_OK(fresh, store->insertBatch({draft(r, "after ten")}, kT0.addSecs(60)));
    const qint64 lastSeq = recipients[{r.orgId, r.userId}].first;
    QCOMPARE(fresh->at(0).notification.seq, lastSeq + 1);
    QCOMPARE(dumpRows(db, QStringLiteral("SELECT MAX(content_id) FROM notification_contents")),
             QStringList {QStringLiteral("61")});
}

void TestStore::unreachableDatabaseIsUnavailable()
{
    StoreConfig config;
    QTemporaryFile file; // kept until the end: the path below it must stay impossible
    if constexpr (kPostgres) {
        // A port that was free a moment ago: nothing listens there.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        config = m_config;
        config.port = port;
    } else {
        // A path below a regular file can never be created.
        QVERIFY(file.open());
        config.sqlitePath = file.fileName() + QStringLiteral("/sub/notify.db");
    }
    auto opened = Store::open(config, nextConnectionName());
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().kind, StoreError::Kind::Unavailable);
    QVERIFY(!opened.error().message.isEmpty());
    if (!config.password.isEmpty())
        QVERIFY(!opened.error().message.contains(config.password));

    // The connection name is free again after the failure.
    auto reused = Store::open(m_config, QStringLiteral("store-%1").arg(m_connections));
    QVERIFY2(reused.ok(), reused.ok() ? "" : qPrintable(reused.error().message));
}

void TestStore::lostConnectionRecovers()
{
    OPEN_STORE(store);
    const Recipient r {QStringLiteral("o1"), QStringLiteral("u1")};
    STORE_OK(inserted, store->insertBatch({draft(r, "before")}, kT0));

    if constexpr (kPostgres) {
        auto backendGone = [](qint64 pid) {
            QSqlQuery alive(QSqlDatabase::database(QStringLiteral("admin")));
            return alive.exec(QStringLiteral("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = %1")
                                  .arg(pid))
                && alive.next() && alive.value(0).toInt() == 0;
        };
        qint64 pid = 0;
        {
            QSqlQuery q(store->database());
            QVERIFY(q.exec(QStringLiteral("SELECT pg_backend_pid()")));
            QVERIFY(q.next());
            pid = q.value(0).toLongLong();
        }
        QSqlQuery kill(QSqlDatabase::database(QStringLiteral("admin")));
        QVERIFY(kill.exec(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(pid)));
        QTRY_VERIFY_WITH_TIMEOUT(backendGone(pid), 10000);

        // A connection lost while idle is replaced on the next operation, which succeeds:
        // nothing had been sent on it, so retrying once is safe.
        STORE_OK(unread, store->unreadCount(r));
        QCOMPARE(*unread, 1);
        qint64 newPid = 0;
        {
            QSqlQuery q(store->database());
            QVERIFY(q.exec(QStringLiteral("SELECT pg_backend_pid()")));
            QVERIFY(q.next());
            newPid = q.value(0).toLongLong();
        }
        QVERIFY(newPid != pid);

        // The same for a write: the insert lands exactly once, with the next seq.
        QVERIFY(kill.exec(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(newPid)));
        QTRY_VERIFY_WITH_TIMEOUT(backendGone(newPid), 10000);
        STORE_OK(afterwards, store->insertBatch({draft(r, "after")}, kT0));
        QCOMPARE(afterwards->at(0).notification.seq, 2);
    } else {
        // SQLite cannot lose its connection; a writer holding the lock past the busy
        // timeout is its "unavailable".
        STORE_OK(pinged, store->ping());
        QSqlDatabase blocker
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("blocker"));
        blocker.setDatabaseName(m_config.sqlitePath);
        QVERIFY(blocker.open());
        {
            QSqlQuery q(blocker);
            QVERIFY(q.exec(QStringLiteral("BEGIN IMMEDIATE")));
        }
        const auto locked = store->insertBatch({draft(r, "blocked")}, kT0);
        QVERIFY(!locked.ok());
        QCOMPARE(locked.error().kind, StoreError::Kind::Unavailable);
        {
            QSqlQuery q(blocker);
            QVERIFY(q.exec(QStringLiteral("ROLLBACK")));
        }
        blocker.close();
        blocker = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("blocker"));
        STORE_OK(afterwards, store->insertBatch({draft(r, "after")}, kT0));
        QCOMPARE(afterwards->at(0).notification.seq, 2);
        STORE_OK(unread, store->unreadCount(r));
        QCOMPARE(*unread, 2);
    }
}

void TestStore::insertReportsUnreadCountAfter()
{
    OPEN_STORE(store);
    const Recipient a {QStringLiteral("o1"), QStringLiteral("a")};
    const Recipient b {QStringLiteral("o1"), QStringLiteral("b")};
    STORE_OK(first, store->insertBatch({draft(a, "a1"), draft(b, "b1"), draft(a, "a2", "k")}, kT0));
    for (const InsertOutcome &o : *first)
        QCOMPARE(o.unreadCountAfter, o.notification.recipient == a ? 2 : 1);

    STORE_OK(read, store->markRead(a, {first->at(0).notification.id}, kT0));
    QCOMPARE(read->unreadCount, 1);
    // A replayed key creates nothing but still reports the count after the batch.
    STORE_OK(second, store->insertBatch({draft(a, "a2 again", "k"), draft(a, "a3")}, kT0));
    QVERIFY(!second->at(0).created);
    QCOMPARE(second->at(0).unreadCountAfter, 2);
    QCOMPARE(second->at(1).unreadCountAfter, 2);
    STORE_OK(unread, store->unreadCount(a));
    QCOMPARE(*unread, 2);
}

void TestStore::findManyIsScopedAndSkipsDeleted()
{
    OPEN_STORE(store);
    const Recipient a {QStringLiteral("o1"), QStringLiteral("u1")};
    const Recipient b {QStringLiteral("o1"), QStringLiteral("u2")};
    std::vector<NewNotification> drafts;
    for (int i = 0; i < 250; ++i) // more than one IN-list chunk
        drafts.push_back(draft(a, QStringLiteral("a%1").arg(i)));
    drafts.push_back(draft(b, "for b"));
    STORE_OK(inserted, store->insertBatch(drafts, kT0));
    QStringList ids;
    for (const InsertOutcome &o : *inserted)
        ids.append(o.notification.id);
    const QString foreign = ids.takeLast();
    STORE_OK(read, store->markRead(a, {ids.at(3)}, kT0.addSecs(60)));
    STORE_OK(deleted, store->softDelete(a, {ids.at(4)}, kT0));

    STORE_OK(found, store->findMany(a, ids + QStringList {foreign, QStringLiteral("missing")}));
    QCOMPARE(found->size(), size_t(ids.size() - 1)); // not the deleted, foreign or missing one
    QSet<QString> seen;
    for (const Notification &n : *found) {
        seen.insert(n.id);
        QVERIFY(n.recipient == a);
        QCOMPARE(n.readAt.isValid(), n.id == ids.at(3));
    }
    QVERIFY(!seen.contains(ids.at(4)));
    QVERIFY(!seen.contains(foreign));
    QCOMPARE(seen.size(), ids.size() - 1);
    STORE_OK(none, store->findMany(a, {}));
    QVERIFY(none->empty());
}

// A recipient without idempotency keys has its seqs reserved and its count raised by one
// statement at the start of the batch; one with keys is counted at the end. Both kinds in
// one batch, on rows that reads and deletes have changed, keep seq gap-free and the stored
// count equal to a recount.
// Seen (the badge) apart from read (docs/protocol.md, "Inbox states"): unseen until seen or
// read, both counters exact through every change, scoped to the recipient, and the same
// counts as the check's recount.
void TestStore::seenIsApartFromRead()
{
    OPEN_STORE(store);
    const Recipient r {QStringLiteral("o"), QStringLiteral("u")};
    const Recipient other {QStringLiteral("o"), QStringLiteral("v")};
    STORE_OK(inserted, store->insertBatch({draft(r, "1"), draft(r, "2"), draft(r, "3"),
                                           draft(r, "4"), draft(other, "x")},
                                          kT0));
    QCOMPARE(inserted->at(3).unreadCountAfter, 4);
    QCOMPARE(inserted->at(3).unseenCountAfter, 4);
    QStringList ids;
    for (int i = 0; i < 4; ++i)
        ids.append(inserted->at(size_t(i)).notification.id);
    const QString foreign = inserted->at(4).notification.id;
    auto counts = [&]() {
        auto c = store->counts(r);
        return c.ok() ? QList<qint64> {c->unread, c->unseen} : QList<qint64> {-1, -1};
    };

    STORE_OK(seen, store->markSeen(r, {ids[0], ids[0], foreign, QStringLiteral("nope")},
                                   kT0.addSecs(1)));
    QCOMPARE(seen->ids, QStringList {ids[0]});
    QCOMPARE(seen->unreadCount, 4);
    QCOMPARE(seen->unseenCount, 3);
    QCOMPARE(counts(), (QList<qint64> {4, 3}));
    STORE_OK(row, store->find(r, ids[0]));
    QCOMPARE((*row)->seenAt, kT0.addSecs(1));
    QVERIFY(!(*row)->isRead());
    STORE_OK(again, store->markSeen(r, {ids[0]}, kT0.addSecs(2)));
    QVERIFY(again->ids.isEmpty());
    STORE_OK(kept, store->find(r, ids[0]));
    QCOMPARE((*kept)->seenAt, kT0.addSecs(1)); // the first sight is kept

    // Reading a seen one lowers only unread; reading an unseen one lowers both and marks it
    // seen at the same time.
    STORE_OK(read, store->markRead(r, {ids[0], ids[1]}, kT0.addSecs(3)));
    QCOMPARE(read->unreadCount, 2);
    QCOMPARE(read->unseenCount, 2);
    STORE_OK(readRow, store->find(r, ids[1]));
    QCOMPARE((*readRow)->seenAt, kT0.addSecs(3));
    STORE_OK(seenRead, store->markSeen(r, {ids[1]}, kT0.addSecs(4)));
    QVERIFY(seenRead->ids.isEmpty());

    // Deleting an unseen one lowers both; a seen unread one only unread.
    STORE_OK(deleted, store->softDelete(r, {ids[2]}, kT0.addSecs(5)));
    QCOMPARE(deleted->unreadCount, 1);
    QCOMPARE(deleted->unseenCount, 1);
    STORE_OK(all, store->markAllSeen(r, kT0.addSecs(6)));
    QCOMPARE(all->ids, QStringList {ids[3]});
    QCOMPARE(all->unreadCount, 1);
    QCOMPARE(all->unseenCount, 0);
    QCOMPARE(counts(), (QList<qint64> {1, 0}));
    STORE_OK(more, store->insertBatch({draft(r, "5")}, kT0.addSecs(7)));
    QCOMPARE(more->at(0).unseenCountAfter, 1);
    STORE_OK(allRead, store->markAllRead(r, kT0.addSecs(8)));
    QCOMPARE(allRead->unseenCount, 0);
    QCOMPARE(counts(), (QList<qint64> {0, 0}));

    // The other user's counters never moved; the counters agree with a recount.
    STORE_OK(otherCounts, store->counts(other));
    QCOMPARE(otherCounts->unread, 1);
    QCOMPARE(otherCounts->unseen, 1);
    STORE_OK(report, store->check());
    QVERIFY2(report->problems.isEmpty(), qPrintable(report->problems.join(QLatin1Char('\n'))));
    STORE_OK(recount, store->recountUnread(r));
    QCOMPARE(*recount, 0);
    QCOMPARE(counts(), (QList<qint64> {0, 0}));
}

void TestStore::countersExactWithKeyedAndKeylessRecipients()
{
    OPEN_STORE(store);
    const Recipient plain {QStringLiteral("o1"), QStringLiteral("plain")};
    const Recipient keyed {QStringLiteral("o1"), QStringLiteral("keyed")};
    const Recipient fresh {QStringLiteral("o2"), QStringLiteral("fresh")};

    STORE_OK(first,
             store->insertBatch({draft(plain, "p1"), draft(plain, "p2"), draft(plain, "p3"),
                                 draft(keyed, "k1", "a")},
                                kT0));
    QCOMPARE(first->at(2).notification.seq, 3);
    QCOMPARE(first->at(2).unreadCountAfter, 3);
    STORE_OK(read, store->markRead(plain, {first->at(0).notification.id}, kT0));
    QCOMPARE(read->unreadCount, 2);
    STORE_OK(gone, store->softDelete(plain, {first->at(1).notification.id}, kT0));
    QCOMPARE(gone->unreadCount, 1);

    // Interleaved: the keyless recipient twice, the keyed one with a replay, a keyless draft
    // and a new key, and a recipient with no row yet.
    STORE_OK(second,
             store->insertBatch({draft(plain, "p4"), draft(keyed, "k1 again", "a"),
                                 draft(fresh, "f1"), draft(keyed, "k2"), draft(plain, "p5"),
                                 draft(keyed, "k3", "b"), draft(fresh, "f2")},
                                kT0.addSecs(1)));
    QCOMPARE(second->size(), size_t(7));
    QCOMPARE(second->at(0).notification.seq, 4);
    QCOMPARE(second->at(4).notification.seq, 5);
    QCOMPARE(second->at(0).unreadCountAfter, 3);
    QVERIFY(!second->at(1).created);
    QCOMPARE(second->at(1).notification.seq, 1);
    QCOMPARE(second->at(3).notification.seq, 2);
    QCOMPARE(second->at(5).notification.seq, 3);
    QCOMPARE(second->at(5).unreadCountAfter, 3);
    QCOMPARE(second->at(2).notification.seq, 1);
    QCOMPARE(second->at(6).notification.seq, 2);
    QCOMPARE(second->at(6).unreadCountAfter, 2);

    // Only replays: nothing is counted, nothing moves.
    STORE_OK(replays,
             store->insertBatch({draft(keyed, "x", "a"), draft(keyed, "y", "b")}, kT0.addSecs(2)));
    QVERIFY(!replays->at(0).created && !replays->at(1).created);
    QCOMPARE(replays->at(0).unreadCountAfter, 3);

    for (const auto &[r, unread, lastSeq] :
         {std::tuple {plain, 3, 5}, std::tuple {keyed, 3, 3}, std::tuple {fresh, 2, 2}}) {
        STORE_OK(count, store->unreadCount(r));
        QCOMPARE(*count, qint64(unread));
        STORE_OK(recount, store->recountUnread(r));
        QCOMPARE(*recount, qint64(unread));
        STORE_OK(page, store->inbox(r, InboxQuery {100, std::nullopt, false, true}));
        QCOMPARE(page->notifications.front().seq, qint64(lastSeq));
        // The next seq follows the last without a gap.
        STORE_OK(next, store->insertBatch({draft(r, "next")}, kT0.addSecs(3)));
        QCOMPARE(next->at(0).notification.seq, qint64(lastSeq + 1));
        QCOMPARE(next->at(0).unreadCountAfter, qint64(unread + 1));
    }
}

// Durability (synchronous=FULL) and the checkpoint interval the writer's cost depends on
// (docs/benchmarks.md, "the writer, second pass") are set on every SQLite connection.
void TestStore::sqliteSessionSettings()
{
    if (kPostgres)
        QSKIP("SQLite only");
    OPEN_STORE(store);
    QSqlQuery q(store->database());
    for (const auto &[pragma, expected] :
         {std::pair {"synchronous", 2}, std::pair {"wal_autocheckpoint", 16384}}) {
        QVERIFY2(q.exec(QStringLiteral("PRAGMA ") + QLatin1String(pragma)),
                 qPrintable(q.lastError().text()));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), expected);
    }
    QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
}

// A commit group that fails half-way leaves nothing behind, and the store's transaction
// state is clean for the next group (on SQLite, BEGIN, COMMIT and ROLLBACK of a group are
// statements kept prepared: a ROLLBACK that did not run would make the next BEGIN fail).
void TestStore::failedGroupRollsBackWhole()
{
    OPEN_STORE(store);
    const Recipient a {QStringLiteral("o1"), QStringLiteral("a")};
    const Recipient b {QStringLiteral("o1"), QStringLiteral("b")};
    STORE_OK(first, store->insertBatch({draft(a, "a1")}, kT0));

    const QStringList poison = kPostgres
        ? QStringList {QStringLiteral("CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql"
                                      " AS $$ BEGIN IF NEW.title = 'poison' THEN"
                                      " RAISE EXCEPTION 'poisoned'; END IF; RETURN NEW; END $$"),
                       QStringLiteral("CREATE TRIGGER poison BEFORE INSERT ON"
                                      " notification_contents FOR EACH ROW"
                                      " EXECUTE FUNCTION poison()")}
        : QStringList {QStringLiteral("CREATE TRIGGER poison BEFORE INSERT ON"
                                      " notification_contents WHEN NEW.title = 'poison'"
                                      " BEGIN SELECT RAISE(ABORT, 'poisoned'); END")};
    for (const QString &sql : poison) {
        QSqlQuery q(store->database());
        QVERIFY2(q.exec(sql), qPrintable(q.lastError().text()));
    }
    // The third content is refused after both counters moved and two inbox rows were
    // written in the same transaction.
    const auto failed
        = store->insertBatch({draft(a, "a2"), draft(b, "b1"), draft(b, "poison")}, kT0);
    QVERIFY(!failed.ok());
    QVERIFY(failed.error().message.contains(QStringLiteral("poisoned")));

    STORE_OK(unreadA, store->unreadCount(a));
    QCOMPARE(*unreadA, 1);
    STORE_OK(unreadB, store->unreadCount(b));
    QCOMPARE(*unreadB, 0);
    STORE_OK(pageA, store->inbox(a, InboxQuery {}));
    QCOMPARE(pageA->notifications.size(), size_t(1));
    STORE_OK(pageB, store->inbox(b, InboxQuery {}));
    QVERIFY(pageB->notifications.empty());

    {
        QSqlQuery q(store->database());
        QVERIFY2(q.exec(kPostgres ? QStringLiteral("DROP TRIGGER poison ON notification_contents")
                                  : QStringLiteral("DROP TRIGGER poison")),
                 qPrintable(q.lastError().text()));
    }
    // The next group commits, and each sequence continues where the committed rows left it.
    STORE_OK(next, store->insertBatch({draft(a, "a3"), draft(b, "b2")}, kT0));
    QCOMPARE(next->at(0).notification.seq, 2);
    QCOMPARE(next->at(0).unreadCountAfter, 2);
    QCOMPARE(next->at(1).notification.seq, 1);
    QCOMPARE(next->at(1).unreadCountAfter, 1);
    STORE_OK(again, store->insertBatch({draft(b, "b3")}, kT0));
    QCOMPARE(again->at(0).notification.seq, 2);
}

void TestStore::failedChangeRollsBackWhole()
{
    // markRead's transaction (like every write's but insertBatch's) fails after it has
    // changed the inbox rows: nothing of it stays, the connection is left outside any
    // transaction, and the next change commits for every connection to see.
    OPEN_STORE(store);
    const Recipient r {QStringLiteral("o1"), QStringLiteral("u1")};
    STORE_OK(inserted, store->insertBatch({draft(r, "n1"), draft(r, "n2")}, kT0));
    const QString first = inserted->at(0).notification.id;

    const QStringList poison = kPostgres
        ? QStringList {QStringLiteral("CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql"
                                      " AS $$ BEGIN IF NEW.unread_count < OLD.unread_count THEN"
                                      " RAISE EXCEPTION 'poisoned'; END IF; RETURN NEW; END $$"),
                       QStringLiteral("CREATE TRIGGER poison BEFORE UPDATE ON recipients"
                                      " FOR EACH ROW EXECUTE FUNCTION poison()")}
        : QStringList {QStringLiteral("CREATE TRIGGER poison BEFORE UPDATE ON recipients"
                                      " WHEN NEW.unread_count < OLD.unread_count"
                                      " BEGIN SELECT RAISE(ABORT, 'poisoned'); END")};
    for (const QString &sql : poison) {
        QSqlQuery q(store->database());
        QVERIFY2(q.exec(sql), qPrintable(q.lastError().text()));
    }
    // The counter is lowered after the notification's read_at was set.
    const auto failed = store->markRead(r, {first}, kT0.addSecs(10));
    QVERIFY(!failed.ok());
    QVERIFY(failed.error().message.contains(QStringLiteral("poisoned")));
    STORE_OK(unread, store->unreadCount(r));
    QCOMPARE(*unread, 2);
    STORE_OK(page, store->inbox(r, InboxQuery {}));
    QCOMPARE(page->notifications.size(), size_t(2));
    for (const Notification &n : page->notifications)
        QVERIFY(!n.readAt.isValid());

    {
        QSqlQuery q(store->database());
        QVERIFY2(q.exec(kPostgres ? QStringLiteral("DROP TRIGGER poison ON recipients")
                                  : QStringLiteral("DROP TRIGGER poison")),
                 qPrintable(q.lastError().text()));
    }
    STORE_OK(read, store->markRead(r, {first}, kT0.addSecs(20)));
    QCOMPARE(read->ids, QStringList {first});
    QCOMPARE(read->unreadCount, 1);
    // Committed: another connection sees it, and can write after it.
    std::unique_ptr<Store> other = openMigrated();
    QVERIFY2(other, qPrintable(m_openError));
    STORE_OK(otherUnread, other->unreadCount(r));
    QCOMPARE(*otherUnread, 1);
    STORE_OK(otherAll, other->markAllRead(r, kT0.addSecs(30)));
    QCOMPARE(otherAll->unreadCount, 0);
    STORE_OK(unreadAfter, store->unreadCount(r));
    QCOMPARE(*unreadAfter, 0);
}

QTEST_GUILESS_MAIN(TestStore)
// --- Webhooks (shared/store/webhooks.h) ------------------------------------------------

namespace {

webhooks::Endpoint endpointOf(const QString &id, const QString &org,
                              const QStringList &events = webhooks::eventNames())
{
    webhooks::Endpoint e;
    e.id = id;
    e.orgId = org;
    e.url = QStringLiteral("http://127.0.0.1:9/") + id;
    e.secret = "whsec_test";
    e.events = events;
    e.createdAt = kT0;
    return e;
}

// Every outbox row as "endpoint user event notification", in id order.
QStringList outboxRows(Store &store)
{
    QStringList out;
    QSqlQuery q(store.database());
    q.exec(QStringLiteral("SELECT endpoint_id, user_id, event, notification_id FROM"
                          " webhook_outbox ORDER BY id"));
    while (q.next()) {
        out.append(QStringLiteral("%1 %2 %3 %4")
                       .arg(q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                            q.value(3).toString()));
    }
    return out;
}

} // namespace

void TestStore::webhookEventsCommitWithTheirChange()
{
    webhooks::forgetEnabledOrgs();
    auto store = openMigrated();
    QVERIFY2(store, qPrintable(m_openError));
    const Recipient alice {QStringLiteral("acme"), QStringLiteral("alice")};
    const Recipient bob {QStringLiteral("acme"), QStringLiteral("bob")};
    const Recipient other {QStringLiteral("globex"), QStringLiteral("alice")};
    STORE_OK(all,
             webhooks::add(*store, endpointOf(QStringLiteral("wh_all"), QStringLiteral("acme"))));
    STORE_OK(readOnly,
             webhooks::add(*store,
                           endpointOf(QStringLiteral("wh_read"), QStringLiteral("acme"),
                                      {QStringLiteral("read")})));
    STORE_OK(
        inserted,
        store->insertBatch({draft(alice, QStringLiteral("a1")), draft(alice, QStringLiteral("a2")),
                            draft(bob, QStringLiteral("b1")), draft(other, QStringLiteral("o1"))},
                           kT0));
    const QString a1 = inserted.value()[0].notification.id;
    const QString a2 = inserted.value()[1].notification.id;
    const QString b1 = inserted.value()[2].notification.id;
    const QString o1 = inserted.value()[3].notification.id;
    // Creating notifies nothing; each change, once, for the endpoints that want it.
    QCOMPARE(outboxRows(*store), QStringList());
    STORE_OK(delivered, store->markDelivered(alice, {a2, a1, b1}, kT0.addSecs(1)));
    STORE_OK(again, store->markDelivered(alice, {a1}, kT0.addSecs(2)));
    STORE_OK(read, store->markRead(alice, {a1}, kT0.addSecs(3)));
    STORE_OK(readAll, store->markAllRead(alice, kT0.addSecs(4)));
    STORE_OK(deleted, store->softDelete(bob, {b1}, kT0.addSecs(5)));
    STORE_OK(foreign, store->markRead(other, {o1}, kT0.addSecs(6)));
    QCOMPARE(outboxRows(*store),
             (QStringList {QStringLiteral("wh_all alice delivered ") + a1,
                           QStringLiteral("wh_all alice delivered ") + a2,
                           QStringLiteral("wh_all alice read ") + a1,
                           QStringLiteral("wh_read alice read ") + a1,
                           QStringLiteral("wh_all alice read ") + a2,
                           QStringLiteral("wh_read alice read ") + a2,
                           QStringLiteral("wh_all bob deleted ") + b1}));

    // Told that no organization has an endpoint, the store skips the statement.
    webhooks::setEnabledOrgs({QStringLiteral("globex")});
    STORE_OK(more, store->insertBatch({draft(alice, QStringLiteral("a3"))}, kT0));
    STORE_OK(readA3, store->markRead(alice, {more.value()[0].notification.id}, kT0));
    QCOMPARE(outboxRows(*store).size(), 7);
    webhooks::forgetEnabledOrgs();

    // Removing an endpoint takes its outbox with it.
    STORE_OK(removed, webhooks::remove(*store, QStringLiteral("wh_all")));
    QCOMPARE(removed.value().size(), size_t(1));
    QCOMPARE(outboxRows(*store).size(), 2);
    STORE_OK(listed, webhooks::list(*store));
    QCOMPARE(listed.value().size(), size_t(1));
    QCOMPARE(listed.value()[0].pending, qint64(2));
}

void TestStore::webhookClaimsOneEventPerUserInOrder()
{
    webhooks::forgetEnabledOrgs();
    auto store = openMigrated();
    QVERIFY2(store, qPrintable(m_openError));
    auto second = openMigrated(); // another node
    QVERIFY2(second, qPrintable(m_openError));
    const Recipient alice {QStringLiteral("acme"), QStringLiteral("alice")};
    const Recipient bob {QStringLiteral("acme"), QStringLiteral("bob")};
    STORE_OK(added,
             webhooks::add(*store, endpointOf(QStringLiteral("wh_1"), QStringLiteral("acme"))));
    STORE_OK(
        inserted,
        store->insertBatch({draft(alice, QStringLiteral("a1")), draft(alice, QStringLiteral("a2")),
                            draft(bob, QStringLiteral("b1"))},
                           kT0));
    const QString a1 = inserted.value()[0].notification.id;
    const QString a2 = inserted.value()[1].notification.id;
    const QString b1 = inserted.value()[2].notification.id;
    STORE_OK(r1, store->markRead(alice, {a1}, kT0));
    STORE_OK(r2, store->markRead(alice, {a2}, kT0));
    STORE_OK(r3, store->markRead(bob, {b1}, kT0));

    const QDateTime now = kT0.addSecs(10);
    STORE_OK(first,
             webhooks::claim(*store, QStringLiteral("wh_1"), 10, QStringLiteral("n1"), now, 60000));
    // Each user's oldest only: alice's second waits for her first.
    QCOMPARE(first.value().size(), size_t(2));
    QCOMPARE(first.value()[0].notificationId, a1);
    QCOMPARE(first.value()[0].eventId(), a1 + QStringLiteral(".read"));
    QCOMPARE(first.value()[1].notificationId, b1);
    // Claimed: another node gets nothing while the lease runs...
    STORE_OK(
        none,
        webhooks::claim(*second, QStringLiteral("wh_1"), 10, QStringLiteral("n2"), now, 60000));
    QCOMPARE(none.value().size(), size_t(0));
    // ...and the same events once it has run out (a node that died).
    STORE_OK(late,
             webhooks::claim(*second, QStringLiteral("wh_1"), 10, QStringLiteral("n2"),
                             now.addSecs(61), 60000));
    QCOMPARE(late.value().size(), size_t(2));
    // Sent: alice's next one comes up.
    STORE_OK(sentA1, webhooks::sent(*store, first.value()[0], false));
    STORE_OK(next,
             webhooks::claim(*store, QStringLiteral("wh_1"), 10, QStringLiteral("n1"),
                             now.addSecs(200), 60000));
    QCOMPARE(next.value().size(), size_t(2));
    QCOMPARE(next.value()[0].notificationId, a2);
    QCOMPARE(next.value()[1].notificationId, b1);
    // A restarted node takes back its claims at once.
    STORE_OK(released, webhooks::releaseClaims(*store, QStringLiteral("n1")));
    QCOMPARE(released.value(), 2);
    STORE_OK(back,
             webhooks::claim(*second, QStringLiteral("wh_1"), 10, QStringLiteral("n2"),
                             now.addSecs(201), 60000));
    QCOMPARE(back.value().size(), size_t(2));
}

void TestStore::webhookBackoffThenDisableAfterADay()
{
    QCOMPARE(webhooks::Backoff::delayMs(1), qint64(1000));
    QCOMPARE(webhooks::Backoff::delayMs(2), qint64(2000));
    QCOMPARE(webhooks::Backoff::delayMs(5), qint64(16000));
    QCOMPARE(webhooks::Backoff::delayMs(13), qint64(3600 * 1000));
    QCOMPARE(webhooks::Backoff::delayMs(1000), qint64(3600 * 1000));

    webhooks::forgetEnabledOrgs();
    auto store = openMigrated();
    QVERIFY2(store, qPrintable(m_openError));
    const Recipient alice {QStringLiteral("acme"), QStringLiteral("alice")};
    STORE_OK(added,
             webhooks::add(*store, endpointOf(QStringLiteral("wh_1"), QStringLiteral("acme"))));
    STORE_OK(inserted, store->insertBatch({draft(alice, QStringLiteral("a1"))}, kT0));
    const QString a1 = inserted.value()[0].notification.id;
    STORE_OK(r1, store->markRead(alice, {a1}, kT0));

    // The clock is ours: a day of failures without waiting a day.
    QDateTime now = kT0.addSecs(1);
    const QDateTime firstFailure = now;
    STORE_OK(claimed,
             webhooks::claim(*store, QStringLiteral("wh_1"), 1, QStringLiteral("n"), now, 60000));
    QCOMPARE(claimed.value().size(), size_t(1));
    const webhooks::OutboxEvent event = claimed.value()[0];
    STORE_OK(f1, webhooks::failed(*store, event, QStringLiteral("HTTP 500"), now));
    QCOMPARE(f1.value().nextAttemptAt, now.addMSecs(1000));
    QVERIFY(!f1.value().disabled);
    // A call that was under way fails within the same step: no extra doubling.
    STORE_OK(f1b, webhooks::failed(*store, event, QStringLiteral("HTTP 500"), now.addMSecs(10)));
    QCOMPARE(f1b.value().nextAttemptAt, now.addMSecs(1000));
    now = f1.value().nextAttemptAt;
    STORE_OK(f2, webhooks::failed(*store, event, QStringLiteral("reset"), now));
    QCOMPARE(f2.value().nextAttemptAt, now.addMSecs(2000));
    STORE_OK(listed, webhooks::list(*store));
    QCOMPARE(listed.value()[0].failures, 2);
    QCOMPARE(listed.value()[0].lastError, QStringLiteral("reset"));
    QCOMPARE(listed.value()[0].failingSince, firstFailure);
    // The event was released each time, with its attempts counted.
    STORE_OK(again,
             webhooks::claim(*store, QStringLiteral("wh_1"), 1, QStringLiteral("n"), now, 60000));
    QCOMPARE(again.value().size(), size_t(1));
    QCOMPARE(again.value()[0].attempts, 3);
    // A success clears the backoff.
    STORE_OK(ok, webhooks::sent(*store, again.value()[0], true));
    STORE_OK(healthy, webhooks::list(*store));
    QCOMPARE(healthy.value()[0].failures, 0);
    QVERIFY(!healthy.value()[0].failingSince.isValid());
    QVERIFY(!healthy.value()[0].nextAttemptAt.isValid());

    // Failing from now on: backing off up to an hour, disabled once a day has passed.
    STORE_OK(r2, store->markAllRead(alice, kT0));
    STORE_OK(inserted2, store->insertBatch({draft(alice, QStringLiteral("a2"))}, kT0));
    STORE_OK(r3, store->markRead(alice, {inserted2.value()[0].notification.id}, kT0));
    STORE_OK(claimed2,
             webhooks::claim(*store, QStringLiteral("wh_1"), 1, QStringLiteral("n"), now, 60000));
    QCOMPARE(claimed2.value().size(), size_t(1));
    const QDateTime since = now;
    int steps = 0;
    bool disabled = false;
    while (!disabled && steps < 100) {
        STORE_OK(f, webhooks::failed(*store, claimed2.value()[0], QStringLiteral("HTTP 503"), now));
        QVERIFY(f.value().nextAttemptAt.toMSecsSinceEpoch() - now.toMSecsSinceEpoch()
                <= webhooks::Backoff::maxDelayMs);
        disabled = f.value().disabled;
        if (!disabled)
            QVERIFY(since.msecsTo(now) < webhooks::Backoff::disableAfterMs);
        now = f.value().nextAttemptAt;
        ++steps;
    }
    QVERIFY(disabled);
    QVERIFY(steps > 20 && steps < 40);
    STORE_OK(after, webhooks::list(*store));
    QVERIFY(!after.value()[0].enabled());
    // A disabled endpoint gets no new events; what it had waits (bounded by trim).
    const qint64 pendingBefore = after.value()[0].pending;
    STORE_OK(inserted3, store->insertBatch({draft(alice, QStringLiteral("a3"))}, kT0));
    STORE_OK(r4, store->markRead(alice, {inserted3.value()[0].notification.id}, kT0));
    STORE_OK(after2, webhooks::list(*store));
    QCOMPARE(after2.value()[0].pending, pendingBefore);
}

void TestStore::webhookOutboxIsBounded()
{
    webhooks::forgetEnabledOrgs();
    auto store = openMigrated();
    QVERIFY2(store, qPrintable(m_openError));
    const Recipient alice {QStringLiteral("acme"), QStringLiteral("alice")};
    STORE_OK(added,
             webhooks::add(*store, endpointOf(QStringLiteral("wh_1"), QStringLiteral("acme"))));
    std::vector<NewNotification> drafts;
    for (int i = 0; i < 5; ++i)
        drafts.push_back(draft(alice, QStringLiteral("n%1").arg(i)));
    STORE_OK(inserted, store->insertBatch(drafts, kT0));
    QStringList ids;
    for (const InsertOutcome &o : inserted.value())
        ids.append(o.notification.id);
    STORE_OK(read, store->markRead(alice, ids, kT0));
    QCOMPARE(outboxRows(*store).size(), 5);
    STORE_OK(dropped, webhooks::trim(*store, 3));
    QCOMPARE(dropped.value(), qint64(2));
    // The oldest went; the newest stay, in order.
    QCOMPARE(outboxRows(*store),
             (QStringList {QStringLiteral("wh_1 alice read ") + ids[2],
                           QStringLiteral("wh_1 alice read ") + ids[3],
                           QStringLiteral("wh_1 alice read ") + ids[4]}));
    STORE_OK(listed, webhooks::list(*store));
    QCOMPARE(listed.value()[0].dropped, qint64(2));
    STORE_OK(none, webhooks::trim(*store, 3));
    QCOMPARE(none.value(), qint64(0));
}

void TestStore::webhookEnableClearsBackoffAndReleasesKeptEvents()
{
    webhooks::forgetEnabledOrgs();
    auto store = openMigrated();
    QVERIFY2(store, qPrintable(m_openError));
    const Recipient alice {QStringLiteral("acme"), QStringLiteral("alice")};
    const Recipient bob {QStringLiteral("acme"), QStringLiteral("bob")};
    STORE_OK(added, webhooks::add(*store, endpointOf(QStringLiteral("wh_1"), QStringLiteral("acme"))));
    STORE_OK(inserted, store->insertBatch({draft(alice, QStringLiteral("a1")),
                                           draft(alice, QStringLiteral("a2")),
                                           draft(bob, QStringLiteral("b1"))},
                                          kT0));
    const QString a1 = inserted.value()[0].notification.id;
    const QString a2 = inserted.value()[1].notification.id;
    const QString b1 = inserted.value()[2].notification.id;
    STORE_OK(r1, store->markRead(alice, {a1}, kT0));
    STORE_OK(r2, store->markRead(alice, {a2}, kT0));
    STORE_OK(r3, store->markRead(bob, {b1}, kT0));

    // A day of failures: disabled, with alice's first event still claimed by a node that
    // never came back.
    QDateTime now = kT0.addSecs(1);
    STORE_OK(claimed, webhooks::claim(*store, QStringLiteral("wh_1"), 10, QStringLiteral("gone"),
                                      now, 48 * 3600 * 1000));
    QCOMPARE(claimed.value().size(), size_t(2));
    STORE_OK(f, webhooks::failed(*store, claimed.value()[1], QStringLiteral("HTTP 503"), now));
    bool disabled = false;
    for (int i = 0; i < 100 && !disabled; ++i) {
        now = now.addMSecs(webhooks::Backoff::maxDelayMs);
        STORE_OK(again, webhooks::failed(*store, claimed.value()[1], QStringLiteral("HTTP 503"), now));
        disabled = again.value().disabled;
    }
    QVERIFY(disabled);
    STORE_OK(before, webhooks::list(*store));
    QVERIFY(!before.value()[0].enabled());
    QCOMPARE(before.value()[0].pending, qint64(3));

    STORE_OK(missing, webhooks::enable(*store, QStringLiteral("wh_none")));
    QVERIFY(missing.value().empty());
    // By id or by URL, as remove.
    STORE_OK(enabled, webhooks::enable(*store, QStringLiteral("http://127.0.0.1:9/wh_1")));
    QCOMPARE(enabled.value().size(), size_t(1));
    const webhooks::Endpoint &e = enabled.value()[0];
    QCOMPARE(e.id, QStringLiteral("wh_1"));
    QVERIFY(e.enabled());
    QCOMPARE(e.pending, qint64(3));
    STORE_OK(after, webhooks::list(*store));
    QVERIFY(after.value()[0].enabled());
    QCOMPARE(after.value()[0].failures, 0);
    QVERIFY(!after.value()[0].failingSince.isValid());
    QVERIFY(!after.value()[0].nextAttemptAt.isValid());
    QVERIFY(after.value()[0].lastError.isEmpty());
    QCOMPARE(after.value()[0].pending, qint64(3));

    // The kept events go at once (the dead node's claim is void), each user's oldest first.
    STORE_OK(next, webhooks::claim(*store, QStringLiteral("wh_1"), 10, QStringLiteral("n"),
                                   now.addSecs(1), 60000));
    QCOMPARE(next.value().size(), size_t(2));
    QCOMPARE(next.value()[0].notificationId, a1);
    QCOMPARE(next.value()[1].notificationId, b1);
    STORE_OK(sentA1, webhooks::sent(*store, next.value()[0], false));
    STORE_OK(then, webhooks::claim(*store, QStringLiteral("wh_1"), 10, QStringLiteral("n"),
                                   now.addSecs(2), 60000));
    QCOMPARE(then.value().size(), size_t(1));
    QCOMPARE(then.value()[0].notificationId, a2);

    // And it gets new events again.
    STORE_OK(more, store->insertBatch({draft(alice, QStringLiteral("a3"))}, kT0));
    STORE_OK(r4, store->markRead(alice, {more.value()[0].notification.id}, kT0));
    STORE_OK(last, webhooks::list(*store));
    QCOMPARE(last.value()[0].pending, qint64(3));
}

#include "test_store.moc"
