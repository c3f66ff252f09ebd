#include "console/views/webhooksview.h"

#include "console/adminclient/adminclient.h"
#include "console/views/jsontable.h"
#include "console/views/secretdialog.h"
#include "shared/adminapi/adminprotocol.h"
#include "shared/codec/timestamp.h"

#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace notify::console {

namespace {

// The events of shared/store/webhooks.cpp (eventNames()).
const QStringList eventNames {QStringLiteral("delivered"), QStringLiteral("read"),
                              QStringLiteral("deleted")};

// The column that says the state, coloured by it.
constexpr int stateColumn = 2;

QString localTime(const QJsonValue &value)
{
    const auto at = parseTimestamp(value.toString());
    return at ? QLocale().toString(at->toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"))
              : QString();
}

} // namespace

WebhooksView::WebhooksView(AdminClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_model(new QStandardItemModel(this))
    , m_orgFilter(new QLineEdit(this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("webhooksView"));
    m_table
        = makeJsonTable(QStringLiteral("webhooksTable"), m_model, QStringLiteral("webhooks"), this);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_status->setObjectName(QStringLiteral("webhooksStatus"));
    m_status->setWordWrap(true);
    m_orgFilter->setObjectName(QStringLiteral("webhooksOrg"));
    m_orgFilter->setPlaceholderText(tr("all organizations"));
    m_orgFilter->setClearButtonEnabled(true);
    connect(m_orgFilter, &QLineEdit::textChanged, this, &WebhooksView::showRows);

    auto *reloadButton = new QPushButton(tr("Reload"), this);
    reloadButton->setObjectName(QStringLiteral("webhooksReload"));
    connect(reloadButton, &QPushButton::clicked, this, &WebhooksView::reload);
    auto *add = new QPushButton(tr("Add endpoint…"), this);
    add->setObjectName(QStringLiteral("webhooksAdd"));
    connect(add, &QPushButton::clicked, this, &WebhooksView::showAddDialog);
    auto *remove = new QPushButton(tr("Remove…"), this);
    remove->setObjectName(QStringLiteral("webhooksRemove"));
    connect(remove, &QPushButton::clicked, this, &WebhooksView::removeSelected);
    auto *enable = new QPushButton(tr("Enable again…"), this);
    enable->setObjectName(QStringLiteral("webhooksEnable"));
    connect(enable, &QPushButton::clicked, this, &WebhooksView::enableSelected);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(new QLabel(tr("Organization:"), this));
    buttons->addWidget(m_orgFilter, 1);
    buttons->addWidget(reloadButton);
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addWidget(enable);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);
}

void WebhooksView::setConfirm(std::function<bool(const QString &)> confirm)
{
    m_confirm = std::move(confirm);
}

void WebhooksView::reload()
{
    m_loaded = false;
    m_client->request(admin::msg::webhooksList, {}, this, [this](const AdminResult &r) {
        m_loaded = true;
        if (!r.ok) {
            m_status->setText(tr("Could not read the webhook endpoints: %1").arg(r.errorMessage));
            return;
        }
        m_endpoints = r.data.value(QStringLiteral("endpoints")).toArray();
        showRows();
    });
}

void WebhooksView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() != QEvent::LanguageChange)
        return;
    m_status->clear();
    showRows();
}

QString WebhooksView::stateText(const QJsonObject &e) const
{
    const QString state = e.value(QStringLiteral("state")).toString();
    if (state == QLatin1String("disabled"))
        return tr("DISABLED since %1").arg(localTime(e.value(QStringLiteral("disabledAt"))));
    if (state == QLatin1String("failing"))
        return tr("failing since %1, next attempt %2")
            .arg(localTime(e.value(QStringLiteral("failingSince"))),
                 localTime(e.value(QStringLiteral("nextAttemptAt"))));
    return tr("active");
}

void WebhooksView::showRows()
{
    const QString org = m_orgFilter->text().trimmed();
    m_shown = {};
    QJsonArray rows;
    for (const QJsonValue &v : std::as_const(m_endpoints)) {
        QJsonObject e = v.toObject();
        if (!org.isEmpty() && e.value(QStringLiteral("orgId")).toString() != org)
            continue;
        m_shown.append(e);
        e.insert(QStringLiteral("stateText"), stateText(e));
        rows.append(e);
    }
    // Ordered by organization, as the server lists them.
    fillJsonTable(m_model, rows,
                  {{QStringLiteral("orgId"), tr("Organization"), false},
                   {QStringLiteral("url"), QStringLiteral("URL"), false},
                   {QStringLiteral("stateText"), tr("State"), false},
                   {QStringLiteral("pending"), tr("Waiting"), false},
                   {QStringLiteral("lastError"), tr("Last error"), false},
                   {QStringLiteral("events"), tr("Events"), false},
                   {QStringLiteral("dropped"), tr("Dropped"), false},
                   {QStringLiteral("createdAt"), tr("Created"), true},
                   {QStringLiteral("id"), QStringLiteral("Id"), false}});
    // A disabled endpoint receives nothing until someone enables it: it must stand out.
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QString state = m_shown.at(row).toObject().value(QStringLiteral("state")).toString();
        QStandardItem *item = m_model->item(row, stateColumn);
        if (state == QLatin1String("disabled")) {
            QFont bold = item->font();
            bold.setBold(true);
            item->setFont(bold);
            item->setForeground(QColor(0xc0, 0x1c, 0x28));
        } else if (state == QLatin1String("failing")) {
            item->setForeground(QColor(0xa0, 0x5a, 0x00));
        }
    }
}

void WebhooksView::showAddDialog()
{
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("webhookAddDialog"));
    dialog.setWindowTitle(tr("Add a webhook endpoint"));
    auto *org = new QLineEdit(m_orgFilter->text().trimmed(), &dialog);
    org->setPlaceholderText(tr("organization id, e.g. acme"));
    auto *url = new QLineEdit(&dialog);
    url->setPlaceholderText(tr("https://backend.example.com/notifyd-events"));
    auto *events = new QHBoxLayout;
    QList<QCheckBox *> boxes;
    for (const QString &event : eventNames) {
        auto *box = new QCheckBox(event, &dialog);
        box->setChecked(true);
        boxes.append(box);
        events->addWidget(box);
    }
    auto *form = new QFormLayout;
    form->addRow(tr("Organization:"), org);
    form->addRow(tr("URL:"), url);
    form->addRow(tr("Events:"), events);
    auto *note = new QLabel(tr("Each event is sent as a signed POST to this URL. Its signing "
                               "secret is shown once, after adding."),
                            &dialog);
    note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, &dialog);
    buttons->addButton(tr("Add endpoint"), QDialogButtonBox::AcceptRole);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QStringList chosen;
    for (QCheckBox *box : boxes) {
        if (box->isChecked())
            chosen.append(box->text());
    }
    addEndpoint(org->text().trimmed(), url->text().trimmed(), chosen);
}

void WebhooksView::addEndpoint(const QString &orgId, const QString &url, const QStringList &events)
{
    const QJsonObject data {{QStringLiteral("orgId"), orgId},
                            {QStringLiteral("url"), url},
                            {QStringLiteral("events"), QJsonArray::fromStringList(events)}};
    m_client->request(admin::msg::webhooksAdd, data, this, [this](const AdminResult &r) {
        if (!r.ok) {
            m_status->setText(tr("Not added: %1").arg(r.errorMessage));
            return;
        }
        showSecret(r.data.value(QStringLiteral("id")).toString(),
                   r.data.value(QStringLiteral("orgId")).toString(),
                   r.data.value(QStringLiteral("url")).toString(),
                   r.data.value(QStringLiteral("secret")).toString());
        reload();
    });
}

void WebhooksView::showSecret(const QString &id, const QString &orgId, const QString &url,
                              const QString &secret)
{
    // Shown once: the list never carries it, and this dialog is the only copy outside the
    // server's database.
    showSecretOnce(this,
                   {QStringLiteral("webhookSecretDialog"), QStringLiteral("webhookSecret"),
                    QStringLiteral("copySecret"), tr("Webhook endpoint %1").arg(id),
                    tr("The signing secret of %1 for organization %2. It is shown only now: "
                       "copy it to the receiver, which checks each call's X-Notifyd-Signature "
                       "with it.")
                        .arg(url, orgId),
                    tr("Copy")},
                   secret);
    m_status->setText(tr("Added the endpoint %1.").arg(id));
    emit secretShown(id);
}

QJsonObject WebhooksView::selected()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty() || rows.first().row() >= m_shown.size()) {
        m_status->setText(tr("Select an endpoint first."));
        return {};
    }
    return m_shown.at(rows.first().row()).toObject();
}

bool WebhooksView::confirm(const QString &title, const QString &question)
{
    return m_confirm
        ? m_confirm(question)
        : QMessageBox::question(this, title, question, QMessageBox::Yes | QMessageBox::Cancel,
                                QMessageBox::Cancel)
            == QMessageBox::Yes;
}

void WebhooksView::removeSelected()
{
    const QJsonObject e = selected();
    if (e.isEmpty())
        return;
    const QString id = e.value(QStringLiteral("id")).toString();
    const QString question
        = tr("Remove the webhook endpoint %1 of organization %2? The events waiting for it "
             "(%3) are dropped, and its back end gets no more events.")
              .arg(e.value(QStringLiteral("url")).toString(),
                   e.value(QStringLiteral("orgId")).toString())
              .arg(e.value(QStringLiteral("pending")).toInteger());
    if (!confirm(tr("Remove endpoint"), question))
        return;
    m_client->request(admin::msg::webhooksRemove, {{QStringLiteral("webhookId"), id}}, this,
                      [this, id](const AdminResult &r) {
                          m_status->setText(r.ok ? tr("Removed the endpoint %1.").arg(id)
                                                 : tr("Not removed: %1").arg(r.errorMessage));
                          reload();
                      });
}

void WebhooksView::enableSelected()
{
    const QJsonObject e = selected();
    if (e.isEmpty())
        return;
    const QString id = e.value(QStringLiteral("id")).toString();
    if (e.value(QStringLiteral("state")).toString() == QLatin1String("enabled")) {
        m_status->setText(tr("The endpoint %1 is active: there is nothing to enable.").arg(id));
        return;
    }
    const QString question
        = tr("Enable the webhook endpoint %1 of organization %2 again? Its backoff is cleared "
             "and the events it kept (%3) are sent now, each user's in order.")
              .arg(e.value(QStringLiteral("url")).toString(),
                   e.value(QStringLiteral("orgId")).toString())
              .arg(e.value(QStringLiteral("pending")).toInteger());
    if (!confirm(tr("Enable endpoint"), question))
        return;
    m_client->request(admin::msg::webhooksEnable, {{QStringLiteral("webhookId"), id}}, this,
                      [this, id](const AdminResult &r) {
                          m_status->setText(r.ok ? tr("Enabled the endpoint %1 again.").arg(id)
                                                 : tr("Not enabled: %1").arg(r.errorMessage));
                          reload();
                      });
}

} // namespace notify::console
