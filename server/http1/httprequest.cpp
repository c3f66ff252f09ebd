#include "server/http1/httprequest.h"

#include <algorithm>

namespace notify::http1 {

namespace {

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// Field values: visible ASCII, obs-text (>= 0x80), space and tab; never other controls.
bool isFieldValue(QByteArrayView text)
{
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\t' || c == ' ' || (c >= 0x21 && c != 0x7f))
            continue;
        return false;
    }
    return true;
}

bool isTargetChar(char ch)
{
    const auto c = static_cast<unsigned char>(ch);
    return c >= 0x21 && c <= 0x7e && c != '#';
}

QByteArrayView trimOws(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

// Whether a comma-separated header value holds `token` (case-insensitive).
bool hasToken(QByteArrayView value, QByteArrayView token)
{
    qsizetype start = 0;
    while (start <= value.size()) {
        qsizetype end = value.indexOf(',', start);
        if (end < 0)
            end = value.size();
        if (trimOws(value.sliced(start, end - start)).compare(token, Qt::CaseInsensitive) == 0)
            return true;
        start = end + 1;
    }
    return false;
}

ParseError error(int status, const char *message)
{
    return ParseError {status, QString::fromLatin1(message)};
}

std::optional<qint64> parseContentLength(QByteArrayView v)
{
    if (v.isEmpty() || v.size() > 18)
        return std::nullopt;
    qint64 n = 0;
    for (char c : v) {
        if (c < '0' || c > '9')
            return std::nullopt;
        n = n * 10 + (c - '0');
    }
    return n;
}

} // namespace

QByteArray RequestHead::header(QByteArrayView lowerCaseName) const
{
    for (const Header &h : headers) {
        if (h.name == lowerCaseName)
            return h.value;
    }
    return {};
}

QByteArray RequestHead::path() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? target : target.left(q);
}

QByteArray RequestHead::query() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? QByteArray() : target.mid(q + 1);
}

Result<std::optional<RequestHead>, ParseError> parseRequestHead(QByteArrayView buffer,
                                                                const Limits &limits)
{
    RequestHead head;
    qsizetype pos = 0;
    bool firstLine = true;
    for (;;) {
        const qsizetype window = qMin(buffer.size(), limits.maxHeadBytes);
        const qsizetype lf = buffer.first(window).indexOf('\n', pos);
        if (lf < 0) {
            if (firstLine) {
                // Bytes that can never start a request line (a TLS ClientHello sent to a
                // plain port, binary noise) are refused now rather than at the head's
                // deadline: only the method, a token, comes before the first space.
                const QByteArrayView soFar = buffer.first(window);
                const qsizetype sp = soFar.indexOf(' ');
                if (sp == 0)
                    return error(400, "malformed request line");
                if (!std::all_of(soFar.begin(), sp < 0 ? soFar.end() : soFar.begin() + sp,
                                 isTokenChar))
                    return error(400, "malformed method");
            }
            if (window - pos > limits.maxLineBytes + 1)
                return firstLine ? error(414, "request line too long")
                                 : error(431, "header line too long");
            if (buffer.size() >= limits.maxHeadBytes)
                return error(431, "request head too large");
            return std::optional<RequestHead>();
        }
        if (lf == pos || buffer[lf - 1] != '\r')
            return error(400, "lines must end with CRLF");
        const QByteArrayView line = buffer.sliced(pos, lf - 1 - pos);
        pos = lf + 1;
        if (line.size() > limits.maxLineBytes)
            return firstLine ? error(414, "request line too long")
                             : error(431, "header line too long");
        if (line.contains('\r') || line.contains('\0'))
            return error(400, "stray CR or NUL in the request head");

        if (firstLine) {
            firstLine = false;
            const qsizetype sp1 = line.indexOf(' ');
            const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
            if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0)
                return error(400, "malformed request line");
            const QByteArrayView method = line.first(sp1);
            const QByteArrayView target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
            const QByteArrayView version = line.sliced(sp2 + 1);
            if (!isToken(method))
                return error(400, "malformed method");
            if (target.isEmpty() || target.front() != '/')
                return error(400, "the target must be a path starting with '/'");
            for (char c : target) {
                if (!isTargetChar(c))
                    return error(400, "invalid character in the request target");
            }
            if (version.size() != 8 || !version.startsWith("HTTP/") || version[6] != '.'
                || version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9')
                return error(400, "malformed HTTP version");
            if (version[5] != '1' || (version[7] != '0' && version[7] != '1'))
                return error(505, "only HTTP/1.0 and HTTP/1.1 are supported");
            head.method = method.toByteArray();
            head.target = target.toByteArray();
            head.minorVersion = version[7] - '0';
            continue;
        }

        if (line.isEmpty())
            break; // the blank line: the head is complete
        if (line.front() == ' ' || line.front() == '\t')
            return error(400, "obsolete line folding is not allowed");
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon)))
            return error(400, "malformed header name");
        const QByteArrayView value = trimOws(line.sliced(colon + 1));
        if (!isFieldValue(value))
            return error(400, "invalid character in a header value");
        if (head.headers.size() >= limits.maxHeaders)
            return error(431, "too many headers");
        head.headers.append(
            Header {line.first(colon).toByteArray().toLower(), value.toByteArray()});
    }
    head.headLength = pos;

    bool hostSeen = false;
    std::optional<qint64> contentLength;
    bool connectionClose = false;
    bool connectionKeepAlive = false;
    bool connectionUpgrade = false;
    bool upgradeWebSocket = false;
    for (const Header &h : std::as_const(head.headers)) {
        if (h.name == "host") {
            if (hostSeen)
                return error(400, "more than one Host header");
            hostSeen = true;
        } else if (h.name == "transfer-encoding") {
            if (!limits.acceptChunked)
                return error(501, "Transfer-Encoding is not supported; send a Content-Length");
            if (head.chunked || trimOws(h.value).compare("chunked", Qt::CaseInsensitive) != 0)
                return error(501, "only Transfer-Encoding: chunked is supported");
            head.chunked = true;
        } else if (h.name == "content-length") {
            const auto n = parseContentLength(h.value);
            if (!n || (contentLength && *contentLength != *n))
                return error(400, "malformed Content-Length");
            contentLength = n;
        } else if (h.name == "connection") {
            connectionClose = connectionClose || hasToken(h.value, "close");
            connectionKeepAlive = connectionKeepAlive || hasToken(h.value, "keep-alive");
            connectionUpgrade = connectionUpgrade || hasToken(h.value, "upgrade");
        } else if (h.name == "upgrade") {
            upgradeWebSocket = upgradeWebSocket || hasToken(h.value, "websocket");
        }
    }
    if (head.minorVersion == 1 && !hostSeen)
        return error(400, "HTTP/1.1 requires a Host header");
    // Both framings at once is how requests are smuggled past proxies (RFC 9112 §6.1).
    if (head.chunked && (contentLength || head.minorVersion == 0))
        return error(400, "chunked bodies need HTTP/1.1 and no Content-Length");
    if (contentLength && *contentLength > limits.maxBodyBytes)
        return error(413, "request body too large");
    head.contentLength = contentLength.value_or(0);
    head.keepAlive
        = head.minorVersion == 1 ? !connectionClose : connectionKeepAlive && !connectionClose;
    head.webSocketUpgrade = head.method == "GET" && connectionUpgrade && upgradeWebSocket;
    return std::optional<RequestHead>(std::move(head));
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 426:
        return "Upgrade Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

QByteArray formatResponse(int status, QByteArrayView contentType, QByteArrayView body,
                          bool keepAlive, QByteArrayView extraHeaders)
{
    QByteArray out;
    out.reserve(160 + extraHeaders.size() + body.size());
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    if (!contentType.isEmpty()) {
        out += "Content-Type: ";
        out += contentType;
        out += "\r\n";
    }
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    if (!keepAlive)
        out += "Connection: close\r\n";
    out += extraHeaders;
    out += "\r\n";
    out += body;
    return out;
}

} // namespace notify::http1
