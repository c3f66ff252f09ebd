#include "shared/auth/base64url.h"

#include <array>

namespace notify {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// -1 marks every byte outside the URL-safe alphabet, including '+', '/', '=' and whitespace.
constexpr std::array<qint8, 256> makeDecodeTable()
{
    std::array<qint8, 256> table{};
    for (auto &entry : table)
        entry = -1;
    for (int i = 0; i < 64; ++i)
        table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<qint8>(i);
    return table;
}

constexpr std::array<qint8, 256> kDecodeTable = makeDecodeTable();

} // namespace

QByteArray base64UrlEncode(QByteArrayView data)
{
    QByteArray out;
    out.reserve((data.size() * 4 + 2) / 3);
    const auto *bytes = reinterpret_cast<const unsigned char *>(data.data());
    qsizetype i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const quint32 chunk = (quint32(bytes[i]) << 16) | (quint32(bytes[i + 1]) << 8)
                              | quint32(bytes[i + 2]);
        out.append(kAlphabet[(chunk >> 18) & 0x3f]);
        out.append(kAlphabet[(chunk >> 12) & 0x3f]);
        out.append(kAlphabet[(chunk >> 6) & 0x3f]);
        out.append(kAlphabet[chunk & 0x3f]);
    }
    const qsizetype rest = data.size() - i;
    if (rest == 1) {
        const quint32 chunk = quint32(bytes[i]) << 16;
        out.append(kAlphabet[(chunk >> 18) & 0x3f]);
        out.append(kAlphabet[(chunk >> 12) & 0x3f]);
    } else if (rest == 2) {
        const quint32 chunk = (quint32(bytes[i]) << 16) | (quint32(bytes[i + 1]) << 8);
        out.append(kAlphabet[(chunk >> 18) & 0x3f]);
        out.append(kAlphabet[(chunk >> 12) & 0x3f]);
        out.append(kAlphabet[(chunk >> 6) & 0x3f]);
    }
    return out;
}

std::optional<QByteArray> base64UrlDecode(QByteArrayView text)
{
    // A single leftover character carries only 6 bits: no byte string encodes to that.
    if (text.size() % 4 == 1)
        return std::nullopt;

    QByteArray out;
    out.reserve(text.size() * 3 / 4);
    quint32 buffer = 0;
    int bits = 0;
    for (const char c : text) {
        const qint8 value = kDecodeTable[static_cast<unsigned char>(c)];
        if (value < 0)
            return std::nullopt;
        buffer = (buffer << 6) | quint32(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.append(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    // Leftover bits must be zero, otherwise several texts would decode to the same bytes and
    // a signed segment could be altered without changing what it means.
    if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0)
        return std::nullopt;
    return out;
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    // Walk the longer input completely and fold every difference into one accumulator, so
    // the running time says nothing about where (or whether) the inputs first differ.
    const qsizetype length = qMax(a.size(), b.size());
    unsigned int diff = a.size() == b.size() ? 0u : 1u;
    for (qsizetype i = 0; i < length; ++i) {
        const auto x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0u;
        const auto y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0u;
        diff |= x ^ y;
    }
    return diff == 0;
}

} // namespace notify
