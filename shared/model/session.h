#pragma once

#include "shared/model/recipient.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace notify {

// An opaque session token as the store keeps it: only the SHA-256 of the token, hex.
struct SessionRecord
{
    QByteArray tokenSha256Hex;
    Recipient recipient;
    QString role;
    QDateTime createdAt;
    QDateTime expiresAt;
    QDateTime revokedAt; // null: not revoked

    bool isActiveAt(const QDateTime &now) const
    {
        return !revokedAt.isValid() && expiresAt > now;
    }
};

} // namespace notify
