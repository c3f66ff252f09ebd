#pragma once

#include "console/adminclient/adminclient.h"

#include <QMainWindow>
#include <QTimer>

class QAction;
class QLabel;
class QTabWidget;
class QToolBar;

namespace notify::console {

class ConnectionsModel;
class ConnectionsView;
class CountersModel;
class DeliveriesView;
class HistoryModel;
class KeyVault;
class LocalStore;
class LogView;
class NotificationsModel;
class NotificationsView;
class NodesView;
class KeysView;
class WebhooksView;
class AuditView;
class RoomsModel;
class RoomsView;
class SendTestView;
class TraceModel;
class UserView;

// The console's main window: tabs for connections, rooms, deliveries, an inbox browser,
// the send-test form and the log, all fed by one AdminClient.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum Tab {
        ConnectionsTab,
        RoomsTab,
        DeliveriesTab,
        NotificationsTab,
        UserTab,
        SendTestTab,
        LogTab,
        NodesTab,
        KeysTab,
        AuditTab
    };

    // store may be null (nothing is persisted then); it must outlive the window.
    explicit MainWindow(LocalStore *store, QWidget *parent = nullptr);
    ~MainWindow() override;

    void connectTo(const QUrl &url, const QString &adminKey);

    AdminClient *client() const { return m_client; }
    KeyVault *keyVault() const { return m_vault; }
    ConnectionsModel *connectionsModel() const { return m_connections; }
    RoomsModel *roomsModel() const { return m_rooms; }
    CountersModel *countersModel() const { return m_counters; }
    TraceModel *traceModel() const { return m_trace; }
    NotificationsModel *notificationsModel() const { return m_notifications; }
    HistoryModel *historyModel() const { return m_history; }
    ConnectionsView *connectionsView() const { return m_connectionsView; }
    RoomsView *roomsView() const { return m_roomsView; }
    DeliveriesView *deliveriesView() const { return m_deliveriesView; }
    NotificationsView *notificationsView() const { return m_notificationsView; }
    SendTestView *sendTestView() const { return m_sendTestView; }
    UserView *userView() const { return m_userView; }
    LogView *logView() const { return m_logView; }
    NodesView *nodesView() const { return m_nodesView; }
    KeysView *keysView() const { return m_keysView; }
    WebhooksView *webhooksView() const { return m_webhooksView; }
    AuditView *auditView() const { return m_auditView; }
    QTabWidget *tabs() const { return m_tabs; }
    QLabel *statusLabel() const { return m_statusLabel; }
    QAction *kickAction() const { return m_kickAction; }
    // The connection selected in the tab on screen (Connections, Rooms or User), or 0: what
    // Kick acts on. A selection in a tab not shown never counts.
    quint64 visibleSelectedConnection() const;
    // Whether Kick asks first (until "don't ask again" for this session).
    bool confirmKicks() const { return m_confirmKicks; }
    void setConfirmKicks(bool on) { m_confirmKicks = on; }

public slots:
    void showConnectDialog();
    void kickSelected();
    void refreshSnapshot();
    void showSendTest();
    void setTrace(bool on);
    void showSettings();
    // Opens the User tab for this user.
    void showUser(const QString &orgId, const QString &userId);

protected:
    void closeEvent(QCloseEvent *event) override;
    // A language switched at run time: what retranslateWidgets cannot look up again (texts
    // with arguments, the tables' headers and cells) is rebuilt here.
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void createActions();
    // nodeId empty: a connection of this node; else one of another node of the cluster.
    void kick(quint64 id, const QString &nodeId, const QString &who);
    void clearVisibleSelection();
    // The Rooms tab's members of the other nodes, from the Nodes tab's last answer.
    void updateRemoteRooms();
    void clearLiveData();
    QString describeConnection(quint64 id) const;
    void updateStatus();
    void updateActions();
    // Enables what the operator's role may do (hello's operator).
    void applyRole();
    void onSnapshot(const QList<notify::ConnectionInfo> &connections, const QJsonArray &rooms,
                    const notify::Counters &counters);

    LocalStore *m_store;
    AdminClient *m_client;
    KeyVault *m_vault;
    ConnectionsModel *m_connections;
    RoomsModel *m_rooms;
    CountersModel *m_counters;
    TraceModel *m_trace;
    NotificationsModel *m_notifications;
    HistoryModel *m_history;

    QToolBar *m_toolBar = nullptr;
    // Icons and text when they fit the window, icons only when they do not (German and
    // French labels at the minimum width): no action is hidden in an overflow menu.
    void fitToolBar();
    QTabWidget *m_tabs = nullptr;
    ConnectionsView *m_connectionsView = nullptr;
    RoomsView *m_roomsView = nullptr;
    DeliveriesView *m_deliveriesView = nullptr;
    NotificationsView *m_notificationsView = nullptr;
    SendTestView *m_sendTestView = nullptr;
    UserView *m_userView = nullptr;
    LogView *m_logView = nullptr;
    NodesView *m_nodesView = nullptr;
    KeysView *m_keysView = nullptr;
    WebhooksView *m_webhooksView = nullptr;
    AuditView *m_auditView = nullptr;

    QAction *m_connectAction = nullptr;
    QAction *m_disconnectAction = nullptr;
    QAction *m_refreshAction = nullptr;
    QAction *m_sendAction = nullptr;
    QAction *m_kickAction = nullptr;
    QAction *m_traceAction = nullptr;

    QLabel *m_statusLabel = nullptr;
    QLabel *m_countLabel = nullptr;
    QTimer m_statusTimer;
    QString m_nodeId;
    // From hello: who this console is on the server and its role (docs/protocol.md, "Roles").
    QString m_operatorName;
    QString m_operatorRole = QStringLiteral("admin");
    bool m_confirmKicks = true;
};

} // namespace notify::console
