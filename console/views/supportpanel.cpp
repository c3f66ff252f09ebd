#include "console/views/supportpanel.h"

#include "console/adminclient/adminclient.h"
#include "console/models/notificationsmodel.h"
#include "console/views/jsontable.h"
#include "console/views/userview.h"
#include "shared/adminapi/adminprotocol.h"
#include "shared/adminapi/supportrequests.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace notify::console {

SupportPanel::SupportPanel(AdminClient *client, UserView *view, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_view(view)
    , m_find(new QLineEdit(this))
    , m_status(new QLabel(this))
    , m_refusals(new QStandardItemModel(this))
    , m_broadcasts(new QStandardItemModel(this))
{
    setObjectName(QStringLiteral("supportPanel"));
    // Several notifications are marked or deleted at once.
    m_view->inboxTable()->setSelectionMode(QAbstractItemView::ExtendedSelection);

    auto *revoke = new QPushButton(tr("Revoke sessions…"), this);
    revoke->setObjectName(QStringLiteral("supportRevokeSessions"));
    revoke->setToolTip(tr("Revoke every session of this user and close its connections"));
    connect(revoke, &QPushButton::clicked, this, &SupportPanel::revokeSessions);
    auto *markRead = new QPushButton(tr("Mark read…"), this);
    markRead->setObjectName(QStringLiteral("supportMarkRead"));
    markRead->setToolTip(tr("Mark the notifications selected in the inbox read for this user"));
    connect(markRead, &QPushButton::clicked, this, &SupportPanel::markSelectedRead);
    auto *remove = new QPushButton(tr("Delete…"), this);
    remove->setObjectName(QStringLiteral("supportDelete"));
    remove->setToolTip(tr("Delete the notifications selected in the inbox for this user"));
    connect(remove, &QPushButton::clicked, this, &SupportPanel::deleteSelected);

    m_find->setObjectName(QStringLiteral("supportFind"));
    m_find->setPlaceholderText(tr("notification id or idempotency key"));
    m_find->setToolTip(tr("An idempotency key is looked up in the organization above"));
    auto *findButton = new QPushButton(tr("Find"), this);
    findButton->setObjectName(QStringLiteral("supportFindButton"));
    connect(findButton, &QPushButton::clicked, this, &SupportPanel::find);
    connect(m_find, &QLineEdit::returnPressed, this, &SupportPanel::find);
    auto *refreshButton = new QPushButton(tr("Refresh"), this);
    refreshButton->setObjectName(QStringLiteral("supportRefresh"));
    connect(refreshButton, &QPushButton::clicked, this, &SupportPanel::refresh);

    m_status->setObjectName(QStringLiteral("supportStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_refusalsTable = makeJsonTable(QStringLiteral("supportRefusals"), m_refusals,
                                    QStringLiteral("refused-connections"), this);
    m_broadcastsTable = makeJsonTable(QStringLiteral("supportBroadcasts"), m_broadcasts,
                                      QStringLiteral("broadcasts"), this);
    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("supportTabs"));
    tabs->setDocumentMode(true);
    tabs->addTab(m_refusalsTable, tr("Refused connections"));
    tabs->addTab(m_broadcastsTable, tr("Broadcasts"));
    // At the window's minimum size the inbox above keeps its rows: the tables here give way
    // to a few rows of their own (docs/operations.md, the console's minimum size).
    for (QTableView *table : {m_refusalsTable, m_broadcastsTable})
        table->setMinimumHeight(3 * table->fontMetrics().height());
    tabs->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Ignored);
    m_status->hide();

    auto *actions = new QHBoxLayout;
    actions->addWidget(revoke);
    actions->addWidget(markRead);
    actions->addWidget(remove);
    actions->addSpacing(12);
    actions->addWidget(m_find, 1);
    actions->addWidget(findButton);
    actions->addWidget(refreshButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addLayout(actions);
    layout->addWidget(m_status);
    layout->addWidget(tabs, 1);
    connect(m_view, &UserView::userShown, this, &SupportPanel::refresh);
}

void SupportPanel::setConfirm(std::function<bool(const QString &)> confirm)
{
    m_confirm = std::move(confirm);
}

bool SupportPanel::confirm(const QString &question)
{
    if (m_confirm)
        return m_confirm(question);
    return QMessageBox::question(this, tr("Support action"), question,
                                 QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
        == QMessageBox::Yes;
}

QString SupportPanel::org() const
{
    return m_view->orgEdit()->text().trimmed();
}

QString SupportPanel::user() const
{
    return m_view->userEdit()->text().trimmed();
}

void SupportPanel::setStatus(const QString &text)
{
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
}

QStringList SupportPanel::selectedIds() const
{
    QStringList ids;
    for (const QModelIndex &row : m_view->inboxTable()->selectionModel()->selectedRows())
        ids.append(row.data(NotificationsModel::NotificationIdRole).toString());
    ids.removeAll(QString());
    return ids;
}

void SupportPanel::revokeSessions()
{
    const QString o = org();
    const QString u = user();
    if (o.isEmpty() || u.isEmpty())
        return setStatus(tr("Show a user first."));
    if (!confirm(tr("Revoke every session of %1 @ %2? Their session connections are closed and "
                    "their session tokens stop working; the action is in the audit log.")
                     .arg(u, o)))
        return;
    m_client->call(admin::RevokeSessionsRequest {{o, u}}, this,
                   [this, o, u](const AdminAnswer<admin::RevokeSessionsReply> &r) {
                       if (!r.ok())
                           return setStatus(tr("Not revoked: %1").arg(r.error().message));
                       setStatus(
                           tr("%n session(s) of %1 @ %2 revoked.", nullptr, r->revoked).arg(u, o));
                   });
}

void SupportPanel::markSelectedRead()
{
    changeSelected(false);
}

void SupportPanel::deleteSelected()
{
    changeSelected(true);
}

void SupportPanel::changeSelected(bool remove)
{
    const QString o = org();
    const QString u = user();
    const QStringList ids = selectedIds();
    if (o.isEmpty() || u.isEmpty() || ids.isEmpty())
        return setStatus(tr("Select notifications of the user's inbox first."));
    const QString question = remove
        ? tr("Delete %n notification(s) for %1 @ %2? Every open tab of the user removes them; "
             "the action is in the audit log.",
             nullptr, int(ids.size()))
              .arg(u, o)
        : tr("Mark %n notification(s) read for %1 @ %2? Every open tab of the user updates; "
             "the action is in the audit log.",
             nullptr, int(ids.size()))
              .arg(u, o);
    if (!confirm(question))
        return;
    const admin::UserNotificationIds change {{o, u}, ids};
    const auto failed = [this](const AdminError &e) {
        setStatus(tr("Not changed: %1").arg(e.message));
    };
    if (remove) {
        m_client->call(admin::DeleteNotificationsRequest {change}, this,
                       [this, failed](const AdminAnswer<admin::DeleteNotificationsReply> &r) {
                           if (!r.ok())
                               return failed(r.error());
                           setStatus(tr("%n notification(s) deleted.", nullptr, r->deleted));
                           m_view->reload();
                       });
    } else {
        m_client->call(admin::MarkReadRequest {change}, this,
                       [this, failed](const AdminAnswer<admin::MarkReadReply> &r) {
                           if (!r.ok())
                               return failed(r.error());
                           setStatus(tr("%n notification(s) marked read.", nullptr, r->updated));
                           m_view->reload();
                       });
    }
}

void SupportPanel::find()
{
    const QString text = m_find->text().trimmed();
    if (text.isEmpty())
        return;
    const QString o = org();
    setStatus(tr("Looking for %1…").arg(text));
    // An id first; what is no id is tried as an idempotency key of the organization shown.
    using Found = AdminAnswer<admin::FoundNotifications>;
    m_client->call(admin::FindNotificationRequest {text.left(64), {}, {}}, this,
                   [this, text, o](const Found &r) {
                       const QJsonArray found = r.ok() ? r->notifications : QJsonArray();
                       if (!found.isEmpty() || o.isEmpty())
                           return showFound(found, text);
                       m_client->call(admin::FindNotificationRequest {{}, o, text}, this,
                                      [this, text](const Found &byKey) {
                                          if (!byKey.ok())
                                              return setStatus(
                                                  tr("Not found: %1").arg(byKey.error().message));
                                          showFound(byKey->notifications, text);
                                      });
                   });
}

void SupportPanel::showFound(const QJsonArray &found, const QString &what)
{
    if (found.isEmpty())
        return setStatus(tr("No notification has the id or idempotency key %1.").arg(what));
    const QJsonObject first = found.first().toObject();
    const QString o = first.value(QStringLiteral("orgId")).toString();
    const QString u = first.value(QStringLiteral("userId")).toString();
    QStringList others;
    for (qsizetype i = 1; i < found.size(); ++i)
        others.append(found.at(i).toObject().value(QStringLiteral("userId")).toString());
    QString text = tr("%1 is “%2” of %3 @ %4.")
                       .arg(first.value(QStringLiteral("id")).toString(),
                            first.value(QStringLiteral("title")).toString(), u, o);
    if (!others.isEmpty())
        text += QLatin1Char(' ')
            + tr("The same key was also sent to: %1").arg(others.join(QStringLiteral(", ")));
    m_view->showUser(o, u);
    setStatus(text);
}

void SupportPanel::refresh()
{
    const QString o = org();
    const QString u = user();
    if (o.isEmpty() || u.isEmpty())
        return;
    m_client->request(admin::msg::refusedConnections,
                      {{QStringLiteral("orgId"), o}, {QStringLiteral("userId"), u}}, this,
                      [this](const AdminResult &r) {
                          m_refusalRows = r.data.value(QStringLiteral("refusals")).toArray();
                          showRefusals();
                      });
    admin::BroadcastHistoryRequest broadcasts;
    broadcasts.orgId = o;
    m_client->call(broadcasts, this, [this](const AdminAnswer<admin::BroadcastHistoryReply> &r) {
        m_broadcastRows = r.ok() ? r->broadcasts : QJsonArray();
        showBroadcasts();
    });
}

void SupportPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() != QEvent::LanguageChange)
        return;
    setStatus({});
    showRefusals();
    showBroadcasts();
}

void SupportPanel::showRefusals()
{
    fillJsonTable(m_refusals, m_refusalRows,
                  {{QStringLiteral("at"), tr("Time"), true},
                   {QStringLiteral("reason"), tr("Reason"), false},
                   {QStringLiteral("detail"), tr("Detail"), false},
                   {QStringLiteral("protocol"), tr("Protocol"), false},
                   {QStringLiteral("remoteAddress"), tr("Address"), false},
                   {QStringLiteral("origin"), tr("Origin"), false},
                   {QStringLiteral("userAgent"), tr("User agent"), false},
                   {QStringLiteral("nodeName"), tr("Node"), false}});
}

void SupportPanel::showBroadcasts()
{
    fillJsonTable(m_broadcasts, m_broadcastRows,
                  {{QStringLiteral("createdAt"), tr("Time"), true},
                   {QStringLiteral("orgId"), tr("Organization"), false},
                   {QStringLiteral("role"), tr("Role"), false},
                   {QStringLiteral("title"), tr("Title"), false},
                   {QStringLiteral("priority"), tr("Priority"), false},
                   {QStringLiteral("deliveredConnections"), tr("Reached"), false}});
}

} // namespace notify::console
