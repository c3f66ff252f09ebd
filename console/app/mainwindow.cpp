#include "console/app/mainwindow.h"

#include "console/dialogs/connectdialog.h"
#include "console/dialogs/settingsdialog.h"
#include "console/i18n/i18n.h"
#include "console/icons/resources.h"
#include "console/models/connectionsmodel.h"
#include "console/models/countersmodel.h"
#include "console/models/historymodel.h"
#include "console/models/nodesmodel.h"
#include "console/models/notificationsmodel.h"
#include "console/models/roomsmodel.h"
#include "console/models/tracemodel.h"
#include "console/storage/keyvault.h"
#include "console/storage/localstore.h"
#include "console/views/auditview.h"
#include "console/views/connectionsview.h"
#include "console/views/deliveriesview.h"
#include "console/views/keysview.h"
#include "console/views/logview.h"
#include "console/views/nodesview.h"
#include "console/views/notificationsview.h"
#include "console/views/ratechart.h"
#include "console/views/roomsview.h"
#include "console/views/sendtestview.h"
#include "console/views/userview.h"
#include "console/views/webhooksview.h"
#include "shared/adminapi/adminprotocol.h"
#include "shared/adminapi/connectionrequests.h"
#include "shared/codec/wirecodec.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QJsonArray>
#include <QLabel>
#include <QLayout>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>

#include <algorithm>
#include <climits>

namespace notify::console {

MainWindow::MainWindow(LocalStore *store, QWidget *parent)
    : QMainWindow(parent)
    , m_store(store)
    , m_client(new AdminClient(this))
    , m_vault(new KeyVault(this))
    , m_connections(new ConnectionsModel(this))
    , m_rooms(new RoomsModel(this))
    , m_counters(new CountersModel(this))
    , m_trace(new TraceModel(this))
    , m_notifications(new NotificationsModel(this))
    , m_history(new HistoryModel(this))
{
    initResources();
    setObjectName(QStringLiteral("mainWindow"));
    // Qt appends the application display name ("Notify Console") to every title itself.
    setWindowTitle(QString());
    setMinimumSize(800, 560);
    setWindowIcon(QIcon(QStringLiteral(":/icons/notify-console.svg")));
    if (m_store)
        m_history->setEntries(m_store->history());

    createActions();

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_tabs->setDocumentMode(true);
    m_connectionsView = new ConnectionsView(m_connections, m_kickAction, m_tabs);
    m_roomsView = new RoomsView(m_rooms, m_kickAction, m_tabs);
    m_deliveriesView = new DeliveriesView(m_counters, m_trace, m_tabs);
    m_notificationsView = new NotificationsView(m_client, m_notifications, m_tabs);
    m_sendTestView = new SendTestView(m_client, m_store, m_history, m_tabs);
    m_sendTestView->setConnections(m_connections);
    m_userView = new UserView(m_client, m_connections, m_history, m_kickAction, m_tabs);
    m_logView = new LogView(m_tabs);
    m_nodesView = new NodesView(m_client, m_kickAction, m_tabs);
    m_tabs->addTab(m_connectionsView, tr("&Connections"));
    m_tabs->addTab(m_roomsView, tr("&Rooms"));
    m_tabs->addTab(m_deliveriesView, tr("&Deliveries"));
    m_tabs->addTab(m_notificationsView, tr("&Notifications"));
    m_tabs->addTab(m_userView, tr("&User"));
    m_tabs->addTab(m_sendTestView, tr("&Send test"));
    m_tabs->addTab(m_logView, tr("&Log"));
    m_tabs->addTab(m_nodesView, tr("N&odes"));
    // The admin role's (docs/operations.md, "API keys", "Webhooks", "Audit log").
    m_keysView = new KeysView(m_client, m_tabs);
    m_webhooksView = new WebhooksView(m_client, m_tabs);
    m_auditView = new AuditView(m_client, m_tabs);
    m_tabs->addTab(m_keysView, tr("&Keys"));
    m_tabs->addTab(m_webhooksView, tr("&Webhooks"));
    m_tabs->addTab(m_auditView, tr("&Audit"));
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (m_tabs->currentWidget() == m_keysView)
            m_keysView->reload();
        else if (m_tabs->currentWidget() == m_webhooksView)
            m_webhooksView->reload();
        else if (m_tabs->currentWidget() == m_auditView)
            m_auditView->reload();
    });
    setCentralWidget(m_tabs);

    auto *sendShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), m_sendTestView);
    sendShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(sendShortcut, &QShortcut::activated, m_sendTestView, &SendTestView::send);

    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("connectionStatus"));
    m_countLabel = new QLabel(this);
    statusBar()->addWidget(m_statusLabel, 1);
    statusBar()->addPermanentWidget(m_countLabel);

    connect(m_client, &AdminClient::stateChanged, this, [this](AdminClient::State state) {
        // A rejected key or a wrong port: what is on screen is not this server's.
        if (state == AdminClient::State::Failed)
            clearLiveData();
        updateStatus();
        updateActions();
    });
    connect(m_client, &AdminClient::logMessage, m_logView, &LogView::appendLine);
    connect(m_vault, &KeyVault::logMessage, m_logView, &LogView::appendLine);
    m_logView->appendLine(m_vault->statusText());
    m_vault->migrate(m_store);
    connect(m_client, &AdminClient::hello, this, [this](const QJsonObject &node) {
        m_nodeId = node.value(QStringLiteral("clusterName")).toString();
        // In a cluster, the rows of this node name it like the other nodes' rows.
        m_rooms->setLocalNodeName(m_nodeId);
        m_trace->setLocalNodeName(m_nodeId);
        if (m_nodeId.isEmpty())
            m_nodeId = node.value(QStringLiteral("id")).toString();
        const QJsonObject op = node.value(QStringLiteral("operator")).toObject();
        m_operatorName = op.value(QStringLiteral("name")).toString();
        // A server without roles (before docs/protocol.md's "Roles") lets the admin key do
        // everything.
        m_operatorRole = op.value(QStringLiteral("role")).toString(admin::role::admin);
        applyRole();
        updateStatus();
    });
    connect(m_client, &AdminClient::snapshot, this, &MainWindow::onSnapshot);
    connect(m_client, &AdminClient::connectionOpened, this, [this](const ConnectionInfo &c) {
        m_connections->addConnection(c);
        m_rooms->addConnection(c);
        m_logView->appendLine(tr("Connection opened: %1").arg(describeConnection(c.id)));
        updateStatus();
    });
    connect(m_client, &AdminClient::connectionClosed, this,
            [this](quint64 id, int code, const QString &reason) {
                const QString who = describeConnection(id);
                m_connections->removeConnection(id);
                m_rooms->removeConnection(id);
                m_logView->appendLine(
                    tr("Connection closed: %1 (code %2%3)")
                        .arg(who)
                        .arg(code)
                        .arg(reason.isEmpty() ? QString() : QStringLiteral(", ") + reason));
                updateStatus();
                updateActions();
            });
    connect(m_client, &AdminClient::connectionStats, this, [this](const QJsonArray &stats) {
        m_connections->applyStats(stats, admin::statsIntervalMs);
    });
    connect(m_client, &AdminClient::counters, this,
            [this](const Counters &totals, const Counters &perSecond) {
                m_counters->setCounters(totals, perSecond);
                m_deliveriesView->chart()->addSample(perSecond);
            });
    connect(m_client, &AdminClient::delivery, m_trace, &TraceModel::addDelivery);
    connect(m_client, &AdminClient::deliveryDropped, this,
            [this](const QString &node, qint64 dropped) {
                m_trace->addDropped(dropped);
                m_logView->appendLine(tr("Node %1 dropped %n trace record(s) it could not send",
                                         nullptr, int(std::min<qint64>(dropped, INT_MAX)))
                                          .arg(node));
            });
    // The Rooms tab shows the other nodes' members from the Nodes tab's answers, which are
    // asked for while either tab is on screen.
    m_nodesView->watchConnections(m_roomsView);
    connect(m_roomsView, &RoomsView::shown, m_nodesView, &NodesView::refreshConnections);
    connect(m_nodesView->remoteModel(), &QAbstractItemModel::modelReset, this,
            &MainWindow::updateRemoteRooms);
    connect(m_nodesView->remoteModel(), &QAbstractItemModel::rowsRemoved, this,
            &MainWindow::updateRemoteRooms);
    connect(m_deliveriesView, &DeliveriesView::traceToggled, this, &MainWindow::setTrace);
    connect(m_connectionsView, &ConnectionsView::selectionChanged, this,
            &MainWindow::updateActions);
    connect(m_roomsView, &RoomsView::selectionChanged, this, &MainWindow::updateActions);
    connect(m_userView, &UserView::selectionChanged, this, &MainWindow::updateActions);
    connect(m_nodesView, &NodesView::selectionChanged, this, &MainWindow::updateActions);
    connect(m_nodesView, &NodesView::userRequested, this, &MainWindow::showUser);
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::updateActions);
    connect(m_connectionsView, &ConnectionsView::userRequested, this, &MainWindow::showUser);
    connect(m_roomsView, &RoomsView::userRequested, this, &MainWindow::showUser);
    connect(m_notificationsView, &NotificationsView::userRequested, this, &MainWindow::showUser);
    connect(m_deliveriesView, &DeliveriesView::userRequested, this, &MainWindow::showUser);
    connect(m_userView, &UserView::sendTestRequested, this,
            [this](const QString &org, const QString &user) {
                m_tabs->setCurrentWidget(m_sendTestView);
                m_sendTestView->prefillUser(org, user);
            });
    connect(m_userView, &UserView::resendRequested, m_sendTestView, &SendTestView::resend);
    connect(m_sendTestView, &SendTestView::sent, this, [this](const HistoryEntry &e) {
        // The user view's inbox shows what was just stored.
        if (e.error.isEmpty() && m_tabs->currentWidget() == m_userView)
            m_userView->reload();
    });

    // The reconnect countdown in the status bar.
    m_statusTimer.setInterval(500);
    connect(&m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);
    m_statusTimer.start();

    resize(1200, 800);
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_tabs->setCurrentIndex(settings.value(QStringLiteral("window/tab"), 0).toInt());
    // The trace records from the connection on (docs/operations.md, "Console"): "why didn't
    // X get it" is asked after the fact. An operator may turn it off for a busy node.
    setTrace(settings.value(QStringLiteral("trace/record"), true).toBool());
    updateStatus();
    updateActions();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    auto icon = [](const char *name) {
        return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
    };
    m_connectAction = new QAction(icon("connect"), tr("&Connect…"), this);
    m_connectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    m_connectAction->setStatusTip(tr("Connect to a notifyd server's admin channel"));
    connect(m_connectAction, &QAction::triggered, this, &MainWindow::showConnectDialog);

    m_disconnectAction = new QAction(icon("disconnect"), tr("&Disconnect"), this);
    m_disconnectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    connect(m_disconnectAction, &QAction::triggered, m_client, &AdminClient::disconnectFromServer);

    m_refreshAction = new QAction(icon("refresh"), tr("&Refresh snapshot"), this);
    m_refreshAction->setShortcut(QKeySequence::Refresh);
    m_refreshAction->setStatusTip(tr("Ask the node for a fresh snapshot"));
    connect(m_refreshAction, &QAction::triggered, this, &MainWindow::refreshSnapshot);

    m_sendAction = new QAction(icon("send"), tr("Send &test…"), this);
    m_sendAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    connect(m_sendAction, &QAction::triggered, this, &MainWindow::showSendTest);

    m_kickAction = new QAction(icon("kick"), tr("&Kick connection…"), this);
    m_kickAction->setObjectName(QStringLiteral("kickAction"));
    m_kickAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    m_kickAction->setStatusTip(tr("Close the client connection selected in the tab on screen"));
    connect(m_kickAction, &QAction::triggered, this, &MainWindow::kickSelected);

    m_traceAction = new QAction(icon("trace"), tr("&Trace deliveries"), this);
    m_traceAction->setCheckable(true);
    m_traceAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    connect(m_traceAction, &QAction::toggled, this, &MainWindow::setTrace);

    auto *settingsAction = new QAction(icon("settings"), tr("&Settings…"), this);
    settingsAction->setShortcut(QKeySequence::Preferences);
    connect(settingsAction, &QAction::triggered, this, &MainWindow::showSettings);

    auto *quitAction = new QAction(tr("&Quit"), this);
    quitAction->setShortcut(QKeySequence::Quit);
    connect(quitAction, &QAction::triggered, this, &QWidget::close);

    auto *aboutAction = new QAction(tr("&About"), this);
    connect(aboutAction, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About Notify Console"),
                           tr("<b>Notify Console</b> %1<br>The operator console of notifyd: "
                              "live connections, rooms, delivery counters and test "
                              "notifications.")
                               .arg(QStringLiteral(NOTIFY_VERSION)));
    });

    QMenu *file = menuBar()->addMenu(tr("&Server"));
    file->addAction(m_connectAction);
    file->addAction(m_disconnectAction);
    file->addAction(m_refreshAction);
    file->addSeparator();
    file->addAction(quitAction);
    QMenu *actions = menuBar()->addMenu(tr("&Actions"));
    actions->addAction(m_sendAction);
    actions->addAction(m_kickAction);
    actions->addAction(m_traceAction);
    QMenu *settings = menuBar()->addMenu(tr("S&ettings"));
    settings->addAction(settingsAction);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(aboutAction);

    QToolBar *bar = addToolBar(tr("Main"));
    m_toolBar = bar;
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_connectAction);
    bar->addAction(m_refreshAction);
    bar->addSeparator();
    bar->addAction(m_sendAction);
    bar->addAction(m_kickAction);
    bar->addAction(m_traceAction);
}

void MainWindow::connectTo(const QUrl &url, const QString &adminKey)
{
    // Another server, or the same one with another key (another operator, maybe refused):
    // no figure of the last connection stays on any tab.
    if (url != m_client->url() || adminKey != m_client->adminKey())
        clearLiveData();
    m_nodeId.clear();
    setWindowTitle(url.toDisplayString(QUrl::RemoveQuery));
    m_client->connectTo(url, adminKey);
}

void MainWindow::showConnectDialog()
{
    auto *dialog = new ConnectDialog(m_store, this, m_vault);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (m_client->url().isValid() && m_store && m_store->profiles().isEmpty())
        dialog->setValues(m_client->url().toString(), QString());
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { connectTo(dialog->url(), dialog->adminKey()); });
    dialog->open();
}

void MainWindow::onSnapshot(const QList<ConnectionInfo> &connections, const QJsonArray &rooms,
                            const Counters &counters)
{
    m_connections->setSnapshot(connections);
    m_rooms->setSnapshot(connections, rooms);
    m_counters->setTotals(counters);
    m_logView->appendLine(
        tr("Snapshot: %n connection(s)", nullptr, static_cast<int>(connections.size())));
    // Tracing is per admin connection on the server: ask again after a reconnect.
    if (m_traceAction->isChecked())
        setTrace(true);
    updateStatus();
    updateActions();
}

quint64 MainWindow::visibleSelectedConnection() const
{
    QWidget *current = m_tabs->currentWidget();
    if (current == m_connectionsView)
        return m_connectionsView->selectedConnectionId();
    if (current == m_roomsView)
        return m_roomsView->selectedConnectionId();
    if (current == m_userView)
        return m_userView->selectedConnectionId();
    return 0;
}

QString MainWindow::describeConnection(quint64 id) const
{
    const auto c = m_connections->connection(id);
    if (!c)
        return tr("#%1").arg(id);
    return tr("#%1, %2 @ %3 (%4, %5)")
        .arg(id)
        .arg(c->userId, c->orgId, protocolName(c->protocol),
             c->userAgent.isEmpty() ? c->remoteAddress : c->userAgent.left(60));
}

void MainWindow::kickSelected()
{
    if (m_client->state() != AdminClient::State::Connected)
        return;
    quint64 id = visibleSelectedConnection();
    QString nodeId;
    QString who;
    if (id == 0 && m_tabs->currentWidget() == m_nodesView
        && m_nodesView->selectedRemote(&nodeId, &id))
        who = m_nodesView->describeSelected();
    else if (id != 0 && m_tabs->currentWidget() == m_roomsView
             && !m_roomsView->selectedNodeId().isEmpty()) {
        // A member of another node's room: kicked there through this node.
        nodeId = m_roomsView->selectedNodeId();
        who = m_roomsView->describeSelected();
    } else if (id != 0)
        who = describeConnection(id);
    if (id == 0)
        return;
    if (!m_confirmKicks) {
        kick(id, nodeId, who);
        return;
    }
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Kick connection"),
                                tr("Close connection %1?").arg(who), QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("kickConfirm"));
    box->setInformativeText(tr("Only this connection is closed; the user's other tabs and "
                               "devices stay connected. The client may reconnect."));
    box->addButton(tr("&Kick"), QMessageBox::AcceptRole)->setObjectName(QStringLiteral("kickYes"));
    box->setDefaultButton(box->addButton(tr("Cancel"), QMessageBox::RejectRole));
    auto *dontAsk = new QCheckBox(tr("Don't ask again in this session"), box);
    dontAsk->setObjectName(QStringLiteral("kickDontAsk"));
    box->setCheckBox(dontAsk);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this,
            [this, box, dontAsk, id, nodeId, who](QAbstractButton *b) {
                if (box->buttonRole(b) != QMessageBox::AcceptRole)
                    return;
                if (dontAsk->isChecked())
                    m_confirmKicks = false;
                kick(id, nodeId, who);
            });
    box->open();
}

void MainWindow::kick(quint64 id, const QString &nodeId, const QString &who)
{
    if (m_client->state() != AdminClient::State::Connected)
        return;
    // The row goes when the connection closes; nothing may slide onto a neighbour with Kick
    // still enabled, so the selection goes now.
    clearVisibleSelection();
    // Another node's connection (nodeId): this node passes the kick on through the cluster bus.
    const admin::KickRequest request {id, QStringLiteral("kicked by operator"), nodeId};
    m_logView->appendLine(tr("Kicking connection %1").arg(who));
    m_client->call(request, this, [this, who, nodeId, id](const AdminAnswer<admin::OkReply> &r) {
        if (r.ok() && !nodeId.isEmpty())
            m_nodesView->forget(nodeId, id);
        if (r.ok())
            m_logView->appendLine(tr("Connection %1 kicked").arg(who));
        else
            m_logView->appendLine(tr("Kick of %1 failed: %2").arg(who, r.error().message));
        statusBar()->showMessage(r.ok() ? tr("Connection %1 kicked").arg(who)
                                        : tr("Kick failed: %1").arg(r.error().message),
                                 5000);
    });
    updateActions();
}

void MainWindow::updateRemoteRooms()
{
    const RemoteConnectionsModel *remote = m_nodesView->remoteModel();
    QList<RoomsModel::RemoteMember> members;
    members.reserve(remote->rowCount());
    for (int r = 0; r < remote->rowCount(); ++r) {
        const RemoteConnectionsModel::Row &row = remote->at(r);
        const ConnectionInfo &c = row.connection;
        members.append({row.nodeId, row.nodeName, c.id, c.userId, c.orgId, protocolName(c.protocol),
                        c.rooms, c.userAgent});
    }
    m_rooms->setRemote(members);
}

void MainWindow::clearVisibleSelection()
{
    m_connectionsView->clearSelection();
    m_roomsView->clearSelection();
    m_userView->clearSelection();
    m_nodesView->clearSelection();
}

void MainWindow::clearLiveData()
{
    m_connections->clear();
    m_rooms->clear();
    m_counters->clear();
    m_trace->clear();
    m_deliveriesView->chart()->clear();
    m_nodesView->clear();
    m_notificationsView->clearData();
    m_userView->clearData();
    m_nodeId.clear();
}

void MainWindow::showUser(const QString &orgId, const QString &userId)
{
    // A viewer's server refuses the user's story (forbidden): the view stays closed.
    if (!admin::role::allows(m_operatorRole, admin::msg::user)) {
        statusBar()->showMessage(
            tr("The User view needs the support role; you are %1").arg(m_operatorRole), 5000);
        return;
    }
    m_tabs->setCurrentWidget(m_userView);
    m_userView->showUser(orgId, userId);
}

void MainWindow::refreshSnapshot()
{
    if (m_client->state() == AdminClient::State::Connected) {
        m_client->requestSnapshot();
        m_nodesView->refresh();
        m_nodesView->refreshConnections();
    } else
        m_client->reconnectNow();
}

void MainWindow::showSendTest()
{
    if (!admin::role::allows(m_operatorRole, admin::msg::sendTest))
        return;
    m_tabs->setCurrentWidget(m_sendTestView);
    m_sendTestView->focusForm();
}

void MainWindow::setTrace(bool on)
{
    // Keep the menu action and the tab's check box in step without echoing back here.
    const QSignalBlocker b1(m_traceAction);
    const QSignalBlocker b2(m_deliveriesView->traceToggle());
    m_traceAction->setChecked(on);
    m_deliveriesView->traceToggle()->setChecked(on);
    QSettings().setValue(QStringLiteral("trace/record"), on);
    if (m_client->state() != AdminClient::State::Connected)
        return;
    m_client->call(
        admin::TraceRequest {on}, this, [this, on](const AdminAnswer<admin::TraceReply> &r) {
            m_logView->appendLine(r.ok() ? (on ? tr("Delivery trace on") : tr("Delivery trace off"))
                                         : tr("Trace request failed: %1").arg(r.error().message));
        });
}

void MainWindow::showSettings()
{
    auto *dialog = new SettingsDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // A new language applies at once to every window (i18n::applyLanguage).
    connect(dialog, &QDialog::accepted, this, [dialog] {
        if (dialog->languageChanged())
            i18n::applyLanguage(QCoreApplication::instance());
    });
    dialog->open();
}

void MainWindow::updateStatus()
{
    QString text;
    QString style;
    const QString where = m_client->url().toDisplayString(QUrl::RemoveQuery);
    switch (m_client->state()) {
    case AdminClient::State::Disconnected:
        text = tr("Not connected");
        break;
    case AdminClient::State::Connecting:
        text = tr("Connecting to %1…").arg(where);
        break;
    case AdminClient::State::Connected:
        text = m_nodeId.isEmpty() ? tr("Connected to %1").arg(where)
                                  : tr("Connected to %1 (node %2)").arg(where, m_nodeId);
        if (!m_operatorName.isEmpty())
            text += QStringLiteral(" — ")
                + tr("operator %1 (%2)").arg(m_operatorName, m_operatorRole);
        style = QStringLiteral("color: #2e7d32;");
        break;
    case AdminClient::State::Reconnecting:
        // The URL too: after a while the client retries once a minute and the log is quiet,
        // so the status bar is where one reads what it is trying to reach.
        text = tr("Reconnecting to %1 in %2 s — %3")
                   .arg(where)
                   .arg((m_client->reconnectRemainingMs() + 999) / 1000)
                   .arg(m_client->lastError());
        style = QStringLiteral("color: #ef6c00;");
        break;
    case AdminClient::State::Failed:
        text = tr("Error: %1").arg(m_client->lastError());
        style = QStringLiteral("color: #d32f2f; font-weight: bold;");
        break;
    }
    if (m_statusLabel->text() != text)
        m_statusLabel->setText(text);
    if (m_statusLabel->styleSheet() != style)
        m_statusLabel->setStyleSheet(style);
    m_countLabel->setText(tr("%n connection(s)", nullptr, m_connections->rowCount()));
}

void MainWindow::updateActions()
{
    const bool connected = m_client->state() == AdminClient::State::Connected;
    m_disconnectAction->setEnabled(m_client->state() != AdminClient::State::Disconnected);
    m_refreshAction->setEnabled(m_client->url().isValid());
    QString nodeId;
    quint64 remote = 0;
    const bool remoteSelected = m_tabs && m_tabs->currentWidget() == m_nodesView
        && m_nodesView->selectedRemote(&nodeId, &remote);
    m_kickAction->setEnabled(connected && admin::role::allows(m_operatorRole, admin::msg::kick)
                             && m_tabs && (visibleSelectedConnection() != 0 || remoteSelected));
}

void MainWindow::applyRole()
{
    // What the server would refuse (forbidden) is disabled here, so that nobody is offered it.
    const bool support = admin::role::allows(m_operatorRole, admin::msg::sendTest);
    m_sendAction->setEnabled(support);
    for (QWidget *view :
         {static_cast<QWidget *>(m_sendTestView), static_cast<QWidget *>(m_userView),
          static_cast<QWidget *>(m_notificationsView)}) {
        const int index = m_tabs->indexOf(view);
        if (index >= 0)
            m_tabs->setTabEnabled(index, support);
    }
    const bool admin = admin::role::allows(m_operatorRole, admin::msg::keysList);
    for (QWidget *view :
         {static_cast<QWidget *>(m_keysView), static_cast<QWidget *>(m_webhooksView),
          static_cast<QWidget *>(m_auditView)})
        m_tabs->setTabEnabled(m_tabs->indexOf(view), admin);
    updateActions();
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() != QEvent::LanguageChange)
        return;
    // Models are no widgets: nobody tells them. Their texts come from tr() when asked, so
    // views only need to ask again.
    const QList<QAbstractItemModel *> models = findChildren<QAbstractItemModel *>();
    for (QAbstractItemModel *model : models) {
        if (const int columns = model->columnCount(); columns > 0)
            emit model->headerDataChanged(Qt::Horizontal, 0, columns - 1);
        emit model->layoutAboutToBeChanged();
        emit model->layoutChanged();
    }
    m_userView->retranslate();
    updateStatus();
    fitToolBar();
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    fitToolBar();
}

void MainWindow::fitToolBar()
{
    if (!m_toolBar)
        return;
    // What the buttons need with their text, asked of the buttons themselves (the bar's own
    // size hint is that of its current style).
    int needed = 0;
    for (QAction *action : m_toolBar->actions()) {
        if (QWidget *w = m_toolBar->widgetForAction(action)) {
            if (auto *button = qobject_cast<QToolButton *>(w)) {
                const Qt::ToolButtonStyle was = button->toolButtonStyle();
                button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
                needed += button->sizeHint().width();
                button->setToolButtonStyle(was);
            } else {
                needed += w->sizeHint().width();
            }
            needed += m_toolBar->layout()->spacing();
        }
    }
    // The handle and the margins: what the bar adds around its buttons.
    needed += 2 * m_toolBar->layout()->contentsMargins().left() + 16;
    const Qt::ToolButtonStyle style
        = needed <= width() ? Qt::ToolButtonTextBesideIcon : Qt::ToolButtonIconOnly;
    if (m_toolBar->toolButtonStyle() != style)
        m_toolBar->setToolButtonStyle(style);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/tab"), m_tabs->currentIndex());
    m_client->disconnectFromServer();
    event->accept();
}

} // namespace notify::console
