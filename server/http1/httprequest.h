#pragma once

#include "shared/model/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

// A small, strict HTTP/1.1 request-head parser for the client port, which serves WebSocket
// upgrades and a few plain requests (Engine.IO long-polling, the user's routes, Server-Sent
// Events, the browser client's files). Pure function over bytes:
// no sockets, safe on any thread, fuzzed by tests/unit/http1/test_httprequest.cpp.
//
// Strict on purpose (RFC 9112): CRLF line endings only, no obsolete line folding, no
// whitespace between a header name and its colon, origin-form targets only, HTTP/1.0 and
// HTTP/1.1 only, Host required on 1.1, no Transfer-Encoding (chunked bodies are refused),
// one Content-Length. Every size is bounded before anything is copied.
namespace notify::http1 {

struct Limits
{
    qsizetype maxHeadBytes = 8 * 1024; // request line + headers + the blank line
    qsizetype maxLineBytes = 4 * 1024; // one line without its CRLF
    int maxHeaders = 100;
    qint64 maxBodyBytes = 1000000; // Engine.IO's maxPayload
    // The API port takes `Transfer-Encoding: chunked` bodies (decoded and counted by its
    // connection); the client port refuses every Transfer-Encoding with 501.
    bool acceptChunked = false;
};

struct Header
{
    QByteArray name; // lower case
    QByteArray value; // without surrounding whitespace

    friend bool operator==(const Header &, const Header &) = default;
};

struct RequestHead
{
    QByteArray method; // as sent: "GET", "POST", ...
    QByteArray target; // origin-form: "/socket.io/?EIO=4&transport=polling"
    int minorVersion = 1; // HTTP/1.<minorVersion>
    QList<Header> headers;
    qsizetype headLength = 0; // bytes of the head, blank line included: where the body starts
    qint64 contentLength = 0;
    bool chunked = false; // Transfer-Encoding: chunked (only with Limits::acceptChunked)
    bool keepAlive = true;
    // A GET with `Upgrade: websocket` and `Connection: upgrade`: for the WebSocket handshake
    // (server/websocket/handshake.h).
    bool webSocketUpgrade = false;

    // The first value of a header (name in lower case), or a null QByteArray.
    QByteArray header(QByteArrayView lowerCaseName) const;
    QByteArray path() const; // the target before '?'
    QByteArray query() const; // the target after '?', without it
};

struct ParseError
{
    int status = 400; // 400, 413, 414, 431, 501 or 505: what the client is answered
    QString message;
};

// Parses the head at the start of `buffer`. Returns nullopt while the head is incomplete
// and still within the limits (read more and call again), the head once the blank line has
// arrived, or an error. The body (contentLength bytes) follows at headLength.
Result<std::optional<RequestHead>, ParseError> parseRequestHead(QByteArrayView buffer,
                                                                const Limits &limits = {});

// The reason phrase of the status codes this server answers with ("OK", "Bad Request").
QByteArray reasonPhrase(int status);

// A complete response head and body. Adds Content-Length and, when keepAlive is false,
// `Connection: close`. `extraHeaders` are complete lines, each ending in CRLF.
QByteArray formatResponse(int status, QByteArrayView contentType, QByteArrayView body,
                          bool keepAlive, QByteArrayView extraHeaders = {});

} // namespace notify::http1
