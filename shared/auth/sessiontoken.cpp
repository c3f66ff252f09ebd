#include "shared/auth/sessiontoken.h"

#include "shared/auth/base64url.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

#include <algorithm>
#include <array>

namespace notify {

namespace {

constexpr qsizetype kTokenBytes = 32;
constexpr qsizetype kTokenChars = 43; // ceil(32 * 4 / 3) without padding

bool isBase64UrlChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
           || c == '-' || c == '_';
}

} // namespace

QByteArray generateSessionToken()
{
    // system() is the OS CSPRNG; global() is seeded from it but is not meant for secrets.
    std::array<quint32, kTokenBytes / sizeof(quint32)> words{};
    QRandomGenerator::system()->fillRange(words.data(), qsizetype(words.size()));
    static_assert(sizeof(words) == kTokenBytes);
    return base64UrlEncode(
            QByteArrayView(reinterpret_cast<const char *>(words.data()), kTokenBytes));
}

QByteArray hashSessionToken(QByteArrayView token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex();
}

bool looksLikeSessionToken(QByteArrayView token)
{
    return token.size() == kTokenChars && std::all_of(token.begin(), token.end(), isBase64UrlChar);
}

} // namespace notify
