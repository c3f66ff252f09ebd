#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace notify {

// A new opaque session token: 32 bytes from QRandomGenerator::system(), base64url (43 chars).
QByteArray generateSessionToken();
// What the store keeps instead of the token: lower-case hex SHA-256 (64 chars).
QByteArray hashSessionToken(QByteArrayView token);
// Cheap shape check before any lookup: 43 base64url chars. A JWT never passes it.
bool looksLikeSessionToken(QByteArrayView token);

} // namespace notify
