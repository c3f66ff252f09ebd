#pragma once

#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTreeView;

namespace notify::console {

class RoomsModel;

// The Rooms tab: room → member connections, filterable by room name.
class RoomsView : public QWidget
{
    Q_OBJECT
public:
    explicit RoomsView(RoomsModel *model, QWidget *parent = nullptr);
    QTreeView *tree() const { return m_tree; }

private:
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_filter;
    QTreeView *m_tree;
};

} // namespace notify::console
