#pragma once

#include "server/http1/httprequest.h"
#include "shared/model/result.h"

#include <QByteArray>

// The server side of RFC 6455's opening handshake (section 4.2), on a head the client port's
// HTTP parser has already read and found to be an upgrade.
namespace notify::ws {

struct HandshakeError
{
    int status = 400;
    QByteArray message;
    QByteArray extraHeaders; // complete lines (426 names the version this server speaks)
};

// Checks what the head parser leaves to the WebSocket layer (GET, version 13, a key of 16
// bytes in base64) and returns the Sec-WebSocket-Accept value.
Result<QByteArray, HandshakeError> checkOpeningHandshake(const http1::RequestHead &head);

// base64(SHA-1(key + the RFC's GUID)).
QByteArray acceptValue(QByteArrayView key);

// The 101 response. No extension and no subprotocol is ever selected.
QByteArray switchingProtocolsResponse(QByteArrayView acceptValue);

} // namespace notify::ws
