// What the client port reads from a request's headers besides the HTTP parser: the CORS
// decision and answer (server/protocol/cors.h) and the client address behind a trusted proxy
// (clientAddressBehind, server/config/config.h), on whatever head the parser accepts.

#include "fuzzcheck.h"

#include "server/config/config.h"
#include "server/http1/httprequest.h"
#include "server/protocol/cors.h"

using namespace notify;

namespace {
// Every line "Name: value\r\n", no CR or LF inside: nothing a client sends can add a header.
bool wellFormedLines(const QByteArray &lines)
{
    if (lines.isEmpty())
        return true;
    if (!lines.endsWith("\r\n"))
        return false;
    for (const QByteArray &line : lines.chopped(2).split('\n')) {
        const QByteArray l = line.endsWith('\r') ? line.chopped(1) : line;
        if (l.contains('\r') || l.indexOf(": ") <= 0)
            return false;
    }
    return true;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    auto parsed = http1::parseRequestHead(fuzz::bytes(data, size));
    if (!parsed.ok() || !parsed.value())
        return 0;
    const http1::RequestHead &head = *parsed.value();
    static const QStringList origins {QStringLiteral("https://app.example.com"),
                                      QStringLiteral("http://localhost:3000")};
    const QByteArray origin = head.header("origin");
    const cors::Verdict verdict = cors::check(origins, origin);
    FUZZ_CHECK(cors::check({}, origin) == cors::Verdict::NoCors);
    const QByteArray lines = cors::answerHeaders(origins, origin);
    FUZZ_CHECK(wellFormedLines(lines));
    FUZZ_CHECK(lines.contains("Access-Control-Allow-Origin: ")
               == (verdict == cors::Verdict::Allowed));
    if (verdict == cors::Verdict::Allowed) {
        FUZZ_CHECK(lines.contains("Access-Control-Allow-Origin: https://app.example.com\r\n")
                   || lines.contains("Access-Control-Allow-Origin: http://localhost:3000\r\n"));
    }
    if (cors::isPreflight(head)) {
        const cors::PreflightAnswer answer = cors::preflight(origins, head);
        FUZZ_CHECK(answer.status == 204 || answer.status == 403);
        FUZZ_CHECK((answer.status == 403) == answer.headers.isEmpty());
        FUZZ_CHECK(answer.status == 403 || verdict == cors::Verdict::Allowed);
        FUZZ_CHECK(wellFormedLines(answer.headers));
    }

    static const QList<QPair<QHostAddress, int>> proxies {
        *parseProxyRange(QStringLiteral("10.0.0.0/8")),
        *parseProxyRange(QStringLiteral("fd00::/8"))};
    QByteArray forwardedFor;
    for (const http1::Header &h : head.headers) {
        if (h.name == "x-forwarded-for")
            forwardedFor += (forwardedFor.isEmpty() ? "" : ",") + h.value;
    }
    const QByteArray realIp = head.header("x-real-ip");
    const QHostAddress stranger(QStringLiteral("203.0.113.9"));
    FUZZ_CHECK(clientAddressBehind(proxies, stranger, forwardedFor, realIp) == stranger);
    const QHostAddress proxy(QStringLiteral("10.0.0.1"));
    const QHostAddress client = clientAddressBehind(proxies, proxy, forwardedFor, realIp);
    FUZZ_CHECK(!client.isNull());
    return 0;
}
