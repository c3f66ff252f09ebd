// The console against a real in-process notifyd (tests/common/testserver.h): live
// connections and rooms, send test to a real client, kick, counters, inbox browsing and a
// wrong admin key.

#include <QTest>

// CMake defines NOTIFY_HAVE_ADMIN when server/admin exists (moc must see it too, so that the
// test slots below are registered); __has_include guards a build against a tree without it.
#if defined(NOTIFY_HAVE_ADMIN) && !defined(Q_MOC_RUN) && !__has_include("admin/adminchannel.h")
#undef NOTIFY_HAVE_ADMIN
#endif
#ifdef NOTIFY_HAVE_ADMIN
#include "testserver.h"

#include "admin/adminclient.h"
#include "app/mainwindow.h"
#include "models/connectionsmodel.h"
#include "models/countersmodel.h"
#include "models/historymodel.h"
#include "models/notificationsmodel.h"
#include "models/roomsmodel.h"
#include "storage/localstore.h"
#include "views/connectionsview.h"
#include "views/notificationsview.h"
#include "views/sendtestview.h"

#include <QAction>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTabWidget>

using namespace notify;
using namespace notify::console;
using namespace notify::test;

namespace {

QUrl adminUrl(const TestServer &server)
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/admin").arg(server.server->apiPort()));
}

// The row of the connections view (through its filter proxy) showing this user, or -1.
int viewRowOf(MainWindow &w, const QString &user)
{
    QSortFilterProxyModel *proxy = w.connectionsView()->proxy();
    for (int r = 0; r < proxy->rowCount(); ++r) {
        if (proxy->index(r, ConnectionsModel::User).data().toString() == user)
            return r;
    }
    return -1;
}

} // namespace
#endif

class TestConsoleLive : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
#ifndef NOTIFY_HAVE_ADMIN
        QSKIP("server/admin (the admin channel) is not built yet: the live console tests run "
              "once notifyd has /admin");
#else
        QStandardPaths::setTestModeEnabled(true);
#endif
    }

#ifdef NOTIFY_HAVE_ADMIN
    void connectionsRoomsSendKick()
    {
        TestServer server;
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.filePath("console.db")));
        MainWindow window(&store);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.connectTo(adminUrl(server), server.config.adminKey);
        QTRY_COMPARE_WITH_TIMEOUT(window.client()->state(), AdminClient::State::Connected, 5000);

        // A client appears in Connections and its room in Rooms within 2 s.
        WsClient alice(server.wsUrl(mintToken("acme", "alice")));
        QVERIFY(alice.waitConnected());
        QTRY_VERIFY_WITH_TIMEOUT(viewRowOf(window, "alice") >= 0, 2000);
        QTRY_COMPARE_WITH_TIMEOUT(window.roomsModel()->memberCount("org:acme:user:alice"), 1, 2000);
        QCOMPARE(window.roomsModel()->memberCount("org:acme"), 1);
        const int row = viewRowOf(window, "alice");
        QCOMPARE(window.connectionsView()->proxy()->index(row, ConnectionsModel::Org).data().toString(),
                 QString("acme"));
        QCOMPARE(window.connectionsView()->proxy()->index(row, ConnectionsModel::Protocol).data().toString(),
                 QString("plain"));

        // ... and disappears when it closes.
        WsClient bob(server.wsUrl(mintToken("acme", "bob")));
        QVERIFY(bob.waitConnected());
        QTRY_VERIFY_WITH_TIMEOUT(viewRowOf(window, "bob") >= 0, 2000);
        QTRY_COMPARE_WITH_TIMEOUT(window.roomsModel()->memberCount("org:acme"), 2, 2000);
        bob.socket.close();
        QTRY_VERIFY_WITH_TIMEOUT(viewRowOf(window, "bob") < 0, 2000);
        QTRY_COMPARE_WITH_TIMEOUT(window.roomsModel()->memberCount("org:acme:user:bob"), 0, 2000);
        QCOMPARE(window.roomsModel()->memberCount("org:acme"), 1);

        // Send test from the form reaches alice's socket; the history records it.
        window.showSendTest();
        QCOMPARE(window.tabs()->currentWidget(), window.sendTestView());
        SendTestView *form = window.sendTestView();
        form->orgEdit()->setText("acme");
        form->targetEdit()->setText("alice");
        form->titleEdit()->setText("Hello from the console");
        form->metadataEdit()->setPlainText("{\"source\": \"console\"}");
        QVERIFY(form->sendButton()->isEnabled());
        QTest::mouseClick(form->sendButton(), Qt::LeftButton);
        QVERIFY(alice.waitForEvents("notification:new", 1));
        const QJsonObject n = alice.events("notification:new").first()["notification"].toObject();
        QCOMPARE(n["title"].toString(), QString("Hello from the console"));
        QCOMPARE(n["metadata"].toObject()["source"].toString(), QString("console"));
        QTRY_COMPARE(window.historyModel()->rowCount(), 1);
        QCOMPARE(window.historyModel()->at(0).deliveredConnections, 1);
        QCOMPARE(window.historyModel()->at(0).notificationIds, QStringList{n["id"].toString()});
        QCOMPARE(store.history().size(), 1);
        QCOMPARE(store.history().first().target, QString("user:alice"));

        // Counters move.
        QTRY_VERIFY_WITH_TIMEOUT(window.countersModel()->totals().created >= 1, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(window.countersModel()->totals().sent >= 1, 5000);

        // The inbox browser finds it.
        window.notificationsView()->orgEdit()->setText("acme");
        window.notificationsView()->userEdit()->setText("alice");
        window.notificationsView()->load();
        QTRY_COMPARE(window.notificationsModel()->rowCount(), 1);
        QCOMPARE(window.notificationsModel()->at(0).content.title, QString("Hello from the console"));

        // Kick closes the client's socket and the row goes.
        window.tabs()->setCurrentWidget(window.connectionsView());
        window.connectionsView()->table()->selectRow(viewRowOf(window, "alice"));
        QVERIFY(window.connectionsView()->selectedConnectionId() != 0);
        QVERIFY(window.kickAction()->isEnabled());
        window.kickAction()->trigger();
        QVERIFY(alice.waitClosed());
        QTRY_VERIFY_WITH_TIMEOUT(viewRowOf(window, "alice") < 0, 2000);
        QTRY_COMPARE_WITH_TIMEOUT(window.roomsModel()->rowCount(), 0, 2000);
    }

    void snapshotShowsConnectionsOpenedBefore()
    {
        TestServer server;
        WsClient carol(server.wsUrl(mintToken("globex", "carol", "admin")));
        QVERIFY(carol.waitConnected());
        MainWindow window(nullptr);
        window.connectTo(adminUrl(server), server.config.adminKey);
        QTRY_COMPARE_WITH_TIMEOUT(window.connectionsModel()->rowCount(), 1, 5000);
        QCOMPARE(window.roomsModel()->memberCount("org:globex:role:admin"), 1);
        QTRY_COMPARE(window.client()->state(), AdminClient::State::Connected);
        // F5 (refresh) gets a new snapshot with the same content over the open channel:
        // no reconnect (a reconnect would bring a new hello).
        QSignalSpy snapshots(window.client(), &AdminClient::snapshot);
        QSignalSpy hellos(window.client(), &AdminClient::hello);
        window.refreshSnapshot();
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.count(), 1, 5000);
        QCOMPARE(window.connectionsModel()->rowCount(), 1);
        QCOMPARE(hellos.count(), 0);
    }

    void wrongAdminKeyShowsAClearError()
    {
        TestServer server;
        MainWindow window(nullptr);
        window.connectTo(adminUrl(server), "not-the-admin-key");
        QTRY_COMPARE_WITH_TIMEOUT(window.client()->state(), AdminClient::State::Failed, 5000);
        QVERIFY(window.client()->lastError().contains("admin key rejected"));
        QTRY_VERIFY(window.statusLabel()->text().contains("admin key rejected"));
        QCOMPARE(window.client()->reconnectRemainingMs(), 0);
    }
#endif
};

QTEST_MAIN(TestConsoleLive)
#include "test_console_live.moc"
