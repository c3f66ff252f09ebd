#include "server/protocol/cors.h"

#include "server/config/config.h"
#include "server/http1/httprequest.h"

namespace notify::cors {

namespace {
// What the user's routes use: their methods, and the headers a page sets on them.
constexpr QByteArrayView allowedMethods[] = {"GET", "POST", "DELETE"};
constexpr QByteArrayView allowedHeaders[] = {"authorization", "content-type", "last-event-id"};
constexpr QByteArrayView maxAgeSeconds = "600";

bool isListed(QByteArrayView value, const auto &list)
{
    for (QByteArrayView allowed : list) {
        if (value == allowed)
            return true;
    }
    return false;
}
} // namespace

Verdict check(const QStringList &allowedOrigins, QByteArrayView origin)
{
    if (origin.isEmpty() || allowedOrigins.isEmpty())
        return Verdict::NoCors;
    return isOriginAllowed(allowedOrigins, QString::fromUtf8(origin)) ? Verdict::Allowed
                                                                      : Verdict::Refused;
}

QByteArray answerHeaders(const QStringList &allowedOrigins, QByteArrayView origin)
{
    if (allowedOrigins.isEmpty())
        return {};
    QByteArray lines = QByteArrayLiteral("Vary: Origin\r\n");
    if (check(allowedOrigins, origin) == Verdict::Allowed) {
        // The listed form, not the bytes sent: what a browser compares with its own origin.
        const QByteArray listed
            = normaliseOrigin(QString::fromUtf8(origin)).value_or(QString()).toUtf8();
        lines += "Access-Control-Allow-Origin: " + listed
            + "\r\nAccess-Control-Allow-Credentials: true\r\n"
              "Access-Control-Expose-Headers: Retry-After\r\n";
    }
    return lines;
}

bool isPreflight(const http1::RequestHead &head)
{
    return head.method == "OPTIONS" && !head.header("access-control-request-method").isNull();
}

PreflightAnswer preflight(const QStringList &allowedOrigins, const http1::RequestHead &head)
{
    const QByteArray origin = head.header("origin");
    if (check(allowedOrigins, origin) != Verdict::Allowed)
        return {};
    if (!isListed(head.header("access-control-request-method"), allowedMethods))
        return {};
    for (const QByteArray &name : head.header("access-control-request-headers").split(',')) {
        const QByteArray trimmed = name.trimmed().toLower();
        if (!trimmed.isEmpty() && !isListed(trimmed, allowedHeaders))
            return {};
    }
    PreflightAnswer answer;
    answer.status = 204;
    answer.headers = answerHeaders(allowedOrigins, origin)
        + "Access-Control-Allow-Methods: GET, POST, DELETE\r\n"
          "Access-Control-Allow-Headers: Authorization, Content-Type, Last-Event-ID\r\n"
          "Access-Control-Max-Age: "
        + maxAgeSeconds.toByteArray() + "\r\n";
    return answer;
}

} // namespace notify::cors
