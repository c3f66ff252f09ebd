// The answer to POST /api/v1/notifications. Building it as a QJsonObject per recipient and
// serializing the document was half of the API thread's CPU per publish (docs/benchmarks.md,
// "the HTTP publish path"), so it is written directly with the JSON string writer of shared/codec.
#include "server/api/publishreply.h"

#include "shared/codec/jsonstring.h"
#include "shared/store/store.h"

namespace notify::http {

PublishAnswer publishAnswerFrom(const std::vector<InsertOutcome> &outcomes)
{
    PublishAnswer answer;
    answer.notifications.reserve(outcomes.size());
    for (const InsertOutcome &o : outcomes) {
        answer.anyCreated = answer.anyCreated || o.created;
        const Notification &n = o.notification;
        answer.notifications.push_back(PublishedNotification {n.id, n.recipient, n.seq});
    }
    return answer;
}

QByteArray publishAnswerBody(const std::vector<PublishedNotification> &notifications,
                             int deliveredConnections)
{
    QByteArray out;
    // An entry with the usual ids (a 36-character uuid, short org and user ids) is about
    // 100 bytes: one allocation in the common case.
    out.reserve(64 + qsizetype(notifications.size()) * 112);
    out += "{\"deliveredConnections\":";
    json::appendInteger(out, deliveredConnections);
    out += ",\"notifications\":[";
    bool first = true;
    for (const PublishedNotification &n : notifications) {
        out += first ? "{\"id\":" : ",{\"id\":";
        first = false;
        json::appendQtString(out, n.id);
        out += ",\"orgId\":";
        json::appendQtString(out, n.recipient.orgId);
        out += ",\"seq\":";
        json::appendInteger(out, n.seq);
        out += ",\"userId\":";
        json::appendQtString(out, n.recipient.userId);
        out += '}';
    }
    out += "]}";
    return out;
}

} // namespace notify::http
