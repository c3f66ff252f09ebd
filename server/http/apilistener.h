#pragma once

#include "http/apiconnection.h"
#include "socketio/httprequest.h"

#include <QTcpServer>

#include <functional>
#include <map>

namespace notify {

class ApiRequest;
namespace http {
class HttpReply;
}

// The API port's listening socket. Every accepted descriptor enters through admit(), the one
// place where an accept policy (caps per address or in total) plugs in; each becomes an
// ApiConnection, a child of this object, that hands complete requests to the request
// handler and WebSocket upgrades of registered paths to their upgrade handler.
class ApiListener : public QTcpServer
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

    const ApiLimits &limits() const { return m_limits; }
    void setUpgradeHandler(const QByteArray &path, UpgradeHandler handler);
    const UpgradeHandler *upgradeHandler(QByteArrayView path) const;

    // Takes a connected descriptor and serves it.
    void admit(qintptr descriptor);
    void handleRequest(const ApiRequest &request, const http::HttpReply &reply);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    ApiLimits m_limits;
    RequestHandler m_handler;
    std::map<QByteArray, UpgradeHandler, std::less<>> m_upgrades;
};

} // namespace notify
