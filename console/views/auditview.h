#pragma once

#include <QJsonArray>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QStandardItemModel;
class QTableView;

namespace notify::console {

class AdminClient;

// The Audit tab, for the admin role (docs/operations.md, "Audit log"): who did what, newest
// first (the `audit` request, the same page as GET /api/v1/audit), filtered by operator and
// action, with older pages on demand and the CSV export of every table.
class AuditView : public QWidget
{
    Q_OBJECT
public:
    explicit AuditView(AdminClient *client, QWidget *parent = nullptr);

    QLineEdit *operatorFilter() const { return m_operator; }
    QLineEdit *actionFilter() const { return m_action; }
    QTableView *table() const { return m_table; }
    QStandardItemModel *model() const { return m_model; }
    bool loaded() const { return m_loaded; }

public slots:
    // The newest page with the filters.
    void reload();
    // The next older page, added below.
    void loadMore();

protected:
    // Table headers are no widget texts: filled again in the new language.
    void changeEvent(QEvent *event) override;

private:
    void load(qint64 beforeId);
    void showRows();

    AdminClient *m_client;
    QLineEdit *m_operator;
    QLineEdit *m_action;
    QPushButton *m_more;
    QLabel *m_status;
    QStandardItemModel *m_model;
    QTableView *m_table;
    QJsonArray m_rows; // every entry shown, for the table and its export
    qint64 m_oldestId = 0;
    bool m_loaded = false;
    bool m_hasMore = false;
};

} // namespace notify::console
