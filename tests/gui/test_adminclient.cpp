// AdminClient and MainWindow against a peer that speaks the admin-channel contract of
// docs/protocol.md on a real loopback WebSocket: decoding of every push into the models,
// request/reply correlation, reconnect with backoff, and the 4001 "admin key rejected" stop.

#include "contractjson.h"

#include "console/adminclient/adminclient.h"
#include "console/app/mainwindow.h"
#include "console/models/connectionsmodel.h"
#include "console/models/countersmodel.h"
#include "console/models/roomsmodel.h"
#include "console/models/tracemodel.h"
#include "console/views/deliveriesview.h"
#include "console/views/ratechart.h"

#include <QHostAddress>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace notify;
using namespace notify::console;
using namespace notify::test;

namespace {

// The server end of the contract, scripted by the test.
class ContractPeer : public QObject
{
public:
    explicit ContractPeer(QJsonObject snapshot)
        : m_snapshot(std::move(snapshot))
        , m_server(QStringLiteral("peer"), QWebSocketServer::NonSecureMode)
    {
        connect(&m_server, &QWebSocketServer::newConnection, this, [this] { accept(); });
        listen();
    }
    void listen(quint16 port = 0)
    {
        if (!m_server.listen(QHostAddress::LocalHost, port))
            qFatal("peer cannot listen");
        m_port = m_server.serverPort();
    }
    QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1/admin").arg(m_port)); }

    void push(const QString &type, const QJsonObject &data)
    {
        for (QWebSocket *s : std::as_const(m_sockets))
            s->sendTextMessage(envelope(type, data));
    }
    void closeAll(QWebSocketProtocol::CloseCode code)
    {
        for (QWebSocket *s : std::as_const(m_sockets))
            s->close(code, QStringLiteral("test"));
    }
    void stopListening() { m_server.close(); }

    QJsonObject m_snapshot;
    quint16 m_port = 0;
    int accepted = 0;
    QList<QWebSocket *> m_sockets;
    QList<QJsonObject> requests;
    QStringList authHeaders;
    QList<QJsonObject> held; // requests answered later, in reverse order
    // Last, so it (and the sockets it owns, whose disconnected handlers touch the lists
    // above) goes first.
    QWebSocketServer m_server;

private:
    void accept()
    {
        QWebSocket *s = m_server.nextPendingConnection();
        ++accepted;
        const QByteArray auth = s->request().rawHeader("Authorization");
        authHeaders.append(QString::fromLatin1(auth));
        connect(s, &QWebSocket::disconnected, this, [this, s] {
            m_sockets.removeAll(s);
            s->deleteLater();
        });
        if (auth != "Bearer good-key") {
            s->close(QWebSocketProtocol::CloseCode(4001), QStringLiteral("unauthorized"));
            return;
        }
        m_sockets.append(s);
        connect(s, &QWebSocket::textMessageReceived, this, [this, s](const QString &text) {
            const QJsonObject msg = QJsonDocument::fromJson(text.toUtf8()).object();
            requests.append(msg);
            answer(s, msg);
        });
        s->sendTextMessage(envelope(
            "hello", QJsonObject {{"node", QJsonObject {{"id", "node-a"}, {"version", "0.1.0"}}}}));
        s->sendTextMessage(envelope("snapshot", m_snapshot));
    }
    void answer(QWebSocket *s, const QJsonObject &msg)
    {
        const QString type = msg["type"].toString();
        const QString id = msg["id"].toString();
        auto reply = [s](const QString &replyTo, const QJsonObject &data) {
            s->sendTextMessage(QString::fromUtf8(
                QJsonDocument(QJsonObject {{"type", "reply"}, {"replyTo", replyTo}, {"data", data}})
                    .toJson(QJsonDocument::Compact)));
        };
        if (type == "send_test") {
            held.append(msg);
            if (held.size() < 2)
                return;
            // Answer the later request first: the client must match replies by id.
            for (auto it = held.crbegin(); it != held.crend(); ++it) {
                reply((*it)["id"].toString(),
                      QJsonObject {{"notificationIds",
                                    QJsonArray {(*it)["data"].toObject()["title"].toString()}},
                                   {"deliveredConnections", 2}});
            }
            held.clear();
        } else if (type == "hold") {
            // never answered
        } else if (type == "kick" || type == "trace") {
            reply(id, QJsonObject {{"ok", true}});
        } else {
            s->sendTextMessage(QString::fromUtf8(
                QJsonDocument(QJsonObject {{"type", "error"},
                                           {"replyTo", id},
                                           {"data",
                                            QJsonObject {{"code", "unknown_type"},
                                                         {"message", "unknown type"}}}})
                    .toJson(QJsonDocument::Compact)));
        }
    }
};

QJsonObject defaultSnapshot()
{
    return snapshotJson(
        QJsonArray {connectionJson(1, "acme", "alice", "admin"), connectionJson(2, "acme", "bob")},
        countersJson(5, 7, 3));
}

} // namespace

class TestAdminClient : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void normalizesUrls_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("full") << "ws://127.0.0.1:8081/admin"
                              << "ws://127.0.0.1:8081/admin";
        QTest::newRow("bare") << "127.0.0.1:8081"
                              << "ws://127.0.0.1:8081/admin";
        QTest::newRow("http") << "http://host:8081"
                              << "ws://host:8081/admin";
        QTest::newRow("https") << "https://host/"
                               << "wss://host/admin";
        QTest::newRow("other path") << "ws://h:1/x/admin"
                                    << "ws://h:1/x/admin";
        QTest::newRow("ftp") << "ftp://host"
                             << "";
        QTest::newRow("empty") << "  "
                               << "";
        QTest::newRow("no host") << "ws://"
                                 << "";
    }
    void normalizesUrls()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(AdminClient::normalizeUrl(input).toString(), expected);
    }

    void backoffDoublesUpToFiveSeconds()
    {
        // A server that comes back is found again within 5 s, not after a long doubled wait.
        int delay = AdminClient::initialBackoffMs;
        QList<int> seen {delay};
        for (int i = 0; i < 10; ++i)
            seen.append(delay = AdminClient::nextBackoffMs(delay));
        QCOMPARE(seen.mid(0, 7), (QList<int> {500, 1000, 2000, 4000, 5000, 5000, 5000}));
        QCOMPARE(seen.last(), 5000);
    }

    void retryScheduleSlowsDownAfterTheQuickAttempts()
    {
        QList<int> seen;
        for (int failed = 1; failed <= 11; ++failed)
            seen.append(AdminClient::retryDelayMs(failed, AdminClient::quickAttempts,
                                                  AdminClient::slowRetryMs));
        QCOMPARE(seen,
                 (QList<int> {500, 1000, 2000, 4000, 5000, 5000, 5000, 5000, 60000, 60000, 60000}));
    }

    void nobodyListeningSlowsDownAndSaysSoOnce()
    {
        // A port where nothing listens: a few quick attempts, then one line saying the client
        // slows down, then attempts without a line each (the policy shortened for the test).
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        AdminClient client;
        client.setRetryPolicy(2, 600);
        QSignalSpy log(&client, &AdminClient::logMessage);
        QSignalSpy states(&client, &AdminClient::stateChanged);
        const QUrl url(QStringLiteral("ws://127.0.0.1:%1/admin").arg(port));
        client.connectTo(url, "key");
        auto lines = [&](const QString &start) {
            int n = 0;
            for (const auto &args : log)
                n += args.at(0).toString().startsWith(start) ? 1 : 0;
            return n;
        };
        auto connectingStates = [&] {
            int n = 0;
            for (const auto &args : states)
                n += args.at(0).value<AdminClient::State>() == AdminClient::State::Connecting;
            return n;
        };
        QTRY_VERIFY_WITH_TIMEOUT(client.retryingSlowly(), 10000);
        QTRY_COMPARE(lines(url.toDisplayString()), 1);
        const int before = log.count();
        const int attemptsBefore = connectingStates();
        // Two more slow attempts happen, and the log stays as it was.
        QTRY_VERIFY_WITH_TIMEOUT(connectingStates() >= attemptsBefore + 2, 10000);
        QCOMPARE(log.count(), before);
        QCOMPARE(lines("Connecting to"), 3);
        // Reconnect now starts the quick schedule again.
        client.reconnectNow();
        QVERIFY(!client.retryingSlowly());
    }

    void pushesReachTheModels()
    {
        ContractPeer peer(defaultSnapshot());
        MainWindow window(nullptr);
        window.connectTo(peer.url(), "good-key");
        QTRY_COMPARE(window.client()->state(), AdminClient::State::Connected);
        QCOMPARE(peer.authHeaders.value(0), QString("Bearer good-key"));
        QTRY_COMPARE(window.connectionsModel()->rowCount(), 2);
        QCOMPARE(window.roomsModel()->memberCount("org:acme"), 2);
        QCOMPARE(window.countersModel()->totals().created, 5u);
        QTRY_VERIFY(window.statusLabel()->text().contains("node-a"));

        peer.push("connection:opened",
                  QJsonObject {{"connection", connectionJson(3, "globex", "carol")}});
        QTRY_COMPARE(window.connectionsModel()->rowCount(), 3);
        QCOMPARE(window.roomsModel()->memberCount("org:globex:user:carol"), 1);

        peer.push("connection:closed",
                  QJsonObject {{"connectionId", 1}, {"code", 1000}, {"reason", "bye"}});
        QTRY_COMPARE(window.connectionsModel()->rowCount(), 2);
        QCOMPARE(window.roomsModel()->roomIndex("org:acme:role:admin"), QModelIndex());

        // Malformed pushes are logged and ignored, never crash.
        peer.push("connection:opened", QJsonObject {{"connection", QJsonObject {{"id", "x"}}}});
        peer.push("connection:closed", QJsonObject {});
        peer.push("no-such-type", QJsonObject {});
        for (QWebSocket *s : std::as_const(peer.m_sockets))
            s->sendTextMessage("not json");

        peer.push(
            "counters",
            QJsonObject {{"totals", countersJson(9, 12, 4)}, {"perSecond", countersJson(4, 5, 1)}});
        QTRY_COMPARE(window.countersModel()->totals().created, 9u);
        QCOMPARE(window.countersModel()->perSecond().sent, 5u);
        QCOMPARE(window.deliveriesView()->chart()->sampleCount(), 1);
        QCOMPARE(window.connectionsModel()->rowCount(), 2);

        peer.push("delivery",
                  QJsonObject {{"notificationId", "n1"},
                               {"room", "org:acme:user:bob"},
                               {"connections", 1},
                               {"at", "2026-02-17T10:00:00.000Z"}});
        QTRY_COMPARE(window.traceModel()->rowCount(), 1);
        QCOMPARE(window.traceModel()->at(0).room, QString("org:acme:user:bob"));

        // Trace on is a request with {"on": true}.
        window.setTrace(true);
        QTRY_VERIFY(
            std::any_of(peer.requests.cbegin(), peer.requests.cend(), [](const QJsonObject &r) {
                return r["type"] == "trace" && r["data"].toObject()["on"] == true
                    && !r["id"].toString().isEmpty();
            }));
    }

    void repliesAreMatchedById()
    {
        ContractPeer peer(defaultSnapshot());
        AdminClient client;
        client.connectTo(peer.url(), "good-key");
        QTRY_COMPARE(client.state(), AdminClient::State::Connected);

        QList<AdminResult> first, second, unknown;
        const QString id1 = client.request("send_test", QJsonObject {{"title", "one"}}, nullptr,
                                           [&](const AdminResult &r) { first.append(r); });
        const QString id2 = client.request("send_test", QJsonObject {{"title", "two"}}, nullptr,
                                           [&](const AdminResult &r) { second.append(r); });
        client.request("bogus", {}, nullptr, [&](const AdminResult &r) { unknown.append(r); });
        QVERIFY(!id1.isEmpty());
        QVERIFY(id1 != id2);
        QTRY_COMPARE(first.size(), 1);
        QTRY_COMPARE(second.size(), 1);
        QCOMPARE(first[0].data["notificationIds"].toArray().first().toString(), QString("one"));
        QCOMPARE(second[0].data["notificationIds"].toArray().first().toString(), QString("two"));
        QVERIFY(first[0].ok);
        QTRY_COMPARE(unknown.size(), 1);
        QVERIFY(!unknown[0].ok);
        QCOMPARE(unknown[0].errorCode, QString("unknown_type"));
        QCOMPARE(client.pendingRequests(), 0);
        // The envelope on the wire.
        QCOMPARE(peer.requests.first()["type"].toString(), QString("send_test"));
        QCOMPARE(peer.requests.first()["id"].toString(), id1);
        QCOMPARE(peer.requests.first()["data"].toObject()["title"].toString(), QString("one"));

        // A request whose context died gets no callback.
        bool called = false;
        {
            QObject context;
            client.request("hold", {}, &context, [&](const AdminResult &) { called = true; });
        }
        // Pending requests fail when the connection drops.
        QList<AdminResult> held;
        client.request("hold", {}, nullptr, [&](const AdminResult &r) { held.append(r); });
        QTRY_COMPARE(peer.requests.size(), 5);
        peer.closeAll(QWebSocketProtocol::CloseCodeGoingAway);
        QTRY_COMPARE(held.size(), 1);
        QCOMPARE(held[0].errorCode, QString("disconnected"));
        QVERIFY(!called);

        // Not connected: an immediate error, no id.
        client.disconnectFromServer();
        QList<AdminResult> offline;
        QVERIFY(
            client.request("kick", {}, nullptr, [&](const AdminResult &r) { offline.append(r); })
                .isEmpty());
        QCOMPARE(offline.size(), 1);
        QCOMPARE(offline[0].errorCode, QString("disconnected"));
    }

    void reconnectsWithBackoff()
    {
        ContractPeer peer(defaultSnapshot());
        MainWindow window(nullptr);
        QSignalSpy snapshots(window.client(), &AdminClient::snapshot);
        window.connectTo(peer.url(), "good-key");
        QTRY_COMPARE(snapshots.count(), 1);

        // The server goes away: the client retries after 0.5 s and gets a new snapshot.
        peer.closeAll(QWebSocketProtocol::CloseCodeGoingAway);
        QTRY_COMPARE(window.client()->state(), AdminClient::State::Reconnecting);
        QVERIFY(window.statusLabel()->text().startsWith(
            "Reconnecting to " + peer.url().toDisplayString(QUrl::RemoveQuery) + " in"));
        QTRY_COMPARE(snapshots.count(), 2);
        QCOMPARE(window.client()->state(), AdminClient::State::Connected);
        QCOMPARE(peer.accepted, 2);

        // Nobody listens: each attempt waits twice as long as the one before.
        const quint16 port = peer.m_port;
        peer.stopListening();
        QSignalSpy log(window.client(), &AdminClient::logMessage);
        peer.closeAll(QWebSocketProtocol::CloseCodeGoingAway);
        auto delays = [&] {
            QStringList out;
            for (const auto &args : log) {
                const QString line = args.at(0).toString();
                if (line.startsWith("Reconnecting in"))
                    out.append(line);
            }
            return out;
        };
        QTRY_VERIFY_WITH_TIMEOUT(delays().size() >= 3, 10000);
        QCOMPARE(delays().mid(0, 3),
                 (QStringList {"Reconnecting in 0.5 s", "Reconnecting in 1.0 s",
                               "Reconnecting in 2.0 s"}));
        QVERIFY(!window.client()->lastError().isEmpty());

        // Back on the same port: the client finds it again by itself.
        peer.listen(port);
        QTRY_VERIFY_WITH_TIMEOUT(snapshots.count() == 3, 15000);
        QCOMPARE(window.client()->state(), AdminClient::State::Connected);
    }

    void wrongKeyStopsRetrying()
    {
        ContractPeer peer(defaultSnapshot());
        MainWindow window(nullptr);
        window.connectTo(peer.url(), "wrong-key");
        QTRY_COMPARE(window.client()->state(), AdminClient::State::Failed);
        QVERIFY(window.client()->lastError().contains("admin key rejected"));
        QTRY_VERIFY(window.statusLabel()->text().contains("admin key rejected"));
        QCOMPARE(window.client()->reconnectRemainingMs(), 0);
        // Longer than the first backoff step: no second attempt.
        QTest::qWait(1200);
        QCOMPARE(peer.accepted, 1);
        QCOMPARE(window.client()->state(), AdminClient::State::Failed);

        // The right key afterwards works.
        window.connectTo(peer.url(), "good-key");
        QTRY_COMPARE(window.client()->state(), AdminClient::State::Connected);
    }
};

QTEST_MAIN(TestAdminClient)
#include "test_adminclient.moc"
