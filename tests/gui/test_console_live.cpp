// The console against a real in-process notifyd (tests/common/testserver.h): live
// connections and rooms, send test to a real client, kick, counters, inbox browsing and a
// wrong admin key.

#include <QTest>

// CMake defines NOTIFY_HAVE_ADMIN when server/adminchannel exists (moc must see it too, so that the
// test slots below are registered); __has_include guards a build against a tree without it.
#if defined(NOTIFY_HAVE_ADMIN) && !defined(Q_MOC_RUN) && !__has_include("server/adminchannel/adminchannel.h")
#undef NOTIFY_HAVE_ADMIN
#endif
#ifdef NOTIFY_HAVE_ADMIN
#include "roomstree.h"
#include "consolefixture.h"

#include "console/adminclient/adminclient.h"
#include "console/app/mainwindow.h"
#include "console/dialogs/connectdialog.h"
#include "console/models/connectionsmodel.h"
#include "console/models/countersmodel.h"
#include "console/models/historymodel.h"
#include "console/models/nodesmodel.h"
#include "console/models/notificationsmodel.h"
#include "console/models/roomsmodel.h"
#include "console/models/tracemodel.h"
#include "console/storage/localstore.h"
#include "console/views/connectionsview.h"
#include "console/views/deliveriesview.h"
#include "console/views/logview.h"
#include "console/views/nodesview.h"
#include "console/views/notificationsview.h"
#include "console/views/roomsview.h"
#include "console/views/sendtestview.h"
#include "console/views/userview.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QHeaderView>
#include <QTableView>
#include <QTreeView>

using namespace notify;
using namespace notify::console;
using namespace notify::test;

namespace {

// alice's inbox (one notification) on the Notifications tab and in the User view.
void showInboxEverywhere(MainWindow &window, TestServer &server)
{
    QCOMPARE(server.publish("acme", {"alice"}, "on this server").status, 201);
    NotificationsView *view = window.notificationsView();
    view->orgEdit()->setText("acme");
    view->userEdit()->setText("alice");
    view->load();
    QTRY_COMPARE_WITH_TIMEOUT(window.notificationsModel()->rowCount(), 1, 5000);
    window.showUser("acme", "alice");
    QTRY_VERIFY_WITH_TIMEOUT(window.userView()->loaded(), 5000);
    QCOMPARE(window.userView()->inboxModel()->rowCount(), 1);
}

// Nothing of the last server on any tab.
void expectEveryTabEmpty(MainWindow &window)
{
    QCOMPARE(window.connectionsModel()->rowCount(), 0);
    QCOMPARE(window.notificationsModel()->rowCount(), 0);
    QVERIFY(window.notificationsView()->statusLabel()->text().isEmpty());
    QCOMPARE(window.userView()->inboxModel()->rowCount(), 0);
    QCOMPARE(window.userView()->unreadCount(), -1);
    QVERIFY(!window.userView()->summaryLabel()->text().contains("unread"));
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

// A plain-protocol client that states a User-Agent (WsClient does not).
struct AgentClient
{
    QWebSocket socket;
    AgentClient(const QUrl &url, const QByteArray &agent)
    {
        QNetworkRequest req(url);
        req.setRawHeader("User-Agent", agent);
        socket.open(req);
    }
    bool waitConnected()
    {
        return QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; },
                               5000);
    }
};

// The kick confirmation the window has open, or null.
QMessageBox *kickConfirm(MainWindow &w)
{
    return w.findChild<QMessageBox *>(QStringLiteral("kickConfirm"));
}

// The member row of a connection under a room in the rooms tree.
QModelIndex memberRow(MainWindow &w, const QString &room, quint64 id)
{
    return findRoomMember(w, room, [id](const QModelIndex &member) {
        return member.data(RoomsModel::ConnectionIdRole).toULongLong() == id;
    });
}

quint64 connectionIdOf(MainWindow &w, const QString &user)
{
    for (int r = 0; r < w.connectionsModel()->rowCount(); ++r) {
        if (w.connectionsModel()->at(r).userId == user)
            return w.connectionsModel()->at(r).id;
    }
    return 0;
}

bool logContains(MainWindow &w, const QString &text)
{
    return w.logView()->toPlainText().contains(text);
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
        QSKIP("server/adminchannel (the admin channel) is not built yet: the live console tests run "
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
        QVERIFY(showConnected(window, server));

        // A client appears in Connections and its room in Rooms within 2 s.
        WsClient alice(server.wsUrl(mintToken("acme", "alice")));
        QVERIFY(alice.waitConnected());
        QTRY_VERIFY_WITH_TIMEOUT(viewRowOf(window, "alice") >= 0, 2000);
        QTRY_COMPARE_WITH_TIMEOUT(window.roomsModel()->memberCount("org:acme:user:alice"), 1, 2000);
        QCOMPARE(window.roomsModel()->memberCount("org:acme"), 1);
        const int row = viewRowOf(window, "alice");
        QCOMPARE(
            window.connectionsView()->proxy()->index(row, ConnectionsModel::Org).data().toString(),
            QString("acme"));
        QCOMPARE(window.connectionsView()
                     ->proxy()
                     ->index(row, ConnectionsModel::Protocol)
                     .data()
                     .toString(),
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
        QCOMPARE(window.historyModel()->at(0).notificationIds, QStringList {n["id"].toString()});
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
        QCOMPARE(window.notificationsModel()->at(0).content.title,
                 QString("Hello from the console"));

        // Kick closes the client's socket and the row goes.
        window.tabs()->setCurrentWidget(window.connectionsView());
        window.connectionsView()->table()->selectRow(viewRowOf(window, "alice"));
        QVERIFY(window.connectionsView()->selectedConnectionId() != 0);
        QVERIFY(window.kickAction()->isEnabled());
        window.setConfirmKicks(false); // the question itself is tested below
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

    void kickActsOnTheVisibleSelectionAndAsksFirst()
    {
        TestServer server;
        MainWindow window(nullptr);
        QVERIFY(showConnected(window, server));
        WsClient alice1(server.wsUrl(mintToken("acme", "alice")));
        WsClient alice2(server.wsUrl(mintToken("acme", "alice")));
        WsClient dave(server.wsUrl(mintToken("acme", "dave")));
        QVERIFY(alice1.waitConnected() && alice2.waitConnected() && dave.waitConnected());
        QTRY_COMPARE_WITH_TIMEOUT(window.connectionsModel()->rowCount(), 3, 2000);
        const quint64 daveId = connectionIdOf(window, "dave");

        // The case: alice selected on Connections, dave on Rooms, Kick from Rooms.
        window.tabs()->setCurrentWidget(window.connectionsView());
        window.connectionsView()->table()->selectRow(viewRowOf(window, "alice"));
        QVERIFY(window.kickAction()->isEnabled());
        // A tab without connections: nothing to kick, whatever Connections has selected.
        window.tabs()->setCurrentIndex(MainWindow::DeliveriesTab);
        QVERIFY(!window.kickAction()->isEnabled());
        window.kickAction()->trigger();
        QVERIFY(!kickConfirm(window));

        window.tabs()->setCurrentWidget(window.roomsView());
        const QModelIndex daveRow = memberRow(window, "org:acme:user:dave", daveId);
        QVERIFY(daveRow.isValid());
        window.roomsView()->tree()->selectionModel()->select(
            daveRow, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QCOMPARE(window.visibleSelectedConnection(), daveId);
        QVERIFY(window.kickAction()->isEnabled());
        window.kickAction()->trigger();
        // It asks first, naming whom it affects; nothing is closed before the answer.
        QTRY_VERIFY(kickConfirm(window));
        QVERIFY(kickConfirm(window)->text().contains("dave"));
        QVERIFY(!kickConfirm(window)->text().contains("alice"));
        QVERIFY(!dave.closed);
        auto *yes = kickConfirm(window)->findChild<QAbstractButton *>(QStringLiteral("kickYes"));
        QVERIFY(yes);
        yes->click();
        QVERIFY(dave.waitClosed());
        QTRY_COMPARE_WITH_TIMEOUT(window.connectionsModel()->rowCount(), 2, 2000);
        QVERIFY(!alice1.closed);
        QVERIFY(!alice2.closed);
        // Nothing slid onto another connection with Kick enabled.
        QCOMPARE(window.visibleSelectedConnection(), quint64(0));
        QVERIFY(!window.kickAction()->isEnabled());

        // Kicking one of alice's tabs on Connections: the selection does not move onto her
        // other tab; "don't ask again" skips the question for the rest of the session.
        window.tabs()->setCurrentWidget(window.connectionsView());
        window.connectionsView()->table()->selectRow(viewRowOf(window, "alice"));
        window.kickAction()->trigger();
        QTRY_VERIFY(kickConfirm(window));
        kickConfirm(window)
            ->findChild<QCheckBox *>(QStringLiteral("kickDontAsk"))
            ->setChecked(true);
        kickConfirm(window)->findChild<QAbstractButton *>(QStringLiteral("kickYes"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(window.connectionsModel()->rowCount(), 1, 2000);
        QVERIFY(alice1.closed != alice2.closed);
        QCOMPARE(window.connectionsView()->selectedConnectionId(), quint64(0));
        QVERIFY(!window.kickAction()->isEnabled());
        QVERIFY(!window.confirmKicks());
        window.connectionsView()->table()->selectRow(0);
        window.kickAction()->trigger();
        QVERIFY(!kickConfirm(window));
        QVERIFY(alice1.waitClosed() && alice2.waitClosed());
    }

    void liveFiguresUpdateWithoutRefresh()
    {
        // A short ping interval so that the server measures an RTT within the test.
        TestServer server([](ServerConfig &c) { c.pingIntervalMs = 200; });
        MainWindow window(nullptr);
        QVERIFY(connectConsole(window, server));
        WsClient alice(server.wsUrl(mintToken("acme", "alice")));
        QVERIFY(alice.waitConnected());
        QTRY_VERIFY_WITH_TIMEOUT(connectionIdOf(window, "alice") != 0, 2000);
        const quint64 id = connectionIdOf(window, "alice");
        const quint64 framesOutBefore = window.connectionsModel()->connection(id)->framesOut;
        QSignalSpy snapshots(window.client(), &AdminClient::snapshot);

        // Frames out grow as notifications reach the client; RTT appears once measured.
        for (int i = 0; i < 3; ++i)
            QCOMPARE(server.publish("acme", {"alice"}, QString("n%1").arg(i)).status / 100, 2);
        QVERIFY(alice.waitForEvents("notification:new", 3));
        QTRY_VERIFY_WITH_TIMEOUT(
            window.connectionsModel()->connection(id)->framesOut >= framesOutBefore + 3, 8000);
        QTRY_VERIFY_WITH_TIMEOUT(window.connectionsModel()->connection(id)->rttMs >= 0, 8000);
        const int row = window.connectionsModel()->rowOf(id);
        QVERIFY(window.connectionsModel()
                    ->index(row, ConnectionsModel::Rtt)
                    .data()
                    .toString()
                    .endsWith("ms"));
        QVERIFY(!window.connectionsModel()
                     ->index(row, ConnectionsModel::RateOut)
                     .data()
                     .toString()
                     .isEmpty());
        QCOMPARE(snapshots.count(), 0); // no Refresh, no new snapshot
    }

    void filtersMatchIdRoleAgentAndSayNoMatches()
    {
        TestServer server;
        MainWindow window(nullptr);
        QVERIFY(connectConsole(window, server));
        AgentClient alice(server.wsUrl(mintToken("acme", "alice", "admin")), "SupportBot/1.0");
        WsClient bob(server.wsUrl(mintToken("acme", "bob")));
        WsClient carol(server.wsUrl(mintToken("globex", "alice")));
        QVERIFY(alice.waitConnected() && bob.waitConnected() && carol.waitConnected());
        QTRY_COMPARE_WITH_TIMEOUT(window.connectionsModel()->rowCount(), 3, 2000);
        QLineEdit *filter = window.connectionsView()->filterEdit();
        QSortFilterProxyModel *proxy = window.connectionsView()->proxy();
        QLabel *noMatches = window.connectionsView()->noMatchesLabel();
        quint64 aliceId = 0;
        for (int r = 0; r < window.connectionsModel()->rowCount(); ++r) {
            const ConnectionInfo &c = window.connectionsModel()->at(r);
            if (c.orgId == "acme" && c.userId == "alice")
                aliceId = c.id;
        }
        QVERIFY(aliceId != 0);
        const auto onlyAcmeAlice = [&] {
            return proxy->rowCount() == 1
                && proxy->index(0, 0).data(ConnectionsModel::ConnectionIdRole).toULongLong()
                == aliceId;
        };
        filter->setText("acme alice"); // words in any field, all of them
        QVERIFY(onlyAcmeAlice());
        filter->setText("admin"); // role
        QVERIFY(onlyAcmeAlice());
        filter->setText("supportbot"); // user agent, any case
        QVERIFY(onlyAcmeAlice());
        filter->setText(QString::number(aliceId)); // connection id
        QVERIFY(proxy->rowCount() >= 1);
        QVERIFY(noMatches->isHidden());
        filter->setText("nobody-like-this");
        QCOMPARE(proxy->rowCount(), 0);
        QVERIFY(!noMatches->isHidden());
        QVERIFY(noMatches->text().contains("nobody-like-this"));
        filter->clear();
        QCOMPARE(proxy->rowCount(), 3);
        QVERIFY(noMatches->isHidden());
        // The id and user agent have columns of their own.
        const int row = window.connectionsModel()->rowOf(aliceId);
        QCOMPARE(window.connectionsModel()->index(row, ConnectionsModel::Id).data().toString(),
                 QString::number(aliceId));
        QCOMPARE(
            window.connectionsModel()->index(row, ConnectionsModel::UserAgent).data().toString(),
            QString("SupportBot/1.0"));
    }

    void userViewShowsConnectionsUnreadAndInbox()
    {
        TestServer server;
        MainWindow window(nullptr);
        QVERIFY(connectConsole(window, server));
        WsClient alice(server.wsUrl(mintToken("acme", "alice")));
        WsClient other(server.wsUrl(mintToken("acme", "bob")));
        QVERIFY(alice.waitConnected() && other.waitConnected());
        QTRY_COMPARE_WITH_TIMEOUT(window.connectionsModel()->rowCount(), 2, 2000);
        for (const char *title : {"first", "second"})
            QCOMPARE(server.publish("acme", {"alice"}, title).status / 100, 2);
        QVERIFY(alice.waitForEvents("notification:new", 2));

        // Reached from the connections row (what double-click and the menu do).
        window.showUser("acme", "alice");
        UserView *user = window.userView();
        QCOMPARE(window.tabs()->currentWidget(), user);
        QTRY_VERIFY_WITH_TIMEOUT(user->loaded(), 5000);
        QCOMPARE(user->connectionsProxy()->rowCount(), 1);
        QCOMPARE(
            user->connectionsProxy()->index(0, 0).data(ConnectionsModel::UserIdRole).toString(),
            QString("alice"));
        QCOMPARE(user->unreadCount(), 2);
        QVERIFY(user->summaryLabel()->text().contains("2 unread"));
        QCOMPARE(user->inboxModel()->rowCount(), 2);
        // Both were pushed to alice's one tab, neither has a receipt yet: the server says so
        // (once its push is recorded) without Show being pressed again.
        const QRegularExpression pushedNoReceipt(
            "^pushed to 1 connection at \\d\\d:\\d\\d:\\d\\d, no receipt$");
        QTRY_VERIFY_WITH_TIMEOUT(
            pushedNoReceipt
                .match(
                    user->inboxModel()->index(0, NotificationsModel::Delivered).data().toString())
                .hasMatch(),
            5000);
        // The client acknowledges the newest one: a receipt, with a time to the second; the
        // other has none; neither is read.
        const QString newest
            = alice.events("notification:new").last()["notification"].toObject()["id"].toString();
        QCOMPARE(user->inboxModel()->at(0).id, newest);
        alice.socket.sendTextMessage(
            QString::fromUtf8(QJsonDocument(QJsonObject {{"type", "ack"},
                                                         { "data",
                                                           QJsonObject {
                                                               { "notificationIds",
                                                                 QJsonArray {
                                                                     newest
                                                                 } }
                                                           } }})
                                  .toJson(QJsonDocument::Compact)));
        // Live: the receipt shows without Show.
        QTRY_VERIFY_WITH_TIMEOUT(user->inboxModel()->rowCount() == 2
                                     && user->inboxModel()->at(0).deliveredAt.isValid(),
                                 5000);
        const QString delivered
            = user->inboxModel()->index(0, NotificationsModel::Delivered).data().toString();
        QVERIFY2(
            QRegularExpression("^receipt at \\d\\d:\\d\\d:\\d\\d$").match(delivered).hasMatch(),
            qPrintable(delivered));
        QCOMPARE(user->inboxModel()->index(0, NotificationsModel::Read).data().toString(),
                 QString("unread"));
        QTRY_VERIFY_WITH_TIMEOUT(
            pushedNoReceipt
                .match(
                    user->inboxModel()->index(1, NotificationsModel::Delivered).data().toString())
                .hasMatch(),
            5000);

        // Live: a second tab of alice shows up without asking again.
        WsClient alice2(server.wsUrl(mintToken("acme", "alice")));
        QVERIFY(alice2.waitConnected());
        QTRY_COMPARE_WITH_TIMEOUT(user->connectionsProxy()->rowCount(), 2, 2000);
        // Kick from the user view acts on its own selection.
        user->connectionsTable()->selectRow(0);
        QVERIFY(window.kickAction()->isEnabled());
    }

    // "Why didn't X get it", asked after the fact: the trace has recorded since the console
    // connected, without anyone turning it on, and names each notification by its title;
    // a delivery to nobody says so.
    void traceRecordsFromTheConnectionOnWithTitles()
    {
        TestServer server;
        MainWindow window(nullptr);
        QVERIFY(connectConsole(window, server));
        QVERIFY(window.deliveriesView()->traceToggle()->isChecked());
        QTRY_VERIFY_WITH_TIMEOUT(logContains(window, "Delivery trace on"), 5000);
        WsClient alice(server.wsUrl(mintToken("acme", "alice")));
        QVERIFY(alice.waitConnected());
        QTRY_COMPARE_WITH_TIMEOUT(window.connectionsModel()->rowCount(), 1, 2000);

        QCOMPARE(server.publish("acme", {"alice"}, "Invoice ready").status / 100, 2);
        QCOMPARE(server.publish("acme", {"carol"}, "Nobody home").status / 100, 2);
        TraceModel *trace = window.traceModel();
        QTRY_COMPARE_WITH_TIMEOUT(trace->rowCount(), 2, 5000);
        QCOMPARE(trace->index(0, TraceModel::Title).data().toString(), QString("Invoice ready"));
        QCOMPARE(trace->at(0).room, QString("org:acme:user:alice"));
        QCOMPARE(trace->at(0).connections, 1);
        QCOMPARE(trace->index(1, TraceModel::Title).data().toString(), QString("Nobody home"));
        QCOMPARE(trace->index(1, TraceModel::Connections).data().toString(),
                 QString("0 (nobody connected)"));
        QVERIFY(trace->index(1, 0).data(Qt::ToolTipRole).toString().contains("Nobody home"));
        QCOMPARE(trace->headerData(TraceModel::Title, Qt::Horizontal).toString(), QString("Title"));
    }

    // At the minimum size (800×560) on a single node: no empty "other nodes" pane, the inbox
    // shows several rows, the send form's room warning is not cut.
    void fitsTheMinimumSize()
    {
        TestServer server;
        MainWindow window(nullptr);
        QVERIFY(connectConsole(window, server));
        for (int i = 0; i < 6; ++i)
            QCOMPARE(server.publish("acme", {"alice"}, QString("n%1").arg(i)).status / 100, 2);
        window.resize(window.minimumSize());
        QCOMPARE(window.minimumSize(), QSize(800, 560));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        window.showUser("acme", "alice");
        UserView *user = window.userView();
        QTRY_VERIFY_WITH_TIMEOUT(user->loaded(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!user->findChild<QWidget *>("userRemoteBox")->isVisible(), 5000);
        QCOMPARE(user->inboxModel()->rowCount(), 6);
        QTableView *inbox = user->inboxTable();
        QTRY_VERIFY2(inbox->viewport()->height() >= 3 * inbox->verticalHeader()->defaultSectionSize(),
                     qPrintable(QString("inbox viewport %1 px").arg(inbox->viewport()->height())));

        SendTestView *send = window.sendTestView();
        window.tabs()->setCurrentWidget(send);
        send->targetKindCombo()->setCurrentIndex(1); // room: the warning shows
        QLabel *note = send->roomNoteLabel();
        QTRY_VERIFY(note->isVisible());
        QTRY_VERIFY2(note->height() >= note->heightForWidth(note->width()),
                     qPrintable(QString("room note %1 px high, needs %2")
                                    .arg(note->height())
                                    .arg(note->heightForWidth(note->width()))));
    }

    // Any row that names a user leads to the User view: an inbox row (its user) and a trace
    // row of a user room; an announcement's trace row names no one user and leads nowhere.
    void inboxAndTraceRowsOpenTheUserView()
    {
        TestServer server;
        MainWindow window(nullptr);
        QVERIFY(connectConsole(window, server));
        QTRY_VERIFY_WITH_TIMEOUT(logContains(window, "Delivery trace on"), 5000);
        QCOMPARE(server.publish("acme", {"carol"}, "For carol").status / 100, 2);
        TraceModel *trace = window.traceModel();
        QTRY_COMPARE_WITH_TIMEOUT(trace->rowCount(), 1, 5000);

        NotificationsView *inbox = window.notificationsView();
        window.tabs()->setCurrentWidget(inbox);
        inbox->orgEdit()->setText("acme");
        inbox->userEdit()->setText("carol");
        inbox->load();
        QTRY_COMPARE_WITH_TIMEOUT(inbox->table()->model()->rowCount(), 1, 5000);
        // Editing the fields afterwards does not change whose rows these are.
        inbox->userEdit()->setText("someone-else");
        QVERIFY(inbox->table()->actions().contains(inbox->showUserAction()));
        const QModelIndex row = inbox->table()->model()->index(0, 0);
        inbox->table()->setCurrentIndex(row);
        QSignalSpy asked(inbox, &NotificationsView::userRequested);
        emit inbox->table()->doubleClicked(row);
        QCOMPARE(asked.count(), 1);
        QCOMPARE(window.tabs()->currentWidget(), window.userView());
        QTRY_VERIFY_WITH_TIMEOUT(window.userView()->loaded(), 5000);
        QCOMPARE(window.userView()->inboxModel()->rowCount(), 1);

        DeliveriesView *deliveries = window.deliveriesView();
        window.tabs()->setCurrentWidget(deliveries);
        QCOMPARE(deliveries->userOfTraceRow(0), std::make_pair(QString("acme"), QString("carol")));
        const QModelIndex traceRow = deliveries->traceTable()->model()->index(0, 0);
        deliveries->traceTable()->setCurrentIndex(traceRow);
        QSignalSpy traceAsked(deliveries, &DeliveriesView::userRequested);
        emit deliveries->traceTable()->doubleClicked(traceRow);
        QCOMPARE(traceAsked.count(), 1);
        QCOMPARE(traceAsked.at(0).at(1).toString(), QString("carol"));
        QCOMPARE(window.tabs()->currentWidget(), window.userView());
        // An announcement to the organization's room: no user to show.
        trace->addDelivery({{"notificationId", "a1"}, {"room", "org:acme"}, {"connections", 0}});
        QCOMPARE(deliveries->userOfTraceRow(1), std::make_pair(QString(), QString()));
    }

    // The user view lists deleted notifications too, marked, as the admin channel's
    // `deleted` flag allows; the unread count leaves them out.
    void userViewListsTheUsersConnectionsOnOtherNodes()
    {
        TestServer server;
        MainWindow window(nullptr);
        QVERIFY(connectConsole(window, server));
        window.showUser("acme", "alice");
        UserView *user = window.userView();
        // A single node answers `cluster_connections` with no node: nothing "on other nodes".
        QTRY_VERIFY_WITH_TIMEOUT(user->remoteLoaded() && user->loaded(), 5000);
        QCOMPARE(user->remoteConnectionsTable()->model()->rowCount(), 0);
        QVERIFY(!user->summaryLabel()->text().contains("other nodes"));

        // A cluster's answer (its server side is test_cluster's): only alice's rows of acme
        // are listed, each naming its node.
        auto conn = [](int id, const char *org, const char *userId) {
            return QJsonObject {{"id", id},         {"orgId", org},  {"userId", userId},
                                {"protocol", "plain"}, {"framesIn", 0}, {"framesOut", 0},
                                {"bytesOut", 0}};
        };
        const QJsonObject reply {
            {"complete", true},
            {"nodes",
             QJsonArray {QJsonObject {{"id", "n1"},
                                      {"name", "node-1"},
                                      {"connections", QJsonArray {conn(7, "acme", "alice"),
                                                                  conn(8, "acme", "bob")}}},
                         QJsonObject {{"id", "n2"},
                                      {"name", "node-2"},
                                      {"connections", QJsonArray {conn(9, "other", "alice"),
                                                                  conn(10, "acme", "alice")}}}}}};
        QCOMPARE(user->remoteModel()->setReply(reply), 0);
        QAbstractItemModel *rows = user->remoteConnectionsTable()->model();
        QCOMPARE(rows->rowCount(), 2);
        QStringList nodes;
        for (int r = 0; r < rows->rowCount(); ++r)
            nodes << rows->index(r, RemoteConnectionsModel::Node).data().toString();
        nodes.sort();
        QCOMPARE(nodes, QStringList({"node-1", "node-2"}));
    }

    void userViewShowsDeletedNotificationsMarked()
    {
        TestServer server;
        MainWindow window(nullptr);
        QVERIFY(connectConsole(window, server));
        const auto kept = server.publish("acme", {"alice"}, "kept");
        const auto gone = server.publish("acme", {"alice"}, "gone");
        QCOMPARE(gone.status, 201);
        const QString goneId = gone.json["notifications"].toArray()[0].toObject()["id"].toString();
        QVERIFY(!goneId.isEmpty());
        const auto deleted = server.request("DELETE", "/api/v1/me/notifications/" + goneId, {},
                                            mintToken("acme", "alice"));
        QCOMPARE(deleted.status, 200);

        window.showUser("acme", "alice");
        UserView *user = window.userView();
        QTRY_VERIFY_WITH_TIMEOUT(user->loaded(), 5000);
        QCOMPARE(user->unreadCount(), 1);
        QCOMPARE(user->inboxModel()->rowCount(), 2);
        const NotificationsModel *inbox = user->inboxModel();
        QCOMPARE(inbox->at(0).content.title, QString("gone"));
        QVERIFY(inbox->at(0).isDeleted());
        QVERIFY(inbox->index(0, NotificationsModel::Read).data().toString().startsWith("deleted "));
        QVERIFY(inbox->index(0, NotificationsModel::Title)
                    .data(Qt::FontRole)
                    .value<QFont>()
                    .strikeOut());
        QCOMPARE(inbox->at(1).content.title, QString("kept"));
        QVERIFY(!inbox->at(1).isDeleted());
        QVERIFY(!inbox->index(1, NotificationsModel::Title).data(Qt::FontRole).isValid());
    }

    // On SQLite the Nodes tab shows the one node and says it is alone.
    void nodesTabShowsTheNodeAlone()
    {
        TestServer server;
        MainWindow window(nullptr);
        QVERIFY(connectConsole(window, server));
        WsClient alice(server.wsUrl(mintToken("acme", "alice")));
        QVERIFY(alice.waitConnected());
        NodesView *nodes = window.nodesView();
        window.tabs()->setCurrentWidget(nodes);
        QTRY_COMPARE_WITH_TIMEOUT(nodes->nodesModel()->rowCount(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(nodes->nodesModel()->at(0).connections, 1, 5000);
        QVERIFY(nodes->nodesModel()->at(0).self);
        QVERIFY(!nodes->isCluster());
        QCOMPARE(nodes->nodesModel()->at(0).version, QString(NOTIFY_VERSION));
        QVERIFY(nodes->summaryLabel()->text().contains("not part of a cluster"));
        QCOMPARE(nodes->remoteModel()->rowCount(), 0);
        QVERIFY(!window.kickAction()->isEnabled());
    }

    void roomSendSaysItIsALiveAnnouncement()
    {
        TestServer server;
        MainWindow window(nullptr);
        QVERIFY(connectConsole(window, server));
        WsClient alice(server.wsUrl(mintToken("acme", "alice")));
        QVERIFY(alice.waitConnected());
        QTRY_COMPARE_WITH_TIMEOUT(window.connectionsModel()->rowCount(), 1, 2000);

        window.showSendTest();
        SendTestView *form = window.sendTestView();
        form->orgEdit()->setText("acme");
        form->targetKindCombo()->setCurrentIndex(1); // room
        form->targetEdit()->setText("org:acme");
        form->titleEdit()->setText("Maintenance at 18:00");
        // Before sending: what a room send is.
        QVERIFY(!form->roomNoteLabel()->isHidden());
        QVERIFY(form->roomNoteLabel()->text().contains("not stored"));
        QVERIFY(form->storeForMembersButton()->isEnabled());
        QVERIFY(form->storeForMembersButton()->text().contains("1"));
        form->send();
        QVERIFY(alice.waitForEvents("announcement", 1));
        // After: it says it was live, not stored.
        QTRY_VERIFY(form->resultLabel()->text().contains("not stored"));
        QVERIFY(!form->resultLabel()->text().contains("notification(s) stored"));
        QTRY_COMPARE(window.historyModel()->rowCount(), 1);
        QVERIFY(window.historyModel()
                    ->index(0, HistoryModel::Delivered)
                    .data()
                    .toString()
                    .contains("live"));

        // The stored alternative: one stored notification per listed member.
        form->storeForMembers();
        QVERIFY(alice.waitForEvents("notification:new", 1));
        QTRY_COMPARE(window.historyModel()->rowCount(), 2);
        QCOMPARE(window.historyModel()->at(0).target, QString("user:alice"));
        QCOMPARE(window.historyModel()->at(0).notificationIds.size(), 1);

        // User form: the &Recipient label has a buddy, so no literal "&" shows.
        form->targetKindCombo()->setCurrentIndex(0);
        QVERIFY(form->roomNoteLabel()->isHidden());
        bool recipientLabelOk = false;
        for (QLabel *l : form->findChildren<QLabel *>()) {
            if (l->text() == "&Recipient:")
                recipientLabelOk = l->buddy() == form->targetEdit();
        }
        QVERIFY(recipientLabelOk);
    }

    void wrongPortSaysWhereTheAdminChannelIs()
    {
        TestServer server;
        MainWindow window(nullptr);
        const QUrl clientPort(
            QStringLiteral("ws://127.0.0.1:%1/admin").arg(server.server->clientPort()));
        window.connectTo(clientPort, server.config.adminKey);
        QTRY_COMPARE_WITH_TIMEOUT(window.client()->state(), AdminClient::State::Failed, 5000);
        QVERIFY(window.client()->wrongEndpoint());
        QVERIFY2(window.client()->lastError().contains("API port"),
                 qPrintable(window.client()->lastError()));
        QTRY_VERIFY(window.statusLabel()->text().contains("API port"));
        QCOMPARE(window.client()->reconnectRemainingMs(), 0); // no retrying for ever
        QVERIFY(!logContains(window, "Connected"));
    }

    void rejectedKeyClearsThePreviousServer()
    {
        TestServer server;
        MainWindow window(nullptr);
        window.connectTo(adminUrl(server), server.config.adminKey);
        WsClient alice(server.wsUrl(mintToken("acme", "alice")));
        QVERIFY(alice.waitConnected());
        QTRY_COMPARE_WITH_TIMEOUT(window.connectionsModel()->rowCount(), 1, 5000);
        QVERIFY(logContains(window, "admin key accepted"));
        showInboxEverywhere(window, server);
        if (QTest::currentTestFailed())
            return;
        window.connectTo(adminUrl(server), "not-the-admin-key");
        QTRY_COMPARE_WITH_TIMEOUT(window.client()->state(), AdminClient::State::Failed, 5000);
        QCOMPARE(window.connectionsModel()->rowCount(), 0);
        QCOMPARE(window.roomsModel()->rowCount(), 0);
        expectEveryTabEmpty(window);
    }

    // A connection to another server clears every tab at once: nothing of the last server is
    // shown while connecting to another (here the client port, a server without the admin
    // channel); back on the first one, the User view reads its user there again.
    void anotherServerClearsEveryTab()
    {
        TestServer server;
        MainWindow window(nullptr);
        QVERIFY(connectConsole(window, server));
        showInboxEverywhere(window, server);
        if (QTest::currentTestFailed())
            return;
        const QUrl other(
            QStringLiteral("ws://127.0.0.1:%1/admin").arg(server.server->clientPort()));
        window.connectTo(other, server.config.adminKey);
        expectEveryTabEmpty(window);
        QTRY_COMPARE_WITH_TIMEOUT(window.client()->state(), AdminClient::State::Failed, 5000);
        expectEveryTabEmpty(window);
        window.connectTo(adminUrl(server), server.config.adminKey);
        expectEveryTabEmpty(window);
        QTRY_COMPARE_WITH_TIMEOUT(window.userView()->inboxModel()->rowCount(), 1, 5000);
        QCOMPARE(window.userView()->unreadCount(), 1);
    }

    // The User view follows its user without Show: publishes, a read in a client, and a
    // notification for a user with no connection open (not pushed, queued in the inbox).
    void userViewIsLiveWithoutPressingShow()
    {
        TestServer server;
        MainWindow window(nullptr);
        QVERIFY(connectConsole(window, server));
        WsClient alice(server.wsUrl(mintToken("acme", "alice")));
        QVERIFY(alice.waitForEvents("notification:unread_count", 1));
        window.showUser("acme", "alice");
        UserView *user = window.userView();
        QTRY_VERIFY_WITH_TIMEOUT(user->loaded() && user->live(), 5000);
        QCOMPARE(user->inboxModel()->rowCount(), 0);
        QCOMPARE(user->inboxFreshnessLabel()->text(), QString("live"));
        for (const char *title : {"one", "two"})
            QCOMPARE(server.publish("acme", {"alice"}, title).status, 201);
        QTRY_COMPARE_WITH_TIMEOUT(user->inboxModel()->rowCount(), 2, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(user->unreadCount(), 2, 5000);
        QVERIFY(alice.waitForEvents("notification:new", 2));
        const QString first
            = alice.events("notification:new").first()["notification"].toObject()["id"].toString();
        QVERIFY(!alice.call("mark_read", {{ "notificationIds", QJsonArray { first } }}).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(user->unreadCount(), 1, 5000);
        QVERIFY(user->summaryLabel()->text().contains("1 unread"));
        QTRY_VERIFY_WITH_TIMEOUT(user->inboxModel()->rowCount() == 2
                                     && user->inboxModel()->at(1).readAt.isValid(),
                                 5000);
        QVERIFY(user->inboxModel()
                    ->index(1, NotificationsModel::Delivered)
                    .data()
                    .toString()
                    .startsWith("arrived: read at "));

        window.showUser("acme", "bob");
        QTRY_VERIFY_WITH_TIMEOUT(user->loaded() && user->live(), 5000);
        QCOMPARE(server.publish("acme", {"bob"}, "queued").status, 201);
        QTRY_COMPARE_WITH_TIMEOUT(
            user->inboxModel()->index(0, NotificationsModel::Delivered).data().toString(),
            QString("not pushed: no connection was open (queued in the inbox)"), 5000);
        QCOMPARE(user->unreadCount(), 1);
    }

    // The Notifications tab is not live: it says as of when it read its page, and reads
    // again when its user changes (the user the console watches).
    void notificationsTabSaysAsOfAndFollowsItsUser()
    {
        TestServer server;
        MainWindow window(nullptr);
        QVERIFY(connectConsole(window, server));
        QCOMPARE(server.publish("acme", {"alice"}, "one").status, 201);
        NotificationsView *view = window.notificationsView();
        view->orgEdit()->setText("acme");
        view->userEdit()->setText("alice");
        view->load();
        QTRY_COMPARE_WITH_TIMEOUT(window.notificationsModel()->rowCount(), 1, 5000);
        QVERIFY2(QRegularExpression("as of \\d\\d:\\d\\d:\\d\\d")
                     .match(view->statusLabel()->text())
                     .hasMatch(),
                 qPrintable(view->statusLabel()->text()));
        window.showUser("acme", "alice");
        QTRY_VERIFY_WITH_TIMEOUT(window.userView()->live(), 5000);
        QCOMPARE(server.publish("acme", {"alice"}, "two").status, 201);
        QTRY_COMPARE_WITH_TIMEOUT(window.notificationsModel()->rowCount(), 2, 5000);
        QCOMPARE(window.notificationsModel()->at(0).content.title, QString("two"));
    }

    void connectNeverChangesASavedProfile()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.filePath("console.db")));
        QVERIFY(store.saveProfile(
                    ServerProfile {0, "staging", "ws://127.0.0.1:8081/admin", "old-key", {}})
                > 0);
        ConnectDialog dialog(&store);
        auto *key = dialog.findChild<QLineEdit *>(QStringLiteral("profileKey"));
        auto *url = dialog.findChild<QLineEdit *>(QStringLiteral("profileUrl"));
        QVERIFY(key && url);
        QCOMPARE(key->text(), QString("old-key")); // the saved profile was loaded
        // A key (and URL) typed over the saved ones, then Connect without Save: the
        // connection uses what was typed, the profile keeps what was saved.
        key->setText("mistyped-key");
        url->setText("ws://127.0.0.1:9999/admin");
        dialog.connectButton()->click();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.adminKey(), QString("mistyped-key"));
        QCOMPARE(store.profile("staging")->adminKey, QString("old-key"));
        QCOMPARE(store.profile("staging")->url, QString("ws://127.0.0.1:8081/admin"));
        QVERIFY(store.profile("staging")->lastUsedAt.isValid()); // remembered as used
    }

    void aRefusedKeyIsNeverStored()
    {
        TestServer server;
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.filePath("console.db")));
        const QString url = adminUrl(server).toString();
        QVERIFY(store.saveProfile(ServerProfile {0, "local", url, server.config.adminKey, {}})
                > 0);
        MainWindow window(nullptr);
        ConnectDialog dialog(&store);
        auto *key = dialog.findChild<QLineEdit *>(QStringLiteral("profileKey"));
        QVERIFY(key);
        key->setText("not-the-admin-key");
        dialog.connectButton()->click();
        window.connectTo(dialog.url(), dialog.adminKey());
        QTRY_COMPARE_WITH_TIMEOUT(window.client()->state(), AdminClient::State::Failed, 5000);
        QCOMPARE(store.profile("local")->adminKey, server.config.adminKey);
        // Save is what changes a profile.
        key->setText("another-key");
        QVERIFY(dialog.saveProfile());
        QCOMPARE(store.profile("local")->adminKey, QString("another-key"));
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
