#pragma once

#include "server/socketio/enginesession.h"

#include <QHash>
#include <QString>

namespace notify {

namespace http1 {
struct RequestHead;
}
class WebSocket;

class HttpConnection;
class ConnectionHost;
struct NodeServices;

// The Socket.IO side of one shard: its Engine.IO sessions, the polling requests and the
// websockets on /socket.io/. Requests for a session reach the shard that owns it first:
// the sid's first character names that shard (see ownerOf()).
class SocketIoHost
{
public:
    SocketIoHost(ConnectionHost &shard, NodeServices &services);
    ~SocketIoHost();
    SocketIoHost(const SocketIoHost &) = delete;
    SocketIoHost &operator=(const SocketIoHost &) = delete;

    static bool isEnginePath(QByteArrayView path);
    // The shard index a sid was issued by, or -1 when it cannot be one of ours.
    static int ownerOf(QStringView sid);
    // The sid named by a request target's query, if any (not validated beyond ownerOf).
    static QString sidOf(QByteArrayView target);

    // A polling request (head and body read) whose session, if any, lives on this shard.
    void handleHttp(HttpConnection *conn);
    // Before the WebSocket handshake on the Engine.IO path is answered: false when the
    // request was refused here with Engine.IO's HTTP error (and the connection closed).
    bool checkUpgrade(HttpConnection *conn);
    // After the WebSocket handshake on the Engine.IO path (the 101 is queued on `ws`, which
    // this starts once its owner is set up). `afterHead`: input that came with the head.
    void acceptWebSocket(WebSocket *ws, const http1::RequestHead &head, const QString &peerAddress,
                         QByteArray afterHead);
    void httpClosed(HttpConnection *conn);

    void sweep(qint64 nowMs);
    void closeAll(int code, const QString &reason);
    int sessionCount() const { return int(m_sessions.size()); }

    // CORS response headers for a request from an allowed browser origin (none otherwise).
    QByteArray corsHeaders(const HttpConnection *conn) const;
    // Called by a session that has closed: deleted on the next turn of the event loop.
    void sessionClosed(EngineSession *session);

private:
    QString newSid() const;
    EngineSettings settings() const;
    void refuse(HttpConnection *conn, eio::ServerError error);

    ConnectionHost &m_shard;
    NodeServices &m_services;
    QHash<QString, EngineSession *> m_sessions;
};

} // namespace notify
