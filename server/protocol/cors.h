#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QStringList>

namespace notify::http1 {
struct RequestHead;
}

// CORS for the client port's HTTP routes (docs/security.md, "Browsers and CORS"): the
// origins of --allowed-origins may read the answers with credentials; a request from any
// other origin is refused. Pure functions, any thread.
namespace notify::cors {

enum class Verdict {
    NoCors, // no Origin header, or --allowed-origins is empty: served, no CORS headers
    Allowed, // a listed origin: served, its origin echoed
    Refused, // an origin not on the list: 403 without CORS headers
};

Verdict check(const QStringList &allowedOrigins, QByteArrayView origin);

// The header lines of an answer to a request from `origin` (complete lines, CRLF each):
// with a list of origins every answer varies by origin; a listed one is echoed, with
// credentials allowed.
QByteArray answerHeaders(const QStringList &allowedOrigins, QByteArrayView origin);

// The answer to an OPTIONS request carrying Access-Control-Request-Method: 204 with the CORS
// headers when origin, method and every requested header are allowed; otherwise 403 without
// any CORS header, so that the browser refuses the real request.
struct PreflightAnswer
{
    int status = 403;
    QByteArray headers;
};
bool isPreflight(const http1::RequestHead &head);
PreflightAnswer preflight(const QStringList &allowedOrigins, const http1::RequestHead &head);

} // namespace notify::cors
