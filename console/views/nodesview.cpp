#include "console/views/nodesview.h"

#include "console/adminclient/adminclient.h"
#include "console/models/nodesmodel.h"
#include "console/views/tableexport.h"
#include "shared/adminapi/adminprotocol.h"

#include <QAction>
#include <QEvent>
#include <QGroupBox>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace notify::console {

namespace {
QTableView *makeTable(const QString &name, QAbstractItemModel *model, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setObjectName(name);
    table->setModel(model);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setAlternatingRowColors(true);
    table->setContextMenuPolicy(Qt::ActionsContextMenu);
    return table;
}
} // namespace

NodesView::NodesView(AdminClient *client, QAction *kickAction, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_kickAction(kickAction)
    , m_nodes(new NodesModel(this))
    , m_remote(new RemoteConnectionsModel(this))
    , m_summary(new QLabel(this))
{
    m_nodesTable = makeTable(QStringLiteral("nodesTable"), m_nodes, this);
    m_nodesTable->setSelectionMode(QAbstractItemView::NoSelection);
    installCopyExport(m_nodesTable, QStringLiteral("nodes"));

    m_remoteTable = makeTable(QStringLiteral("remoteConnectionsTable"), m_remote, this);
    // Kick first, as in the Connections tab; it acts on this table's selection only.
    m_remoteTable->addAction(m_kickAction);
    auto *openUser = new QAction(tr("Open &user"), this);
    connect(openUser, &QAction::triggered, this, [this] {
        const QModelIndexList rows = m_remoteTable->selectionModel()->selectedRows();
        if (!rows.isEmpty())
            emit userRequested(rows.first().data(RemoteConnectionsModel::OrgIdRole).toString(),
                               rows.first().data(RemoteConnectionsModel::UserIdRole).toString());
    });
    m_remoteTable->addAction(openUser);
    installCopyExport(m_remoteTable, QStringLiteral("cluster-connections"));
    connect(m_remoteTable, &QTableView::doubleClicked, openUser, &QAction::trigger);
    connect(m_remoteTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &NodesView::selectionChanged);
    connect(m_remote, &QAbstractItemModel::modelReset, this, &NodesView::selectionChanged);

    m_summary->setObjectName(QStringLiteral("nodesSummary"));
    m_summary->setWordWrap(true);

    auto *nodesBox = new QGroupBox(tr("Nodes"), this);
    (new QVBoxLayout(nodesBox))->addWidget(m_nodesTable);
    auto *remoteBox = new QGroupBox(tr("Connections on the other nodes"), this);
    (new QVBoxLayout(remoteBox))->addWidget(m_remoteTable);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(nodesBox);
    split->addWidget(remoteBox);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);

    m_nodesTimer.setInterval(nodesIntervalMs);
    connect(&m_nodesTimer, &QTimer::timeout, this, &NodesView::refresh);
    m_connectionsTimer.setInterval(connectionsIntervalMs);
    connect(&m_connectionsTimer, &QTimer::timeout, this, [this] {
        if (watched())
            refreshConnections();
    });
    connect(m_client, &AdminClient::stateChanged, this, [this](AdminClient::State state) {
        if (state == AdminClient::State::Connected) {
            refresh();
            m_nodesTimer.start();
            m_connectionsTimer.start();
        } else {
            m_nodesTimer.stop();
            m_connectionsTimer.stop();
            if (state == AdminClient::State::Failed)
                clear();
        }
    });
    updateSummary();
}

void NodesView::refresh()
{
    if (m_client->state() != AdminClient::State::Connected || m_nodesInFlight)
        return;
    m_nodesInFlight = true;
    m_client->request(admin::msg::nodes, {}, this, [this](const AdminResult &r) {
        m_nodesInFlight = false;
        if (!r.ok)
            return;
        m_cluster = r.data.value(QStringLiteral("cluster")).toBool();
        m_nodes->setNodes(r.data.value(QStringLiteral("nodes")).toArray(),
                          QDateTime::currentDateTimeUtc());
        updateSummary();
        // The first answer that shows other nodes brings their connections at once.
        if (m_cluster && m_nodes->rowCount() > 1 && m_remote->rowCount() == 0 && watched())
            refreshConnections();
    });
}

void NodesView::refreshConnections()
{
    if (m_client->state() != AdminClient::State::Connected || m_connectionsInFlight || !m_cluster)
        return;
    m_connectionsInFlight = true;
    m_client->request(admin::msg::clusterConnections, {}, this, [this](const AdminResult &r) {
        m_connectionsInFlight = false;
        if (!r.ok)
            return;
        m_remote->setReply(r.data);
        updateSummary();
    });
}

bool NodesView::watched() const
{
    if (isVisible())
        return true;
    return std::any_of(m_watchers.cbegin(), m_watchers.cend(),
                       [](const QPointer<QWidget> &w) { return w && w->isVisible(); });
}

void NodesView::clear()
{
    m_nodes->clear();
    m_remote->clear();
    m_cluster = false;
    updateSummary();
}

void NodesView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
    refreshConnections();
}

void NodesView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        updateSummary();
}

void NodesView::updateSummary()
{
    QString text;
    if (m_nodes->rowCount() == 0)
        text = tr("No node information yet.");
    else if (!m_cluster)
        text = tr("This node is not part of a cluster (SQLite storage): it is the only node.");
    else
        text = tr("%n node(s) on one PostgreSQL database; ", nullptr, m_nodes->rowCount())
            + tr("%n connection(s) on the other nodes", nullptr, m_remote->rowCount())
            + (m_remote->complete() ? QString() : tr(" (some nodes did not answer)"));
    m_summary->setText(text);
}

bool NodesView::selectedRemote(QString *nodeId, quint64 *connectionId) const
{
    const QModelIndexList rows = m_remoteTable->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return false;
    const RemoteConnectionsModel::Row &row = m_remote->at(rows.first().row());
    *nodeId = row.nodeId;
    *connectionId = row.connection.id;
    return true;
}

QString NodesView::describeSelected() const
{
    const QModelIndexList rows = m_remoteTable->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    const RemoteConnectionsModel::Row &row = m_remote->at(rows.first().row());
    const ConnectionInfo &c = row.connection;
    return tr("#%1 on node %2, %3 @ %4 (%5)")
        .arg(QString::number(c.id), row.nodeName, c.userId, c.orgId,
             c.userAgent.isEmpty() ? c.remoteAddress : c.userAgent.left(60));
}

void NodesView::clearSelection()
{
    m_remoteTable->clearSelection();
    m_remoteTable->selectionModel()->clearCurrentIndex();
}

void NodesView::forget(const QString &nodeId, quint64 connectionId)
{
    m_remote->remove(nodeId, connectionId);
    updateSummary();
}

} // namespace notify::console
