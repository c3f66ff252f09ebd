#pragma once

#include <QWidget>

class QAction;
class QLineEdit;
class QSortFilterProxyModel;
class QTreeView;

namespace notify::console {

class RoomsModel;

// The Rooms tab: room → member connections, filterable by room name; a member row offers
// Kick and the user view.
class RoomsView : public QWidget
{
    Q_OBJECT
public:
    RoomsView(RoomsModel *model, QAction *kickAction, QWidget *parent = nullptr);
    QTreeView *tree() const { return m_tree; }
    QLineEdit *filterEdit() const { return m_filter; }

    // The member connection of the selected row, or 0 (none selected, or a room row).
    quint64 selectedConnectionId() const;
    // The room of the selected row (a room row or a member's room), or empty.
    QString selectedRoom() const;
    void clearSelection();

signals:
    void selectionChanged();
    void userRequested(const QString &orgId, const QString &userId);

private:
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_filter;
    QTreeView *m_tree;
    QAction *m_kickAction;
};

} // namespace notify::console
