#include "console/views/userview.h"

#include "console/adminclient/adminclient.h"
#include "console/models/connectionsmodel.h"
#include "console/models/historymodel.h"
#include "console/models/nodesmodel.h"
#include "console/models/notificationsmodel.h"
#include "console/views/supportpanel.h"
#include "console/views/tableexport.h"
#include "shared/adminapi/adminprotocol.h"
#include "shared/adminapi/inboxrequests.h"
#include "shared/codec/wirecodec.h"
#include "shared/model/validation.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFont>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace notify::console {

void UserConnectionsProxy::setUser(const QString &orgId, const QString &userId)
{
    m_org = orgId;
    m_user = userId;
    invalidateRowsFilter();
}

void UserConnectionsProxy::setRoles(int orgRole, int userRole)
{
    m_orgRole = orgRole;
    m_userRole = userRole;
    invalidateRowsFilter();
}

bool UserConnectionsProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_user.isEmpty())
        return false;
    const QModelIndex idx = sourceModel()->index(sourceRow, 0, sourceParent);
    return idx.data(m_orgRole ? m_orgRole : int(ConnectionsModel::OrgIdRole)).toString() == m_org
        && idx.data(m_userRole ? m_userRole : int(ConnectionsModel::UserIdRole)).toString()
        == m_user;
}

void UserHistoryProxy::setUser(const QString &orgId, const QString &userId)
{
    m_org = orgId;
    m_target = QStringLiteral("user:") + userId;
    invalidateRowsFilter();
}

bool UserHistoryProxy::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    const auto *model = qobject_cast<const HistoryModel *>(sourceModel());
    if (!model || m_org.isEmpty())
        return false;
    const HistoryEntry &e = model->at(sourceRow);
    return e.orgId == m_org && e.target == m_target;
}

namespace {

QTableView *makeTable(const QString &name, QAbstractItemModel *model, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setObjectName(name);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->setContextMenuPolicy(Qt::ActionsContextMenu);
    return table;
}

} // namespace

UserView::UserView(AdminClient *client, ConnectionsModel *connections, HistoryModel *history,
                   QAction *kickAction, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_source(connections)
    , m_history(history)
    , m_kickAction(kickAction)
    , m_org(new QLineEdit(this))
    , m_user(new QLineEdit(this))
    , m_show(new QPushButton(tr("Show"), this))
    , m_summary(new QLabel(this))
    , m_connections(new UserConnectionsProxy(this))
    , m_inbox(new NotificationsModel(this))
    , m_historyProxy(new UserHistoryProxy(this))
    , m_remote(new RemoteConnectionsModel(this))
    , m_remoteConnections(new UserConnectionsProxy(this))
{
    m_org->setObjectName(QStringLiteral("userOrg"));
    m_org->setPlaceholderText(tr("organization id, e.g. acme"));
    m_user->setObjectName(QStringLiteral("userId"));
    m_user->setPlaceholderText(tr("user id, e.g. alice"));
    m_show->setObjectName(QStringLiteral("userShow"));
    m_show->setDefault(true);
    m_summary->setObjectName(QStringLiteral("userSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_inboxAsOf = new QLabel(this);
    m_inboxAsOf->setObjectName(QStringLiteral("userInboxFreshness"));
    m_remoteAsOf = new QLabel(this);
    m_remoteAsOf->setObjectName(QStringLiteral("userRemoteFreshness"));
    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(150);
    connect(m_refreshTimer, &QTimer::timeout, this, &UserView::refresh);
    connect(m_client, &AdminClient::userChanged, this, &UserView::onUserChanged);
    // A new connection (a restart, another server) knows no watch: ask again and read anew.
    connect(m_client, &AdminClient::hello, this, [this] {
        if (!m_watchedUser.isEmpty()) {
            watch();
            refresh();
        }
    });
    connect(m_client, &AdminClient::stateChanged, this, [this](AdminClient::State state) {
        if (state != AdminClient::State::Connected && m_live) {
            m_live = false;
            updateFreshness();
        }
    });
    connect(m_show, &QPushButton::clicked, this, &UserView::reload);
    connect(m_org, &QLineEdit::returnPressed, this, &UserView::reload);
    connect(m_user, &QLineEdit::returnPressed, this, &UserView::reload);

    m_connections->setSourceModel(connections);
    m_connections->setSortRole(ConnectionsModel::SortRole);
    m_historyProxy->setSourceModel(history);
    m_connectionsTable = makeTable(QStringLiteral("userConnections"), m_connections, this);
    m_inboxTable = makeTable(QStringLiteral("userInbox"), m_inbox, this);
    m_historyTable = makeTable(QStringLiteral("userHistory"), m_historyProxy, this);
    // Its last column holds ids: sized to them (and its title), scrolled, never cut.
    m_historyTable->horizontalHeader()->setStretchLastSection(false);
    m_remoteConnections->setSourceModel(m_remote);
    m_remoteConnections->setRoles(RemoteConnectionsModel::OrgIdRole,
                                  RemoteConnectionsModel::UserIdRole);
    m_remoteTable = makeTable(QStringLiteral("userRemoteConnections"), m_remoteConnections, this);
    for (int c : {int(RemoteConnectionsModel::User), int(RemoteConnectionsModel::Org)})
        m_remoteTable->hideColumn(c);
    installCopyExport(m_remoteTable, QStringLiteral("user-remote-connections"));
    m_connectionsTable->setSortingEnabled(true);
    for (int c : {int(ConnectionsModel::User), int(ConnectionsModel::Org)})
        m_connectionsTable->hideColumn(c);

    // The connection table's menu: details, kick, then copy/export like every table.
    auto *details = new QAction(tr("Connection &details…"), this);
    details->setObjectName(QStringLiteral("userConnectionDetails"));
    connect(details, &QAction::triggered, this, &UserView::showConnectionDetails);
    connect(m_connectionsTable, &QTableView::doubleClicked, details, &QAction::trigger);
    m_connectionsTable->addAction(details);
    m_connectionsTable->addAction(kickAction);
    installCopyExport(m_connectionsTable, QStringLiteral("user-connections"));
    installCopyExport(m_inboxTable, QStringLiteral("user-inbox"));
    auto *resend = new QAction(tr("&Resend"), this);
    resend->setObjectName(QStringLiteral("userResend"));
    connect(resend, &QAction::triggered, this, [this] {
        const QModelIndex idx = m_historyTable->currentIndex();
        if (idx.isValid())
            emit resendRequested(m_history->at(m_historyProxy->mapToSource(idx).row()));
    });
    m_historyTable->addAction(resend);
    installCopyExport(m_historyTable, QStringLiteral("user-history"));
    connect(m_connectionsTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &UserView::selectionChanged);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_connections, signal, this, &UserView::updateSummary);
    connect(m_connections, &QAbstractItemModel::modelReset, this, &UserView::updateSummary);

    auto *sendTest = new QPushButton(tr("Send &test…"), this);
    sendTest->setObjectName(QStringLiteral("userSendTest"));
    connect(sendTest, &QPushButton::clicked, this,
            [this] { emit sendTestRequested(m_org->text().trimmed(), m_user->text().trimmed()); });
    auto *resendButton = new QPushButton(tr("&Resend selected"), this);
    connect(resendButton, &QPushButton::clicked, resend, &QAction::trigger);
    auto *copyIds = new QPushButton(tr("&Copy ids"), this);
    copyIds->setObjectName(QStringLiteral("userCopyIds"));
    copyIds->setToolTip(tr("Copy the organization, user and connection ids"));
    connect(copyIds, &QPushButton::clicked, this, [this] {
        QStringList ids {tr("org: %1").arg(m_org->text().trimmed()),
                         tr("user: %1").arg(m_user->text().trimmed())};
        for (int r = 0; r < m_connections->rowCount(); ++r)
            ids.append(tr("connection: %1")
                           .arg(m_connections->index(r, 0)
                                    .data(ConnectionsModel::ConnectionIdRole)
                                    .toULongLong()));
        QApplication::clipboard()->setText(ids.join(QLatin1Char('\n')));
    });

    auto *search = new QHBoxLayout;
    search->addWidget(new QLabel(tr("Organization:"), this));
    search->addWidget(m_org, 1);
    search->addWidget(new QLabel(tr("User:"), this));
    search->addWidget(m_user, 1);
    search->addWidget(m_show);
    search->addWidget(sendTest);
    search->addWidget(copyIds);

    // Panes with a heading rather than group boxes: at the minimum size (800×560) a group
    // box's frame and margins left one table row per pane.
    // A pane whose table is not live says beside its heading as of when it is.
    auto box = [this](const QString &title, QWidget *content, QWidget *extra = nullptr,
                      QLabel *freshness = nullptr) {
        auto *pane = new QWidget(this);
        auto *l = new QVBoxLayout(pane);
        l->setContentsMargins(0, 4, 0, 0);
        l->setSpacing(2);
        auto *heading = new QLabel(title, pane);
        QFont bold = heading->font();
        bold.setBold(true);
        heading->setFont(bold);
        if (freshness) {
            auto *row = new QHBoxLayout;
            row->addWidget(heading);
            row->addWidget(freshness, 1);
            l->addLayout(row);
        } else {
            l->addWidget(heading);
        }
        l->addWidget(content, 1);
        if (extra)
            l->addWidget(extra, 0, Qt::AlignLeft);
        return pane;
    };
    // The tests sent and the live connections side by side, the inbox below them with most
    // of the height: it is what support reads.
    auto *top = new QSplitter(Qt::Horizontal, this);
    top->setChildrenCollapsible(false);
    auto *connectionsColumn = new QSplitter(Qt::Vertical, top);
    connectionsColumn->setChildrenCollapsible(false);
    connectionsColumn->addWidget(box(tr("Live connections"), m_connectionsTable));
    // Kick for these is on the Nodes tab, which knows each row's node.
    m_remoteBox = box(tr("Connections on other nodes"), m_remoteTable, nullptr, m_remoteAsOf);
    m_remoteBox->setObjectName(QStringLiteral("userRemoteBox"));
    m_remoteBox->hide();
    connectionsColumn->addWidget(m_remoteBox);
    top->addWidget(connectionsColumn);
    top->addWidget(
        box(tr("Test notifications sent from this console"), m_historyTable, resendButton));
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 2);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->setChildrenCollapsible(false);
    split->addWidget(top);
    split->addWidget(box(tr("Inbox (newest first; deleted notifications struck through)"),
                         m_inboxTable, nullptr, m_inboxAsOf));
    split->addWidget(new SupportPanel(client, this, this));
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(search);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);
    updateSummary();
    updateFreshness();
}

quint64 UserView::selectedConnectionId() const
{
    const QModelIndexList rows = m_connectionsTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? 0 : rows.first().data(ConnectionsModel::ConnectionIdRole).toULongLong();
}

void UserView::clearSelection()
{
    m_connectionsTable->selectionModel()->clear();
    emit selectionChanged();
}

void UserView::showUser(const QString &orgId, const QString &userId)
{
    m_org->setText(orgId);
    m_user->setText(userId);
    reload();
}

void UserView::reload()
{
    const QString org = m_org->text().trimmed();
    const QString user = m_user->text().trimmed();
    m_loaded = false;
    m_unread = -1;
    m_error.clear();
    m_inbox->clear();
    m_inboxAt = {};
    if (validateId(QStringLiteral("orgId"), org) || validateId(QStringLiteral("userId"), user)) {
        m_connections->setUser({}, {});
        m_remoteConnections->setUser({}, {});
        m_historyProxy->setUser({}, {});
        m_error = tr("Enter an organization id and a user id.");
        m_watchedOrg.clear();
        m_watchedUser.clear();
        watch();
        updateSummary();
        updateFreshness();
        return;
    }
    m_connections->setUser(org, user);
    m_remoteConnections->setUser(org, user);
    m_historyProxy->setUser(org, user);
    updateSummary();
    emit userShown(org, user);
    // The other nodes' connections as of now (a cluster); a single node answers with none.
    m_remoteLoaded = false;
    m_watchedOrg = org;
    m_watchedUser = user;
    watch();
    m_client->request(admin::msg::clusterConnections, {}, this, [this](const AdminResult &r) {
        m_remoteLoaded = true;
        if (!r.ok)
            return;
        m_remote->setReply(r.data);
        m_remoteAt = QDateTime::currentDateTime();
        updateFreshness();
        m_clusterAnswered = !r.data.value(QStringLiteral("nodes")).toArray().isEmpty();
        m_remoteBox->setVisible(m_clusterAnswered);
        updateSummary();
    });
    requestUser(true);
}

void UserView::refresh()
{
    if (m_watchedUser.isEmpty())
        return;
    requestUser(false);
}

void UserView::requestUser(bool clearFirst)
{
    const QString org = m_watchedOrg;
    const QString user = m_watchedUser;
    admin::UserRequest story;
    story.recipient = {org, user};
    story.limit = NotificationsModel::pageSize;
    // Support asks "where did it go": a deleted one is shown, marked.
    story.deleted = true;
    m_client->call(story, this,
                   [this, org, user, clearFirst](const AdminAnswer<admin::UserReply> &r) {
                       // An answer for a user no longer shown is dropped.
                       if (org != m_watchedOrg || user != m_watchedUser)
                           return;
                       m_loaded = true;
                       if (!r.ok()) {
                           // A refresh that failed keeps what is shown, now "as of" its time.
                           if (clearFirst)
                               m_error = tr("Could not read the inbox: %1").arg(r.error().message);
                       } else {
                           m_error.clear();
                           m_unread = r->unreadCount;
                           m_inbox->setPage(r->page.notifications);
                           m_inboxAt = QDateTime::currentDateTime();
                       }
                       updateSummary();
                       updateFreshness();
                   });
}

void UserView::watch()
{
    // One watch per console: this user's replaces the last one; none stops it.
    admin::WatchUserRequest watching;
    if (!m_watchedUser.isEmpty())
        watching.user = Recipient {m_watchedOrg, m_watchedUser};
    const QString org = m_watchedOrg;
    const QString user = m_watchedUser;
    m_live = false;
    m_client->call(watching, this, [this, org, user](const AdminAnswer<admin::WatchUserReply> &r) {
        if (org != m_watchedOrg || user != m_watchedUser)
            return;
        // A server without watch_user leaves the view "as of" its last read.
        m_live = r.ok() && !user.isEmpty() && m_client->state() == AdminClient::State::Connected;
        updateFreshness();
    });
}

void UserView::onUserChanged(const QJsonObject &change)
{
    if (change.value(QStringLiteral("orgId")).toString() != m_watchedOrg
        || change.value(QStringLiteral("userId")).toString() != m_watchedUser)
        return;
    // The count moves at once; the inbox (new rows, read and receipt times, pushes) is
    // read again after the burst.
    const QJsonValue unread = change.value(QStringLiteral("unreadCount"));
    if (unread.isDouble()) {
        m_unread = unread.toInteger();
        updateSummary();
    }
    m_refreshTimer->start();
}

void UserView::clearData()
{
    m_refreshTimer->stop();
    m_inbox->clear();
    m_remote->setReply({});
    m_remoteBox->hide();
    m_clusterAnswered = false;
    m_unread = -1;
    m_loaded = false;
    m_live = false;
    m_error.clear();
    m_inboxAt = {};
    m_remoteAt = {};
    updateSummary();
    updateFreshness();
}

void UserView::updateFreshness()
{
    const auto asOf = [](const QDateTime &t) {
        return t.isValid() ? tr("as of %1").arg(QLocale().toString(t, QStringLiteral("HH:mm:ss")))
                           : QString();
    };
    m_inboxAsOf->setText(m_live ? tr("live") : asOf(m_inboxAt));
    m_remoteAsOf->setText(asOf(m_remoteAt));
}

void UserView::updateSummary()
{
    QString text;
    if (!m_error.isEmpty()) {
        text = m_error;
    } else if (!m_user->text().trimmed().isEmpty()) {
        text = tr("%1 @ %2: %n live connection(s) on this node", nullptr, m_connections->rowCount())
                   .arg(m_user->text().trimmed(), m_org->text().trimmed());
        if (m_clusterAnswered)
            text += QStringLiteral("; ")
                + tr("%n on other nodes", nullptr, m_remoteConnections->rowCount());
        if (m_unread >= 0)
            text += QStringLiteral("; ")
                + tr("%n unread notification(s)", nullptr, static_cast<int>(m_unread));
        else if (!m_loaded)
            text += QStringLiteral("; ") + tr("reading the inbox…");
    }
    m_summary->setText(text);
}

void UserView::showConnectionDetails()
{
    const quint64 id = selectedConnectionId();
    const auto c = m_source->connection(id);
    if (!c)
        return;
    const auto time = [](const QDateTime &t) {
        return t.isValid()
            ? QLocale().toString(t.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"))
            : tr("never");
    };
    const QString text = tr("Connection #%1\nUser: %2 @ %3\nRole: %4\nProtocol: %5\nAddress: %6\n"
                            "User agent: %7\nOrigin: %8\nConnected: %9\nLast pong: %10\nRTT: %11\n"
                            "Frames in/out: %12 / %13\nBytes out: %14\nRooms: %15")
                             .arg(c->id)
                             .arg(c->userId, c->orgId, c->role.isEmpty() ? tr("(none)") : c->role,
                                  protocolName(c->protocol), c->remoteAddress, c->userAgent,
                                  c->origin, time(c->connectedAt), time(c->lastPongAt))
                             .arg(c->rttMs < 0 ? tr("n/a") : tr("%1 ms").arg(c->rttMs))
                             .arg(c->framesIn)
                             .arg(c->framesOut)
                             .arg(c->bytesOut)
                             .arg(c->rooms.join(QStringLiteral(", ")));
    auto *box = new QMessageBox(QMessageBox::Information, tr("Connection #%1").arg(c->id), text,
                                QMessageBox::Close, this);
    box->setObjectName(QStringLiteral("connectionDetails"));
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace notify::console
