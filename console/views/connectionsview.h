#pragma once

#include <QWidget>

class QAction;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace notify::console {

class ConnectionsModel;

// The Connections tab: a filterable, sortable table with a "Kick" context-menu action.
class ConnectionsView : public QWidget
{
    Q_OBJECT
public:
    ConnectionsView(ConnectionsModel *model, QAction *kickAction, QWidget *parent = nullptr);

    // The connection of the current row, or 0 when none is selected.
    quint64 selectedConnectionId() const;
    QTableView *table() const { return m_table; }
    QLineEdit *filterEdit() const { return m_filter; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }

signals:
    void selectionChanged();

private:
    ConnectionsModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_filter;
    QTableView *m_table;
    QAction *m_kickAction;
};

} // namespace notify::console
