// docs/protocol.md, "The user's routes on the client port", and docs/security.md, "Browsers
// and CORS": /api/v1/me/* on the client port, attacked and used as a browser page would,
// over raw sockets. Each test states what the server must refuse and that nothing leaks.
#include "hostile.h"

#include "server/metrics/metrics.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace notify;
using namespace notify::test;

namespace {

const QByteArray allowedOrigin = "https://app.example.com";

struct RawResponse
{
    int status = 0;
    QByteArray head; // status line and headers, lower-cased names kept as sent
    QByteArray body;

    QByteArray header(QByteArrayView name) const
    {
        for (const QByteArray &line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().toLower() == name.toByteArray().toLower())
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
    bool hasCors() const { return head.toLower().contains("access-control-"); }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

RawResponse parse(const QByteArray &raw)
{
    RawResponse r;
    r.status = statusOf(raw);
    const qsizetype end = raw.indexOf("\r\n\r\n");
    r.head = end < 0 ? raw : raw.left(end);
    r.body = end < 0 ? QByteArray() : raw.mid(end + 4);
    return r;
}

// One request on its own connection to the client port.
RawResponse call(quint16 port, const QByteArray &method, const QByteArray &target,
                 const QList<QByteArray> &headers = {}, const QByteArray &body = {})
{
    QByteArray request
        = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const QByteArray &h : headers)
        request += h + "\r\n";
    request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    return parse(roundTrip(port, request));
}

QByteArray bearer(const QByteArray &token)
{
    return "Authorization: Bearer " + token;
}

} // namespace

class TestUserRoutes : public QObject
{
    Q_OBJECT
private slots:
    void answersAsTheApiPortDoes();
    void everyCredentialOfTheSockets();
    void badOrExpiredCredentialIs401BeforeTheBody();
    void listedOriginGetsCors();
    void unlistedOriginIsRefusedWithoutCors();
    void preflights();
    void rateLimitIsPerCredential();
    void onlyTheUserRoutesAreServed();
    void aChangeReachesTheUsersSockets();
    void servesTheJavaScriptClientWithAnETag();
    void demoPageOnlyInDevelopmentMode();
};

void TestUserRoutes::answersAsTheApiPortDoes()
{
    TestServer s;
    const quint16 port = s.server->clientPort();
    for (int i = 0; i < 3; ++i)
        QCOMPARE(
            s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("n")).status,
            201);
    const QByteArray token = mintToken("o1", "u1");
    const RawResponse page = call(port, "GET", "/api/v1/me/notifications?limit=2", {bearer(token)});
    QCOMPARE(page.status, 200);
    QCOMPARE(page.header("content-type"), QByteArray("application/json"));
    QCOMPARE(page.header("cache-control"), QByteArray("no-store"));
    const TestServer::Response onApi
        = s.request("GET", QStringLiteral("/api/v1/me/notifications?limit=2"), {}, token);
    QCOMPARE(onApi.status, 200);
    QCOMPARE(page.json(), onApi.json);
    QCOMPARE(page.json().value(QStringLiteral("notifications")).toArray().size(), 2);
    QCOMPARE(page.json().value(QStringLiteral("hasMore")).toBool(), true);

    const RawResponse count = call(port, "GET", "/api/v1/me/unread-count", {bearer(token)});
    QCOMPARE(count.status, 200);
    QCOMPARE(count.json().value(QStringLiteral("unreadCount")).toInt(), 3);

    const QString first = page.json()
                              .value(QStringLiteral("notifications"))
                              .toArray()
                              .at(0)
                              .toObject()
                              .value(QStringLiteral("id"))
                              .toString();
    const RawResponse read
        = call(port, "POST", "/api/v1/me/notifications/read",
               {bearer(token), "Content-Type: application/json"},
               QJsonDocument(QJsonObject {{QStringLiteral("notificationIds"), QJsonArray {first}}})
                   .toJson(QJsonDocument::Compact));
    QCOMPARE(read.status, 200);
    QCOMPARE(read.json().value(QStringLiteral("unreadCount")).toInt(), 2);

    const RawResponse deleted
        = call(port, "DELETE", "/api/v1/me/notifications/" + first.toUtf8(), {bearer(token)});
    QCOMPARE(deleted.status, 200);
    QCOMPARE(deleted.json().value(QStringLiteral("deleted")).toInt(), 1);
    QCOMPARE(
        call(port, "DELETE", "/api/v1/me/notifications/" + first.toUtf8(), {bearer(token)}).status,
        404);

    const RawResponse all
        = call(port, "POST", "/api/v1/me/notifications/read-all", {bearer(token)});
    QCOMPARE(all.status, 200);
    QCOMPARE(all.json().value(QStringLiteral("unreadCount")).toInt(), 0);

    // The same validation as on the API port, after the credential.
    const RawResponse invalid
        = call(port, "GET", "/api/v1/me/notifications?limit=0", {bearer(token)});
    QCOMPARE(invalid.status, 400);
    const RawResponse wrongMethod = call(port, "PUT", "/api/v1/me/unread-count", {bearer(token)});
    QCOMPARE(wrongMethod.status, 405);
    QCOMPARE(wrongMethod.header("allow"), QByteArray("GET"));
    // Another user's notifications are not found, never changed.
    QCOMPARE(
        call(port, "POST", "/api/v1/me/notifications/read", {bearer(mintToken("o1", "u2"))},
             QJsonDocument(QJsonObject {{QStringLiteral("notificationIds"), QJsonArray {first}}})
                 .toJson(QJsonDocument::Compact))
            .status,
        404);
}

void TestUserRoutes::everyCredentialOfTheSockets()
{
    TestServer s;
    const quint16 port = s.server->clientPort();
    QCOMPARE(s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("n")).status,
             201);
    const TestServer::Response session
        = s.request("POST", QStringLiteral("/api/v1/sessions"),
                    R"({"orgId":"o1","userId":"u1","ttlSeconds":600})");
    QCOMPARE(session.status, 201);
    const QByteArray sessionToken = session.json.value(QStringLiteral("token")).toString().toUtf8();
    QVERIFY(!sessionToken.isEmpty());
    const QByteArray jwt = mintToken("o1", "u1");

    for (const auto &[target, headers] :
         std::initializer_list<std::pair<QByteArray, QList<QByteArray>>> {
             {"/api/v1/me/unread-count", {bearer(jwt)}},
             {"/api/v1/me/unread-count?token=" + jwt, {}},
             {"/api/v1/me/unread-count", {bearer(sessionToken)}},
             {"/api/v1/me/unread-count", {"Cookie: theme=dark; session_id=" + sessionToken}}}) {
        const RawResponse r = call(port, "GET", target, headers);
        QVERIFY2(r.status == 200, r.head.constData());
        QCOMPARE(r.json().value(QStringLiteral("unreadCount")).toInt(), 1);
    }
    // A revoked session is refused from then on.
    QCOMPARE(
        s.request("DELETE", QStringLiteral("/api/v1/sessions/") + QString::fromUtf8(sessionToken))
            .status,
        204);
    QCOMPARE(
        call(port, "GET", "/api/v1/me/unread-count", {"Cookie: session_id=" + sessionToken}).status,
        401);
}

void TestUserRoutes::badOrExpiredCredentialIs401BeforeTheBody()
{
    TestServer s;
    const quint16 port = s.server->clientPort();
    const quint64 failuresBefore = s.server->metrics().authFailuresTotal();
    const QByteArray garbage = "{not json";
    const QList<QByteArray> credentials {
        {},
        bearer("not-a-token"),
        bearer(mintToken("o1", "u1", {}, -120)), // expired beyond the leeway
        bearer(mintToken("o1", "u1", {}, 3600, "another-secret-0123456789-abcdefghijklmnop")),
        "Cookie: session_id=0123456789abcdef0123456789abcdef",
    };
    for (const QByteArray &credential : credentials) {
        QList<QByteArray> headers {"Content-Type: application/json"};
        if (!credential.isEmpty())
            headers << credential;
        const RawResponse r = call(port, "POST", "/api/v1/me/notifications/read", headers, garbage);
        QVERIFY2(r.status == 401, r.head.constData());
        QVERIFY(r.header("www-authenticate").startsWith("Bearer"));
        QCOMPARE(r.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("unauthorized"));
    }
    QCOMPARE(s.server->metrics().authFailuresTotal() - failuresBefore, quint64(credentials.size()));
    // A good credential with the same body is told about the body.
    QCOMPARE(call(port, "POST", "/api/v1/me/notifications/read", {bearer(mintToken("o1", "u1"))},
                  garbage)
                 .status,
             400);
}

void TestUserRoutes::listedOriginGetsCors()
{
    TestServer s([](ServerConfig &c) { c.allowedOrigins = {QString::fromLatin1(allowedOrigin)}; });
    const quint16 port = s.server->clientPort();
    const RawResponse r = call(port, "GET", "/api/v1/me/unread-count",
                               {bearer(mintToken("o1", "u1")), "Origin: " + allowedOrigin});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("access-control-allow-origin"), allowedOrigin);
    QCOMPARE(r.header("access-control-allow-credentials"), QByteArray("true"));
    QCOMPARE(r.header("vary"), QByteArray("Origin"));
    // Errors carry them too, or the page could not read why it failed.
    const RawResponse refused
        = call(port, "GET", "/api/v1/me/unread-count", {"Origin: " + allowedOrigin});
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.header("access-control-allow-origin"), allowedOrigin);
    // Without an Origin (a server, curl) the answer only says that it varies.
    const RawResponse plain
        = call(port, "GET", "/api/v1/me/unread-count", {bearer(mintToken("o1", "u1"))});
    QCOMPARE(plain.status, 200);
    QVERIFY(!plain.hasCors());
    QCOMPARE(plain.header("vary"), QByteArray("Origin"));
}

void TestUserRoutes::unlistedOriginIsRefusedWithoutCors()
{
    TestServer s([](ServerConfig &c) { c.allowedOrigins = {QString::fromLatin1(allowedOrigin)}; });
    const quint16 port = s.server->clientPort();
    QCOMPARE(
        s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("secret")).status,
        201);
    const QByteArray token = mintToken("o1", "u1");
    for (const QByteArray &origin :
         {QByteArray("https://evil.example.com"), QByteArray("null"),
          QByteArray("https://app.example.com.evil.com"), QByteArray("http://app.example.com")}) {
        const RawResponse r
            = call(port, "GET", "/api/v1/me/notifications", {bearer(token), "Origin: " + origin});
        QCOMPARE(r.status, 403);
        QVERIFY(!r.hasCors());
        QVERIFY(!r.body.contains("secret"));
        // A change is refused too, not only its answer hidden.
        QCOMPARE(call(port, "POST", "/api/v1/me/notifications/read-all",
                      {bearer(token), "Origin: " + origin})
                     .status,
                 403);
    }
    QCOMPARE(call(port, "GET", "/api/v1/me/unread-count", {bearer(token)})
                 .json()
                 .value(QStringLiteral("unreadCount"))
                 .toInt(),
             1);
}

void TestUserRoutes::preflights()
{
    TestServer s([](ServerConfig &c) { c.allowedOrigins = {QString::fromLatin1(allowedOrigin)}; });
    const quint16 port = s.server->clientPort();
    const RawResponse ok = call(port, "OPTIONS", "/api/v1/me/notifications/read",
                                {"Origin: " + allowedOrigin, "Access-Control-Request-Method: POST",
                                 "Access-Control-Request-Headers: authorization, Content-Type"});
    QCOMPARE(ok.status, 204);
    QCOMPARE(ok.header("access-control-allow-origin"), allowedOrigin);
    QCOMPARE(ok.header("access-control-allow-credentials"), QByteArray("true"));
    QVERIFY(ok.header("access-control-allow-methods").contains("POST"));
    QVERIFY(ok.header("access-control-allow-headers").toLower().contains("authorization"));
    QCOMPARE(ok.header("vary"), QByteArray("Origin"));

    const QList<QList<QByteArray>> refused {
        {"Origin: " + allowedOrigin, "Access-Control-Request-Method: PUT"},
        {"Origin: " + allowedOrigin, "Access-Control-Request-Method: GET",
         "Access-Control-Request-Headers: authorization, x-admin-key"},
        {"Origin: https://evil.example.com", "Access-Control-Request-Method: GET"},
    };
    for (const QList<QByteArray> &headers : refused) {
        const RawResponse r = call(port, "OPTIONS", "/api/v1/me/notifications", headers);
        QCOMPARE(r.status, 403);
        QVERIFY2(!r.hasCors(), r.head.constData());
    }
}

void TestUserRoutes::rateLimitIsPerCredential()
{
    TestServer s([](ServerConfig &c) { c.rateLimit = RateLimit {0.01, 3}; });
    const quint16 port = s.server->clientPort();
    const QByteArray flooder = mintToken("o1", "u1");
    const quint64 limitedBefore = s.server->metrics().rateLimited.load();
    for (int i = 0; i < 3; ++i)
        QCOMPARE(call(port, "GET", "/api/v1/me/unread-count", {bearer(flooder)}).status, 200);
    const RawResponse limited = call(port, "GET", "/api/v1/me/unread-count", {bearer(flooder)});
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.header("retry-after"), QByteArray("1"));
    QCOMPARE(s.server->metrics().rateLimited.load() - limitedBefore, quint64(1));
    // The same user's other credential, and another user, are not held back.
    QCOMPARE(call(port, "GET", "/api/v1/me/unread-count", {bearer(mintToken("o1", "u2"))}).status,
             200);
    QCOMPARE(call(port, "GET", "/api/v1/me/unread-count", {bearer(mintToken("o1", "u1", {}, 1800))})
                 .status,
             200);
}

void TestUserRoutes::onlyTheUserRoutesAreServed()
{
    TestServer s;
    const quint16 port = s.server->clientPort();
    const QByteArray token = mintToken("o1", "u1");
    // The API key routes stay on the API port, whatever the credential.
    for (const QByteArray &target :
         {QByteArray("/api/v1/notifications"), QByteArray("/api/v1/sessions"),
          QByteArray("/api/v1/stats"), QByteArray("/api/v1/me/../stats"),
          QByteArray("/api/v1/me/%2e%2e/stats"), QByteArray("/metrics")}) {
        for (const QByteArray &credential : {bearer(token), bearer(testApiKey.toUtf8())}) {
            const RawResponse r = call(port, "GET", target, {credential});
            QVERIFY2(r.status == 404 || r.status == 401, target.constData());
            QVERIFY(!r.body.contains("\"notifications\""));
        }
    }
    // The API port keeps the user's routes (docs/protocol.md).
    QCOMPARE(s.request("GET", QStringLiteral("/api/v1/me/unread-count"), {}, token).status, 200);
}

void TestUserRoutes::aChangeReachesTheUsersSockets()
{
    TestServer s;
    WsClient tab(s.wsUrl(mintToken("o1", "u1")));
    QVERIFY(tab.waitConnected());
    QCOMPARE(s.publish(QStringLiteral("o1"), {QStringLiteral("u1")}, QStringLiteral("n")).status,
             201);
    QVERIFY(tab.waitForEvents(QStringLiteral("notification:new"), 1));
    // Over one kept-alive connection: the read, then a second request on the same socket.
    RawConn c(s.server->clientPort());
    const QByteArray token = mintToken("o1", "u1");
    QVERIFY(c.writeAll("POST /api/v1/me/notifications/read-all HTTP/1.1\r\nHost: x\r\n"
                       + bearer(token)
                       + "\r\nContent-Length: 0\r\n\r\n"
                         "GET /api/v1/me/unread-count HTTP/1.1\r\nHost: x\r\n"
                       + bearer(token) + "\r\nConnection: close\r\n\r\n"));
    QVERIFY(c.waitEnded());
    QCOMPARE(statusOf(c.in), 200);
    QCOMPARE(c.in.count("HTTP/1.1 200"), 2);
    QVERIFY(c.in.endsWith("{\"unreadCount\":0,\"unseenCount\":0}"));
    QVERIFY(tab.waitForEvents(QStringLiteral("notification:marked_read"), 1));
    QTRY_COMPARE(tab.lastUnreadCount(), 0);
}

void TestUserRoutes::servesTheJavaScriptClientWithAnETag()
{
    TestServer s;
    const quint16 port = s.server->clientPort();
    const RawResponse js = call(port, "GET", "/notifyd.js");
    QCOMPARE(js.status, 200);
    QCOMPARE(js.header("content-type"), QByteArray("text/javascript; charset=utf-8"));
    QVERIFY(js.body.contains("export function connect("));
    // Versioned with the server, and small enough to need no build step.
    QVERIFY(js.body.contains("export const version = '" NOTIFY_VERSION "'"));
    QVERIFY(js.body.size() < 40 * 1024);
    const QByteArray etag = js.header("etag");
    QVERIFY(etag.startsWith('"') && etag.endsWith('"') && etag.size() > 10);
    QCOMPARE(js.header("access-control-allow-origin"), QByteArray("*"));
    const RawResponse again = call(port, "GET", "/notifyd.js", {"If-None-Match: " + etag});
    QCOMPARE(again.status, 304);
    QVERIFY(again.body.isEmpty());
    QCOMPARE(call(port, "GET", "/notifyd.js", {"If-None-Match: \"other\""}).status, 200);
    const RawResponse types = call(port, "GET", "/notifyd.d.ts");
    QCOMPARE(types.status, 200);
    QVERIFY(types.body.contains("export declare function connect("));
    QVERIFY(types.header("etag") != etag);
    QCOMPARE(call(port, "POST", "/notifyd.js").status, 405);
}

void TestUserRoutes::demoPageOnlyInDevelopmentMode()
{
    {
        TestServer production;
        QCOMPARE(call(production.server->clientPort(), "GET", "/demo").status, 404);
    }
    TestServer dev([](ServerConfig &c) { c.dev = true; });
    const RawResponse demo = call(dev.server->clientPort(), "GET", "/demo?token=x");
    QCOMPARE(demo.status, 200);
    QVERIFY(demo.body.contains("import { connect } from '/notifyd.js'"));
    QVERIFY(!demo.head.contains("Access-Control-Allow-Origin"));
}

QTEST_MAIN(TestUserRoutes)
#include "test_userroutes.moc"
