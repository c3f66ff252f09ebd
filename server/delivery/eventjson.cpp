#include "server/delivery/eventjson.h"

#include "shared/codec/jsonstring.h"
#include "shared/codec/timestamp.h"
#include "shared/model/priority.h"

#include <QJsonDocument>

namespace notify {

namespace {

void appendStringOrNull(QByteArray &out, const QString &s)
{
    if (s.isEmpty())
        out += "null";
    else
        json::appendQtString(out, s);
}

void appendTimestampOrNull(QByteArray &out, const QDateTime &t)
{
    if (t.isValid())
        json::appendQtString(out, formatTimestamp(t));
    else
        out += "null";
}

} // namespace

QByteArray createdEventJson(const Notification &n, const QString &timestamp)
{
    const NotificationContent &c = n.content;
    QByteArray out;
    out.reserve(256 + 2 * (c.title.size() + c.body.size() + c.actionUrl.size()));
    // notificationToClientJson's fields in QJsonObject's (sorted) order.
    out += "{\"notification\":{\"actionUrl\":";
    appendStringOrNull(out, c.actionUrl);
    out += ",\"body\":";
    json::appendQtString(out, c.body);
    out += ",\"createdAt\":";
    appendTimestampOrNull(out, n.createdAt);
    out += ",\"entityId\":";
    appendStringOrNull(out, c.entityId);
    out += ",\"entityType\":";
    appendStringOrNull(out, c.entityType);
    out += ",\"id\":";
    json::appendQtString(out, n.id);
    out += ",\"metadata\":";
    out += QJsonDocument(c.metadata).toJson(QJsonDocument::Compact);
    out += ",\"priority\":";
    json::appendQtString(out, priorityName(c.priority));
    out += ",\"readAt\":";
    appendTimestampOrNull(out, n.readAt);
    out += ",\"seq\":";
    out += QByteArray::number(n.seq);
    out += ",\"title\":";
    json::appendQtString(out, c.title);
    out += ",\"type\":";
    json::appendQtString(out, c.type);
    out += "},\"timestamp\":";
    json::appendQtString(out, timestamp);
    out += '}';
    return out;
}

} // namespace notify
