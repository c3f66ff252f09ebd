#pragma once

#include <QDialog>
#include <QUrl>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace notify::console {

class LocalStore;

// Chooses a server: saved profiles (name, admin URL, admin key) or values typed in, with
// saving and deleting of profiles.
class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectDialog(LocalStore *store, QWidget *parent = nullptr);

    QUrl url() const;
    QString adminKey() const;
    QString profileName() const;
    void setValues(const QString &url, const QString &adminKey);

    bool saveProfile();
    bool deleteProfile();

private:
    void reloadProfiles(const QString &select);
    void onProfileChosen(int index);
    void validate();

    LocalStore *m_store;
    QComboBox *m_profiles;
    QLineEdit *m_name;
    QLineEdit *m_url;
    QLineEdit *m_key;
    QLabel *m_error;
    QPushButton *m_connect;
};

} // namespace notify::console
