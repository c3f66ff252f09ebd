#pragma once

#include "server/http1/httprequest.h"
#include "server/util/acceptgate.h"

#include <QObject>
#include <QPointer>
#include <QTcpSocket>

#include <functional>

namespace notify {

class EngineSession;
class HttpConnection;
struct NodeServices;

// What an HttpConnection reports to: the shard that owns it (Shard implements this), on
// that shard's thread. Keeps the connection below the shard in the layer order
// (docs/architecture.md).
class HttpConnectionHost
{
public:
    virtual ~HttpConnectionHost() = default;
    virtual NodeServices &services() = 0;
    // A complete plain HTTP request, a WebSocket upgrade request (nothing read yet), the
    // connection's end.
    virtual void httpRequest(HttpConnection *conn) = 0;
    virtual void httpUpgrade(HttpConnection *conn) = 0;
    virtual void httpClosed(HttpConnection *conn) = 0;
};

// The first owner of every TCP connection on the client port. It reads a request head and
// tells a WebSocket upgrade, whose descriptor it hands over (takeDescriptor) to the WebSocket
// layer, from a plain HTTP request (Engine.IO long-polling), which it reads and serves with
// keep-alive, one request at a time. It reports to its shard and lives on its shard's thread
// from construction to deletion; a request for a session on another shard leaves as a
// descriptor plus the bytes read so far (takeDescriptor), never as this object.
//
// Input is bounded: the socket's own buffer holds at most socketBufferBytes, and this
// connection's at most one request (head within Limits::maxHeadBytes, body within
// Limits::maxBodyBytes). While a request is being served (a held long-poll GET) nothing more
// is read: what the client pipelines behind it waits in the kernel, and TCP pushes back.
class HttpConnection : public QObject
{
public:
    static constexpr qint64 socketBufferBytes = 64 * 1024;
    // Unsent response bytes past which the next pipelined request is not read until the
    // client has taken them: a client that pipelines and never reads holds no more.
    static constexpr qint64 maxUnsentResponseBytes = 64 * 1024;

    // `deadlineMs`: when the first request's head must be complete (accept + head timeout).
    HttpConnection(QTcpSocket *socket, HttpConnectionHost *shard, AcceptGate::Ticket ticket,
                   qint64 deadlineMs);
    ~HttpConnection() override;

    enum class State {
        ReadingHead, // waiting for a complete head
        ReadingBody, // head read, waiting for contentLength bytes
        Dispatched, // the shard has the request; respond() ends it
        Closed,
    };

    State state() const { return m_state; }
    const http1::RequestHead &head() const { return m_head; }
    QByteArray body() const;
    QTcpSocket *socket() const { return m_socket; }
    bool servedAny() const { return m_served > 0; }
    quint64 served() const { return m_served; }
    // While reading: when the head (or body) must be complete; while idle between requests:
    // when an idle keep-alive connection is closed. The shard's sweep enforces it.
    qint64 deadlineMs() const { return m_deadlineMs; }
    // Between requests, before the next one's first byte.
    bool idle() const { return m_state == State::ReadingHead && !m_headStarted; }

    // Starts reading and dispatching; `alreadyRead`: bytes of this connection read by
    // another shard (a hand-over), parsed before anything from the socket.
    void start(QByteArray alreadyRead = {}, quint64 served = 0);

    // Ends the dispatched request. Keeps the connection open unless the request or the
    // status (400 and up on a request head error) says otherwise; the next request is read.
    void respond(int status, QByteArrayView contentType, QByteArrayView body,
                 QByteArrayView extraHeaders = {});
    // Answers and closes, for requests that cannot be trusted to be followed by a good one.
    void respondAndClose(int status, QByteArrayView contentType, QByteArrayView body,
                         QByteArrayView extraHeaders = {});
    // Gives up the connection as a descriptor of its own (the QTcpSocket is closed) and the
    // bytes read from it that are not yet consumed: after the head for a WebSocket upgrade,
    // from the head on (`includeHead`) for a hand-over to another shard, which parses the
    // request again. This object is then closed and useless; the caller deletes it. -1 when
    // the descriptor cannot be kept.
    int takeDescriptor(QByteArray *unread, bool includeHead = false);
    AcceptGate::Ticket takeTicket() { return std::move(m_ticket); }
    // Runs `next` once every response written so far has reached the kernel (at once when
    // it has): before takeDescriptor(), whose socket close would drop unsent output.
    void afterFlush(std::function<void()> next);
    // The client's address for the current request: the peer's, or behind a trusted proxy
    // what its X-Forwarded-For / X-Real-IP say (clientAddressBehind, server/config).
    QHostAddress clientAddress() const;
    // The connection carries a session that has proved a credential.
    void markAuthenticated() { m_ticket.authenticated(); }
    void abort();

    // The Engine.IO session holding this connection's GET until it has packets to send.
    void setWaitingSession(EngineSession *session);
    EngineSession *waitingSession() const;

private:
    void onReadyRead();
    void onDisconnected();
    void dispatch();
    void fillTo(qint64 bytes);
    void queueRead();

    QTcpSocket *m_socket;
    HttpConnectionHost *m_shard;
    AcceptGate::Ticket m_ticket;
    State m_state = State::ReadingHead;
    http1::RequestHead m_head;
    QByteArray m_in; // read, not yet consumed: the current request first
    qint64 m_deadlineMs = 0;
    bool m_headStarted = true; // the deadline runs for a head (false: idle keep-alive)
    quint64 m_served = 0;
    bool m_processingQueued = false;
    bool m_waitingForDrain = false;
    QPointer<EngineSession> m_waiting;
    std::function<void()> m_afterFlush;
};

} // namespace notify
