#include "console/sendtest/sendhistory.h"

#include "console/models/historymodel.h"
#include "shared/model/priority.h"

namespace notify::console {

namespace {

const QString userPrefix = QStringLiteral("user:");
const QString roomPrefix = QStringLiteral("room:");

} // namespace

SendHistory::SendHistory(LocalStore *store, HistoryModel *model)
    : m_store(store)
    , m_model(model)
{ }

HistoryEntry SendHistory::entryFor(const admin::SendTestRequest &request)
{
    HistoryEntry entry;
    entry.sentAt = QDateTime::currentDateTimeUtc();
    entry.orgId = request.orgId;
    entry.target = request.room.isEmpty() ? userPrefix + request.userId : roomPrefix + request.room;
    entry.type = request.content.type;
    entry.title = request.content.title;
    entry.priority = priorityName(request.content.priority);
    return entry;
}

admin::SendTestRequest SendHistory::requestFor(const HistoryEntry &entry)
{
    admin::SendTestRequest request;
    request.orgId = entry.orgId;
    const QString who = entry.target.mid(entry.target.indexOf(QLatin1Char(':')) + 1);
    if (entry.target.startsWith(roomPrefix))
        request.room = who;
    else
        request.userId = who;
    request.content.type = entry.type;
    request.content.title = entry.title;
    request.content.priority = parsePriority(entry.priority).value_or(Priority::Normal);
    return request;
}

void SendHistory::record(HistoryEntry &entry)
{
    if (m_store)
        entry.id = m_store->addHistory(entry);
    m_model->prepend(entry);
}

} // namespace notify::console
