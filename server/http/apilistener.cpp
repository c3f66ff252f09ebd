#include "http/apilistener.h"

#include "http/apirequest.h"
#include "http/httpreply.h"
#include "log/logging.h"

#include <QTcpSocket>

#include <unistd.h>

namespace notify {

ApiListener::ApiListener(ApiLimits limits, RequestHandler handler, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
    , m_handler(std::move(handler))
{ }

void ApiListener::setUpgradeHandler(const QByteArray &path, UpgradeHandler handler)
{
    m_upgrades.insert_or_assign(path, std::move(handler));
}

const ApiListener::UpgradeHandler *ApiListener::upgradeHandler(QByteArrayView path) const
{
    const auto it = m_upgrades.find(path);
    return it == m_upgrades.end() ? nullptr : &it->second;
}

void ApiListener::incomingConnection(qintptr descriptor)
{
    admit(descriptor);
}

void ApiListener::admit(qintptr descriptor)
{
    auto *socket = new QTcpSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcApi) << "cannot take an accepted connection:" << socket->errorString();
        delete socket;
        ::close(int(descriptor));
        return;
    }
    auto *connection = new ApiConnection(socket, this);
    connection->start();
}

void ApiListener::handleRequest(const ApiRequest &request, const http::HttpReply &reply)
{
    m_handler(request, reply);
}

} // namespace notify
