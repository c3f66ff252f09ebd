#include "console/views/keysview.h"

#include "console/adminclient/adminclient.h"
#include "console/views/jsontable.h"
#include "console/views/secretdialog.h"
#include "shared/adminapi/adminprotocol.h"

#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace notify::console {

namespace {
// The scopes of shared/store/apikeys.cpp (scopeNames()).
const QStringList scopeNames {QStringLiteral("publish"), QStringLiteral("read"),
                              QStringLiteral("sessions"), QStringLiteral("broadcast")};
} // namespace

KeysView::KeysView(AdminClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_model(new QStandardItemModel(this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("keysView"));
    m_table = makeJsonTable(QStringLiteral("keysTable"), m_model, QStringLiteral("api-keys"), this);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_status->setObjectName(QStringLiteral("keysStatus"));
    m_status->setWordWrap(true);

    auto *reloadButton = new QPushButton(tr("Reload"), this);
    reloadButton->setObjectName(QStringLiteral("keysReload"));
    connect(reloadButton, &QPushButton::clicked, this, &KeysView::reload);
    auto *create = new QPushButton(tr("Create key…"), this);
    create->setObjectName(QStringLiteral("keysCreate"));
    connect(create, &QPushButton::clicked, this, &KeysView::showCreateDialog);
    auto *revoke = new QPushButton(tr("Revoke…"), this);
    revoke->setObjectName(QStringLiteral("keysRevoke"));
    connect(revoke, &QPushButton::clicked, this, &KeysView::revokeSelected);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(reloadButton);
    buttons->addWidget(create);
    buttons->addWidget(revoke);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);
}

void KeysView::setConfirm(std::function<bool(const QString &)> confirm)
{
    m_confirm = std::move(confirm);
}

void KeysView::reload()
{
    m_loaded = false;
    m_client->request(admin::msg::keysList, {}, this, [this](const AdminResult &r) {
        m_loaded = true;
        if (!r.ok) {
            m_status->setText(tr("Could not read the keys: %1").arg(r.errorMessage));
            return;
        }
        m_keys = r.data.value(QStringLiteral("keys")).toArray();
        showRows();
    });
}

void KeysView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() != QEvent::LanguageChange)
        return;
    m_status->clear();
    showRows();
}

void KeysView::showRows()
{
    QJsonArray rows;
    for (const QJsonValue &v : std::as_const(m_keys)) {
        QJsonObject key = v.toObject();
        key.insert(QStringLiteral("state"),
                   key.value(QStringLiteral("revokedAt")).isString() ? tr("revoked")
                                                                     : tr("active"));
        rows.append(key);
    }
    fillJsonTable(m_model, rows,
                  {{QStringLiteral("name"), tr("Name"), false},
                   {QStringLiteral("orgId"), tr("Organization"), false},
                   {QStringLiteral("scopes"), tr("Scopes"), false},
                   {QStringLiteral("requestRate"), tr("Requests"), false},
                   {QStringLiteral("deliveryRate"), tr("Deliveries"), false},
                   {QStringLiteral("createdAt"), tr("Created"), true},
                   {QStringLiteral("state"), tr("State"), false},
                   {QStringLiteral("revokedAt"), tr("Revoked"), true}});
}

void KeysView::showCreateDialog()
{
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("keyCreateDialog"));
    dialog.setWindowTitle(tr("Create an API key"));
    auto *org = new QLineEdit(&dialog);
    org->setPlaceholderText(tr("organization id, e.g. acme"));
    auto *name = new QLineEdit(&dialog);
    name->setPlaceholderText(tr("e.g. acme-backend"));
    auto *scopes = new QHBoxLayout;
    QList<QCheckBox *> boxes;
    for (const QString &scope : scopeNames) {
        auto *box = new QCheckBox(scope, &dialog);
        box->setChecked(true);
        boxes.append(box);
        scopes->addWidget(box);
    }
    auto *rate = new QLineEdit(&dialog);
    rate->setPlaceholderText(tr("server default; e.g. 50/s or 50/s,100 or off"));
    auto *deliveries = new QLineEdit(&dialog);
    deliveries->setPlaceholderText(tr("server default; e.g. 1000/s"));
    auto *form = new QFormLayout;
    form->addRow(tr("Organization:"), org);
    form->addRow(tr("Name:"), name);
    form->addRow(tr("Scopes:"), scopes);
    form->addRow(tr("Requests:"), rate);
    form->addRow(tr("Deliveries:"), deliveries);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addLayout(form);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QStringList chosen;
    for (QCheckBox *box : boxes) {
        if (box->isChecked())
            chosen.append(box->text());
    }
    createKey(org->text().trimmed(), name->text().trimmed(), chosen, rate->text().trimmed(),
              deliveries->text().trimmed());
}

void KeysView::createKey(const QString &orgId, const QString &name, const QStringList &scopes,
                         const QString &requestRate, const QString &deliveryRate)
{
    QJsonObject data {{QStringLiteral("orgId"), orgId},
                      {QStringLiteral("name"), name},
                      {QStringLiteral("scopes"), QJsonArray::fromStringList(scopes)}};
    if (!requestRate.isEmpty())
        data.insert(QStringLiteral("requestRate"), requestRate);
    if (!deliveryRate.isEmpty())
        data.insert(QStringLiteral("deliveryRate"), deliveryRate);
    m_client->request(admin::msg::keysCreate, data, this, [this](const AdminResult &r) {
        if (!r.ok) {
            m_status->setText(tr("Not created: %1").arg(r.errorMessage));
            return;
        }
        showKey(r.data.value(QStringLiteral("name")).toString(),
                r.data.value(QStringLiteral("orgId")).toString(),
                r.data.value(QStringLiteral("key")).toString());
        reload();
    });
}

void KeysView::showKey(const QString &name, const QString &orgId, const QString &key)
{
    // Shown once: the server keeps only its hash, and this dialog is the only copy.
    showSecretOnce(this,
                   {QStringLiteral("keyCreatedDialog"), QStringLiteral("createdKey"),
                    QStringLiteral("copyKey"), tr("API key %1").arg(name),
                    tr("The key of %1 for organization %2. It is shown only now: copy it "
                       "to the back end's configuration.")
                        .arg(name, orgId),
                    tr("Copy")},
                   key);
    m_status->setText(tr("Created the key %1.").arg(name));
    emit keyShown(name);
}

void KeysView::revokeSelected()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        m_status->setText(tr("Select a key first."));
        return;
    }
    const QString name = rows.first().siblingAtColumn(0).data().toString();
    const QString org = rows.first().siblingAtColumn(1).data().toString();
    const QString question = tr("Revoke the API key %1 of organization %2? Its back end is "
                                "refused (401) within a second on every node.")
                                 .arg(name, org);
    const bool yes = m_confirm
        ? m_confirm(question)
        : QMessageBox::question(this, tr("Revoke key"), question,
                                QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
            == QMessageBox::Yes;
    if (!yes)
        return;
    m_client->request(admin::msg::keysRevoke, {{QStringLiteral("name"), name}}, this,
                      [this, name](const AdminResult &r) {
                          m_status->setText(r.ok ? tr("Revoked the key %1.").arg(name)
                                                 : tr("Not revoked: %1").arg(r.errorMessage));
                          reload();
                      });
}

} // namespace notify::console
