#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

namespace notify {

enum class ClientProtocol { Plain, SocketIo, Sse };

// One live client connection as the admin channel describes it.
struct ConnectionInfo
{
    quint64 id = 0;
    QString orgId;
    QString userId;
    QString role;
    ClientProtocol protocol = ClientProtocol::Plain;
    QString remoteAddress;
    QString userAgent;
    QString origin;
    QDateTime connectedAt;
    QDateTime lastPongAt;
    int rttMs = -1; // -1: not measured yet
    quint64 framesIn = 0;
    quint64 framesOut = 0;
    quint64 bytesOut = 0;
    QStringList rooms;
    // The credential: a JWT's iss, alg and kid (empty for a session token), and when the
    // connection is closed unless it renews it (null: never).
    QString tokenIssuer;
    QString tokenAlgorithm;
    QString tokenKeyId;
    QDateTime expiresAt;

    friend bool operator==(const ConnectionInfo &, const ConnectionInfo &) = default;
};

} // namespace notify
