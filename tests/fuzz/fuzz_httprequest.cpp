// The client port's HTTP/1.1 request-head parser, fed as a socket would feed it: the whole
// buffer, and the same bytes cut short, under the default limits and under small ones.

#include "fuzzcheck.h"

#include "server/http1/httprequest.h"

using namespace notify;

namespace {

void checkHead(const http1::RequestHead &head, QByteArrayView buffer, const http1::Limits &limits)
{
    FUZZ_CHECK(head.headLength > 0 && head.headLength <= buffer.size());
    FUZZ_CHECK(head.headLength <= limits.maxHeadBytes);
    FUZZ_CHECK(buffer.first(head.headLength).endsWith("\r\n\r\n"));
    FUZZ_CHECK(head.headers.size() <= limits.maxHeaders);
    FUZZ_CHECK(head.contentLength >= 0 && head.contentLength <= limits.maxBodyBytes);
    FUZZ_CHECK(head.minorVersion == 0 || head.minorVersion == 1);
    FUZZ_CHECK(!head.method.isEmpty() && head.target.startsWith('/'));
    for (const http1::Header &h : head.headers) {
        FUZZ_CHECK(!h.name.isEmpty());
        FUZZ_CHECK(h.name == h.name.toLower());
        FUZZ_CHECK(h.value == h.value.trimmed());
        FUZZ_CHECK(!h.name.contains('\n') && !h.value.contains('\n') && !h.value.contains('\r'));
    }
    // The target splits into path and query at the first '?' and loses nothing.
    const QByteArray path = head.path();
    const QByteArray query = head.query();
    FUZZ_CHECK(path + (head.target.contains('?') ? "?" + query : QByteArray()) == head.target);
    if (head.webSocketUpgrade)
        FUZZ_CHECK(head.method == "GET");
    // No transfer codings are ever accepted: the body length is Content-Length's.
    FUZZ_CHECK(head.header("transfer-encoding").isNull());
}

void parseAll(QByteArrayView buffer, const http1::Limits &limits)
{
    auto parsed = http1::parseRequestHead(buffer, limits);
    if (!parsed.ok()) {
        const int status = parsed.error().status;
        FUZZ_CHECK(status == 400 || status == 413 || status == 414 || status == 431 || status == 501
                   || status == 505);
        FUZZ_CHECK(!http1::reasonPhrase(status).isEmpty());
        return;
    }
    if (!parsed.value()) {
        // Waiting for more is only allowed while the head could still fit.
        FUZZ_CHECK(buffer.size() < limits.maxHeadBytes);
        return;
    }
    const http1::RequestHead &head = *parsed.value();
    checkHead(head, buffer, limits);
    // The bytes after the head (a body, the next pipelined request) never change the head.
    auto alone = http1::parseRequestHead(buffer.first(head.headLength), limits);
    FUZZ_CHECK(alone.ok() && alone.value());
    FUZZ_CHECK(alone.value()->target == head.target && alone.value()->headers == head.headers);
    FUZZ_CHECK(alone.value()->contentLength == head.contentLength);
    // A head that arrives in pieces is never refused part-way: every prefix waits for more.
    for (qsizetype cut : {head.headLength - 1, head.headLength / 2, qsizetype(1)}) {
        if (cut <= 0 || cut >= head.headLength)
            continue;
        auto partial = http1::parseRequestHead(buffer.first(cut), limits);
        FUZZ_CHECK(partial.ok() && !partial.value());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView buffer = fuzz::bytes(data, size);
    parseAll(buffer, http1::Limits {});
    http1::Limits small;
    small.maxHeadBytes = 256;
    small.maxLineBytes = 64;
    small.maxHeaders = 4;
    small.maxBodyBytes = 100;
    parseAll(buffer, small);
    return 0;
}
