// The WebSocket opening handshake (RFC 6455 section 4.2) on whatever head the client port's
// HTTP parser accepts.

#include "fuzzcheck.h"

#include "server/websocket/handshake.h"

using namespace notify;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    auto parsed = http1::parseRequestHead(fuzz::bytes(data, size));
    if (!parsed.ok() || !parsed.value())
        return 0;
    const http1::RequestHead &head = *parsed.value();
    auto accepted = ws::checkOpeningHandshake(head);
    if (!accepted.ok()) {
        const ws::HandshakeError &e = accepted.error();
        FUZZ_CHECK(e.status == 400 || e.status == 405 || e.status == 426);
        FUZZ_CHECK(!e.message.isEmpty());
        FUZZ_CHECK(e.extraHeaders.isEmpty() || e.extraHeaders.endsWith("\r\n"));
        return 0;
    }
    // Accepted: a GET on HTTP/1.1 with version 13 and a 16-byte key.
    FUZZ_CHECK(head.method == "GET" && head.minorVersion == 1);
    FUZZ_CHECK(head.header("sec-websocket-version").trimmed() == "13");
    const QByteArray key = head.header("sec-websocket-key").trimmed();
    FUZZ_CHECK(QByteArray::fromBase64(key).size() == 16);
    const QByteArray &accept = accepted.value();
    FUZZ_CHECK(accept.size() == 28 && accept == ws::acceptValue(key));
    const QByteArray response = ws::switchingProtocolsResponse(accept);
    FUZZ_CHECK(response.startsWith("HTTP/1.1 101 "));
    FUZZ_CHECK(response.contains("\r\nSec-WebSocket-Accept: " + accept + "\r\n"));
    FUZZ_CHECK(response.endsWith("\r\n\r\n"));
    // Nothing of the request is echoed into the response.
    FUZZ_CHECK(response.count("\r\n\r\n") == 1);
    return 0;
}
