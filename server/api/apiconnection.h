#pragma once

#include "server/api/httputil.h"
#include "server/http1/httprequest.h"

#include <QByteArray>
#include <QObject>
#include <QSocketNotifier>
#include <QTimer>

namespace notify {

class ApiListener;

// What one API connection may cost, enforced while reading (docs/security.md, "The API port").
struct ApiLimits
{
    qsizetype maxHeadBytes = 16 * 1024; // request line + headers + blank line
    qint64 maxBodyBytes = http::maxBodyBytes;
    int headTimeoutMs = 10000; // a whole head, from accept or from its first byte
    int bodyTimeoutMs = 30000; // a whole body, from the end of its head
    int idleTimeoutMs = 30000; // a keep-alive connection between requests
    int lingerMs = 2000; // after an answer that closes: input is discarded, then closed
    // A client that does not read its answers: the next request is not read while more than
    // this is waiting to be sent.
    qint64 maxUnsentBytes = 1024 * 1024;
};

// One TCP connection on the API port. Reads one request at a time with the project's
// HTTP/1.1 parser, every byte counted against ApiLimits as it arrives: a head over the limit
// is 431 (414 for the request line) as soon as the limit is crossed, a declared body over the
// limit is 413 before any of it is read, a chunked body is counted as it is decoded. While a
// request is being answered nothing more is read (pipelined requests wait in the kernel, in
// order). Answers that end the connection (errors, Connection: close) are followed by a
// lingering close, so that the client reads the answer before any reset.
//
// The descriptor is read and written directly (no QTcpSocket): one read() per readable
// wake-up, one send() per answer, and no ioctl(FIONREAD) or notifier toggling per read, which
// were most of the API thread's syscalls per request (bench/notes.md, "The API port per
// request"). The input buffer holds at most maxHeadBytes, as Qt's read buffer did: past it
// the read notifier is off and TCP flow control holds the client back.
class ApiConnection : public QObject
{
public:
    // Takes ownership of a connected, non-blocking descriptor.
    ApiConnection(int descriptor, ApiListener *listener);
    ~ApiConnection() override;

    void start();
    // The answer to request `serial` (ignored when it is not the one being answered).
    // `extraHeaders` are complete lines, each ending in CRLF.
    void respond(quint64 serial, int status, QByteArrayView contentType, QByteArrayView body,
                 QByteArrayView extraHeaders);

private:
    enum class State : quint8 {
        ReadingHead,
        ReadingBody, // Content-Length
        ReadingChunks, // Transfer-Encoding: chunked
        Dispatched, // waiting for respond()
        Lingering, // answered and closing: input is discarded
        Closed,
    };
    enum class ChunkStep : quint8 { Size, Data, DataEnd, Trailer };

    void onReadable();
    void onWritable();
    // One read() into m_in, up to maxHeadBytes. False when the peer is gone (then Closed).
    bool fill();
    void updateReadNotifier();
    void process();
    bool readHead();
    bool readBody();
    bool readChunks();
    void dispatch();
    void upgrade();
    void onTimeout();
    // Sends at once what the kernel takes; the rest waits in m_out for the write notifier.
    void send(QByteArray out);
    void afterOutputWritten();
    void closeDescriptor();
    void onDisconnected();
    void fail(int status, const QString &code, const QString &message);
    void write(int status, QByteArrayView contentType, QByteArrayView body,
               QByteArrayView extraHeaders, bool keepAlive);
    void closeAfterWrite();
    void shutdownOutput();
    void arm(int ms);
    void scheduleProcess();

    int m_fd;
    ApiListener *m_listener;
    const ApiLimits &m_limits;
    State m_state = State::ReadingHead;
    ChunkStep m_chunkStep = ChunkStep::Size;
    bool m_headStarted = true; // a new connection's head deadline runs from accept
    bool m_processQueued = false;
    bool m_outputShut = false;
    bool m_gone = false;
    bool m_keepAlive = true; // of the request being answered
    bool m_http10 = false; // the request being answered is HTTP/1.0
    quint64 m_serial = 0;
    qint64 m_chunkLeft = 0;
    http1::RequestHead m_head;
    QByteArray m_in; // read but not yet consumed; at most maxHeadBytes
    QByteArray m_body;
    QByteArray m_out; // what the kernel did not take yet
    QSocketNotifier m_readNotifier;
    QSocketNotifier m_writeNotifier; // enabled only while m_out is not empty
    QTimer m_timer;
};

} // namespace notify
