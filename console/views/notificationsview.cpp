#include "console/views/notificationsview.h"

#include "console/views/tableexport.h"

#include "console/adminclient/adminclient.h"
#include "console/models/notificationsmodel.h"
#include "shared/adminapi/inboxrequests.h"

#include <QAction>
#include <QCheckBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace notify::console {

NotificationsView::NotificationsView(AdminClient *client, NotificationsModel *model,
                                     QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_model(model)
    , m_org(new QLineEdit(this))
    , m_user(new QLineEdit(this))
    , m_load(new QPushButton(tr("Load"), this))
    , m_older(new QPushButton(tr("Older"), this))
    , m_status(new QLabel(this))
    , m_table(new QTableView(this))
    , m_unreadOnly(new QCheckBox(tr("&Unread only"), this))
{
    m_unreadOnly->setObjectName(QStringLiteral("inboxUnreadOnly"));
    connect(m_unreadOnly, &QCheckBox::toggled, this, [this] {
        if (m_load->isEnabled())
            load();
    });
    m_org->setObjectName(QStringLiteral("inboxOrg"));
    m_org->setPlaceholderText(tr("organization id"));
    m_user->setObjectName(QStringLiteral("inboxUser"));
    m_user->setPlaceholderText(tr("user id"));
    m_load->setObjectName(QStringLiteral("inboxLoad"));
    m_older->setObjectName(QStringLiteral("inboxOlder"));
    m_older->setToolTip(tr("Load the next page of older notifications"));
    m_table->setObjectName(QStringLiteral("inboxTable"));
    m_table->setModel(model);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_showUser = new QAction(tr("Show &user…"), m_table);
    m_showUser->setObjectName(QStringLiteral("inboxShowUser"));
    connect(m_showUser, &QAction::triggered, this, [this] {
        if (!m_shownOrg.isEmpty() && m_model->rowCount() > 0)
            emit userRequested(m_shownOrg, m_shownUser);
    });
    m_table->addAction(m_showUser);
    connect(m_table, &QTableView::doubleClicked, m_showUser, &QAction::trigger);
    installCopyExport(m_table, QStringLiteral("inbox"));

    connect(m_load, &QPushButton::clicked, this, &NotificationsView::load);
    connect(m_older, &QPushButton::clicked, this, &NotificationsView::loadOlder);
    connect(m_org, &QLineEdit::returnPressed, this, &NotificationsView::load);
    connect(m_user, &QLineEdit::returnPressed, this, &NotificationsView::load);
    connect(m_org, &QLineEdit::textChanged, this, &NotificationsView::updateButtons);
    connect(m_user, &QLineEdit::textChanged, this, &NotificationsView::updateButtons);
    connect(client, &AdminClient::stateChanged, this, &NotificationsView::updateButtons);
    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(150);
    connect(m_refreshTimer, &QTimer::timeout, this, [this] {
        if (!m_busy && !m_shownUser.isEmpty())
            request(0, m_shownOrg, m_shownUser);
    });
    connect(client, &AdminClient::userChanged, this, [this](const QJsonObject &change) {
        if (!m_shownUser.isEmpty() && change.value(QStringLiteral("orgId")).toString() == m_shownOrg
            && change.value(QStringLiteral("userId")).toString() == m_shownUser)
            m_refreshTimer->start();
    });

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Organization:"), this));
    bar->addWidget(m_org);
    bar->addWidget(new QLabel(tr("User:"), this));
    bar->addWidget(m_user);
    bar->addWidget(m_unreadOnly);
    bar->addWidget(m_load);
    bar->addWidget(m_older);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_table);
    layout->addWidget(m_status);
    updateButtons();
}

void NotificationsView::updateButtons()
{
    const bool ready = !m_busy && m_client->state() == AdminClient::State::Connected
        && !m_org->text().trimmed().isEmpty() && !m_user->text().trimmed().isEmpty();
    m_load->setEnabled(ready);
    m_older->setEnabled(ready && m_model->rowCount() > 0 && m_model->mayHaveMore());
}

void NotificationsView::load()
{
    request(0);
}

void NotificationsView::loadOlder()
{
    const qint64 before = m_model->oldestSeq();
    if (before > 1)
        request(before);
}

void NotificationsView::request(qint64 beforeSeq)
{
    request(beforeSeq, m_org->text().trimmed(), m_user->text().trimmed());
}

void NotificationsView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_busy && !m_shownUser.isEmpty() && m_client->state() == AdminClient::State::Connected)
        request(0, m_shownOrg, m_shownUser);
}

void NotificationsView::clearData()
{
    m_refreshTimer->stop();
    m_model->clear();
    m_shownOrg.clear();
    m_shownUser.clear();
    m_shownAt = {};
    m_showingPage = false;
    m_malformed = 0;
    m_status->clear();
    updateButtons();
}

void NotificationsView::request(qint64 beforeSeq, const QString &org, const QString &user)
{
    if (org.isEmpty() || user.isEmpty())
        return;
    admin::ListNotificationsRequest page;
    page.recipient = {org, user};
    page.limit = NotificationsModel::pageSize;
    if (beforeSeq > 0)
        page.beforeSeq = beforeSeq;
    page.unreadOnly = m_unreadOnly->isChecked();
    m_busy = true;
    updateButtons();
    m_showingPage = false;
    m_status->setText(tr("Loading…"));
    m_client->call(
        page, this,
        [this, beforeSeq, org, user](const AdminAnswer<admin::ListNotificationsReply> &r) {
            m_busy = false;
            if (!r.ok()) {
                m_showingPage = false;
                m_status->setText(tr("Could not load: %1").arg(r.error().message));
                updateButtons();
                return;
            }
            m_shownOrg = org;
            m_shownUser = user;
            const QJsonArray &list = r->page.notifications;
            m_malformed = beforeSeq > 0 ? m_model->appendOlder(list) : m_model->setPage(list);
            if (beforeSeq == 0)
                m_shownAt = QDateTime::currentDateTime();
            m_showingPage = true;
            updatePageStatus();
            updateButtons();
        });
}

void NotificationsView::updatePageStatus()
{
    QString text = tr("%n notification(s) shown", nullptr, m_model->rowCount());
    if (m_malformed > 0)
        text += QLatin1Char(' ') + tr("(%n malformed skipped)", nullptr, m_malformed);
    if (!m_model->mayHaveMore() && m_model->rowCount() > 0)
        text += QLatin1Char(' ') + tr("— no older ones");
    if (m_shownAt.isValid())
        text += QLatin1Char(' ')
            + tr("(as of %1)").arg(QLocale().toString(m_shownAt, QStringLiteral("HH:mm:ss")));
    m_status->setText(text);
}

void NotificationsView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // A count is no catalogue entry the retranslator can look up: build it again.
    if (event->type() == QEvent::LanguageChange && m_showingPage)
        updatePageStatus();
}

} // namespace notify::console
