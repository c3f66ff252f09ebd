#include "server/protocol/credentials.h"

#include <QUrlQuery>

namespace notify {

QByteArray bearerToken(QByteArrayView authorizationHeader)
{
    const QByteArray header = authorizationHeader.trimmed().toByteArray();
    static const QByteArray scheme = QByteArrayLiteral("bearer ");
    if (header.size() <= scheme.size() || header.left(scheme.size()).toLower() != scheme)
        return {};
    return header.mid(scheme.size()).trimmed();
}

QByteArray cookieValue(QByteArrayView cookieHeader, QByteArrayView name)
{
    for (const QByteArray &part : cookieHeader.toByteArray().split(';')) {
        const QByteArray kv = part.trimmed();
        if (kv.size() > name.size() && kv.startsWith(name) && kv.at(name.size()) == '=')
            return kv.mid(name.size() + 1);
    }
    return {};
}

QByteArray plainCredential(const QUrlQuery &query, QByteArrayView authorizationHeader,
                           QByteArrayView cookieHeader)
{
    QByteArray credential
        = query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toUtf8();
    if (credential.isEmpty())
        credential = bearerToken(authorizationHeader);
    if (credential.isEmpty())
        credential = cookieValue(cookieHeader, "session_id");
    return credential;
}

} // namespace notify
