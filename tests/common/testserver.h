#pragma once

// An in-process notifyd on loopback (ephemeral ports, temp SQLite or a given PostgreSQL URL)
// and small real clients for it: QWebSocket for the plain protocol, QNetworkAccessManager
// for the HTTP API. Every wait is on a signal or a condition, with a timeout.

#include "httpclient.h"
#include "server/app/server.h"
#include "server/config/config.h"
#include "shared/auth/jwt.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <memory>

namespace notify::test {

inline const QByteArray testSecret = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
inline const QString testApiKey = QStringLiteral("test-api-key");

inline ServerConfig testConfig(const QString &dataDir)
{
    ServerConfig c;
    c.listen = ListenAddress{QHostAddress(QHostAddress::LocalHost), 0};
    c.apiListen = ListenAddress{QHostAddress(QHostAddress::LocalHost), 0};
    c.dataDir = dataDir;
    c.db = dataDir + QStringLiteral("/notify.db");
    c.jwtSecret = testSecret;
    c.apiKeys = {testApiKey};
    c.adminKey = QStringLiteral("test-admin-key");
    c.threads = 2;
    return c;
}

inline QByteArray mintToken(const QString &org, const QString &user, const QString &role = {},
                            qint64 ttlSeconds = 3600, const QByteArray &secret = testSecret)
{
    JwtClaims claims;
    claims.org = org;
    claims.subject = user;
    claims.role = role;
    claims.issuedAt = QDateTime::currentDateTimeUtc();
    claims.expiresAt = claims.issuedAt.addSecs(ttlSeconds);
    return mintJwt(claims, secret);
}

class TestServer
{
public:
    explicit TestServer(std::function<void(ServerConfig &)> adjust = {})
    {
        config = testConfig(dir.path());
        if (adjust)
            adjust(config);
        server = std::make_unique<Server>(config);
        auto started = server->start();
        if (!started.ok())
            qFatal("test server did not start: %s", qPrintable(started.error()));
    }

    QUrl wsUrl(const QByteArray &token, const QString &extraQuery = {}) const
    {
        QString q = QStringLiteral("token=") + QString::fromLatin1(token);
        if (!extraQuery.isEmpty())
            q += QLatin1Char('&') + extraQuery;
        return QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/notifications?%2")
                        .arg(server->clientPort())
                        .arg(q));
    }
    QUrl apiUrl(const QString &path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(server->apiPort()).arg(path));
    }

    using Response = HttpResponse;

    Response request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                     const QByteArray &bearer = testApiKey.toUtf8())
    {
        return httpRequest(nam, apiUrl(path), method, body, bearer);
    }

    Response publish(const QString &org, const QStringList &users, const QString &title,
                     const QJsonObject &extra = {})
    {
        QJsonObject body = extra;
        body.insert(QStringLiteral("orgId"), org);
        body.insert(QStringLiteral("userIds"), QJsonArray::fromStringList(users));
        body.insert(QStringLiteral("type"), QStringLiteral("TEST"));
        body.insert(QStringLiteral("title"), title);
        return request("POST", QStringLiteral("/api/v1/notifications"),
                       QJsonDocument(body).toJson(QJsonDocument::Compact));
    }

    QTemporaryDir dir;
    ServerConfig config;
    std::unique_ptr<Server> server;
    QNetworkAccessManager nam;
};

// A plain-protocol client that records every frame it receives.
class WsClient
{
public:
    explicit WsClient(const QUrl &url, const QByteArray &origin = {})
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, [this](const QString &text) {
            messages.append(QJsonDocument::fromJson(text.toUtf8()).object());
        });
        QObject::connect(&socket, &QWebSocket::disconnected, [this] { closed = true; });
        QNetworkRequest req(url);
        if (!origin.isEmpty())
            req.setRawHeader("Origin", origin);
        socket.open(req);
    }

    bool waitConnected(int ms = 5000)
    {
        return QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState || closed; }, ms)
            && socket.state() == QAbstractSocket::ConnectedState;
    }
    bool waitClosed(int ms = 5000)
    {
        return QTest::qWaitFor([&] { return closed; }, ms);
    }
    // Events of a type received so far.
    QList<QJsonObject> events(const QString &type) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &m : messages) {
            if (m.value(QStringLiteral("type")).toString() == type)
                out.append(m.value(QStringLiteral("data")).toObject());
        }
        return out;
    }
    bool waitForEvents(const QString &type, int count, int ms = 5000)
    {
        return QTest::qWaitFor([&] { return events(type).size() >= count; }, ms);
    }
    // Sends a request and waits for the reply or error with that id.
    QJsonObject call(const QString &type, const QJsonObject &data = {}, int ms = 5000)
    {
        const QString id = QString::number(++m_nextId);
        socket.sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{
            {QStringLiteral("type"), type}, {QStringLiteral("id"), id}, {QStringLiteral("data"), data}})
                                                     .toJson(QJsonDocument::Compact)));
        QJsonObject found;
        (void)QTest::qWaitFor([&] {
            for (const QJsonObject &m : messages) {
                if (m.value(QStringLiteral("replyTo")).toString() == id) {
                    found = m;
                    return true;
                }
            }
            return false;
        }, ms);
        return found;
    }
    int lastUnreadCount() const
    {
        const auto list = events(QStringLiteral("notification:unread_count"));
        return list.isEmpty() ? -1 : list.last().value(QStringLiteral("unreadCount")).toInt();
    }

    QWebSocket socket;
    QList<QJsonObject> messages;
    bool closed = false;

private:
    int m_nextId = 0;
};

} // namespace notify::test
