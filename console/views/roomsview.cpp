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
    m_tree->header()->setSectionResizeMode(RoomsModel::Node, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(RoomsModel::UserAgent, QHeaderView::Stretch);
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
    // Another node's answer replaces the model; what the operator opened and selected stays.
    connect(model, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        m_expanded.clear();
        for (int r = 0; r < m_proxy->rowCount(); ++r) {
            const QModelIndex room = m_proxy->index(r, 0);
            if (m_tree->isExpanded(room))
                m_expanded.append(room.data(RoomsModel::RoomNameRole).toString());
        }
        const QModelIndexList rows = m_tree->selectionModel()->selectedRows();
        m_selectedRoom
            = rows.isEmpty() ? QString() : rows.first().data(RoomsModel::RoomNameRole).toString();
        m_selectedId = selectedConnectionId();
        m_selectedNode = selectedNodeId();
    });
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        for (int r = 0; r < m_proxy->rowCount(); ++r) {
            const QModelIndex room = m_proxy->index(r, 0);
            const QString name = room.data(RoomsModel::RoomNameRole).toString();
            if (m_expanded.contains(name))
                m_tree->expand(room);
            if (name != m_selectedRoom)
                continue;
            if (m_selectedId == 0) {
                m_tree->setCurrentIndex(room);
                continue;
            }
            for (int c = 0; c < m_proxy->rowCount(room); ++c) {
                const QModelIndex member = m_proxy->index(c, 0, room);
                if (member.data(RoomsModel::ConnectionIdRole).toULongLong() == m_selectedId
                    && member.data(RoomsModel::NodeIdRole).toString() == m_selectedNode)
                    m_tree->setCurrentIndex(member);
            }
        }
        emit selectionChanged();
    });

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

QString RoomsView::selectedNodeId() const
{
    const QModelIndexList rows = m_tree->selectionModel()->selectedRows();
    if (rows.isEmpty() || !rows.first().parent().isValid())
        return {};
    return rows.first().data(RoomsModel::NodeIdRole).toString();
}

QString RoomsView::describeSelected() const
{
    const QModelIndexList rows = m_tree->selectionModel()->selectedRows();
    if (rows.isEmpty() || !rows.first().parent().isValid())
        return {};
    const QModelIndex row = rows.first();
    return tr("#%1 on node %2, %3 @ %4")
        .arg(QString::number(row.data(RoomsModel::ConnectionIdRole).toULongLong()),
             row.siblingAtColumn(RoomsModel::Node).data().toString(),
             row.data(RoomsModel::UserIdRole).toString(),
             row.data(RoomsModel::OrgIdRole).toString());
}

void RoomsView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    emit shown();
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
