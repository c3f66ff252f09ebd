#pragma once

#include <QHostAddress>

#include <sys/socket.h>

namespace notify {

// The remote address of a connected socket, or a null address if the kernel gives none (the
// peer already gone). For descriptors accepted outside QTcpServer (client and API ports).
inline QHostAddress peerAddressOf(int descriptor)
{
    sockaddr_storage peer {};
    socklen_t length = sizeof peer;
    QHostAddress address;
    if (::getpeername(descriptor, reinterpret_cast<sockaddr *>(&peer), &length) == 0)
        address.setAddress(reinterpret_cast<const sockaddr *>(&peer));
    return address;
}

} // namespace notify
