#pragma once

#include "server/delivery/encodedevent.h"
#include "server/dialect/dialect.h"
#include "server/protocol/identity.h"
#include "server/util/tokenbucket.h"
#include "shared/model/connectioninfo.h"

#include <QJsonObject>
#include <QString>

namespace notify {

// Where a request's answer goes: a plain request id, or a Socket.IO ack id (-1: none).
struct ReplyTo
{
    QString requestId;
    qint64 ackId = -1;
};

// One authenticated (or authenticating) client on a shard, whatever its wire protocol.
// The shard owns it, keeps it in its room index and pushes shared encoded events to it.
class ClientConnection
{
public:
    explicit ClientConnection(ClientProtocol protocol) { info.protocol = protocol; }
    virtual ~ClientConnection() = default;
    ClientConnection(const ClientConnection &) = delete;
    ClientConnection &operator=(const ClientConnection &) = delete;

    ConnectionInfo info;
    Identity identity;
    bool authenticated = false;
    bool closing = false;
    TokenBucket bucket;
    int refusedInARow = 0;
    // token:expiring was sent for the current identity.expiresAt (reset by a renewal).
    bool expiringSent = false;
    // Set by the shard while a delivery batch has queued frames for it that are not yet
    // flushed (each touched connection is flushed once, at the end of the batch).
    bool flushPending = false;
    // The event vocabulary of its endpoint (docs/protocol.md, "Dialects"); picks the events
    // of a delivery it is pushed (Delivery::eventsFor).
    Dialect dialect = Dialect::Standard;
    // The frame of an EncodedEvent that push() sends (EncodedEvent::Flavour): the shard has
    // a delivery encode only that one.
    int flavour = EncodedEvent::Plain;

    // Queues the pre-encoded flavour of a pushed event that this protocol speaks; flush()
    // sends what push() queued (one system call for a batch of events).
    virtual void push(const EncodedEvent &event) = 0;
    virtual void flush() { }
    virtual void reply(const ReplyTo &to, const QJsonObject &data) = 0;
    virtual void replyError(const ReplyTo &to, const QString &code, const QString &message) = 0;
    // A protocol-appropriate goodbye (plain: close code; Socket.IO: DISCONNECT, then close).
    virtual void closeWith(int code, const QString &reason) = 0;
    virtual void abortConnection() = 0;
    virtual qint64 bytesToWrite() const = 0;
    // Heartbeat: ping when due; false when the peer's pong is overdue.
    virtual bool heartbeat(qint64 nowMs) = 0;
    // Authentication succeeded and the rooms are joined: handle what arrived meanwhile.
    virtual void activated() { }
};

} // namespace notify
