#pragma once

#include "shared/model/recipient.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace notify {

// Who an authenticated connection belongs to, and until when.
struct Identity
{
    Recipient recipient;
    QString role;
    QDateTime expiresAt;    // the connection is closed with 4001 once this passes
    QByteArray sessionHash; // hex SHA-256 of the session token (or a JWT's sid); may be empty
};

} // namespace notify
