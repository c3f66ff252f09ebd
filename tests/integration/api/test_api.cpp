// The HTTP API of docs/protocol.md against a real ApiServer on loopback, with the real services
// behind it: a temp-dir SQLite store, the writer with group commit, a reader, the delivery
// hub (with a sink that records what would reach live connections) and the authenticator.
#include "server/config/config.h"
#include "server/delivery/deliveryhub.h"
#include "server/delivery/roomdirectory.h"
#include "server/api/apiserver.h"
#include "server/metrics/metrics.h"
#include "server/node/nodeservices.h"
#include "server/protocol/authenticator.h"
#include "server/tokens/keyring.h"
#include "server/storage/storeworker.h"
#include "shared/auth/jwt.h"
#include "shared/auth/sessiontoken.h"

#include "httpclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSemaphore>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace notify;

namespace {

const QByteArray secret = "api-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
const QByteArray apiKey = "test-key";

QByteArray toJson(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray jwtFor(const QString &org, const QString &user, qint64 ttlSeconds = 3600,
                  const QString &sid = {})
{
    JwtClaims claims;
    claims.org = org;
    claims.subject = user;
    claims.sessionId = sid;
    claims.issuedAt
        = QDateTime::currentDateTimeUtc().addSecs(ttlSeconds < 0 ? ttlSeconds - 120 : 0);
    claims.expiresAt = QDateTime::currentDateTimeUtc().addSecs(ttlSeconds);
    return mintJwt(claims, secret);
}

// Stands in for the shards: records every event the hub hands out, and every revocation.
class RecordingSink : public DeliverySink
{
public:
    struct Event
    {
        QString room;
        QString type;
        QJsonObject data;
    };

    void deliver(DeliveryList deliveries) override
    {
        QMutexLocker lock(&m_mutex);
        for (const DeliveryPtr &d : deliveries) {
            // As a shard does: the publisher encodes nothing, a sink asks for its dialect.
            for (const EncodedEvent &e : d->eventsFor(Dialect::Standard, EncodedEvent::Plain)) {
                const QJsonObject frame = QJsonDocument::fromJson(EncodedEvent::text(e.plain).toByteArray()).object();
                m_events.append({d->room, frame.value(QStringLiteral("type")).toString(),
                                 frame.value(QStringLiteral("data")).toObject()});
            }
        }
    }
    void revokeSession(QByteArray sessionHash) override
    {
        QMutexLocker lock(&m_mutex);
        m_revoked.append(sessionHash);
    }

    QList<Event> events(const QString &type, const QString &room = {}) const
    {
        QMutexLocker lock(&m_mutex);
        QList<Event> out;
        for (const Event &e : m_events) {
            if (e.type == type && (room.isEmpty() || e.room == room))
                out.append(e);
        }
        return out;
    }
    QByteArrayList revoked() const
    {
        QMutexLocker lock(&m_mutex);
        return m_revoked;
    }
    void clear()
    {
        QMutexLocker lock(&m_mutex);
        m_events.clear();
        m_revoked.clear();
    }

private:
    mutable QMutex m_mutex;
    QList<Event> m_events;
    QByteArrayList m_revoked;
};

using Response = notify::test::HttpResponse;

QStringList idsOf(const Response &r)
{
    return r.notificationIds();
}

} // namespace

class TestApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void healthReadinessMetrics();
    void unknownRouteAndWrongMethod();
    void apiKeyIsRequired_data();
    void apiKeyIsRequired();
    void publishWithRecipientList();
    void publishWithOrgAndUserIds();
    void publishValidation_data();
    void publishValidation();
    void bodyOverOneMebibyteIs413();
    void idempotentRetries();
    void refusesWritesWhileShuttingDown();
    void broadcasts();
    void broadcastValidation_data();
    void broadcastValidation();
    void backOfficeInbox();
    void inboxQueryValidation_data();
    void inboxQueryValidation();
    void meRoutesWithJwt();
    void meRoutesRefuseBadCredentials_data();
    void meRoutesRefuseBadCredentials();
    void meRoutesValidation();
    void sessions();
    void sessionValidation_data();
    void sessionValidation();
    void presenceAndStats();
    void clientGoneBeforeTheAnswer();
    void storeErrorsAre500AndCounted();

private:
    Response request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                     const QByteArray &bearer = apiKey);
    Response publish(const QString &org, const QStringList &users, const QString &title,
                     const QJsonObject &extra = {});
    int countRows(const QString &sql, const QVariantList &bind);

    QTemporaryDir m_dir;
    StoreConfig m_storeConfig;
    ServerConfig m_config;
    Metrics m_metrics;
    RoomDirectory m_directory;
    std::unique_ptr<DeliveryHub> m_hub;
    RecordingSink m_sink;
    std::unique_ptr<StoreWorker> m_writer;
    std::unique_ptr<ReaderPool> m_readers;
    std::unique_ptr<KeyRing> m_keyRing;
    std::unique_ptr<Authenticator> m_authenticator;
    std::atomic<quint64> m_nextConnectionId {1};
    std::atomic<bool> m_storeReady {true};
    std::atomic<bool> m_accepting {true};
    std::unique_ptr<NodeServices> m_services;
    std::unique_ptr<ApiServer> m_api;
    quint16 m_port = 0;
    QNetworkAccessManager m_nam;
    std::unique_ptr<Store> m_checkStore;
};

void TestApi::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto storeConfig = StoreConfig::parse(m_dir.filePath(QStringLiteral("notify.db")));
    QVERIFY(storeConfig.ok());
    m_storeConfig = storeConfig.value();
    m_config.apiKeys = {QStringLiteral("other-key"), QString::fromLatin1(apiKey)};
    m_config.jwtSecret = secret;

    m_hub = std::make_unique<DeliveryHub>(m_directory, m_metrics);
    m_hub->addSink(&m_sink);
    m_writer
        = std::make_unique<StoreWorker>(m_storeConfig, QStringLiteral("test-writer"), &m_metrics);
    m_writer->setCommitSink(m_hub.get());
    auto opened = m_writer->startAndOpen(true);
    QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message));
    m_readers = std::make_unique<ReaderPool>(m_storeConfig, 1);
    QVERIFY(m_readers->start().ok());
    m_keyRing = std::make_unique<KeyRing>(m_config);
    QVERIFY(m_keyRing->loadLocal(m_config).ok());
    m_authenticator = std::make_unique<Authenticator>(*m_keyRing, *m_readers, m_metrics);

    m_services.reset(new NodeServices {m_config, m_metrics, m_directory, *m_hub, *m_writer,
                                      *m_readers, *m_authenticator, m_nextConnectionId,
                                      m_storeReady, m_accepting});
    m_api = std::make_unique<ApiServer>(*m_services);
    m_port = m_api->listen(ListenAddress {QHostAddress(QHostAddress::LocalHost), 0});
    QVERIFY(m_port != 0);
    QCOMPARE(m_api->port(), m_port);

    auto check = Store::open(m_storeConfig, QStringLiteral("test-check"));
    QVERIFY(check.ok());
    m_checkStore = std::move(check.value());
}

void TestApi::cleanupTestCase()
{
    // Store threads first: their answers are posted to the ApiServer, which must outlive them.
    m_writer->drainAndStop();
    m_readers->stop();
    QCoreApplication::sendPostedEvents();
    m_api.reset();
    m_checkStore.reset();
}

void TestApi::init()
{
    m_sink.clear();
    m_storeReady = true;
    m_accepting = true;
}

Response TestApi::request(const QByteArray &method, const QString &path, const QByteArray &body,
                          const QByteArray &bearer)
{
    return notify::test::httpRequest(
        m_nam, QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)), method, body,
        bearer);
}

Response TestApi::publish(const QString &org, const QStringList &users, const QString &title,
                          const QJsonObject &extra)
{
    QJsonObject body = extra;
    body.insert(QStringLiteral("orgId"), org);
    body.insert(QStringLiteral("userIds"), QJsonArray::fromStringList(users));
    body.insert(QStringLiteral("type"), QStringLiteral("TEST"));
    body.insert(QStringLiteral("title"), title);
    return request("POST", QStringLiteral("/api/v1/notifications"), toJson(body));
}

int TestApi::countRows(const QString &sql, const QVariantList &bind)
{
    QSqlQuery q(m_checkStore->database());
    q.prepare(sql);
    for (const QVariant &v : bind)
        q.addBindValue(v);
    if (!q.exec() || !q.next())
        return -1;
    return q.value(0).toInt();
}

void TestApi::healthReadinessMetrics()
{
    Response r = request("GET", QStringLiteral("/healthz"), {}, {});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray(R"({"status":"ok"})"));
    QCOMPARE(r.contentType, QByteArray("application/json"));

    r = request("GET", QStringLiteral("/readyz"), {}, {});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(QStringLiteral("status")).toString(), QStringLiteral("ready"));
    m_storeReady = false;
    r = request("GET", QStringLiteral("/readyz"), {}, {});
    QCOMPARE(r.status, 503);
    QCOMPARE(r.code(), QStringLiteral("unavailable"));
    m_storeReady = true;

    QCOMPARE(
        publish(QStringLiteral("metrics-org"), {QStringLiteral("u1")}, QStringLiteral("m")).status,
        201);
    r = request("GET", QStringLiteral("/metrics"), {}, {});
    QCOMPARE(r.status, 200);
    QVERIFY(r.contentType.startsWith("text/plain; version=0.0.4"));
    QVERIFY(r.body.contains("notify_notifications_created_total"));
}

void TestApi::unknownRouteAndWrongMethod()
{
    Response r = request("GET", QStringLiteral("/api/v1/nothing-here"));
    QCOMPARE(r.status, 404);
    QCOMPARE(r.code(), QStringLiteral("not_found"));
    QCOMPARE(r.contentType, QByteArray("application/json"));

    r = request("GET", QStringLiteral("/api/v1/notificationsX"));
    QCOMPARE(r.status, 404);

    r = request("PUT", QStringLiteral("/api/v1/notifications"), "{}");
    QCOMPARE(r.status, 405);
    QCOMPARE(r.code(), QStringLiteral("method_not_allowed"));
    QCOMPARE(r.allow, QByteArray("POST, GET"));

    r = request("GET", QStringLiteral("/api/v1/sessions/abc"));
    QCOMPARE(r.status, 405);
    QCOMPARE(r.allow, QByteArray("DELETE"));
}

void TestApi::apiKeyIsRequired_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("authorization");

    const QList<std::pair<QByteArray, QString>> routes {
        {"POST", QStringLiteral("/api/v1/notifications")},
        {"GET", QStringLiteral("/api/v1/notifications?orgId=o&userId=u")},
        {"POST", QStringLiteral("/api/v1/broadcasts")},
        {"POST", QStringLiteral("/api/v1/sessions")},
        {"DELETE", QStringLiteral("/api/v1/sessions/abc")},
        {"GET", QStringLiteral("/api/v1/presence?orgId=o&userId=u")},
        {"GET", QStringLiteral("/api/v1/stats")},
    };
    for (const auto &[method, path] : routes) {
        const QByteArray name = method + ' ' + path.toLatin1();
        QTest::newRow(name + " none") << method << path << QByteArray();
        QTest::newRow(name + " wrong") << method << path << QByteArray("Bearer test-kez");
        QTest::newRow(name + " prefix") << method << path << QByteArray("Bearer test-ke");
        QTest::newRow(name + " basic") << method << path << QByteArray("Basic dGVzdC1rZXk=");
        QTest::newRow(name + " jwt") << method << path << ("Bearer " + jwtFor("o", "u"));
    }
}

void TestApi::apiKeyIsRequired()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, authorization);
    QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
    if (!authorization.isEmpty())
        req.setRawHeader("Authorization", authorization);
    QNetworkReply *reply = m_nam.sendCustomRequest(req, method, QByteArray("{}"));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(reply->isFinished() || finished.wait(15000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 401);
    const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
    QCOMPARE(
        json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
        QStringLiteral("unauthorized"));
    QCOMPARE(reply->rawHeader("WWW-Authenticate"), QByteArray("Bearer"));
    reply->deleteLater();
}

void TestApi::publishWithRecipientList()
{
    const Recipient alice {QStringLiteral("org-a"), QStringLiteral("alice")};
    const Recipient bob {QStringLiteral("org-a"), QStringLiteral("bob")};
    const Recipient otherAlice {QStringLiteral("org-z"), QStringLiteral("alice")};
    // alice has one live connection (as a shard would register it).
    QVERIFY(m_directory.tryJoin({rooms::user(alice), rooms::org(alice.orgId)}, 0));

    const auto entry = [](const Recipient &r) {
        return QJsonObject {{QStringLiteral("orgId"), r.orgId},
                            {QStringLiteral("userId"), r.userId}};
    };
    const QJsonObject body {
        {QStringLiteral("recipients"),
         QJsonArray {entry(alice), entry(bob), entry(alice), entry(otherAlice)}},
        {QStringLiteral("type"), QStringLiteral("CLAIM_REJECTED")},
        {QStringLiteral("title"), QStringLiteral("Claim rejected")},
        {QStringLiteral("body"), QStringLiteral("Your claim was rejected.")},
        {QStringLiteral("priority"), QStringLiteral("high")},
        {QStringLiteral("actionUrl"), QStringLiteral("/claims/abc123")},
        {QStringLiteral("entityType"), QStringLiteral("claim")},
        {QStringLiteral("entityId"), QStringLiteral("abc123")},
        {QStringLiteral("metadata"), QJsonObject {{QStringLiteral("k"), 1}}}};
    const Response r = request("POST", QStringLiteral("/api/v1/notifications"), toJson(body));
    m_directory.leave({rooms::user(alice), rooms::org(alice.orgId)});

    QCOMPARE(r.status, 201);
    QVERIFY(!r.body.contains('\n')); // compact JSON
    const QJsonArray list = r.json.value(QStringLiteral("notifications")).toArray();
    QCOMPARE(list.size(), 3); // the repeated alice was merged
    const QList<Recipient> expected {alice, bob, otherAlice};
    for (int i = 0; i < 3; ++i) {
        const QJsonObject n = list.at(i).toObject();
        QCOMPARE(n.value(QStringLiteral("orgId")).toString(), expected[i].orgId);
        QCOMPARE(n.value(QStringLiteral("userId")).toString(), expected[i].userId);
        QCOMPARE(n.value(QStringLiteral("seq")).toInteger(), 1);
        QCOMPARE(n.value(QStringLiteral("id")).toString().size(), 36);
        QCOMPARE(n.keys().size(), 4);
    }
    QCOMPARE(r.json.value(QStringLiteral("deliveredConnections")).toInt(), 1);

    // Committed and pushed: the hub's event for alice's room carries the client object.
    const auto created = m_sink.events(QStringLiteral("notification:new"), rooms::user(alice));
    QCOMPARE(created.size(), 1);
    const QJsonObject n = created.first().data.value(QStringLiteral("notification")).toObject();
    QCOMPARE(n.value(QStringLiteral("id")).toString(),
             list.at(0).toObject().value(QStringLiteral("id")).toString());
    QCOMPARE(n.value(QStringLiteral("priority")).toString(), QStringLiteral("high"));
    QVERIFY(!n.contains(QStringLiteral("orgId")));
    QCOMPARE(m_sink.events(QStringLiteral("notification:unread_count"), rooms::user(alice)).size(),
             1);

    // A second publish continues each recipient's sequence.
    const Response again
        = publish(QStringLiteral("org-a"), {QStringLiteral("bob")}, QStringLiteral("again"));
    QCOMPARE(again.status, 201);
    QCOMPARE(again.json.value(QStringLiteral("notifications"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QStringLiteral("seq"))
                 .toInteger(),
             2);
    QCOMPARE(again.json.value(QStringLiteral("deliveredConnections")).toInt(), 0);
}

void TestApi::publishWithOrgAndUserIds()
{
    const Response r = publish(QStringLiteral("org-c"),
                               {QStringLiteral("u1"), QStringLiteral("u2"), QStringLiteral("u1")},
                               QStringLiteral("Hello"));
    QCOMPARE(r.status, 201);
    const QJsonArray list = r.json.value(QStringLiteral("notifications")).toArray();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.at(1).toObject().value(QStringLiteral("userId")).toString(),
             QStringLiteral("u2"));
    QCOMPARE(countRows(QStringLiteral("SELECT COUNT(*) FROM notifications WHERE org_id = ?"),
                       {QStringLiteral("org-c")}),
             2);
}

void TestApi::publishValidation_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("mentions");

    const auto with = [](QJsonObject extra) {
        QJsonObject b {{QStringLiteral("orgId"), QStringLiteral("o")},
                       {QStringLiteral("userIds"), QJsonArray {QStringLiteral("u")}},
                       {QStringLiteral("type"), QStringLiteral("T")},
                       {QStringLiteral("title"), QStringLiteral("t")}};
        for (auto it = extra.begin(); it != extra.end(); ++it) {
            if (it.value() == QJsonValue(QStringLiteral("<remove>")))
                b.remove(it.key());
            else
                b.insert(it.key(), it.value());
        }
        return toJson(b);
    };
    const QJsonValue remove(QStringLiteral("<remove>")); // Undefined would not survive insert()
    QJsonArray manyUsers;
    for (int i = 0; i < 1001; ++i)
        manyUsers.append(QStringLiteral("user-%1").arg(i));
    QJsonArray manyRecipients;
    for (int i = 0; i < 1001; ++i)
        manyRecipients.append(QJsonObject {{QStringLiteral("orgId"), QStringLiteral("o")},
                                           {QStringLiteral("userId"), QStringLiteral("same")}});

    QTest::newRow("malformed") << QByteArray(R"({"orgId": "o",)") << 400 << "invalid_json"
                               << "malformed JSON";
    QTest::newRow("two values") << QByteArray("1,2") << 400 << "invalid_json"
                                << "malformed JSON";
    QTest::newRow("garbage") << QByteArray("not json") << 400 << "invalid_json"
                             << "offset";
    QTest::newRow("empty body") << QByteArray() << 400 << "invalid_json"
                                << "empty";
    QTest::newRow("array") << QByteArray("[1,2]") << 400 << "invalid_payload"
                           << "JSON object";
    QTest::newRow("string") << QByteArray("\"x\"") << 400 << "invalid_payload"
                            << "JSON object";
    QTest::newRow("no recipients")
        << with({{QStringLiteral("userIds"), remove}, {QStringLiteral("orgId"), remove}}) << 400
        << "invalid_payload"
        << "recipients";
    QTest::newRow("empty userIds")
        << with({{QStringLiteral("userIds"), QJsonArray()}}) << 400 << "invalid_payload"
        << "userIds";
    QTest::newRow("empty recipients") << with({{QStringLiteral("userIds"), remove},
                                               {QStringLiteral("orgId"), remove},
                                               {QStringLiteral("recipients"), QJsonArray()}})
                                      << 400 << "invalid_payload"
                                      << "recipients";
    QTest::newRow("1001 userIds") << with({{QStringLiteral("userIds"), manyUsers}}) << 400
                                  << "invalid_payload"
                                  << "1000";
    QTest::newRow("1001 recipients (all the same)")
        << with({{QStringLiteral("userIds"), remove},
                 {QStringLiteral("orgId"), remove},
                 {QStringLiteral("recipients"), manyRecipients}})
        << 400 << "invalid_payload"
        << "1000";
    QTest::newRow("both forms") << with(
        {{QStringLiteral("recipients"),
          QJsonArray {QJsonObject {{QStringLiteral("orgId"), QStringLiteral("o")},
                                   {QStringLiteral("userId"), QStringLiteral("u")}}}}})
                                << 400 << "invalid_payload"
                                << "either";
    QTest::newRow("userIds not array")
        << with({{QStringLiteral("userIds"), QStringLiteral("u")}}) << 400 << "invalid_payload"
        << "userIds";
    QTest::newRow("userIds number")
        << with({{QStringLiteral("userIds"), QJsonArray {7}}}) << 400 << "invalid_payload"
        << "userIds[0]";
    QTest::newRow("empty userId") << with(
        {{QStringLiteral("userIds"), QJsonArray {QStringLiteral("a"), QString()}}})
                                  << 400 << "invalid_payload"
                                  << "userIds[1]";
    QTest::newRow("userId too long")
        << with({{QStringLiteral("userIds"), QJsonArray {QString(129, u'x')}}}) << 400
        << "invalid_payload"
        << "userIds[0]";
    QTest::newRow("userId control char")
        << with({{QStringLiteral("userIds"), QJsonArray {QStringLiteral("a\nb")}}}) << 400
        << "invalid_payload"
        << "control";
    QTest::newRow("orgId missing")
        << with({{QStringLiteral("orgId"), remove}}) << 400 << "invalid_payload"
        << "orgId";
    QTest::newRow("orgId number") << with({{QStringLiteral("orgId"), 5}}) << 400
                                  << "invalid_payload"
                                  << "orgId";
    QTest::newRow("recipient not object")
        << with({{QStringLiteral("userIds"), remove},
                 {QStringLiteral("orgId"), remove},
                 {QStringLiteral("recipients"), QJsonArray {QStringLiteral("o:u")}}})
        << 400 << "invalid_payload"
        << "recipients[0]";
    QTest::newRow("recipient without userId")
        << with({{QStringLiteral("userIds"), remove},
                 {QStringLiteral("orgId"), remove},
                 {QStringLiteral("recipients"),
                  QJsonArray {QJsonObject {{QStringLiteral("orgId"), QStringLiteral("o")}}}}})
        << 400 << "invalid_payload"
        << "recipients[0].userId";
    QTest::newRow("type missing") << with({{QStringLiteral("type"), remove}}) << 400
                                  << "invalid_payload"
                                  << "type";
    QTest::newRow("title missing")
        << with({{QStringLiteral("title"), remove}}) << 400 << "invalid_payload"
        << "title";
    QTest::newRow("title too long")
        << with({{QStringLiteral("title"), QString(201, u't')}}) << 400 << "invalid_payload"
        << "title";
    QTest::newRow("body too long")
        << with({{QStringLiteral("body"), QString(4001, u'b')}}) << 400 << "invalid_payload"
        << "body";
    QTest::newRow("bad priority") << with({{QStringLiteral("priority"), QStringLiteral("HIGH")}})
                                  << 400 << "invalid_payload"
                                  << "priority";
    QTest::newRow("bad actionUrl")
        << with({{QStringLiteral("actionUrl"), QStringLiteral("javascript:alert(1)")}}) << 400
        << "invalid_payload"
        << "actionUrl";
    QTest::newRow("protocol-relative actionUrl")
        << with({{QStringLiteral("actionUrl"), QStringLiteral("//evil.example")}}) << 400
        << "invalid_payload"
        << "actionUrl";
    QTest::newRow("metadata too big") << with(
        {{QStringLiteral("metadata"), QJsonObject {{QStringLiteral("x"), QString(9000, u'm')}}}})
                                      << 400 << "invalid_payload"
                                      << "metadata";
    QTest::newRow("metadata not object")
        << with({{QStringLiteral("metadata"), QJsonArray {1}}}) << 400 << "invalid_payload"
        << "metadata";
    QTest::newRow("empty idempotencyKey")
        << with({{QStringLiteral("idempotencyKey"), QString()}}) << 400 << "invalid_payload"
        << "idempotencyKey";
    QTest::newRow("idempotencyKey number")
        << with({{QStringLiteral("idempotencyKey"), 3}}) << 400 << "invalid_payload"
        << "idempotencyKey";
}

void TestApi::publishValidation()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, mentions);
    const int before = countRows(QStringLiteral("SELECT COUNT(*) FROM notifications"), {});
    const Response r = request("POST", QStringLiteral("/api/v1/notifications"), body);
    QCOMPARE(r.status, status);
    QCOMPARE(r.code(), code);
    QVERIFY2(r.message().contains(mentions), qPrintable(r.message()));
    QCOMPARE(countRows(QStringLiteral("SELECT COUNT(*) FROM notifications"), {}), before);
}

void TestApi::bodyOverOneMebibyteIs413()
{
    QByteArray big = R"({"orgId":"o","userIds":["u"],"type":"T","title":"t","body":")";
    big += QByteArray(1024 * 1024, 'b');
    big += "\"}";
    Response r = request("POST", QStringLiteral("/api/v1/notifications"), big);
    QCOMPARE(r.status, 413);
    QCOMPARE(r.code(), QStringLiteral("payload_too_large"));

    // Exactly at the limit is not refused for its size (it fails validation instead).
    QByteArray edge = R"({"orgId":"o","userIds":["u"],"type":"T","title":"t","body":")";
    edge += QByteArray(1024 * 1024 - edge.size() - 2, 'b');
    edge += "\"}";
    QCOMPARE(edge.size(), 1024 * 1024);
    r = request("POST", QStringLiteral("/api/v1/notifications"), edge);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.code(), QStringLiteral("invalid_payload"));
}

void TestApi::idempotentRetries()
{
    const QJsonObject key {{QStringLiteral("idempotencyKey"), QStringLiteral("order-42")}};
    const Response first
        = publish(QStringLiteral("org-i"), {QStringLiteral("u1")}, QStringLiteral("once"), key);
    QCOMPARE(first.status, 201);
    m_sink.clear();
    const Response second
        = publish(QStringLiteral("org-i"), {QStringLiteral("u1")}, QStringLiteral("once"), key);
    QCOMPARE(second.status, 200);
    QCOMPARE(idsOf(second), idsOf(first));
    QCOMPARE(second.json.value(QStringLiteral("notifications"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QStringLiteral("seq"))
                 .toInteger(),
             1);
    QCOMPARE(second.json.value(QStringLiteral("deliveredConnections")).toInt(), 0);
    QVERIFY(m_sink.events(QStringLiteral("notification:new")).isEmpty()); // nothing pushed again
    QCOMPARE(countRows(QStringLiteral("SELECT COUNT(*) FROM notifications WHERE org_id = ?"),
                       {QStringLiteral("org-i")}),
             1);

    // The same key with one new recipient: the new one is created (201), the old one replayed.
    const Response mixed
        = publish(QStringLiteral("org-i"), {QStringLiteral("u1"), QStringLiteral("u2")},
                  QStringLiteral("once"), key);
    QCOMPARE(mixed.status, 201);
    QCOMPARE(idsOf(mixed).first(), idsOf(first).first());
    QCOMPARE(countRows(QStringLiteral("SELECT COUNT(*) FROM notifications WHERE org_id = ?"),
                       {QStringLiteral("org-i")}),
             2);
}

void TestApi::refusesWritesWhileShuttingDown()
{
    m_accepting = false;
    Response r = publish(QStringLiteral("org-s"), {QStringLiteral("u1")}, QStringLiteral("late"));
    QCOMPARE(r.status, 503);
    QCOMPARE(r.code(), QStringLiteral("unavailable"));
    r = request("POST", QStringLiteral("/api/v1/sessions"),
                toJson({{QStringLiteral("orgId"), QStringLiteral("o")},
                        {QStringLiteral("userId"), QStringLiteral("u")},
                        {QStringLiteral("ttlSeconds"), 60}}));
    QCOMPARE(r.status, 503);
    // Reads still work.
    QCOMPARE(request("GET", QStringLiteral("/api/v1/notifications?orgId=org-s&userId=u1")).status,
             200);
    m_accepting = true;
    QCOMPARE(countRows(QStringLiteral("SELECT COUNT(*) FROM notifications WHERE org_id = ?"),
                       {QStringLiteral("org-s")}),
             0);
}

void TestApi::broadcasts()
{
    QVERIFY(m_directory.tryJoin({rooms::user({QStringLiteral("org-b"), QStringLiteral("x")}),
                                 rooms::org(QStringLiteral("org-b")),
                                 rooms::role(QStringLiteral("org-b"), QStringLiteral("admin"))},
                                0));
    QVERIFY(m_directory.tryJoin({rooms::user({QStringLiteral("org-b"), QStringLiteral("y")}),
                                 rooms::org(QStringLiteral("org-b")), rooms::broadcast()},
                                0));

    Response r = request(
        "POST", QStringLiteral("/api/v1/broadcasts"),
        toJson({{QStringLiteral("orgId"), QStringLiteral("org-b")},
                {QStringLiteral("title"), QStringLiteral("Maintenance")},
                {QStringLiteral("body"), QStringLiteral("Tonight at 22:00")},
                {QStringLiteral("priority"), QStringLiteral("urgent")},
                {QStringLiteral("actionUrl"), QStringLiteral("https://status.example.com/")}}));
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json.value(QStringLiteral("deliveredConnections")).toInt(), 2);
    const QString id = r.json.value(QStringLiteral("id")).toString();
    QCOMPARE(id.size(), 36);
    auto events
        = m_sink.events(QStringLiteral("announcement"), rooms::org(QStringLiteral("org-b")));
    QCOMPARE(events.size(), 1);
    const QJsonObject a = events.first().data;
    QCOMPARE(a.value(QStringLiteral("id")).toString(), id);
    QCOMPARE(a.value(QStringLiteral("title")).toString(), QStringLiteral("Maintenance"));
    QCOMPARE(a.value(QStringLiteral("body")).toString(), QStringLiteral("Tonight at 22:00"));
    QCOMPARE(a.value(QStringLiteral("priority")).toString(), QStringLiteral("urgent"));
    QCOMPARE(a.value(QStringLiteral("actionUrl")).toString(),
             QStringLiteral("https://status.example.com/"));
    QVERIFY(a.value(QStringLiteral("createdAt")).toString().endsWith(u'Z'));
    QCOMPARE(a.keys().size(), 6);
    // Recorded with its delivery count, not put into any inbox.
    QCOMPARE(countRows(QStringLiteral("SELECT delivered_connections FROM broadcasts WHERE id = ?"),
                       {id}),
             2);
    QCOMPARE(countRows(QStringLiteral("SELECT COUNT(*) FROM notifications WHERE org_id = ?"),
                       {QStringLiteral("org-b")}),
             0);

    r = request("POST", QStringLiteral("/api/v1/broadcasts"),
                toJson({{QStringLiteral("orgId"), QStringLiteral("org-b")},
                        {QStringLiteral("role"), QStringLiteral("admin")},
                        {QStringLiteral("title"), QStringLiteral("Admins only")}}));
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json.value(QStringLiteral("deliveredConnections")).toInt(), 1);
    events = m_sink.events(QStringLiteral("announcement"),
                           rooms::role(QStringLiteral("org-b"), QStringLiteral("admin")));
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().data.value(QStringLiteral("priority")).toString(),
             QStringLiteral("normal"));
    QVERIFY(events.first().data.value(QStringLiteral("actionUrl")).isNull());

    r = request("POST", QStringLiteral("/api/v1/broadcasts"),
                toJson({{QStringLiteral("title"), QStringLiteral("Everyone")}}));
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json.value(QStringLiteral("deliveredConnections")).toInt(), 1);
    QCOMPARE(m_sink.events(QStringLiteral("announcement"), rooms::broadcast()).size(), 1);

    m_directory.leave({rooms::user({QStringLiteral("org-b"), QStringLiteral("x")}),
                       rooms::org(QStringLiteral("org-b")),
                       rooms::role(QStringLiteral("org-b"), QStringLiteral("admin"))});
    m_directory.leave({rooms::user({QStringLiteral("org-b"), QStringLiteral("y")}),
                       rooms::org(QStringLiteral("org-b")), rooms::broadcast()});

    // Without storage nothing is announced.
    m_sink.clear();
    m_storeReady = false;
    r = request("POST", QStringLiteral("/api/v1/broadcasts"),
                toJson({{QStringLiteral("title"), QStringLiteral("Lost")}}));
    QCOMPARE(r.status, 503);
    QCOMPARE(r.code(), QStringLiteral("unavailable"));
    QVERIFY(m_sink.events(QStringLiteral("announcement")).isEmpty());
}

void TestApi::broadcastValidation_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("malformed") << QByteArray("{") << "invalid_json"
                               << "malformed";
    QTest::newRow("array") << QByteArray("[]") << "invalid_payload"
                           << "object";
    QTest::newRow("no title") << QByteArray(R"({"orgId":"o"})") << "invalid_payload"
                              << "title";
    QTest::newRow("title number") << QByteArray(R"({"title":1})") << "invalid_payload"
                                  << "title";
    QTest::newRow("title too long")
        << ("{\"title\":\"" + QByteArray(201, 't') + "\"}") << "invalid_payload"
        << "title";
    QTest::newRow("role without orgId")
        << QByteArray(R"({"role":"admin","title":"t"})") << "invalid_payload"
        << "role";
    QTest::newRow("empty orgId") << QByteArray(R"({"orgId":"","title":"t"})") << "invalid_payload"
                                 << "orgId";
    QTest::newRow("bad priority") << QByteArray(R"({"title":"t","priority":"max"})")
                                  << "invalid_payload"
                                  << "priority";
    QTest::newRow("bad actionUrl")
        << QByteArray(R"({"title":"t","actionUrl":"ftp://x"})") << "invalid_payload"
        << "actionUrl";
    QTest::newRow("body number") << QByteArray(R"({"title":"t","body":2})") << "invalid_payload"
                                 << "body";
}

void TestApi::broadcastValidation()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, code);
    QFETCH(QString, mentions);
    const Response r = request("POST", QStringLiteral("/api/v1/broadcasts"), body);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.code(), code);
    QVERIFY2(r.message().contains(mentions), qPrintable(r.message()));
    QVERIFY(m_sink.events(QStringLiteral("announcement")).isEmpty());
}

void TestApi::backOfficeInbox()
{
    for (int i = 1; i <= 5; ++i)
        QCOMPARE(publish(QStringLiteral("org-inbox"), {QStringLiteral("u")},
                         QStringLiteral("n%1").arg(i))
                     .status,
                 201);

    Response r
        = request("GET", QStringLiteral("/api/v1/notifications?orgId=org-inbox&userId=u&limit=2"));
    QCOMPARE(r.status, 200);
    QJsonArray list = r.json.value(QStringLiteral("notifications")).toArray();
    QCOMPARE(list.size(), 2);
    QVERIFY(r.json.value(QStringLiteral("hasMore")).toBool());
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("seq")).toInteger(), 5); // newest first
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("orgId")).toString(),
             QStringLiteral("org-inbox"));
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("userId")).toString(), QStringLiteral("u"));
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("title")).toString(), QStringLiteral("n5"));

    r = request("GET",
                QStringLiteral("/api/v1/notifications?orgId=org-inbox&userId=u&beforeSeq=3"));
    list = r.json.value(QStringLiteral("notifications")).toArray();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("seq")).toInteger(), 2);
    QVERIFY(!r.json.value(QStringLiteral("hasMore")).toBool());

    // Scoped by org: the same user id elsewhere has an empty inbox.
    r = request("GET", QStringLiteral("/api/v1/notifications?orgId=org-other&userId=u"));
    QCOMPARE(r.status, 200);
    QVERIFY(r.json.value(QStringLiteral("notifications")).toArray().isEmpty());

    // unread=true after one is read through /me.
    const QByteArray jwt = jwtFor(QStringLiteral("org-inbox"), QStringLiteral("u"));
    const QString newest
        = idsOf(request("GET",
                        QStringLiteral("/api/v1/notifications?orgId=org-inbox&userId=u&limit=1")))
              .first();
    QCOMPARE(request("POST", QStringLiteral("/api/v1/me/notifications/read"),
                     toJson({{QStringLiteral("notificationIds"), QJsonArray {newest}}}), jwt)
                 .status,
             200);
    r = request("GET",
                QStringLiteral("/api/v1/notifications?orgId=org-inbox&userId=u&unread=true"));
    list = r.json.value(QStringLiteral("notifications")).toArray();
    QCOMPARE(list.size(), 4);
    QVERIFY(!idsOf(r).contains(newest));
}

void TestApi::inboxQueryValidation_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("no orgId") << "userId=u"
                              << "orgId";
    QTest::newRow("no userId") << "orgId=o"
                               << "userId";
    QTest::newRow("long userId") << "orgId=o&userId=" + QString(129, u'u') << "userId";
    QTest::newRow("limit 0") << "orgId=o&userId=u&limit=0"
                             << "limit";
    QTest::newRow("limit 101") << "orgId=o&userId=u&limit=101"
                               << "limit";
    QTest::newRow("limit abc") << "orgId=o&userId=u&limit=abc"
                               << "limit";
    QTest::newRow("limit 2.5") << "orgId=o&userId=u&limit=2.5"
                               << "limit";
    QTest::newRow("limit +5") << "orgId=o&userId=u&limit=%2B5"
                              << "limit";
    QTest::newRow("beforeSeq -1") << "orgId=o&userId=u&beforeSeq=-1"
                                  << "beforeSeq";
    QTest::newRow("beforeSeq huge") << "orgId=o&userId=u&beforeSeq=99999999999999999999"
                                    << "beforeSeq";
    QTest::newRow("unread maybe") << "orgId=o&userId=u&unread=maybe"
                                  << "unread";
}

void TestApi::inboxQueryValidation()
{
    QFETCH(QString, query);
    QFETCH(QString, mentions);
    const Response r = request("GET", QStringLiteral("/api/v1/notifications?") + query);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.code(), QStringLiteral("invalid_payload"));
    QVERIFY2(r.message().startsWith(mentions), qPrintable(r.message()));
}

void TestApi::meRoutesWithJwt()
{
    const Recipient me {QStringLiteral("org-me"), QStringLiteral("me")};
    const QByteArray jwt = jwtFor(me.orgId, me.userId);
    QStringList mine = idsOf(publish(me.orgId, {me.userId, me.userId}, QStringLiteral("a")));
    mine += idsOf(publish(me.orgId, {me.userId}, QStringLiteral("b")));
    mine += idsOf(publish(me.orgId, {me.userId}, QStringLiteral("c")));
    QCOMPARE(mine.size(), 3);
    const QString foreign
        = idsOf(publish(me.orgId, {QStringLiteral("someone-else")}, QStringLiteral("x"))).first();
    m_sink.clear();

    Response r = request("GET", QStringLiteral("/api/v1/me/unread-count"), {}, jwt);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json,
             QJsonObject({{QStringLiteral("unreadCount"), 3}, {QStringLiteral("unseenCount"), 3}}));

    r = request("GET", QStringLiteral("/api/v1/me/notifications?limit=2"), {}, jwt);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(QStringLiteral("unreadCount")).toInt(), 3);
    QVERIFY(r.json.value(QStringLiteral("hasMore")).toBool());
    QJsonArray list = r.json.value(QStringLiteral("notifications")).toArray();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("title")).toString(), QStringLiteral("c"));
    QVERIFY(!list.at(0).toObject().contains(QStringLiteral("orgId"))); // client form
    QVERIFY(!list.at(0).toObject().contains(QStringLiteral("userId")));

    // mark read: answer, then the same events a WebSocket mark_read pushes.
    r = request(
        "POST", QStringLiteral("/api/v1/me/notifications/read"),
        toJson({{QStringLiteral("notificationIds"), QJsonArray {mine[0], mine[0], foreign}}}), jwt);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json,
             QJsonObject({{QStringLiteral("ok"), true},
                          {QStringLiteral("updated"), 1},
                          {QStringLiteral("unreadCount"), 2},
                          {QStringLiteral("unseenCount"), 2}}));
    auto marked = m_sink.events(QStringLiteral("notification:marked_read"), rooms::user(me));
    QCOMPARE(marked.size(), 1);
    QCOMPARE(marked.first().data.value(QStringLiteral("notificationIds")).toArray(),
             QJsonArray {mine[0]});
    auto counts = m_sink.events(QStringLiteral("notification:unread_count"), rooms::user(me));
    QCOMPARE(counts.size(), 1);
    QCOMPARE(counts.first().data.value(QStringLiteral("unreadCount")).toInt(), 2);

    // Already read: success with nothing updated; another user's id alone: not found.
    r = request("POST", QStringLiteral("/api/v1/me/notifications/read"),
                toJson({{QStringLiteral("notificationIds"), QJsonArray {mine[0]}}}), jwt);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(QStringLiteral("updated")).toInt(), 0);
    r = request("POST", QStringLiteral("/api/v1/me/notifications/read"),
                toJson({{QStringLiteral("notificationIds"), QJsonArray {foreign}}}), jwt);
    QCOMPARE(r.status, 404);
    QCOMPARE(r.code(), QStringLiteral("not_found"));
    r = request(
        "POST", QStringLiteral("/api/v1/me/notifications/read"),
        toJson({{QStringLiteral("notificationIds"), QJsonArray {QStringLiteral("no-such-id")}}}),
        jwt);
    QCOMPARE(r.status, 404);

    // seen apart from read (docs/protocol.md, "Inbox states"): the same events as mark_seen.
    m_sink.clear();
    r = request("POST", QStringLiteral("/api/v1/me/notifications/seen"),
                toJson({{QStringLiteral("notificationIds"), QJsonArray {mine[1], foreign}}}), jwt);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json,
             QJsonObject({{QStringLiteral("ok"), true},
                          {QStringLiteral("updated"), 1},
                          {QStringLiteral("unreadCount"), 2},
                          {QStringLiteral("unseenCount"), 1}}));
    auto seen = m_sink.events(QStringLiteral("notification:seen"), rooms::user(me));
    QCOMPARE(seen.size(), 1);
    QCOMPARE(seen.first().data.value(QStringLiteral("notificationIds")).toArray(),
             QJsonArray {mine[1]});
    counts = m_sink.events(QStringLiteral("notification:unread_count"), rooms::user(me));
    QCOMPARE(counts.size(), 1);
    QCOMPARE(counts.first().data.value(QStringLiteral("unseenCount")).toInt(), 1);
    QCOMPARE(counts.first().data.value(QStringLiteral("unreadCount")).toInt(), 2);
    r = request("POST", QStringLiteral("/api/v1/me/notifications/seen"),
                toJson({{QStringLiteral("notificationIds"), QJsonArray {foreign}}}), jwt);
    QCOMPARE(r.status, 404);
    QCOMPARE(r.code(), QStringLiteral("not_found"));
    r = request("POST", QStringLiteral("/api/v1/me/notifications/seen"),
                toJson({{QStringLiteral("ids"), QJsonArray {mine[2]}}}), jwt);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.code(), QStringLiteral("invalid_payload"));
    QVERIFY(r.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message"))
                .toString().contains(QStringLiteral("notificationIds")));
    QCOMPARE(request("GET", QStringLiteral("/api/v1/me/unread-count"), {}, jwt).json,
             QJsonObject({{QStringLiteral("unreadCount"), 2}, {QStringLiteral("unseenCount"), 1}}));

    // unread=true lists only the unread ones.
    r = request("GET", QStringLiteral("/api/v1/me/notifications?unread=true"), {}, jwt);
    QCOMPARE(r.json.value(QStringLiteral("notifications")).toArray().size(), 2);

    // delete: one of mine; again: not found; someone else's: not found (and untouched).
    m_sink.clear();
    r = request("DELETE", QStringLiteral("/api/v1/me/notifications/") + mine[1], {}, jwt);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json,
             QJsonObject({{QStringLiteral("ok"), true},
                          {QStringLiteral("deleted"), 1},
                          {QStringLiteral("unreadCount"), 1},
                          {QStringLiteral("unseenCount"), 1}}));
    auto deleted = m_sink.events(QStringLiteral("notification:deleted"), rooms::user(me));
    QCOMPARE(deleted.size(), 1);
    QCOMPARE(deleted.first().data.value(QStringLiteral("notificationIds")).toArray(),
             QJsonArray {mine[1]});
    QCOMPARE(m_sink.events(QStringLiteral("notification:unread_count"), rooms::user(me)).size(), 1);
    r = request("DELETE", QStringLiteral("/api/v1/me/notifications/") + mine[1], {}, jwt);
    QCOMPARE(r.status, 404);
    QCOMPARE(r.code(), QStringLiteral("not_found"));
    r = request("DELETE", QStringLiteral("/api/v1/me/notifications/") + foreign, {}, jwt);
    QCOMPARE(r.status, 404);
    QCOMPARE(
        countRows(QStringLiteral(
                      "SELECT COUNT(*) FROM notifications WHERE id = ? AND deleted_at IS NULL"),
                  {foreign}),
        1);

    // read-all (no body), then the count is 0 everywhere.
    m_sink.clear();
    r = request("POST", QStringLiteral("/api/v1/me/notifications/read-all"), {}, jwt);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json,
             QJsonObject({{QStringLiteral("ok"), true},
                          {QStringLiteral("updated"), 1},
                          {QStringLiteral("unreadCount"), 0},
                          {QStringLiteral("unseenCount"), 0}}));
    QCOMPARE(m_sink.events(QStringLiteral("notification:marked_read"), rooms::user(me)).size(), 1);
    r = request("POST", QStringLiteral("/api/v1/me/notifications/read-all"), "{}", jwt);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(QStringLiteral("updated")).toInt(), 0);
    r = request("POST", QStringLiteral("/api/v1/me/notifications/seen-all"), {}, jwt);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(QStringLiteral("updated")).toInt(), 0); // a read one is seen
    QCOMPARE(request("GET", QStringLiteral("/api/v1/me/unread-count"), {}, jwt).json,
             QJsonObject({{QStringLiteral("unreadCount"), 0}, {QStringLiteral("unseenCount"), 0}}));
    // The other user's notification was never touched.
    QCOMPARE(request("GET", QStringLiteral("/api/v1/me/unread-count"), {},
                     jwtFor(me.orgId, QStringLiteral("someone-else")))
                 .json,
             QJsonObject({{QStringLiteral("unreadCount"), 1}, {QStringLiteral("unseenCount"), 1}}));
}

void TestApi::meRoutesRefuseBadCredentials_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("credential");

    QByteArray tampered = jwtFor(QStringLiteral("o"), QStringLiteral("u"));
    tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
    JwtClaims wrongKeyClaims;
    wrongKeyClaims.org = QStringLiteral("o");
    wrongKeyClaims.subject = QStringLiteral("u");
    wrongKeyClaims.expiresAt = QDateTime::currentDateTimeUtc().addSecs(3600);
    const QByteArray wrongKey
        = mintJwt(wrongKeyClaims, "another-secret-0123456789-abcdefghijklmnop");

    const QList<std::pair<QByteArray, QString>> routes {
        {"GET", QStringLiteral("/api/v1/me/notifications")},
        {"GET", QStringLiteral("/api/v1/me/unread-count")},
        {"POST", QStringLiteral("/api/v1/me/notifications/read")},
        {"POST", QStringLiteral("/api/v1/me/notifications/read-all")},
        {"POST", QStringLiteral("/api/v1/me/notifications/seen")},
        {"POST", QStringLiteral("/api/v1/me/notifications/seen-all")},
        {"DELETE", QStringLiteral("/api/v1/me/notifications/some-id")},
    };
    for (const auto &[method, path] : routes) {
        const QByteArray name = method + ' ' + path.toLatin1();
        QTest::newRow(name + " none") << method << path << QByteArray();
        QTest::newRow(name + " api key") << method << path << apiKey;
        QTest::newRow(name + " tampered") << method << path << tampered;
        QTest::newRow(name + " wrong key") << method << path << wrongKey;
        QTest::newRow(name + " expired")
            << method << path << jwtFor(QStringLiteral("o"), QStringLiteral("u"), -600);
        QTest::newRow(name + " unknown session") << method << path << generateSessionToken();
    }
}

void TestApi::meRoutesRefuseBadCredentials()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, credential);
    const quint64 failuresBefore = m_metrics.authFailuresTotal();
    const Response r = request(method, path, R"({"notificationIds":["x"]})", credential);
    QCOMPARE(r.status, 401);
    QCOMPARE(r.code(), QStringLiteral("unauthorized"));
    QCOMPARE(m_metrics.authFailuresTotal(), failuresBefore + 1);
}

void TestApi::meRoutesValidation()
{
    const QByteArray jwt = jwtFor(QStringLiteral("org-v"), QStringLiteral("u"));
    const auto check = [&](const QByteArray &method, const QString &path, const QByteArray &body,
                           const QString &code, const QString &mentions) {
        const Response r = request(method, path, body, jwt);
        if (r.status != 400 || r.code() != code || !r.message().contains(mentions)) {
            qWarning() << method << path << r.status << r.body;
            return false;
        }
        return true;
    };
    const QString read = QStringLiteral("/api/v1/me/notifications/read");
    QVERIFY(check("POST", read, "{", QStringLiteral("invalid_json"), QStringLiteral("malformed")));
    QVERIFY(check("POST", read, {}, QStringLiteral("invalid_json"), QStringLiteral("empty")));
    QVERIFY(check("POST", read, "[]", QStringLiteral("invalid_payload"), QStringLiteral("object")));
    QVERIFY(check("POST", read, "{}", QStringLiteral("invalid_payload"),
                  QStringLiteral("notificationIds")));
    QVERIFY(check("POST", read, R"({"notificationIds":[]})", QStringLiteral("invalid_payload"),
                  QStringLiteral("notificationIds")));
    QVERIFY(check("POST", read, R"({"notificationIds":[1]})", QStringLiteral("invalid_payload"),
                  QStringLiteral("notificationIds")));
    QJsonArray tooMany;
    for (int i = 0; i < 501; ++i)
        tooMany.append(QStringLiteral("id-%1").arg(i));
    QVERIFY(check("POST", read, toJson({{QStringLiteral("notificationIds"), tooMany}}),
                  QStringLiteral("invalid_payload"), QStringLiteral("500")));
    QVERIFY(check("POST", QStringLiteral("/api/v1/me/notifications/read-all"), "nope",
                  QStringLiteral("invalid_json"), QStringLiteral("malformed")));
    QVERIFY(check("GET", QStringLiteral("/api/v1/me/notifications?limit=0"), {},
                  QStringLiteral("invalid_payload"), QStringLiteral("limit")));
    QVERIFY(check("GET", QStringLiteral("/api/v1/me/notifications?limit=x"), {},
                  QStringLiteral("invalid_payload"), QStringLiteral("limit")));
    QVERIFY(check("GET", QStringLiteral("/api/v1/me/notifications?beforeSeq=0"), {},
                  QStringLiteral("invalid_payload"), QStringLiteral("beforeSeq")));
    QVERIFY(check("DELETE", QStringLiteral("/api/v1/me/notifications/") + QString(129, u'x'), {},
                  QStringLiteral("invalid_payload"), QStringLiteral("id")));

    // Changes are refused during shutdown, reads are not.
    m_accepting = false;
    Response r = request("POST", QStringLiteral("/api/v1/me/notifications/read-all"), {}, jwt);
    QCOMPARE(r.status, 503);
    QCOMPARE(r.code(), QStringLiteral("unavailable"));
    QCOMPARE(request("GET", QStringLiteral("/api/v1/me/unread-count"), {}, jwt).status, 200);
}

void TestApi::sessions()
{
    const Recipient who {QStringLiteral("org-sess"), QStringLiteral("s1")};
    const QStringList ids = idsOf(publish(who.orgId, {who.userId}, QStringLiteral("hi")));

    const QDateTime before = QDateTime::currentDateTimeUtc();
    Response r = request("POST", QStringLiteral("/api/v1/sessions"),
                         toJson({{QStringLiteral("orgId"), who.orgId},
                                 {QStringLiteral("userId"), who.userId},
                                 {QStringLiteral("role"), QStringLiteral("agent")},
                                 {QStringLiteral("ttlSeconds"), 600}}));
    QCOMPARE(r.status, 201);
    const QByteArray token = r.json.value(QStringLiteral("token")).toString().toLatin1();
    QVERIFY(looksLikeSessionToken(token));
    QCOMPARE(r.json.value(QStringLiteral("sessionId")).toString().toLatin1(),
             hashSessionToken(token));
    const QDateTime expiresAt = QDateTime::fromString(
        r.json.value(QStringLiteral("expiresAt")).toString(), Qt::ISODateWithMs);
    QVERIFY(expiresAt.isValid());
    QVERIFY(expiresAt >= before.addSecs(600).addMSecs(-1000));
    QVERIFY(expiresAt <= QDateTime::currentDateTimeUtc().addSecs(601));
    // Only the hash is stored.
    QCOMPARE(countRows(QStringLiteral("SELECT COUNT(*) FROM sessions WHERE token_sha256 = ?"),
                       {QString::fromLatin1(hashSessionToken(token))}),
             1);

    // The token works on /me.
    r = request("GET", QStringLiteral("/api/v1/me/notifications"), {}, token);
    QCOMPARE(r.status, 200);
    QCOMPARE(idsOf(r), ids);
    QCOMPARE(request("GET", QStringLiteral("/api/v1/me/unread-count"), {}, token).json,
             QJsonObject({{QStringLiteral("unreadCount"), 1}, {QStringLiteral("unseenCount"), 1}}));
    // So does a JWT naming the session by its id, until the session is revoked.
    const QByteArray jwtWithSid
        = jwtFor(who.orgId, who.userId, 3600, QString::fromLatin1(hashSessionToken(token)));
    QCOMPARE(request("GET", QStringLiteral("/api/v1/me/unread-count"), {}, jwtWithSid).status, 200);

    // Revocation: 204, live sockets told (4001 is the shard's part), the token stops working.
    r = request("DELETE", QStringLiteral("/api/v1/sessions/") + QString::fromLatin1(token));
    QCOMPARE(r.status, 204);
    QVERIFY(r.body.isEmpty());
    QCOMPARE(m_sink.revoked(), QByteArrayList {hashSessionToken(token)});
    r = request("GET", QStringLiteral("/api/v1/me/unread-count"), {}, token);
    QCOMPARE(r.status, 401);
    QCOMPARE(r.code(), QStringLiteral("unauthorized"));
    QCOMPARE(request("GET", QStringLiteral("/api/v1/me/unread-count"), {}, jwtWithSid).status, 401);

    // A second revocation finds no active session.
    r = request("DELETE", QStringLiteral("/api/v1/sessions/") + QString::fromLatin1(token));
    QCOMPARE(r.status, 404);
    QCOMPARE(r.code(), QStringLiteral("not_found"));
    QCOMPARE(m_sink.revoked().size(), 1);
    r = request("DELETE",
                QStringLiteral("/api/v1/sessions/") + QString::fromLatin1(generateSessionToken()));
    QCOMPARE(r.status, 404);
    r = request("DELETE", QStringLiteral("/api/v1/sessions/not-a-token"));
    QCOMPARE(r.status, 404);

    // Revoking by sessionId (the hash) works as well.
    r = request("POST", QStringLiteral("/api/v1/sessions"),
                toJson({{QStringLiteral("orgId"), who.orgId},
                        {QStringLiteral("userId"), who.userId},
                        {QStringLiteral("ttlSeconds"), 60}}));
    QCOMPARE(r.status, 201);
    const QByteArray second = r.json.value(QStringLiteral("token")).toString().toLatin1();
    QCOMPARE(request("GET", QStringLiteral("/api/v1/me/unread-count"), {}, second).status, 200);
    r = request("DELETE",
                QStringLiteral("/api/v1/sessions/")
                    + r.json.value(QStringLiteral("sessionId")).toString());
    QCOMPARE(r.status, 204);
    QCOMPARE(request("GET", QStringLiteral("/api/v1/me/unread-count"), {}, second).status, 401);
}

void TestApi::sessionValidation_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("malformed") << QByteArray("{\"orgId\"") << "invalid_json"
                               << "malformed";
    QTest::newRow("not object") << QByteArray("42") << "invalid_payload"
                                << "object";
    QTest::newRow("no orgId") << QByteArray(R"({"userId":"u","ttlSeconds":60})")
                              << "invalid_payload"
                              << "orgId";
    QTest::newRow("no userId") << QByteArray(R"({"orgId":"o","ttlSeconds":60})")
                               << "invalid_payload"
                               << "userId";
    QTest::newRow("bad role") << QByteArray(
        R"({"orgId":"o","userId":"u","role":"","ttlSeconds":60})")
                              << "invalid_payload"
                              << "role";
    QTest::newRow("no ttl") << QByteArray(R"({"orgId":"o","userId":"u"})") << "invalid_payload"
                            << "ttlSeconds";
    QTest::newRow("ttl 0") << QByteArray(R"({"orgId":"o","userId":"u","ttlSeconds":0})")
                           << "invalid_payload"
                           << "ttlSeconds";
    QTest::newRow("ttl 30 days + 1")
        << QByteArray(R"({"orgId":"o","userId":"u","ttlSeconds":2592001})") << "invalid_payload"
        << "ttlSeconds";
    QTest::newRow("ttl string") << QByteArray(R"({"orgId":"o","userId":"u","ttlSeconds":"60"})")
                                << "invalid_payload"
                                << "ttlSeconds";
    QTest::newRow("ttl fraction") << QByteArray(R"({"orgId":"o","userId":"u","ttlSeconds":1.5})")
                                  << "invalid_payload"
                                  << "ttlSeconds";
    QTest::newRow("ttl huge") << QByteArray(R"({"orgId":"o","userId":"u","ttlSeconds":1e300})")
                              << "invalid_payload"
                              << "ttlSeconds";
}

void TestApi::sessionValidation()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, code);
    QFETCH(QString, mentions);
    const Response r = request("POST", QStringLiteral("/api/v1/sessions"), body);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.code(), code);
    QVERIFY2(r.message().contains(mentions), qPrintable(r.message()));

    // The limits themselves are accepted.
    if (QByteArray(QTest::currentDataTag()) == "ttl 30 days + 1") {
        const Response ok = request("POST", QStringLiteral("/api/v1/sessions"),
                                    R"({"orgId":"o","userId":"u","ttlSeconds":2592000})");
        QCOMPARE(ok.status, 201);
    }
}

void TestApi::presenceAndStats()
{
    const Recipient r {QStringLiteral("org-p"), QStringLiteral("p1")};
    Response resp = request("GET", QStringLiteral("/api/v1/presence?orgId=org-p&userId=p1"));
    QCOMPARE(resp.status, 200);
    QCOMPARE(resp.json,
             QJsonObject({{QStringLiteral("online"), false}, {QStringLiteral("connections"), 0}}));

    QVERIFY(m_directory.tryJoin({rooms::user(r), rooms::org(r.orgId)}, 0));
    QVERIFY(m_directory.tryJoin({rooms::user(r), rooms::org(r.orgId)}, 0));
    m_metrics.connectionsPlain = 1;
    m_metrics.connectionsSocketIo = 1;
    resp = request("GET", QStringLiteral("/api/v1/presence?orgId=org-p&userId=p1"));
    QCOMPARE(resp.json,
             QJsonObject({{QStringLiteral("online"), true}, {QStringLiteral("connections"), 2}}));
    // Another org's user of the same id is not online.
    resp = request("GET", QStringLiteral("/api/v1/presence?orgId=org-q&userId=p1"));
    QCOMPARE(resp.json.value(QStringLiteral("online")).toBool(), false);

    resp = request("GET", QStringLiteral("/api/v1/presence?orgId=org-p"));
    QCOMPARE(resp.status, 400);
    QCOMPARE(resp.code(), QStringLiteral("invalid_payload"));
    QVERIFY(resp.message().startsWith(QStringLiteral("userId")));

    resp = request("GET", QStringLiteral("/api/v1/stats"));
    QCOMPARE(resp.status, 200);
    const QJsonObject connections = resp.json.value(QStringLiteral("connections")).toObject();
    QCOMPARE(connections,
             QJsonObject({{QStringLiteral("plain"), 1},
                          {QStringLiteral("socketIo"), 1},
                          {QStringLiteral("sse"), 0},
                          {QStringLiteral("total"), 2}}));
    QCOMPARE(resp.json.value(QStringLiteral("rooms")).toInt(), m_directory.roomCount());
    QVERIFY(resp.json.value(QStringLiteral("rooms")).toInt() >= 2);
    const QJsonObject counters = resp.json.value(QStringLiteral("counters")).toObject();
    QCOMPARE(quint64(counters.value(QStringLiteral("created")).toInteger()),
             m_metrics.created.load());
    QVERIFY(counters.value(QStringLiteral("created")).toInteger() > 0);

    m_directory.leave({rooms::user(r), rooms::org(r.orgId)});
    m_directory.leave({rooms::user(r), rooms::org(r.orgId)});
    m_metrics.connectionsPlain = 0;
    m_metrics.connectionsSocketIo = 0;
}

// The answer comes after the client hung up: it must be dropped, not written to a deleted
// socket (which crashes QHttpServer 6.4), and the server must go on serving.
void TestApi::clientGoneBeforeTheAnswer()
{
    QSemaphore gate;
    QSemaphore entered;
    m_writer->post([&](Store &) {
        entered.release();
        gate.acquire();
    });
    entered.acquire(); // the writer is now blocked

    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    QVERIFY(socket.waitForConnected(5000));
    const QByteArray body = R"({"orgId":"org-gone","userIds":["u"],"type":"T","title":"t"})";
    socket.write("POST /api/v1/notifications HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                 + apiKey + "\r\nContent-Type: application/json\r\nContent-Length: "
                 + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    QVERIFY(socket.waitForBytesWritten(5000));
    QTRY_COMPARE_WITH_TIMEOUT(m_writer->pending(), 1, 5000); // parked, waiting for the writer
    // This test's requests before this one came from other connections, which stay open
    // (keep-alive): only this one's end is counted.
    const int open = m_api->http().openConnections();
    QVERIFY(open >= 1);
    socket.abort();
    // The server notices the hang-up and deletes its connection before the answer is ready.
    QTRY_COMPARE_WITH_TIMEOUT(m_api->http().openConnections(), open - 1, 5000);
    gate.release();
    QTRY_COMPARE_WITH_TIMEOUT(m_writer->pending(), 0, 5000);

    // The insert was committed even though nobody heard the answer; the server still serves.
    QTRY_COMPARE_WITH_TIMEOUT(
        countRows(QStringLiteral("SELECT COUNT(*) FROM notifications WHERE org_id = ?"),
                  {QStringLiteral("org-gone")}),
        1, 5000);
    const Response r = request("GET", QStringLiteral("/healthz"), {}, {});
    QCOMPARE(r.status, 200);
}

// Last, because it breaks the schema for a moment: a failing store gives 500 internal (the
// driver's text is not passed on), counts as failed, and nothing is half-done.
void TestApi::storeErrorsAre500AndCounted()
{
    const QByteArray jwt = jwtFor(QStringLiteral("org-err"), QStringLiteral("u"));
    QCOMPARE(
        publish(QStringLiteral("org-err"), {QStringLiteral("u")}, QStringLiteral("before")).status,
        201);
    QSqlQuery q(m_checkStore->database());
    QVERIFY(q.exec(QStringLiteral("ALTER TABLE notifications RENAME TO notifications_away")));

    const quint64 failedBefore = m_metrics.failed.load();
    Response r
        = publish(QStringLiteral("org-err"), {QStringLiteral("u")}, QStringLiteral("during"));
    QCOMPARE(r.status, 500);
    QCOMPARE(r.code(), QStringLiteral("internal"));
    QCOMPARE(r.message(), QStringLiteral("internal error"));
    // The store decides between "unavailable" and "internal" (a statement it had prepared
    // before the schema changed reports the former); either way the code matches the status.
    const auto failedAs5xx = [](const Response &r) {
        return (r.status == 500 && r.code() == QStringLiteral("internal"))
            || (r.status == 503 && r.code() == QStringLiteral("unavailable"));
    };
    r = request("GET", QStringLiteral("/api/v1/me/notifications"), {}, jwt);
    QVERIFY2(failedAs5xx(r), r.body.constData());
    r = request("POST", QStringLiteral("/api/v1/me/notifications/read-all"), {}, jwt);
    QVERIFY2(failedAs5xx(r), r.body.constData());
    r = request("GET", QStringLiteral("/api/v1/notifications?orgId=org-err&userId=u"));
    QVERIFY2(failedAs5xx(r), r.body.constData());
    QCOMPARE(m_metrics.failed.load(), failedBefore + 4);

    QVERIFY(q.exec(QStringLiteral("ALTER TABLE notifications_away RENAME TO notifications")));
    QCOMPARE(
        publish(QStringLiteral("org-err"), {QStringLiteral("u")}, QStringLiteral("after")).status,
        201);
    r = request("GET", QStringLiteral("/api/v1/me/unread-count"), {}, jwt);
    QCOMPARE(r.json.value(QStringLiteral("unreadCount")).toInt(), 2);
}

QTEST_GUILESS_MAIN(TestApi)
#include "test_api.moc"
