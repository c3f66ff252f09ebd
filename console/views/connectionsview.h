#pragma once

#include <QSortFilterProxyModel>
#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QTableView;

namespace notify::console {

class ConnectionsModel;

// Rows of the connections model whose fields contain every word of the filter text.
class ConnectionsFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setFilterWords(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QStringList m_words;
};

// The Connections tab: a filterable, sortable table with Kick, the user view, copy and
// CSV export in its context menu.
class ConnectionsView : public QWidget
{
    Q_OBJECT
public:
    ConnectionsView(ConnectionsModel *model, QAction *kickAction, QWidget *parent = nullptr);

    // The connection of the selected row, or 0 when none is selected.
    quint64 selectedConnectionId() const;
    // Drops the selection and the current row, so that nothing moves onto a neighbour.
    void clearSelection();
    QTableView *table() const { return m_table; }
    QLineEdit *filterEdit() const { return m_filter; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QLabel *noMatchesLabel() const { return m_noMatches; }

signals:
    void selectionChanged();
    void userRequested(const QString &orgId, const QString &userId);

private:
    void updateNoMatches();

    ConnectionsModel *m_model;
    ConnectionsFilterProxy *m_proxy;
    QLineEdit *m_filter;
    QLabel *m_noMatches;
    QTableView *m_table;
    QAction *m_kickAction;
};

} // namespace notify::console
