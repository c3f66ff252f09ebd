#pragma once

#include <QJsonArray>
#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;
class QStandardItemModel;
class QTableView;

namespace notify::console {

class AdminClient;

// The Keys tab, for the admin role (docs/operations.md, "API keys"): the organizations' API
// keys (`keys_list`), a new one (`keys_create`; the key is shown once, with a copy button,
// and never again) and revoking one (`keys_revoke`, confirmed). The server audits both.
class KeysView : public QWidget
{
    Q_OBJECT
public:
    explicit KeysView(AdminClient *client, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    QStandardItemModel *model() const { return m_model; }
    QLabel *statusLabel() const { return m_status; }
    // Whether the last `keys_list` has been answered.
    bool loaded() const { return m_loaded; }
    // Tests answer the confirmation themselves; the console asks.
    void setConfirm(std::function<bool(const QString &question)> confirm);

public slots:
    void reload();
    // Asks for the fields, then creates.
    void showCreateDialog();
    void createKey(const QString &orgId, const QString &name, const QStringList &scopes,
                   const QString &requestRate, const QString &deliveryRate);
    void revokeSelected();

signals:
    // The new key's one showing: a dialog with the key and a copy button.
    void keyShown(const QString &name);

protected:
    // Table headers and states are no widget texts: filled again in the new language.
    void changeEvent(QEvent *event) override;

private:
    void showRows();
    void showKey(const QString &name, const QString &orgId, const QString &key);

    AdminClient *m_client;
    QStandardItemModel *m_model;
    QTableView *m_table;
    QLabel *m_status;
    bool m_loaded = false;
    std::function<bool(const QString &)> m_confirm;
    QJsonArray m_keys; // as keys_list answered
};

} // namespace notify::console
