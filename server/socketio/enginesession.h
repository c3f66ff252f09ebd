#pragma once

#include "server/util/acceptgate.h"
#include "server/socketio/enginecodec.h"
#include "server/socketio/socketcodec.h"
#include "server/util/tokenbucket.h"
#include "server/websocket/websocket.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

namespace notify {

class ConnectionHost;
class HttpConnection;
class SocketIoConnection;
class SocketIoHost;

// Where an Engine.IO session came from, for the connections' ConnectionInfo.
struct PeerInfo
{
    QString remoteAddress;
    QString userAgent;
    QString origin;
    // The plain protocol's credential of the handshake request (?token=, Bearer, cookie),
    // used when a CONNECT's auth object carries no token.
    QByteArray fallbackCredential;
};

struct EngineSettings
{
    int pingIntervalMs = 25000;
    int pingTimeoutMs = 20000;
    qint64 maxPayload = 1000000;
    int upgradeTimeoutMs = 10000;
    // Without a granted Socket.IO CONNECT a session ends after this.
    int connectTimeoutMs = 10000;
    // Bytes queued for the client (websocket queue or polling outbox) before it is dropped.
    qint64 maxOutputBytes = 4 * 1024 * 1024;
    // Answers the client provokes without a request (pongs to its pings, errors about
    // binary packets): rate-limited like requests. perSecond 0: unlimited.
    double answersPerSecond = 20;
    int answerBurst = 40;
};

// One Engine.IO v4 session on one shard: its transport (long-polling, upgradable to
// websocket, or websocket from the start), its heartbeat, and the Socket.IO namespaces
// multiplexed on it. Lives on its shard's thread for its whole life.
class EngineSession : public QObject, private WebSocketHandler
{
public:
    // `ticket`: the session's place among the sessions without a CONNECT (released once one
    // is granted).
    EngineSession(SocketIoHost &host, ConnectionHost &shard, QString sid, const EngineSettings &settings,
                  PeerInfo peer, AcceptGate::Ticket ticket = {});
    ~EngineSession() override;

    const QString &sid() const { return m_sid; }
    const PeerInfo &peer() const { return m_peer; }
    bool isWebSocket() const { return m_ws != nullptr; }
    // A polling session that has no upgrade under way.
    bool canUpgrade() const { return !m_ws && !m_probe && !m_closed; }
    bool closed() const { return m_closed; }
    bool finalized() const { return m_finalized; }
    // A Socket.IO CONNECT was granted on it: it is no longer anonymous.
    bool granted() const { return m_granted; }
    void namespaceGranted();

    // Opening: the handshake GET of a polling session, or the websocket of a session that
    // starts on websocket. Both send the open packet.
    void openPolling(HttpConnection *conn);
    void openWebSocket(WebSocket *ws);

    // Polling requests for this session.
    void handleGet(HttpConnection *conn);
    void handlePost(HttpConnection *conn);
    // The HTTP connection went away; a GET it held ends the session, as in engine.io.
    void httpClosed(HttpConnection *conn);
    // A websocket with this session's sid: the upgrade probe.
    void attachProbe(WebSocket *ws);

    // One Engine.IO packet, already encoded ("2", "42[...]"), to the client.
    void send(const QByteArray &packet);
    // A packet that is already a WebSocket text frame (a pushed event, shared): queued on
    // the websocket until flush(), or unframed into the polling outbox.
    void queueFrame(const QByteArray &frame);
    void flush();
    qint64 bytesToWrite() const;

    // Every sweep: pings when due. false: the client's pong is overdue.
    bool tick(qint64 nowMs);
    // An anonymous session past its connect timeout (ended by the host).
    bool expired(qint64 nowMs) const;

    // Ends the session: the namespaces are dropped with `code`, the transport closed (a
    // held GET is answered with the close packet). The host deletes it later.
    void close(int code, const QString &reason);
    void abort(int code, const QString &reason);

    // Bookkeeping of the namespace connections (owned by the shard).
    void namespaceGone(const QByteArray &nsp, SocketIoConnection *c);
    // A namespace's DISCONNECT was sent: the session ends when no namespace is left.
    void namespaceClosed();

private:
    void onWebSocketText(WebSocket &ws, QByteArray message) override;
    void onWebSocketBinary(WebSocket &ws, QByteArray message) override;
    void onWebSocketOverflow(WebSocket &ws) override;
    void onWebSocketClosed(WebSocket &ws, int code, const QString &reason) override;
    void onTransportText(const QByteArray &text);
    void onProbeText(const QByteArray &text);
    void onPacket(const eio::Packet &packet);
    // The client's close packet.
    void closedByClient();
    void onSocketIo(const QByteArray &data);
    void onConnect(const sio::Packet &packet);
    void scheduleFlush();
    void flushPolling();
    void respondToGet(const QByteArray &body);
    void completeUpgrade();
    void dropProbe();
    void sendSocketIoError(const QString &message);
    // A binary packet (frame, "b…" polling packet, BINARY_EVENT/ACK): an `error` event on
    // each namespace, rate-limited; the session stays (docs/protocol.md).
    void refuseBinary();
    void bindWebSocket(WebSocket *ws);
    void detachAll(int code, const QString &reason);
    void finalize();
    // A client-provoked answer may go out (the rate limit); false closes after a burst.
    bool admitAnswer();
    // Appends to the polling outbox within the output bound; false when the session was
    // dropped for it.
    bool toOutbox(const QByteArray &packet);

    SocketIoHost &m_host;
    ConnectionHost &m_shard;
    QString m_sid;
    EngineSettings m_settings;
    PeerInfo m_peer;

    WebSocket *m_ws = nullptr; // the websocket transport, once there is one (a child)
    WebSocket *m_probe = nullptr; // an upgrade under way (a child)
    qint64 m_probeStartedMs = 0;
    bool m_probed = false; // "2probe" answered: waiting for "5"
    QPointer<HttpConnection> m_pendingGet;
    QList<QByteArray> m_outbox; // polling: packets waiting for the next GET
    qint64 m_outboxBytes = 0;
    bool m_flushQueued = false;

    qint64 m_lastPingMs = 0;
    bool m_pingOutstanding = false;
    bool m_closed = false; // no more input; a polling session may still drain its outbox
    bool m_finalized = false; // handed back to the host for deletion
    qint64 m_closeDeadlineMs = 0;

    QHash<QByteArray, SocketIoConnection *> m_namespaces;
    AcceptGate::Ticket m_ticket;
    qint64 m_createdMs = 0;
    bool m_granted = false;
    TokenBucket m_answers;
    int m_answersRefusedInARow = 0;
};

} // namespace notify
