#pragma once

#include "server/api/apirequest.h"
#include "server/api/httpreply.h"

#include <QString>

#include <functional>
#include <vector>

namespace notify {

// Paths to handlers, per method. A path is fixed ("/api/v1/stats") or has one argument
// segment ("/api/v1/sessions/<arg>", "/api/v1/webhooks/<arg>/enable": any non-empty segment
// without '/'). Fixed paths are
// tried first, so "/x/read" is never taken for an argument of "/x/<arg>". An unknown path is
// 404 not_found; a known path with another method is 405 method_not_allowed with Allow.
class ApiRouter
{
public:
    using Handler
        = std::function<void(const QString &arg, const ApiRequest &, const http::HttpReply &)>;
    struct MethodHandler
    {
        HttpMethod method; // HttpMethod::Other: any method
        Handler handler;
    };

    void add(const QString &path, std::vector<MethodHandler> handlers);
    void route(const ApiRequest &request, const http::HttpReply &reply) const;

private:
    struct Route
    {
        QString prefix; // the whole path, or the part before "<arg>"
        QString suffix; // the part after "<arg>", if any
        bool withArg = false;
        std::vector<MethodHandler> handlers;
    };
    void dispatch(const Route &route, const QString &arg, const ApiRequest &request,
                  const http::HttpReply &reply) const;

    std::vector<Route> m_routes;
};

} // namespace notify
