#include "server/websocket/handshake.h"

#include <QCryptographicHash>

namespace notify::ws {

QByteArray acceptValue(QByteArrayView key)
{
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(key);
    sha1.addData("258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    return sha1.result().toBase64();
}

Result<QByteArray, HandshakeError> checkOpeningHandshake(const http1::RequestHead &head)
{
    if (head.method != "GET")
        return HandshakeError {405, "a WebSocket handshake must be a GET request",
                               "Allow: GET\r\n"};
    if (head.minorVersion < 1)
        return HandshakeError {400, "a WebSocket handshake needs HTTP/1.1", {}};
    if (head.header("sec-websocket-version").trimmed() != "13")
        return HandshakeError {426, "this server speaks WebSocket version 13",
                               "Sec-WebSocket-Version: 13\r\n"};
    const QByteArray key = head.header("sec-websocket-key").trimmed();
    const auto decoded
        = QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
    if (key.isEmpty() || !decoded || decoded.decoded.size() != 16)
        return HandshakeError {400, "Sec-WebSocket-Key must be 16 bytes in base64", {}};
    return acceptValue(key);
}

QByteArray switchingProtocolsResponse(QByteArrayView accept)
{
    QByteArray response;
    response.reserve(160);
    response += "HTTP/1.1 101 Switching Protocols\r\n"
                "Upgrade: websocket\r\n"
                "Connection: Upgrade\r\n"
                "Sec-WebSocket-Accept: ";
    response += accept;
    response += "\r\n\r\n";
    return response;
}

} // namespace notify::ws
