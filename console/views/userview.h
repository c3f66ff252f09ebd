#pragma once

#include "console/storage/localstore.h"

#include <QDateTime>
#include <QJsonObject>
#include <QSortFilterProxyModel>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace notify::console {

class AdminClient;
class ConnectionsModel;
class HistoryModel;
class NotificationsModel;
class RemoteConnectionsModel;

// The live connections of one user (org + user id) out of the node's connections model.
class UserConnectionsProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setUser(const QString &orgId, const QString &userId);
    // The roles that carry the org and user ids; ConnectionsModel's unless set (the other
    // nodes' RemoteConnectionsModel has its own).
    void setRoles(int orgRole, int userRole);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_org;
    QString m_user;
    int m_orgRole = 0;
    int m_userRole = 0;
};

// The send-test history entries addressed to one user.
class UserHistoryProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setUser(const QString &orgId, const QString &userId);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_org;
    QString m_target;
};

// The User tab, for support: one user's whole story in one place. Their live connections
// (updating with the node's), unread count and inbox with delivered/read state (the `user`
// request), and the test notifications sent to them from this console; send a test, resend
// one, open a connection's details, copy ids.
class UserView : public QWidget
{
    Q_OBJECT
public:
    UserView(AdminClient *client, ConnectionsModel *connections, HistoryModel *history,
             QAction *kickAction, QWidget *parent = nullptr);

    QLineEdit *orgEdit() const { return m_org; }
    QLineEdit *userEdit() const { return m_user; }
    QLabel *summaryLabel() const { return m_summary; }
    QTableView *connectionsTable() const { return m_connectionsTable; }
    QTableView *inboxTable() const { return m_inboxTable; }
    QTableView *historyTable() const { return m_historyTable; }
    // The user's connections on the cluster's other nodes, read at each Show
    // (`cluster_connections`).
    QTableView *remoteConnectionsTable() const { return m_remoteTable; }
    RemoteConnectionsModel *remoteModel() const { return m_remote; }
    NotificationsModel *inboxModel() const { return m_inbox; }
    UserConnectionsProxy *connectionsProxy() const { return m_connections; }
    UserHistoryProxy *historyProxy() const { return m_historyProxy; }
    // The unread count of the last answer, -1 before one.
    qint64 unreadCount() const { return m_unread; }
    // Whether the last `user` request has been answered (successfully or not).
    bool loaded() const { return m_loaded; }
    // Whether the last `cluster_connections` request has been answered.
    bool remoteLoaded() const { return m_remoteLoaded; }
    // Whether the server pushes this user's changes (watch_user answered) over a connection
    // that is up: the inbox and the unread count are live, not "as of" a time.
    bool live() const { return m_live; }
    // "live" or "as of HH:MM:SS" beside the inbox, and "as of" beside the other nodes' pane.
    QLabel *inboxFreshnessLabel() const { return m_inboxAsOf; }
    QLabel *remoteFreshnessLabel() const { return m_remoteAsOf; }

    // The connection selected in this view's table, or 0.
    quint64 selectedConnectionId() const;
    void clearSelection();

public slots:
    // Shows this user and asks the server for their unread count and inbox.
    void showUser(const QString &orgId, const QString &userId);
    void reload();
    void showConnectionDetails();
    // Rebuilds the texts with arguments after a language change.
    void retranslate()
    {
        updateSummary();
        updateFreshness();
    }
    // Another server (or none): nothing of the last one stays on screen.
    void clearData();
    // Reads the shown user's inbox and count again without clearing what is shown.
    void refresh();

signals:
    void selectionChanged();
    void sendTestRequested(const QString &orgId, const QString &userId);
    void resendRequested(const notify::console::HistoryEntry &entry);
    // A valid user is shown (Show, Enter or showUser): the support panel reads its parts.
    void userShown(const QString &orgId, const QString &userId);

private:
    void updateSummary();
    void updateFreshness();
    void watch();
    void onUserChanged(const QJsonObject &change);
    void requestUser(bool clearFirst);

    AdminClient *m_client;
    ConnectionsModel *m_source;
    HistoryModel *m_history;
    QAction *m_kickAction;
    QLineEdit *m_org;
    QLineEdit *m_user;
    QPushButton *m_show;
    QLabel *m_summary;
    UserConnectionsProxy *m_connections;
    NotificationsModel *m_inbox;
    UserHistoryProxy *m_historyProxy;
    QTableView *m_connectionsTable;
    RemoteConnectionsModel *m_remote;
    UserConnectionsProxy *m_remoteConnections;
    QTableView *m_remoteTable;
    // Whether the last `cluster_connections` answer named other nodes (a cluster).
    bool m_clusterAnswered = false;
    // Hidden on a single node: an always-empty pane took a third of the height.
    QWidget *m_remoteBox = nullptr;
    bool m_remoteLoaded = false;
    QTableView *m_inboxTable;
    QTableView *m_historyTable;
    qint64 m_unread = -1;
    bool m_loaded = false;
    QString m_error;
    // The shown user's changes come from the server (watch_user) while m_live.
    bool m_live = false;
    QString m_watchedOrg;
    QString m_watchedUser;
    QDateTime m_inboxAt; // when the inbox shown was read (or last changed live)
    QDateTime m_remoteAt; // when the other nodes' connections were read
    QLabel *m_inboxAsOf = nullptr;
    QLabel *m_remoteAsOf = nullptr;
    // Changes come in bursts (a publish to many, a read-all): one read after them.
    QTimer *m_refreshTimer = nullptr;
};

} // namespace notify::console
