// Operations: liveness, readiness, Prometheus metrics, presence and node statistics.
#include "http/apiserver.h"

#include "codec/wirecodec.h"
#include "delivery/roomdirectory.h"
#include "metrics/metrics.h"

namespace notify {

using namespace http;

void ApiServer::health(const HttpReply &reply)
{
    reply.json(200, {{QStringLiteral("status"), QStringLiteral("ok")}});
}

void ApiServer::ready(const HttpReply &reply)
{
    if (m_services.storeReady.load()) {
        reply.json(200, {{QStringLiteral("status"), QStringLiteral("ready")}});
        return;
    }
    reply.json(
        503,
        {{QStringLiteral("status"), QStringLiteral("unavailable")},
         {QStringLiteral("error"),
          QJsonObject {{QStringLiteral("code"), codes::unavailable},
                       {QStringLiteral("message"), QStringLiteral("storage is unreachable")}}}});
}

void ApiServer::metricsText(const ApiRequest &request, const HttpReply &reply)
{
    // Optional: the API port is private (docs/security-apiport.md), but a deployment that
    // exposes /metrics to a scraper on a shared network can require a bearer for it.
    const QString &token = m_services.config.metricsToken;
    if (!token.isEmpty() && !matchesApiKey(bearerToken(request), {token}))
        return replyUnauthorized(reply,
                                 QStringLiteral("a metrics token is required "
                                                "(Authorization: Bearer)"));
    reply.raw(200, QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"),
              m_services.metrics.prometheusText());
}

void ApiServer::presence(const ApiRequest &request, const HttpReply &reply)
{
    if (!requireApiKey(request, reply))
        return;
    auto recipient = queryRecipient(request);
    if (!recipient)
        return reply.error(recipient.error());
    const int connections = m_services.directory.members(rooms::user(recipient.value()));
    reply.json(200,
               {{QStringLiteral("online"), connections > 0},
                {QStringLiteral("connections"), connections}});
}

void ApiServer::stats(const ApiRequest &request, const HttpReply &reply)
{
    if (!requireApiKey(request, reply))
        return;
    const Metrics &m = m_services.metrics;
    const qint64 plain = qint64(m.connectionsPlain.load(std::memory_order_relaxed));
    const qint64 socketIo = qint64(m.connectionsSocketIo.load(std::memory_order_relaxed));
    reply.json(200,
               {{QStringLiteral("connections"),
                 QJsonObject {{QStringLiteral("plain"), plain},
                              {QStringLiteral("socketIo"), socketIo},
                              {QStringLiteral("total"), plain + socketIo}}},
                {QStringLiteral("rooms"), m_services.directory.roomCount()},
                {QStringLiteral("counters"), countersToJson(m.snapshot())}});
}

} // namespace notify
