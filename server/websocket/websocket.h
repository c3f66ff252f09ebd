#pragma once

#include "server/util/acceptgate.h"
#include "server/util/tokenbucket.h"
#include "server/websocket/frame.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <vector>

class QSocketNotifier;

namespace notify {

class WebSocket;

// What a WebSocket reports to whoever speaks a protocol over it. No callback may delete the
// WebSocket synchronously (post, or use deleteLater()/WebSocket::retire()).
class WebSocketHandler
{
public:
    // A complete message; text is valid UTF-8.
    virtual void onWebSocketText(WebSocket &ws, QByteArray message) = 0;
    virtual void onWebSocketBinary(WebSocket &ws, QByteArray message) = 0;
    // The answer to ping(), `rttMs` after it.
    virtual void onWebSocketPong(WebSocket &ws, qint64 rttMs)
    {
        Q_UNUSED(ws);
        Q_UNUSED(rttMs);
    }
    // The output bound was passed (setMaxOutputBytes): the connection is closing with 1008.
    virtual void onWebSocketOverflow(WebSocket &ws) { Q_UNUSED(ws); }
    // The connection is over and its descriptor closed: the close handshake finished, the
    // peer went away (1006), the input broke the protocol (the code sent), or abort().
    // Called exactly once.
    virtual void onWebSocketClosed(WebSocket &ws, int code, const QString &reason) = 0;

protected:
    ~WebSocketHandler() = default;
};

// One server-side RFC 6455 connection on a raw non-blocking descriptor, on the thread that
// created it. Why not QWebSocket: every QAbstractSocket keeps a 32 KiB write and a 16 KiB read
// buffer chunk for life and turns each message into a QString, a UTF-8 copy and two epoll_ctl
// calls. Here an idle connection holds no buffer, a pushed event is a reference to frame
// bytes shared by every recipient, a batch of frames is one sendmsg(), and the write
// notifier is armed only when the kernel's buffer is full.
class WebSocket final : public QObject
{
public:
    // Takes ownership of `descriptor` (a connected TCP socket, made non-blocking here).
    WebSocket(int descriptor, qint64 maxMessageBytes, QObject *parent = nullptr);
    ~WebSocket() override;

    void setHandler(WebSocketHandler *handler) { m_handler = handler; }
    void setMaxMessageBytes(qint64 bytes) { m_maxMessageBytes = bytes; }
    // Output bound: when queued bytes would pass it, what is queued and not yet begun is
    // dropped, the connection is closed with closecode::policyViolation "output limit
    // exceeded" (input is no longer read) and overflowed() turns true. 0: unbounded.
    void setMaxOutputBytes(qint64 bytes) { m_maxOutBytes = bytes; }
    bool overflowed() const { return m_overflowed; }
    // Pongs answer pings at most at this rate; past the burst a ping goes unanswered, and
    // after `burst` unanswered in a row the connection closes with 4029. 0: unlimited.
    void setControlRateLimit(double perSecond, int burst);
    // The connection's place at the client port's gate, released when the descriptor closes.
    void setTicket(AcceptGate::Ticket ticket) { m_ticket = std::move(ticket); }
    void markAuthenticated() { m_ticket.authenticated(); }
    // A one-way byte stream instead of WebSocket frames (Server-Sent Events, docs/protocol.md):
    // the same bounded, batched output on the descriptor, but input is read only to see the
    // peer leave, no ping is sent and close() writes no Close frame: it sends what is
    // queued, then a FIN. Set before start().
    void setRawStream() { m_rawStream = true; }
    // Starts reading; `alreadyRead` is input that arrived with the handshake.
    void start(QByteArray alreadyRead = {});

    // Output: bytes already framed (ws::encodeFrame), shared, never copied. queue() only
    // collects; flush() writes everything queued in one system call when the kernel takes it.
    void queue(const QByteArray &frame);
    void flush();
    void send(const QByteArray &frame)
    {
        queue(frame);
        flush();
    }
    void sendText(QByteArrayView utf8) { send(ws::encodeFrame(ws::Opcode::Text, utf8)); }
    // Bytes as they are, before the connection speaks WebSocket (the 101 response).
    void sendRaw(const QByteArray &bytes);
    void ping();

    // The closing handshake: a Close frame, then the peer's, then the descriptor is closed
    // (or after a timeout). Nothing is sent after the Close frame.
    void close(int code, QByteArrayView reason = {});
    // Closes the descriptor now; the handler hears 1006.
    void abort();
    // Detaches `ws` from its handler and parent: it finishes closing on its own (gracefully:
    // close(1000) first) and deletes itself.
    static void retire(WebSocket *ws, bool graceful, int code = ws::closecode::normal,
                       QByteArrayView reason = {});
    // A socket nobody will own, refused right after its handshake: starts it (so that the
    // peer's Close is read), sends Close with `code` and retires it.
    static void refuse(WebSocket *ws, int code, QByteArrayView reason);

    bool isOpen() const { return m_state == State::Open; }
    bool isClosed() const { return m_state == State::Closed; }
    qint64 bytesToWrite() const { return m_outBytes; }
    int descriptor() const { return m_fd; }

    static constexpr int closeTimeoutMs = 5000;

private:
    enum class State : quint8 {
        Open,
        Closing, // we sent Close and wait for the peer's
        Draining, // the peer's Close was answered, or its input failed: writing what is left
        Closed,
    };

    void onReadable();
    void processInput(char *data, qsizetype size);
    void handleFrame(const ws::FrameHeader &header, char *payload);
    void deliver(quint8 opcode, QByteArray message);
    void enqueue(const QByteArray &bytes);
    // enqueue() within the output bound; false (and the connection closing) past it.
    bool enqueueBounded(const QByteArray &bytes);
    void overflow();
    void fail(int code, const QString &message);
    void startClosing(State state, int code, const QString &reason);
    void finish(int code, const QString &reason);
    void setWriteInterest(bool on);

    int m_fd;
    State m_state = State::Open;
    bool m_discardInput = false; // the input broke the protocol: read until EOF, unparsed
    bool m_rawStream = false; // setRawStream()
    bool m_deleteWhenClosed = false;
    bool m_writeShutdown = false;
    quint8 m_messageOpcode = 0; // Text or Binary while a fragmented message is in progress
    qint64 m_maxMessageBytes;
    WebSocketHandler *m_handler = nullptr;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr; // made when a write first meets a full buffer
    QByteArray m_in; // an incomplete frame
    QByteArray m_message; // the fragments of a message so far
    std::vector<QByteArray> m_out;
    size_t m_outHead = 0; // m_out[0 .. m_outHead) are sent
    qsizetype m_outOffset = 0; // bytes of m_out[m_outHead] already sent
    qint64 m_outBytes = 0;
    qint64 m_pingSentMs = 0;
    qint64 m_maxOutBytes = 0;
    bool m_overflowed = false;
    TokenBucket m_pongBucket;
    int m_pongsRefusedInARow = 0;
    int m_pongBurst = 0;
    AcceptGate::Ticket m_ticket;
    int m_closeCode = ws::closecode::abnormal;
    QString m_closeReason;
};

} // namespace notify
