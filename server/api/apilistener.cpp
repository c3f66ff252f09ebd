#include "server/api/apilistener.h"

#include "server/api/apirequest.h"
#include "server/api/httpreply.h"
#include "server/log/logging.h"

#include <unistd.h>

namespace notify {

ApiListener::ApiListener(ApiLimits limits, RequestHandler handler, QObject *parent)
    : QObject(parent)
    , m_limits(limits)
    , m_handler(std::move(handler))
    , m_listener([this](int descriptor) { admit(descriptor); }, this)
{
    m_listener.setPauseObserver([](const QString &why, int retryMs) {
        qCWarning(lcApi) << "accepting paused:" << why << "- retrying in" << retryMs << "ms";
    });
}

bool ApiListener::listen(const QHostAddress &address, quint16 port, int backlog)
{
    return m_listener.listen(address, port, backlog);
}

void ApiListener::setUpgradeHandler(const QByteArray &path, UpgradeHandler handler)
{
    m_upgrades.insert_or_assign(path, std::move(handler));
}

const ApiListener::UpgradeHandler *ApiListener::upgradeHandler(QByteArrayView path) const
{
    const auto it = m_upgrades.find(path);
    return it == m_upgrades.end() ? nullptr : &it->second;
}

void ApiListener::admit(qintptr descriptor)
{
    if (m_maxConnections > 0 && m_open >= m_maxConnections) {
        // Closed before a byte is read: the cap keeps descriptors for the store and for
        // connections already open (a flood of sockets must not take the port down for good).
        ::close(int(descriptor));
        return;
    }
    // The descriptor comes from accept4(SOCK_NONBLOCK), as ApiConnection needs it.
    auto *connection = new ApiConnection(int(descriptor), this);
    ++m_open;
    connect(connection, &QObject::destroyed, this, [this] { --m_open; });
    connection->start();
}

void ApiListener::handleRequest(const ApiRequest &request, const http::HttpReply &reply)
{
    m_handler(request, reply);
}

} // namespace notify
