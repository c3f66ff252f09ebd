#pragma once

#include <QString>

// The error codes of every channel, one vocabulary (docs/protocol.md): the plain protocol's
// and Socket.IO's error replies, the admin channel's, the HTTP API's {"error":{"code"}}.
namespace notify::codes {

inline const QString invalidJson = QStringLiteral("invalid_json");
inline const QString invalidPayload = QStringLiteral("invalid_payload");
inline const QString unknownType = QStringLiteral("unknown_type");
inline const QString unauthorized = QStringLiteral("unauthorized");
inline const QString forbidden = QStringLiteral("forbidden");
inline const QString notFound = QStringLiteral("not_found");
inline const QString rateLimited = QStringLiteral("rate_limited");
inline const QString unavailable = QStringLiteral("unavailable");
inline const QString internal = QStringLiteral("internal");
// A fault of the store's environment (docs/operations.md, "When things fail"): HTTP 503 with
// Retry-After, and /readyz's reason.
inline const QString storageFull = QStringLiteral("storage_full");
inline const QString storageReadOnly = QStringLiteral("storage_read_only");
inline const QString storageDamaged = QStringLiteral("storage_damaged");
inline const QString storageLocked = QStringLiteral("storage_locked");
inline const QString storageTimeout = QStringLiteral("storage_timeout");
// HTTP only: refused by method or size, or while reading, before any route saw the request
// (docs/security.md, "The API port").
inline const QString methodNotAllowed = QStringLiteral("method_not_allowed");
inline const QString payloadTooLarge = QStringLiteral("payload_too_large");
inline const QString badRequest = QStringLiteral("bad_request");
inline const QString headTooLarge = QStringLiteral("request_head_too_large");
inline const QString requestTimeout = QStringLiteral("request_timeout");
inline const QString notImplemented = QStringLiteral("not_implemented");

} // namespace notify::codes
