#pragma once

#include "shared/model/connectioninfo.h"
#include "shared/model/counters.h"
#include "shared/model/notification.h"
#include "shared/model/result.h"
#include "shared/model/validation.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

#include <vector>

namespace notify {

// The notification object as a client sees it (docs/protocol.md): no org/user ids, no internal
// columns (idempotency key, deletedAt, deliveredAt).
QJsonObject notificationToClientJson(const Notification &n);
// Admin channel and back-office API: the client object plus orgId and userId.
QJsonObject notificationToAdminJson(const Notification &n);
// Parses either form (console side); missing orgId/userId stay empty.
Result<Notification, ValidationError> notificationFromJson(const QJsonObject &json);

QJsonArray notificationsToClientJson(const std::vector<Notification> &list);

QString protocolName(ClientProtocol p); // "plain" | "socket.io" | "sse"
QJsonObject connectionToJson(const ConnectionInfo &c);
Result<ConnectionInfo, ValidationError> connectionFromJson(const QJsonObject &json);

QJsonObject countersToJson(const Counters &c);
Counters countersFromJson(const QJsonObject &json);

// A request of the plain protocol or the admin channel: {"type", "id"?, "data"?}.
struct RequestEnvelope
{
    QString type;
    QString requestId; // the "id" (a string, or a number in its shortest exact form); may be empty
    QJsonObject data; // empty when "data" is absent or null
};
struct EnvelopeError
{
    QString code; // "invalid_json" or "invalid_payload"
    QString message;
    QString requestId; // known when the text was a JSON object with an "id"
};
// The one decoder of request text for both channels (fuzzed by tests/fuzz/fuzz_envelope.cpp).
Result<RequestEnvelope, EnvelopeError> decodeRequestEnvelope(QByteArrayView text);

// A message the server sends on the admin channel, as the console reads it: {"type",
// "replyTo"?, "data"?}. Lenient: a missing or mistyped field reads as empty.
struct MessageEnvelope
{
    QString type;
    QString replyTo;
    QJsonObject data;
};
// The text is not a JSON object: the parser's reason (QJsonParseError::errorString()).
Result<MessageEnvelope, QString> decodeMessageEnvelope(QByteArrayView text);

// A live announcement (docs/protocol.md, "announcement"): not stored, sent to whoever is in
// the room. `actionUrl` empty: null.
QJsonObject announcementToJson(const QString &id, const QString &title, const QString &body,
                               const QString &priority, const QString &actionUrl,
                               const QDateTime &createdAt);

// The plain-protocol / admin envelope {"type": type, "data": data}, compact UTF-8.
QByteArray encodeEnvelope(const QString &type, const QJsonObject &data);
// {"type":"reply","replyTo":id,"data":data}
QByteArray encodeReply(const QString &replyTo, const QJsonObject &data);
// {"type":"error","replyTo":id?,"data":{"code","message"}}; replyTo omitted when empty.
QByteArray encodeError(const QString &replyTo, const QString &code, const QString &message);

} // namespace notify
