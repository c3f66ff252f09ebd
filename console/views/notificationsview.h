#pragma once

#include <QDateTime>
#include <QWidget>

class QAction;
class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace notify::console {

class AdminClient;
class NotificationsModel;

// The Notifications tab: a recipient's inbox through list_notifications, newest first,
// paged towards older ones with beforeSeq.
class NotificationsView : public QWidget
{
    Q_OBJECT
public:
    NotificationsView(AdminClient *client, NotificationsModel *model, QWidget *parent = nullptr);

    QLineEdit *orgEdit() const { return m_org; }
    QLineEdit *userEdit() const { return m_user; }
    QPushButton *loadButton() const { return m_load; }
    QPushButton *olderButton() const { return m_older; }
    QLabel *statusLabel() const { return m_status; }
    QCheckBox *unreadOnlyBox() const { return m_unreadOnly; }
    QTableView *table() const { return m_table; }
    // "Show user…" on a row (also a double-click): the user whose inbox is shown.
    QAction *showUserAction() const { return m_showUser; }

    // When the page shown was read; invalid when nothing is shown.
    QDateTime shownAt() const { return m_shownAt; }
    // Another server (or none): nothing of the last one stays on screen.
    void clearData();

protected:
    void changeEvent(QEvent *event) override;
    // A page not seen for a while is read again when the tab comes back.
    void showEvent(QShowEvent *event) override;

signals:
    void userRequested(const QString &orgId, const QString &userId);

public slots:
    void load();
    void loadOlder();

private:
    void request(qint64 beforeSeq);
    void request(qint64 beforeSeq, const QString &org, const QString &user);
    void updateButtons();
    void updatePageStatus();

    AdminClient *m_client;
    NotificationsModel *m_model;
    QLineEdit *m_org;
    QLineEdit *m_user;
    QPushButton *m_load;
    QPushButton *m_older;
    QLabel *m_status;
    QTableView *m_table;
    QCheckBox *m_unreadOnly;
    QAction *m_showUser;
    // Whose inbox the rows are (the fields may have been edited since).
    QString m_shownOrg;
    QString m_shownUser;
    bool m_busy = false;
    bool m_showingPage
        = false; // the status line is the page's count (rebuilt on a language change)
    int m_malformed = 0;
    // The page is not live: it says as of when it was read, and is read again when a change
    // of its user is pushed (the user the User view watches) or the tab is shown again.
    QDateTime m_shownAt;
    QTimer *m_refreshTimer = nullptr;
};

} // namespace notify::console
