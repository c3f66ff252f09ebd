#pragma once

#include <QDialog>
#include <QUrl>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace notify::console {

class KeyVault;
class LocalStore;

// Chooses a server: saved profiles (name, admin URL, admin key) or values typed in, with
// saving and deleting of profiles.
class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    // vault may be null: keys then stay in the store's profiles.
    explicit ConnectDialog(LocalStore *store, QWidget *parent = nullptr, KeyVault *vault = nullptr);

    QUrl url() const;
    QString adminKey() const;
    QString profileName() const;
    void setValues(const QString &url, const QString &adminKey);

    bool saveProfile();
    bool deleteProfile();
    // On Connect: marks the profile of that name used; never changes what it holds.
    void rememberProfile();
    QPushButton *connectButton() const { return m_connect; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void reloadProfiles(const QString &select);
    void onProfileChosen(int index);
    void validate();

    LocalStore *m_store;
    KeyVault *m_vault;
    QComboBox *m_profiles;
    QLineEdit *m_name;
    QLineEdit *m_url;
    QLineEdit *m_key;
    QLabel *m_error;
    QPushButton *m_connect;
    QLabel *m_keyStorage = nullptr;
};

} // namespace notify::console
