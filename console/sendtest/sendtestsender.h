#pragma once

#include "console/sendtest/sendhistory.h"
#include "shared/adminapi/sendtest.h"

#include <QObject>
#include <QStringList>

namespace notify::console {

class AdminClient;
class HistoryModel;

// Sends test notifications (send_test) and records each outcome in the history: one request,
// the stored fan-out of a room send to each listed member, or an entry of the history again.
// Says what it is doing and what came of each send in a line for the form's result label.
class SendTestSender : public QObject
{
    Q_OBJECT
public:
    SendTestSender(AdminClient *client, LocalStore *store, HistoryModel *history,
                   QObject *parent = nullptr);

    void send(const admin::SendTestRequest &request);
    // The stored alternative to a room send: the request once per user, to that user's inbox.
    void sendToEach(const admin::SendTestRequest &request, const QStringList &userIds);
    // Sends the history entry's notification again to the same target.
    void resend(const HistoryEntry &entry);
    // Replies are outstanding.
    bool sending() const { return m_pending > 0; }

signals:
    // A request went out; text says what is happening.
    void started(const QString &text);
    // Its outcome, recorded in the history; text says it for the form.
    void finished(const notify::console::HistoryEntry &entry, const QString &text);

private:
    void sendOne(const admin::SendTestRequest &request, int index, int total);

    AdminClient *m_client;
    SendHistory m_history;
    int m_pending = 0;
};

} // namespace notify::console
