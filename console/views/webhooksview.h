#pragma once

#include <QJsonArray>
#include <QStringList>
#include <QWidget>

#include <functional>

class QLabel;
class QLineEdit;
class QStandardItemModel;
class QTableView;

namespace notify::console {

class AdminClient;

// The Webhooks tab, for the admin role (docs/operations.md, "Webhooks"): the organizations'
// endpoints (`webhooks_list`) with their state — active, failing since when, or DISABLED
// after a day of failures — the events waiting for each and the last error; a new one
// (`webhooks_add`; its signing secret is shown once, with a copy button, and never again),
// removing one (`webhooks_remove`) and enabling a disabled one again (`webhooks_enable`,
// which sends the events it kept). Every change is confirmed here and audited by the server.
class WebhooksView : public QWidget
{
    Q_OBJECT
public:
    explicit WebhooksView(AdminClient *client, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    QStandardItemModel *model() const { return m_model; }
    QLabel *statusLabel() const { return m_status; }
    // Shows only the endpoints of the organization typed here (all when empty).
    QLineEdit *orgFilter() const { return m_orgFilter; }
    // Whether the last `webhooks_list` has been answered.
    bool loaded() const { return m_loaded; }
    // Tests answer the confirmations themselves; the console asks.
    void setConfirm(std::function<bool(const QString &question)> confirm);

public slots:
    void reload();
    // Asks for the fields, then adds.
    void showAddDialog();
    void addEndpoint(const QString &orgId, const QString &url, const QStringList &events);
    void removeSelected();
    void enableSelected();

signals:
    // The new endpoint's one showing: a dialog with its secret and a copy button.
    void secretShown(const QString &endpointId);

protected:
    // Table headers and states are no widget texts: filled again in the new language.
    void changeEvent(QEvent *event) override;

private:
    void showRows();
    void showSecret(const QString &id, const QString &orgId, const QString &url,
                    const QString &secret);
    // The selected endpoint's row as webhooks_list answered it; empty (and a hint shown)
    // when none is selected.
    QJsonObject selected();
    bool confirm(const QString &title, const QString &question);
    QString stateText(const QJsonObject &endpoint) const;

    AdminClient *m_client;
    QStandardItemModel *m_model;
    QTableView *m_table;
    QLineEdit *m_orgFilter;
    QLabel *m_status;
    bool m_loaded = false;
    std::function<bool(const QString &)> m_confirm;
    QJsonArray m_endpoints; // as webhooks_list answered
    QJsonArray m_shown; // the rows of the table, in order
};

} // namespace notify::console
