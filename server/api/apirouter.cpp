#include "server/api/apirouter.h"

#include "server/api/httputil.h"

namespace notify {

using namespace http;

void ApiRouter::add(const QString &path, std::vector<MethodHandler> handlers)
{
    static const QString arg = QStringLiteral("<arg>");
    Route route;
    const qsizetype at = path.indexOf(arg);
    route.withArg = at >= 0;
    route.prefix = route.withArg ? path.left(at) : path;
    route.suffix = route.withArg ? path.mid(at + arg.size()) : QString();
    route.handlers = std::move(handlers);
    m_routes.push_back(std::move(route));
}

void ApiRouter::route(const ApiRequest &request, const HttpReply &reply) const
{
    const QString &path = request.path();
    for (const Route &r : m_routes) {
        if (!r.withArg && r.prefix == path)
            return dispatch(r, QString(), request, reply);
    }
    for (const Route &r : m_routes) {
        if (!r.withArg || path.size() <= r.prefix.size() + r.suffix.size()
            || !path.startsWith(r.prefix) || !path.endsWith(r.suffix))
            continue;
        const QString arg
            = path.mid(r.prefix.size(), path.size() - r.prefix.size() - r.suffix.size());
        if (!arg.isEmpty() && !arg.contains(u'/'))
            return dispatch(r, arg, request, reply);
    }
    reply.error(404, codes::notFound, QStringLiteral("no such route"));
}

void ApiRouter::dispatch(const Route &route, const QString &arg, const ApiRequest &request,
                         const HttpReply &reply) const
{
    QByteArrayList allowed;
    for (const MethodHandler &h : route.handlers) {
        if (h.method == HttpMethod::Other || request.method() == h.method) {
            h.handler(arg, request, reply);
            return;
        }
        allowed.append(httpMethodName(h.method));
    }
    const QJsonObject body {{QStringLiteral("error"),
                             QJsonObject {{QStringLiteral("code"), codes::methodNotAllowed},
                                          {QStringLiteral("message"),
                                           QStringLiteral("method not allowed; use %1")
                                               .arg(QString::fromLatin1(allowed.join(", ")))}}}};
    reply.raw(405, QByteArrayLiteral("application/json"), compactJson(body),
              {{QByteArrayLiteral("Allow"), allowed.join(", ")}});
}

} // namespace notify
