#include "console/views/roomsview.h"

#include "console/models/roomsmodel.h"
#include "console/views/tableexport.h"

#include <QAction>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMenu>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

namespace notify::console {

RoomsView::RoomsView(RoomsModel *model, QAction *kickAction, QWidget *parent)
    : QWidget(parent)
    , m_proxy(new QSortFilterProxyModel(this))
    , m_filter(new QLineEdit(this))
    , m_tree(new QTreeView(this))
    , m_kickAction(kickAction)
{
    m_proxy->setSourceModel(model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setObjectName(QStringLiteral("roomsFilter"));
    m_filter->setPlaceholderText(tr("Filter rooms and members"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);

    m_tree->setObjectName(QStringLiteral("roomsTree"));
    m_tree->setModel(m_proxy);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(RoomsModel::Name, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(RoomsModel::Members, QHeaderView::ResizeToContents);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);

    const QList<QAction *> treeActions = installCopyExport(m_tree, QStringLiteral("rooms"));
    auto *showUser = new QAction(tr("Show &user…"), this);
    showUser->setObjectName(QStringLiteral("roomsShowUser"));
    connect(showUser, &QAction::triggered, this, [this] {
        const QModelIndex idx = m_tree->currentIndex();
        const QString user = idx.data(RoomsModel::UserIdRole).toString();
        if (!user.isEmpty())
            emit userRequested(idx.data(RoomsModel::OrgIdRole).toString(), user);
    });
    connect(m_tree, &QTreeView::doubleClicked, this, [showUser](const QModelIndex &idx) {
        if (!idx.data(RoomsModel::UserIdRole).toString().isEmpty())
            showUser->trigger();
    });
    connect(m_tree, &QWidget::customContextMenuRequested, this,
            [this, showUser, treeActions](const QPoint &pos) {
                const QModelIndex idx = m_tree->indexAt(pos);
                if (idx.isValid())
                    m_tree->setCurrentIndex(idx);
                QMenu menu(this);
                if (selectedConnectionId() != 0) {
                    menu.addAction(showUser);
                    menu.addAction(m_kickAction);
                    menu.addSeparator();
                }
                menu.addActions(treeActions);
                menu.exec(m_tree->viewport()->mapToGlobal(pos));
            });
    connect(m_tree->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RoomsView::selectionChanged);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_tree);
}

quint64 RoomsView::selectedConnectionId() const
{
    const QModelIndexList rows = m_tree->selectionModel()->selectedRows();
    if (rows.isEmpty() || !rows.first().parent().isValid())
        return 0;
    return rows.first().data(RoomsModel::ConnectionIdRole).toULongLong();
}

QString RoomsView::selectedRoom() const
{
    const QModelIndexList rows = m_tree->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(RoomsModel::RoomNameRole).toString();
}

void RoomsView::clearSelection()
{
    m_tree->selectionModel()->clear();
    emit selectionChanged();
}

} // namespace notify::console
