#pragma once

#include "server/api/apiconnection.h"
#include "server/http1/httprequest.h"

#include "server/shard/listener.h"

#include <QHostAddress>
#include <QObject>

#include <functional>
#include <map>

namespace notify {

class ApiRequest;
namespace http {
class HttpReply;
}

// The API port's listening socket. Every accepted descriptor enters through admit(), where
// the port's connection cap is applied; each admitted one becomes an ApiConnection, a child
// of this object, that hands complete requests to the request handler and WebSocket
// upgrades of registered paths to their upgrade handler. Accepting goes through Listener
// (net/listener.h), which pauses at EMFILE instead of spinning as QTcpServer does.
class ApiListener : public QObject
{
public:
    using RequestHandler = std::function<void(const ApiRequest &, const http::HttpReply &)>;
    // A WebSocket upgrade whose handshake checked out: the connection's own descriptor (owned
    // by the handler from now on), nothing written to it yet.
    struct Upgrade
    {
        int descriptor = -1;
        http1::RequestHead head;
        QByteArray afterHead; // what the client sent after the head
        QString peerAddress;
        QByteArray acceptValue; // for ws::switchingProtocolsResponse
    };
    using UpgradeHandler = std::function<void(Upgrade)>;

    ApiListener(ApiLimits limits, RequestHandler handler, QObject *parent = nullptr);

    bool listen(const QHostAddress &address, quint16 port, int backlog);
    quint16 serverPort() const { return m_listener.serverPort(); }
    QString errorString() const { return m_listener.errorString(); }
    // Connections open beyond this are closed at accept (docs/security.md, "The API port").
    void setMaxConnections(int max) { m_maxConnections = max; }
    int openConnections() const { return m_open; }

    const ApiLimits &limits() const { return m_limits; }
    void setUpgradeHandler(const QByteArray &path, UpgradeHandler handler);
    const UpgradeHandler *upgradeHandler(QByteArrayView path) const;

    // Takes a connected descriptor and serves it.
    void admit(qintptr descriptor);
    void handleRequest(const ApiRequest &request, const http::HttpReply &reply);

private:
    ApiLimits m_limits;
    RequestHandler m_handler;
    std::map<QByteArray, UpgradeHandler, std::less<>> m_upgrades;
    Listener m_listener;
    int m_maxConnections = 0; // 0: unlimited
    int m_open = 0;
};

} // namespace notify
