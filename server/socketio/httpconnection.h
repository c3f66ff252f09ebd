#pragma once

#include "socketio/httprequest.h"

#include <QObject>
#include <QPointer>
#include <QTcpSocket>

namespace notify {

class EngineSession;
class Shard;

// The first owner of every TCP connection on the client port. It reads a request head and
// tells a WebSocket upgrade, whose descriptor it hands over (takeDescriptor) to the WebSocket
// layer, from a plain HTTP request (Engine.IO long-polling), which it reads and serves with
// keep-alive, one request at a time. It reports to its shard; a request for a
// session on another shard moves the whole connection there (moveToThread) first.
class HttpConnection : public QObject
{
public:
    HttpConnection(QTcpSocket *socket, Shard *shard);
    ~HttpConnection() override;

    enum class State {
        ReadingHead, // waiting for a complete head
        ReadingBody, // head read, waiting for contentLength bytes
        Dispatched, // the shard has the request; respond() ends it
        Closed,
    };

    State state() const { return m_state; }
    const http1::RequestHead &head() const { return m_head; }
    const QByteArray &body() const { return m_body; }
    QTcpSocket *socket() const { return m_socket; }
    qint64 lastActivityMs() const { return m_lastActivityMs; }
    bool servedAny() const { return m_served > 0; }

    // Starts (or resumes, after a move) reading and dispatching on the current thread.
    void start();
    // Before moving to another shard's thread: who to report to from now on.
    void setShard(Shard *shard) { m_shard = shard; }

    // Ends the dispatched request. Keeps the connection open unless the request or the
    // status (400 and up on a request head error) says otherwise; the next request is read.
    void respond(int status, QByteArrayView contentType, QByteArrayView body,
                 QByteArrayView extraHeaders = {});
    // Answers and closes, for requests that cannot be trusted to be followed by a good one.
    void respondAndClose(int status, QByteArrayView contentType, QByteArrayView body,
                         QByteArrayView extraHeaders = {});
    // For a WebSocket upgrade: gives up the connection as a descriptor of its own (the
    // QTcpSocket is closed) and what the client sent after the head. This object is then
    // closed and useless; the caller deletes it. -1 when the descriptor cannot be kept.
    int takeDescriptor(QByteArray *afterHead);
    void abort();

    // The Engine.IO session holding this connection's GET until it has packets to send.
    void setWaitingSession(EngineSession *session);
    EngineSession *waitingSession() const;

private:
    void onReadyRead();
    void onDisconnected();
    void dispatch();

    QTcpSocket *m_socket;
    Shard *m_shard;
    State m_state = State::ReadingHead;
    http1::RequestHead m_head;
    QByteArray m_body;
    qint64 m_lastActivityMs = 0;
    quint64 m_served = 0;
    bool m_processingQueued = false;
    QPointer<EngineSession> m_waiting;
};

} // namespace notify
