#pragma once

#include <QJsonArray>
#include <QWidget>

#include <functional>

class QLabel;
class QLineEdit;
class QPushButton;
class QStandardItemModel;
class QTableView;

namespace notify::console {

class AdminClient;
class UserView;

// The User view's support actions (docs/operations.md, "Support actions"): revoke the user's
// sessions, mark read and delete the selected notifications of the inbox for them (each
// confirmed in a dialog naming the user), find a notification by id or idempotency key and
// open its user, and the user's refused connections and the broadcast history, read each time
// a user is shown. The server audits every action; a viewer never sees this view enabled.
class SupportPanel : public QWidget
{
    Q_OBJECT
public:
    SupportPanel(AdminClient *client, UserView *view, QWidget *parent = nullptr);

    QLineEdit *findEdit() const { return m_find; }
    QLabel *statusLabel() const { return m_status; }
    QTableView *refusalsTable() const { return m_refusalsTable; }
    QTableView *broadcastsTable() const { return m_broadcastsTable; }
    // Tests answer the confirmation themselves; the console asks.
    void setConfirm(std::function<bool(const QString &question)> confirm);

public slots:
    void revokeSessions();
    void markSelectedRead();
    void deleteSelected();
    void find();
    // Reads the user's refused connections and the broadcast history of the organization.
    void refresh();

protected:
    // Table headers are no widget texts: filled again in the new language.
    void changeEvent(QEvent *event) override;

private:
    void showRefusals();
    void showBroadcasts();
    void changeSelected(bool remove);
    bool confirm(const QString &question);
    QStringList selectedIds() const;
    QString org() const;
    QString user() const;
    void setStatus(const QString &text);
    void showFound(const QJsonArray &found, const QString &what);

    AdminClient *m_client;
    UserView *m_view;
    QLineEdit *m_find;
    QLabel *m_status;
    QStandardItemModel *m_refusals;
    QStandardItemModel *m_broadcasts;
    QTableView *m_refusalsTable;
    QTableView *m_broadcastsTable;
    std::function<bool(const QString &)> m_confirm;
    QJsonArray m_refusalRows;
    QJsonArray m_broadcastRows;
};

} // namespace notify::console
