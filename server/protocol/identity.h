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
    // A JWT's iss, alg and kid (the console shows them); empty for a session token.
    QString issuer;
    QString algorithm;
    QString keyId;
};

} // namespace notify
