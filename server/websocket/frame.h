#pragma once

#include "shared/model/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <initializer_list>
#include <optional>

// RFC 6455 framing as the server side needs it: pure functions over bytes, no sockets, safe on
// any thread, fuzzed by tests/unit/websocket/test_wsframe.cpp.
//
// Server frames are built once and shared: a pushed event is framed when it is encoded (one
// QByteArray for every connection it goes to), so the send path copies nothing.
namespace notify::ws {

enum class Opcode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

namespace closecode {
constexpr int normal = 1000;
constexpr int goingAway = 1001;
constexpr int protocolError = 1002;
constexpr int noStatus = 1005; // never sent: a Close frame without a code
constexpr int abnormal = 1006; // never sent: the TCP connection ended without a Close frame
constexpr int invalidPayload = 1007;
constexpr int policyViolation = 1008;
constexpr int tooBig = 1009;
} // namespace closecode

// The most a control frame (Close, Ping, Pong) may carry.
constexpr qsizetype maxControlPayload = 125;

// The size of a server frame's header for a payload of `payloadSize` bytes: 2, 4 or 10.
int serverHeaderSize(qsizetype payloadSize);
// One unfragmented, unmasked server frame.
QByteArray encodeFrame(Opcode opcode, QByteArrayView payload);
// The same with the payload given as consecutive parts: one allocation of the exact size and
// one copy of each part, no concatenated payload in between (pushed events are built so).
QByteArray encodeFrame(Opcode opcode, std::initializer_list<QByteArrayView> payloadParts);
// A Close frame with `code` and `reason` (cut to what fits in a control frame, on a UTF-8
// character boundary).
QByteArray encodeCloseFrame(int code, QByteArrayView reason);
// The payload of a frame made by encodeFrame (Engine.IO long-polling sends the same packets
// without the framing).
QByteArrayView framePayload(const QByteArray &frame);

struct FrameHeader
{
    bool fin = false;
    Opcode opcode = Opcode::Continuation;
    quint8 mask[4] = {};
    quint64 payloadLength = 0;
    int headerLength = 0;

    bool isControl() const { return quint8(opcode) & 0x8; }
};

// Why a client's input ends the connection, and with which close code.
struct FrameError
{
    int closeCode = closecode::protocolError;
    QString message;
};

// The header of a client frame at the start of `buffer`: nullopt while incomplete. Refuses
// what RFC 6455 section 5 makes a protocol error for a server (unmasked frames, reserved bits
// without a negotiated extension, reserved opcodes, long or fragmented control frames) and
// data frames whose payload passes `maxPayload` (1009).
Result<std::optional<FrameHeader>, FrameError> parseClientFrameHeader(QByteArrayView buffer,
                                                                      quint64 maxPayload);

// XORs `size` bytes with the frame's mask; `offset` is the position of data[0] in the payload.
void unmask(char *data, qsizetype size, const quint8 mask[4], quint64 offset = 0);

// Strict UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF): text messages must be.
bool isValidUtf8(QByteArrayView bytes);

struct CloseInfo
{
    int code = closecode::noStatus;
    QByteArray reason;
};
// A client Close frame's payload: empty, or a code the peer may send plus a UTF-8 reason.
Result<CloseInfo, FrameError> parseClosePayload(QByteArrayView payload);
// Codes an endpoint may put in a Close frame (RFC 6455 section 7.4).
bool isSendableCloseCode(int code);

} // namespace notify::ws
