#pragma once

#include "server/protocol/clientconnection.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <memory>
#include <optional>

class QObject;

namespace notify {

struct NodeServices;

// What a client connection of any wire protocol (plain WebSocket, Socket.IO) needs from the
// shard that owns it. Shard implements it; the protocols name only this, so that they sit
// below the shard in the layer order (docs/architecture.md). Every call is on the shard's
// own thread.
class ConnectionHost
{
public:
    virtual ~ConnectionHost() = default;

    // The shard's index (Socket.IO session ids name the shard that issued them).
    virtual int index() const = 0;
    // The object whose thread runs this host, for work posted to a later turn of its loop.
    virtual QObject *context() = 0;
    virtual NodeServices &services() = 0;

    // The rate limit, checked for every client message. false: refused (the client was
    // told, or closed with 4029 after too many refusals in a row).
    virtual bool admit(ClientConnection &c) = 0;
    // A parsed client request (docs/protocol.md, "Requests").
    virtual void handleRequest(ClientConnection &c, const QString &type, const QJsonObject &data,
                               const ReplyTo &to)
        = 0;
    // Registers a connection and checks its credential (authenticate, then activate, then
    // the connection's activated()).
    virtual void addConnection(std::unique_ptr<ClientConnection> connection,
                               const QByteArray &credential, std::optional<qint64> lastSeq)
        = 0;
    // Removes a connection on the next turn of the event loop, never while a loop over the
    // connections or a room is running.
    virtual void dropConnection(quint64 id, int code, const QString &reason) = 0;
};

} // namespace notify
