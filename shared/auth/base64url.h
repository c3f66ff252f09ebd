#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace notify {

// RFC 4648 §5 without padding.
QByteArray base64UrlEncode(QByteArrayView data);
// Strict: only the URL-safe alphabet, no padding, no whitespace, no impossible length.
std::optional<QByteArray> base64UrlDecode(QByteArrayView text);

// Compares in time that depends only on the lengths, never on where the bytes differ.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

} // namespace notify
