#pragma once

#include "console/storage/localstore.h"
#include "shared/adminapi/sendtest.h"
#include "shared/model/result.h"

#include <QJsonObject>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace notify::console {

class AdminClient;
class ConnectionsModel;
class HistoryModel;
class SendTestSender;
class TemplateBar;

// The Send-test tab: the form for send_test with live validation (the metadata JSON is
// checked as it is typed) beside the history of what was sent and to how many connections
// it was delivered. Sending and recording is SendTestSender's, the saved templates are
// TemplateBar's (console/sendtest).
class SendTestView : public QWidget
{
    Q_OBJECT
public:
    SendTestView(AdminClient *client, LocalStore *store, HistoryModel *history,
                 QWidget *parent = nullptr);

    // Why a metadata text is unacceptable, or nullopt: empty, or a JSON object of at most
    // 8 KiB compact.
    static std::optional<QString> metadataError(const QString &text);
    // The send_test data the form describes (as sent), or what is wrong with it.
    notify::Result<QJsonObject, QString> buildRequest() const;
    // The field the current error is about (marked in the form), or null.
    QWidget *errorField() const { return m_errorField; }
    QLabel *fieldErrorLabel() const { return m_fieldError; }
    QLabel *roomNoteLabel() const { return m_roomNote; }
    QPushButton *storeForMembersButton() const { return m_storeForMembers; }

    // Where the room's listed members come from (for "store for each member").
    void setConnections(ConnectionsModel *connections) { m_connections = connections; }
    // The distinct users of the organization listed in the room now.
    QStringList roomMembers(const QString &orgId, const QString &room) const;
    // Fills organization and user (a new test for this user) and focuses the title.
    void prefillUser(const QString &orgId, const QString &userId);
    // Sends the history entry's notification again to the same target.
    void resend(const notify::console::HistoryEntry &entry);

    SendTemplate currentAsTemplate(const QString &name) const;
    void applyTemplate(const SendTemplate &t);
    bool saveTemplateAs(const QString &name);
    bool loadTemplate(const QString &name);
    bool deleteTemplate(const QString &name);
    QStringList templateNames() const;

    QLineEdit *orgEdit() const { return m_org; }
    QComboBox *targetKindCombo() const { return m_targetKind; }
    QLineEdit *targetEdit() const { return m_target; }
    QLineEdit *typeEdit() const { return m_type; }
    QLineEdit *titleEdit() const { return m_title; }
    QPlainTextEdit *bodyEdit() const { return m_body; }
    QComboBox *priorityCombo() const { return m_priority; }
    QLineEdit *actionUrlEdit() const { return m_actionUrl; }
    QPlainTextEdit *metadataEdit() const { return m_metadata; }
    QLabel *metadataErrorLabel() const { return m_metadataError; }
    QPushButton *sendButton() const { return m_send; }
    QLabel *resultLabel() const { return m_result; }
    bool metadataValid() const { return m_metadataOk; }

public slots:
    void send();
    // The stored alternative to a room send: one send_test per listed member.
    void storeForMembers();
    void focusForm();

protected:
    void changeEvent(QEvent *event) override;

signals:
    void sent(const notify::console::HistoryEntry &entry);

private:
    notify::Result<admin::SendTestRequest, QString> build() const;
    // Every error of the form, in the form's order, and the field each is about.
    QStringList formErrors(QList<QWidget *> *fields) const;
    void validate();
    void formChanged();

    AdminClient *m_client;
    SendTestSender *m_sender;
    TemplateBar *m_templates;
    QLineEdit *m_org;
    QComboBox *m_targetKind;
    QLineEdit *m_target;
    QLineEdit *m_type;
    QLineEdit *m_title;
    QPlainTextEdit *m_body;
    QComboBox *m_priority;
    QLineEdit *m_actionUrl;
    QPlainTextEdit *m_metadata;
    QLabel *m_metadataError;
    QPushButton *m_send;
    QLabel *m_result;
    QTableView *m_historyTable;
    QLabel *m_fieldError;
    QLabel *m_roomNote;
    QPushButton *m_storeForMembers;
    ConnectionsModel *m_connections = nullptr;
    QWidget *m_errorField = nullptr;
    bool m_metadataOk = true;
    bool m_sending = false;
};

} // namespace notify::console
