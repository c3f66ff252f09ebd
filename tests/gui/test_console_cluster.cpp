// The console against a real cluster: two notifyd processes (NOTIFYD_BINARY) on a database
// of the suite's PostgreSQL (tests/scripts/pg-start.sh), the console connected to node-0
// only. The Rooms tab lists a tab on node-1 under its node and kicks it there; the
// Deliveries tab shows node-1's trace record of a notification published on node-0.
// (Two nodes cannot share one test process: each opens database connections under fixed
// names.)

#include "httpclient.h"
#include "roomstree.h"

#include "console/adminclient/adminclient.h"
#include "console/app/mainwindow.h"
#include "console/models/roomsmodel.h"
#include "console/models/tracemodel.h"
#include "console/views/deliveriesview.h"
#include "console/views/roomsview.h"
#include "shared/auth/jwt.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QPushButton>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QWebSocket>

#include <memory>

using namespace notify;
using namespace notify::console;

namespace {

const QByteArray secret = "console-cluster-secret-0123456789-abcdefghijklmnop";
const QString apiKey = QStringLiteral("console-cluster-api-key");
const QString adminKey = QStringLiteral("console-cluster-admin-key");

QByteArray token(const QString &org, const QString &user)
{
    JwtClaims claims;
    claims.org = org;
    claims.subject = user;
    claims.issuedAt = QDateTime::currentDateTimeUtc();
    claims.expiresAt = claims.issuedAt.addSecs(3600);
    return mintJwt(claims, secret);
}

// One notifyd process; its ports from its "clients on ... API on ..." line.
struct Node
{
    QTemporaryDir dir;
    QProcess process;
    QString log;
    int clientPort = 0;
    int apiPort = 0;

    bool start(const QString &dbUrl, const QString &name)
    {
        process.start(QStringLiteral(NOTIFYD_BINARY),
                      {QStringLiteral("--listen"),     QStringLiteral("127.0.0.1:0"),
                       QStringLiteral("--api-listen"), QStringLiteral("127.0.0.1:0"),
                       QStringLiteral("--data-dir"),   dir.path(),
                       QStringLiteral("--db"),         dbUrl,
                       QStringLiteral("--node-name"),  name,
                       QStringLiteral("--jwt-secret"), QString::fromLatin1(secret),
                       QStringLiteral("--api-key"),    apiKey,
                       QStringLiteral("--admin-key"),  adminKey,
                       QStringLiteral("--threads"),    QStringLiteral("2"),
                       QStringLiteral("--log-format"), QStringLiteral("text")});
        static const QRegularExpression ports(
            QStringLiteral("clients on \\S+:(\\d+) API on \\S+:(\\d+)"));
        QRegularExpressionMatch m;
        const bool ended = QTest::qWaitFor(
            [&] {
                log += QString::fromUtf8(process.readAllStandardError());
                m = ports.match(log);
                return m.hasMatch() || process.state() == QProcess::NotRunning;
            },
            20000);
        if (!ended || !m.hasMatch())
            return false;
        clientPort = m.captured(1).toInt();
        apiPort = m.captured(2).toInt();
        return true;
    }
    ~Node()
    {
        if (process.state() != QProcess::NotRunning) {
            process.terminate();
            process.waitForFinished(10000);
        }
    }
    QUrl adminUrl() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1/admin").arg(apiPort)); }
};

// The member row of (room, node name) in the rooms tree.
QModelIndex memberOnNode(MainWindow &w, const QString &room, const QString &node)
{
    return findRoomMember(w, room, [&](const QModelIndex &member) {
        return member.siblingAtColumn(RoomsModel::Node).data().toString() == node;
    });
}

int traceRowOf(const TraceModel &trace, const QString &notificationId, const QString &node)
{
    for (int r = 0; r < trace.rowCount(); ++r) {
        if (trace.at(r).notificationId == notificationId
            && trace.index(r, TraceModel::Node).data().toString() == node)
            return r;
    }
    return -1;
}

} // namespace

class TestConsoleCluster : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QFile file(QStringLiteral(NOTIFY_PG_URL_FILE));
        if (!file.open(QIODevice::ReadOnly))
            QSKIP("PostgreSQL NOT AVAILABLE - the console cluster test is SKIPPED");
        m_baseUrl = QString::fromUtf8(file.readAll()).trimmed();
        m_dbName = QStringLiteral("notify_console_%1").arg(QRandomGenerator::global()->generate());
        const QUrl u(m_baseUrl);
        QSqlDatabase admin
            = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("admin"));
        admin.setHostName(u.host());
        admin.setPort(u.port(5432));
        admin.setUserName(u.userName());
        admin.setPassword(u.password());
        admin.setDatabaseName(QStringLiteral("postgres"));
        QVERIFY2(admin.open(), qPrintable(admin.lastError().text()));
        QSqlQuery q(admin);
        QVERIFY2(q.exec(QStringLiteral("CREATE DATABASE %1").arg(m_dbName)),
                 qPrintable(q.lastError().text()));
    }

    void cleanupTestCase()
    {
        if (m_dbName.isEmpty())
            return;
        {
            QSqlQuery q(QSqlDatabase::database(QStringLiteral("admin")));
            q.exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_dbName));
        }
        QSqlDatabase::database(QStringLiteral("admin")).close();
        QSqlDatabase::removeDatabase(QStringLiteral("admin"));
    }

    void roomsAndTraceOfTheOtherNode()
    {
        QUrl dbUrl(m_baseUrl);
        dbUrl.setPath(QLatin1Char('/') + m_dbName);
        Node node0, node1;
        QVERIFY2(node0.start(dbUrl.toString(), QStringLiteral("node-0")), qPrintable(node0.log));
        QVERIFY2(node1.start(dbUrl.toString(), QStringLiteral("node-1")), qPrintable(node1.log));

        // A tab of alice on node-1 only.
        QWebSocket alice;
        bool aliceClosed = false;
        connect(&alice, &QWebSocket::disconnected, this, [&] { aliceClosed = true; });
        alice.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/notifications?token=%2")
                            .arg(node1.clientPort)
                            .arg(QString::fromLatin1(token("acme", "alice")))));
        QTRY_COMPARE_WITH_TIMEOUT(alice.state(), QAbstractSocket::ConnectedState, 10000);

        MainWindow window(nullptr);
        window.show();
        window.connectTo(node0.adminUrl(), adminKey);
        QTRY_COMPARE_WITH_TIMEOUT(window.client()->state(), AdminClient::State::Connected, 10000);
        QVERIFY(window.deliveriesView()->traceToggle()->isChecked());

        // The Rooms tab on screen: node-1's member appears under alice's rooms, named by its
        // node (once node-0 has seen node-1's heartbeat and asked it).
        window.tabs()->setCurrentWidget(window.roomsView());
        QTRY_VERIFY_WITH_TIMEOUT(memberOnNode(window, "org:acme:user:alice", "node-1").isValid(),
                                 20000);
        QVERIFY(memberOnNode(window, "org:acme", "node-1").isValid());
        QVERIFY(memberOnNode(window, "broadcast", "node-1").isValid());
        // node-0 has no connection: every member is node-1's.
        QVERIFY(!memberOnNode(window, "org:acme:user:alice", "node-0").isValid());
        const QModelIndex member = memberOnNode(window, "org:acme:user:alice", "node-1");
        QVERIFY(member.data().toString().contains("alice"));
        QVERIFY(!member.data(RoomsModel::NodeIdRole).toString().isEmpty());

        // A notification published through node-0 is traced by node-1, which delivered it
        // to alice's tab, and by node-0, which had nobody to deliver to.
        QNetworkAccessManager nam;
        const auto published = test::httpRequest(
            nam,
            QUrl(QStringLiteral("http://127.0.0.1:%1/api/v1/notifications").arg(node0.apiPort)),
            "POST",
            QJsonDocument(QJsonObject {{"orgId", "acme"},
                                       {"userIds", QJsonArray {"alice"}},
                                       {"type", "TEST"},
                                       {"title", "Invoice ready"}})
                .toJson(QJsonDocument::Compact),
            apiKey.toUtf8());
        QCOMPARE(published.status, 201);
        const QString id = published.json["notifications"].toArray()[0].toObject()["id"].toString();
        QVERIFY(!id.isEmpty());
        TraceModel *trace = window.traceModel();
        QTRY_VERIFY_WITH_TIMEOUT(traceRowOf(*trace, id, "node-1") >= 0, 10000);
        const int remoteRow = traceRowOf(*trace, id, "node-1");
        QCOMPARE(trace->at(remoteRow).connections, 1);
        QCOMPARE(trace->index(remoteRow, TraceModel::Title).data().toString(),
                 QString("Invoice ready"));
        QCOMPARE(trace->at(remoteRow).room, QString("org:acme:user:alice"));
        QTRY_VERIFY_WITH_TIMEOUT(traceRowOf(*trace, id, "node-0") >= 0, 5000);
        QCOMPARE(trace->at(traceRowOf(*trace, id, "node-0")).connections, 0);
        QVERIFY(!window.deliveriesView()->droppedLabel()->isVisibleTo(window.deliveriesView()));

        // Kick from the member row: closed on node-1 through node-0.
        window.roomsView()->tree()->setCurrentIndex(
            memberOnNode(window, "org:acme:user:alice", "node-1"));
        QVERIFY(window.kickAction()->isEnabled());
        window.kickAction()->trigger();
        QMessageBox *box = window.findChild<QMessageBox *>(QStringLiteral("kickConfirm"));
        QVERIFY(box);
        QVERIFY(box->text().contains("node-1"));
        box->findChild<QPushButton *>(QStringLiteral("kickYes"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(aliceClosed, 10000);
        // The next answer has no member of alice any more.
        QTRY_VERIFY_WITH_TIMEOUT(!memberOnNode(window, "org:acme:user:alice", "node-1").isValid(),
                                 15000);
    }

private:
    QString m_baseUrl;
    QString m_dbName;
};

QTEST_MAIN(TestConsoleCluster)
#include "test_console_cluster.moc"
