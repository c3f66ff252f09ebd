#include "console/sendtest/sendtestsender.h"

#include "console/adminclient/adminclient.h"
#include "shared/adminapi/adminprotocol.h"

namespace notify::console {

namespace {

// The server's messages are English and name the field; the code says what kind of failure
// it was, and that part is translated.
QString describeError(const AdminError &e)
{
    const QString detail = e.message.isEmpty() ? e.code : e.message;
    if (e.code == admin::codes::invalidPayload)
        return SendTestSender::tr("refused by the server: %1").arg(detail);
    if (e.code == admin::codes::internal)
        return SendTestSender::tr("the server could not store it: %1").arg(detail);
    if (e.code == QLatin1String("timeout") || e.code == QLatin1String("disconnected"))
        return SendTestSender::tr("not sent: %1").arg(detail);
    return detail;
}

} // namespace

SendTestSender::SendTestSender(AdminClient *client, LocalStore *store, HistoryModel *history,
                               QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_history(store, history)
{ }

void SendTestSender::send(const admin::SendTestRequest &request)
{
    sendOne(request, 0, 1);
}

void SendTestSender::sendToEach(const admin::SendTestRequest &request, const QStringList &userIds)
{
    admin::SendTestRequest one = request;
    one.room.clear();
    for (int i = 0; i < userIds.size(); ++i) {
        one.userId = userIds.at(i);
        sendOne(one, i, int(userIds.size()));
    }
}

void SendTestSender::resend(const HistoryEntry &entry)
{
    sendOne(SendHistory::requestFor(entry), 0, 1);
}

void SendTestSender::sendOne(const admin::SendTestRequest &request, int index, int total)
{
    HistoryEntry entry = SendHistory::entryFor(request);
    const bool room = !request.room.isEmpty();
    ++m_pending;
    emit started(room            ? tr("Sending a live announcement (not stored)…")
                     : total > 1 ? tr("Storing %1 of %2…").arg(index + 1).arg(total)
                                 : tr("Sending…"));
    m_client->call(request, this,
                   [this, entry, room, total](const AdminAnswer<admin::SendTestReply> &r) mutable {
                       --m_pending;
                       QString text;
                       if (r.ok()) {
                           entry.deliveredConnections = r->deliveredConnections;
                           entry.notificationIds = r->notificationIds;
                           // The server says stored:false for a room; an older one does not say.
                           if (!r->stored.value_or(!room)) {
                               text = tr("Live announcement, not stored: delivered to %n "
                                         "connection(s). No inbox has it; offline members will "
                                         "not see it.",
                                         nullptr, entry.deliveredConnections);
                           } else if (total > 1) {
                               text = tr("Stored for %1: delivered to %n connection(s).", nullptr,
                                         entry.deliveredConnections)
                                          .arg(entry.target.mid(5));
                           } else {
                               text = tr("Sent: %n notification(s) stored", nullptr,
                                         static_cast<int>(entry.notificationIds.size()))
                                   + QStringLiteral(", ")
                                   + tr("delivered to %n connection(s).", nullptr,
                                        entry.deliveredConnections);
                           }
                       } else {
                           entry.deliveredConnections = -1;
                           entry.error = describeError(r.error());
                           text = tr("Failed: %1").arg(entry.error);
                       }
                       m_history.record(entry);
                       emit finished(entry, text);
                   });
}

} // namespace notify::console
