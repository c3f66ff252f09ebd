#pragma once

#include <QWidget>

class QAction;
class QLineEdit;
class QSortFilterProxyModel;
class QTreeView;

namespace notify::console {

class RoomsModel;

// The Rooms tab: room → member connections of every node (each naming its node), filterable
// by room name; a member row offers Kick (on any node) and the user view. The other nodes'
// members arrive with the Nodes tab's `cluster_connections` answers, asked for when this tab
// is shown and every few seconds while it is (NodesView::watchConnections).
class RoomsView : public QWidget
{
    Q_OBJECT
public:
    RoomsView(RoomsModel *model, QAction *kickAction, QWidget *parent = nullptr);
    QTreeView *tree() const { return m_tree; }
    QLineEdit *filterEdit() const { return m_filter; }

    // The member connection of the selected row, or 0 (none selected, or a room row).
    quint64 selectedConnectionId() const;
    // The node of the selected member: empty for the connected node's own.
    QString selectedNodeId() const;
    // "#id on node N, user @ org" of the selected member of another node.
    QString describeSelected() const;
    // The room of the selected row (a room row or a member's room), or empty.
    QString selectedRoom() const;
    void clearSelection();

signals:
    void selectionChanged();
    void shown();
    void userRequested(const QString &orgId, const QString &userId);

protected:
    void showEvent(QShowEvent *event) override;

private:
    QSortFilterProxyModel *m_proxy;
    // Kept across the model's resets (a new answer from the other nodes).
    QStringList m_expanded;
    QString m_selectedRoom;
    QString m_selectedNode;
    quint64 m_selectedId = 0;
    QLineEdit *m_filter;
    QTreeView *m_tree;
    QAction *m_kickAction;
};

} // namespace notify::console
