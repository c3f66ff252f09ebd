#pragma once

#include <QList>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QAction;
class QLabel;
class QTableView;

namespace notify::console {

class AdminClient;
class NodesModel;
class RemoteConnectionsModel;

// The Nodes tab: the cluster as seen from the node the console is connected to. Every node
// (connections, rate, last heartbeat, version) from the `nodes` request, and the client
// connections of the other nodes, each row naming its node (`cluster_connections`), with
// Kick, the user view, copy and CSV export. On SQLite the node is alone and says so.
class NodesView : public QWidget
{
    Q_OBJECT
public:
    // The nodes every 2 s while connected; the other nodes' connections every 5 s while
    // this tab or a watcher (watchConnections) is on screen (a bus query to every node), and
    // on Refresh.
    static constexpr int nodesIntervalMs = 2000;
    static constexpr int connectionsIntervalMs = 5000;

    NodesView(AdminClient *client, QAction *kickAction, QWidget *parent = nullptr);

    NodesModel *nodesModel() const { return m_nodes; }
    RemoteConnectionsModel *remoteModel() const { return m_remote; }
    QTableView *nodesTable() const { return m_nodesTable; }
    QTableView *remoteTable() const { return m_remoteTable; }
    QLabel *summaryLabel() const { return m_summary; }
    // Whether the node is in a cluster (from the last `nodes` answer).
    bool isCluster() const { return m_cluster; }

    // The other node's connection selected, or false.
    bool selectedRemote(QString *nodeId, quint64 *connectionId) const;
    // A one-line description of a remote row for the log and the kick question.
    QString describeSelected() const;
    void clearSelection();
    // A kick of (nodeId, connectionId) went out: the row goes at once.
    void forget(const QString &nodeId, quint64 connectionId);
    // Another view that shows the other nodes' connections (the Rooms tab's members): they
    // are polled while it is on screen too.
    void watchConnections(QWidget *view) { m_watchers.append(view); }

public slots:
    void refresh();
    void refreshConnections();
    void clear();

signals:
    void selectionChanged();
    void userRequested(const QString &orgId, const QString &userId);

protected:
    void showEvent(QShowEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void updateSummary();
    // This tab or a watcher is on screen.
    bool watched() const;

    AdminClient *m_client;
    QAction *m_kickAction;
    NodesModel *m_nodes;
    RemoteConnectionsModel *m_remote;
    QTableView *m_nodesTable;
    QTableView *m_remoteTable;
    QLabel *m_summary;
    QTimer m_nodesTimer;
    QTimer m_connectionsTimer;
    QList<QPointer<QWidget>> m_watchers;
    bool m_cluster = false;
    bool m_nodesInFlight = false;
    bool m_connectionsInFlight = false;
};

} // namespace notify::console
