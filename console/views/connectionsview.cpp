#include "console/views/connectionsview.h"

#include "console/models/connectionsmodel.h"
#include "console/views/tableexport.h"

#include <QAction>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QTableView>
#include <QVBoxLayout>

namespace notify::console {

void ConnectionsFilterProxy::setFilterWords(const QString &text)
{
    m_words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    invalidateRowsFilter();
}

bool ConnectionsFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    if (m_words.isEmpty())
        return true;
    const auto *model = qobject_cast<const ConnectionsModel *>(sourceModel());
    return model && model->matches(sourceRow, m_words);
}

ConnectionsView::ConnectionsView(ConnectionsModel *model, QAction *kickAction, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_proxy(new ConnectionsFilterProxy(this))
    , m_filter(new QLineEdit(this))
    , m_noMatches(new QLabel(this))
    , m_table(new QTableView(this))
    , m_kickAction(kickAction)
{
    m_proxy->setSourceModel(model);
    m_proxy->setSortRole(ConnectionsModel::SortRole);

    m_filter->setObjectName(QStringLiteral("connectionsFilter"));
    m_filter->setPlaceholderText(
        tr("Filter: words matching id, user, organization, role, protocol, address, user "
           "agent or room"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterWords(text);
        updateNoMatches();
    });
    m_noMatches->setObjectName(QStringLiteral("connectionsNoMatches"));
    m_noMatches->setStyleSheet(QStringLiteral("color: #757575; font-style: italic;"));
    m_noMatches->hide();

    m_table->setObjectName(QStringLiteral("connectionsTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ConnectionsModel::ConnectedSince, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    // Columns as wide as their content (sampled: a node may have thousands of rows); the user
    // agent takes the rest.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setResizeContentsPrecision(200);
    m_table->horizontalHeader()->setSectionResizeMode(ConnectionsModel::UserAgent,
                                                      QHeaderView::Stretch);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    const QList<QAction *> tableActions = installCopyExport(m_table, QStringLiteral("connections"));
    auto *showUser = new QAction(tr("Show &user…"), this);
    showUser->setObjectName(QStringLiteral("connectionsShowUser"));
    connect(showUser, &QAction::triggered, this, [this] {
        const QModelIndex idx = m_table->currentIndex();
        if (idx.isValid())
            emit userRequested(idx.data(ConnectionsModel::OrgIdRole).toString(),
                               idx.data(ConnectionsModel::UserIdRole).toString());
    });
    connect(m_table, &QTableView::doubleClicked, showUser, &QAction::trigger);
    connect(m_table, &QWidget::customContextMenuRequested, this,
            [this, showUser, tableActions](const QPoint &pos) {
                const QModelIndex idx = m_table->indexAt(pos);
                if (idx.isValid())
                    m_table->selectRow(idx.row());
                QMenu menu(this);
                if (idx.isValid()) {
                    menu.addAction(showUser);
                    menu.addAction(m_kickAction);
                    menu.addSeparator();
                }
                menu.addActions(tableActions);
                menu.exec(m_table->viewport()->mapToGlobal(pos));
            });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ConnectionsView::selectionChanged);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_proxy, signal, this, &ConnectionsView::updateNoMatches);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &ConnectionsView::updateNoMatches);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_noMatches);
    layout->addWidget(m_table);
}

quint64 ConnectionsView::selectedConnectionId() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return 0;
    return rows.first().data(ConnectionsModel::ConnectionIdRole).toULongLong();
}

void ConnectionsView::clearSelection()
{
    m_table->selectionModel()->clear();
    emit selectionChanged();
}

void ConnectionsView::updateNoMatches()
{
    const bool none = !m_filter->text().trimmed().isEmpty() && m_proxy->rowCount() == 0
        && m_model->rowCount() > 0;
    m_noMatches->setText(
        none ? tr("No connection matches “%1” (of %n connection(s)).", nullptr, m_model->rowCount())
                   .arg(m_filter->text().trimmed())
             : QString());
    m_noMatches->setVisible(none);
}

} // namespace notify::console
