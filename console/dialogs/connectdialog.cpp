#include "console/dialogs/connectdialog.h"

#include "console/adminclient/adminclient.h"
#include "console/storage/keyvault.h"
#include "console/storage/localstore.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace notify::console {

ConnectDialog::ConnectDialog(LocalStore *store, QWidget *parent, KeyVault *vault)
    : QDialog(parent)
    , m_store(store)
    , m_vault(vault)
    , m_profiles(new QComboBox(this))
    , m_name(new QLineEdit(this))
    , m_url(new QLineEdit(this))
    , m_key(new QLineEdit(this))
    , m_error(new QLabel(this))
    , m_connect(nullptr)
{
    setWindowTitle(tr("Connect to a notifyd server"));
    m_profiles->setObjectName(QStringLiteral("profileCombo"));
    m_name->setObjectName(QStringLiteral("profileName"));
    m_name->setPlaceholderText(tr("e.g. staging"));
    m_url->setObjectName(QStringLiteral("profileUrl"));
    m_url->setPlaceholderText(QStringLiteral("ws://127.0.0.1:8081/admin"));
    m_key->setObjectName(QStringLiteral("profileKey"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setPlaceholderText(tr("the server's --admin-key"));
    m_error->setStyleSheet(QStringLiteral("color: #d32f2f;"));

    auto *save = new QPushButton(tr("Save profile"), this);
    auto *remove = new QPushButton(tr("Delete profile"), this);
    connect(save, &QPushButton::clicked, this, &ConnectDialog::saveProfile);
    connect(remove, &QPushButton::clicked, this, &ConnectDialog::deleteProfile);

    auto *form = new QFormLayout;
    form->addRow(tr("&Profile:"), m_profiles);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("Admin &URL:"), m_url);
    form->addRow(tr("Admin &key:"), m_key);
    auto *profileButtons = new QHBoxLayout;
    profileButtons->addStretch();
    profileButtons->addWidget(save);
    profileButtons->addWidget(remove);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    // Qt's own catalog (qtbase_*.qm) is often not installed: name the button ourselves.
    buttons->button(QDialogButtonBox::Cancel)->setText(tr("Cancel"));
    m_connect = buttons->addButton(tr("Connect"), QDialogButtonBox::AcceptRole);
    m_connect->setObjectName(QStringLiteral("connectButton"));
    m_connect->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        rememberProfile();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(profileButtons);
    if (m_vault) {
        auto *where = new QLabel(m_vault->statusText(), this);
        m_keyStorage = where;
        where->setObjectName(QStringLiteral("keyStorage"));
        where->setWordWrap(true);
        where->setStyleSheet(QStringLiteral("color: #757575;"));
        layout->addWidget(where);
    }
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(m_profiles, &QComboBox::activated, this, &ConnectDialog::onProfileChosen);
    connect(m_url, &QLineEdit::textChanged, this, &ConnectDialog::validate);
    reloadProfiles({});
    if (m_profiles->count() > 1) {
        m_profiles->setCurrentIndex(1);
        onProfileChosen(1);
    }
    validate();
    resize(480, sizeHint().height());
}

QUrl ConnectDialog::url() const
{
    return AdminClient::normalizeUrl(m_url->text());
}

QString ConnectDialog::adminKey() const
{
    return m_key->text();
}

QString ConnectDialog::profileName() const
{
    return m_name->text().trimmed();
}

void ConnectDialog::setValues(const QString &url, const QString &adminKey)
{
    m_url->setText(url);
    m_key->setText(adminKey);
}

bool ConnectDialog::saveProfile()
{
    if (!m_store)
        return false;
    const QString name = m_name->text().trimmed();
    if (name.isEmpty()) {
        m_error->setText(tr("Give the profile a name first."));
        return false;
    }
    if (!url().isValid()) {
        m_error->setText(tr("The admin URL is not valid."));
        return false;
    }
    if (m_store->saveProfile(ServerProfile {0, name, url().toString(), m_key->text(), {}}) == 0) {
        m_error->setText(tr("Could not save the profile: %1").arg(m_store->lastError()));
        return false;
    }
    m_error->clear();
    // Into the keyring, then out of the file. The vault, not this dialog, is the context:
    // Connect closes the dialog before the keyring answers.
    if (m_vault && m_vault->usesKeyring() && !m_key->text().isEmpty()) {
        LocalStore *store = m_store;
        const ServerProfile saved {0, name, url().toString(), QString(), {}};
        m_vault->write(name, m_key->text(), m_vault, [store, saved](bool ok, const QString &) {
            if (ok)
                store->saveProfile(saved);
        });
    }
    reloadProfiles(name);
    return true;
}

void ConnectDialog::rememberProfile()
{
    const QString name = m_name->text().trimmed();
    if (!m_store || name.isEmpty())
        return;
    // Only Save changes a profile: a key typed to try it out, or mistyped, must never
    // replace the good one that is saved (and a refused key is then never stored).
    // Connect only remembers which profile was used, so it comes first next time.
    m_store->touchProfile(name);
}

bool ConnectDialog::deleteProfile()
{
    if (!m_store || m_profiles->currentIndex() <= 0)
        return false;
    if (m_vault)
        m_vault->remove(m_profiles->currentText());
    const bool ok = m_store->deleteProfile(m_profiles->currentText());
    reloadProfiles({});
    m_name->clear();
    return ok;
}

void ConnectDialog::reloadProfiles(const QString &select)
{
    m_profiles->clear();
    m_profiles->addItem(tr("(new profile)"));
    if (m_store) {
        for (const ServerProfile &p : m_store->profiles())
            m_profiles->addItem(p.name);
    }
    const int i = select.isEmpty() ? 0 : m_profiles->findText(select);
    m_profiles->setCurrentIndex(i >= 0 ? i : 0);
}

void ConnectDialog::onProfileChosen(int index)
{
    if (index <= 0 || !m_store) {
        m_name->clear();
        return;
    }
    const auto p = m_store->profile(m_profiles->itemText(index));
    if (!p)
        return;
    m_name->setText(p->name);
    m_url->setText(p->url);
    m_key->setText(p->adminKey);
    // An empty key in the file: it is in the keyring (or there is none).
    if (p->adminKey.isEmpty() && m_vault && m_vault->usesKeyring()) {
        const QString name = p->name;
        m_vault->read(name, this, [this, name](bool ok, const QString &key, const QString &error) {
            if (ok && m_name->text().trimmed() == name && m_key->text().isEmpty())
                m_key->setText(key);
            else if (!ok)
                m_error->setText(
                    tr("Could not read the admin key from the keyring: %1").arg(error));
        });
    }
}

void ConnectDialog::changeEvent(QEvent *event)
{
    QDialog::changeEvent(event);
    if (event->type() != QEvent::LanguageChange)
        return;
    // Built with an argument (the keyring's reason): no catalogue entry to look up again.
    if (m_keyStorage && m_vault)
        m_keyStorage->setText(m_vault->statusText());
    validate();
}

void ConnectDialog::validate()
{
    const bool ok = url().isValid();
    m_connect->setEnabled(ok);
    m_error->setText(ok || m_url->text().isEmpty() ? QString()
                                                   : tr("Use ws://host:port/admin or wss://…"));
}

} // namespace notify::console
