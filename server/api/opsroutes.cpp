// Operations: liveness, readiness, Prometheus metrics, presence and node statistics.
#include "server/api/apiserver.h"

#include "server/cluster/clusternode.h"
#include "server/delivery/roomdirectory.h"
#include "server/metrics/metrics.h"
#include "server/node/nodeservices.h"
#include "server/tokens/keyring.h"
#include "server/storage/storecache.h"
#include "server/storage/storeworker.h"
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"

#include <QJsonArray>

namespace notify {

using namespace http;

void ApiServer::health(const HttpReply &reply)
{
    reply.json(200, {{QStringLiteral("status"), QStringLiteral("ok")}});
}

void ApiServer::ready(const HttpReply &reply)
{
    // A fault of the environment that the writer met (a full disk...): reachable, but no
    // write goes through until the writer's probe succeeds (docs/operations.md, "When
    // things fail").
    if (const StoreError::Cause fault = m_services.writer.fault();
        fault != StoreError::Cause::Other) {
        const HttpError e = HttpError::storeFault(fault);
        reply.raw(503, QByteArrayLiteral("application/json"),
                  compactJson({{QStringLiteral("status"), QStringLiteral("unavailable")},
                               {QStringLiteral("error"),
                                QJsonObject {{QStringLiteral("code"), e.code},
                                             {QStringLiteral("message"), e.message}}}}),
                  {{QByteArrayLiteral("Retry-After"), QByteArray::number(e.retryAfterSeconds)}});
        return;
    }
    // Near the memory limit new client connections are refused: a load balancer should send
    // them elsewhere (docs/operations.md, "Memory limits").
    if (m_services.memory.refusing()) {
        reply.raw(
            503, QByteArrayLiteral("application/json"),
            compactJson({{QStringLiteral("status"), QStringLiteral("unavailable")},
                         {QStringLiteral("error"),
                          QJsonObject {{QStringLiteral("code"), MemoryWatch::refusalCode()},
                                       {QStringLiteral("message"), m_services.memory.reason()}}}}),
            {{QByteArrayLiteral("Retry-After"), QByteArrayLiteral("10")}});
        return;
    }
    // In a cluster the bus counts too: without it this node's sockets miss the others'
    // changes (docs/operations.md, "Cluster").
    const ClusterNode *cluster = m_services.cluster.load();
    if (m_services.storeReady.load() && cluster && !cluster->busReady()) {
        reply.json(503,
                   {{QStringLiteral("status"), QStringLiteral("unavailable")},
                    {QStringLiteral("error"),
                     QJsonObject {{QStringLiteral("code"), codes::unavailable},
                                  {QStringLiteral("message"),
                                   QStringLiteral("the cluster bus is unreachable")}}}});
        return;
    }
    // With --jwt-jwks-url no token can be verified before the first key set arrives
    // (docs/operations.md, "Tokens from an identity provider").
    if (m_services.storeReady.load() && m_services.keyRing && !m_services.keyRing->ready()) {
        reply.json(503,
                   {{QStringLiteral("status"), QStringLiteral("unavailable")},
                    {QStringLiteral("error"),
                     QJsonObject {{QStringLiteral("code"), codes::unavailable},
                                  {QStringLiteral("message"),
                                   QStringLiteral("the JWKS has not been fetched yet")}}}});
        return;
    }
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
    // Optional: the API port is private (docs/security.md, "The API port"), but a deployment that
    // exposes /metrics to a scraper on a shared network can require a bearer for it.
    const QString &token = m_services.config.metricsToken;
    if (!token.isEmpty() && !matchesApiKey(bearerToken(request), {token}))
        return replyUnauthorized(reply,
                                 QStringLiteral("a metrics token is required "
                                                "(Authorization: Bearer)"));
    reply.raw(200, QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"),
              m_services.metrics.prometheusText() + m_keys.prometheusText()
                  + "# HELP notify_store_cache_bytes SQLite's page caches, all store connections "
                    "(each up to 64 MiB).\n# TYPE notify_store_cache_bytes gauge\n"
                    "notify_store_cache_bytes "
                  + QByteArray::number(storecache::totalBytes()) + '\n'
                  + m_services.memory.prometheusText());
}

void ApiServer::presence(const ApiRequest &request, const HttpReply &reply)
{
    const auto caller = requireApiKey(request, reply, ApiKeyRing::Read);
    if (!caller)
        return;
    auto recipient = queryRecipient(request);
    if (!recipient)
        return reply.error(recipient.error());
    if (!requireOrg(*caller, recipient.value().orgId, reply))
        return;
    if (ClusterNode *cluster = m_services.cluster.load()) {
        // Every live node's count, asked over the bus (docs/operations.md, "Cluster").
        const quint64 ticket = park(reply);
        cluster->presence(recipient.value(), [this, ticket](const QJsonObject &answer) {
            resume(ticket, [answer](const HttpReply &reply) {
                const qint64 connections = answer.value(QStringLiteral("connections")).toInteger();
                reply.json(
                    200,
                    {{QStringLiteral("online"), connections > 0},
                     {QStringLiteral("connections"), connections},
                     {QStringLiteral("nodes"), answer.value(QStringLiteral("nodes"))},
                     {QStringLiteral("complete"), answer.value(QStringLiteral("complete"))}});
            });
        });
        return;
    }
    const int connections = m_services.directory.members(rooms::user(recipient.value()));
    reply.json(200,
               {{QStringLiteral("online"), connections > 0},
                {QStringLiteral("connections"), connections}});
}

namespace {
// The registry as of the last heartbeat (this node's own row live): totals over the nodes
// not gone, and every node with its state.
QJsonObject clusterStats(const ClusterNode &cluster)
{
    const QDateTime goneBefore = cluster.goneBefore();
    qint64 plain = 0, socketIo = 0, live = 0;
    QJsonArray nodes;
    for (const noderegistry::NodeRow &row : cluster.nodes()) {
        const bool gone = row.heartbeatAt < goneBefore;
        if (!gone) {
            plain += row.connectionsPlain;
            socketIo += row.connectionsSocketIo;
            ++live;
        }
        nodes.append(QJsonObject {
            {QStringLiteral("id"), row.id},
            {QStringLiteral("name"), row.name},
            {QStringLiteral("self"), row.id == cluster.self().id},
            {QStringLiteral("state"), gone ? QStringLiteral("gone") : QStringLiteral("up")},
            {QStringLiteral("clientAddress"), row.clientAddress},
            {QStringLiteral("apiAddress"), row.apiAddress},
            {QStringLiteral("version"), row.version},
            {QStringLiteral("startedAt"), formatTimestamp(row.startedAt)},
            {QStringLiteral("lastHeartbeat"), formatTimestamp(row.heartbeatAt)},
            {QStringLiteral("connections"),
             QJsonObject {
                 {QStringLiteral("plain"), row.connectionsPlain},
                 {QStringLiteral("socketIo"), row.connectionsSocketIo},
                 {QStringLiteral("total"), row.connectionsPlain + row.connectionsSocketIo}}},
            {QStringLiteral("counters"), row.counters}});
    }
    return {{QStringLiteral("nodes"), nodes},
            {QStringLiteral("liveNodes"), live},
            {QStringLiteral("busReady"), cluster.busReady()},
            {QStringLiteral("connections"),
             QJsonObject {{QStringLiteral("plain"), plain},
                          {QStringLiteral("socketIo"), socketIo},
                          {QStringLiteral("total"), plain + socketIo}}}};
}
} // namespace

void ApiServer::stats(const ApiRequest &request, const HttpReply &reply)
{
    const auto caller = requireApiKey(request, reply, ApiKeyRing::Read);
    if (!caller)
        return;
    // The node's figures span every organization.
    if (!caller->bootstrap())
        return reply.error(403, codes::forbidden,
                           QStringLiteral("node statistics span every organization; the API key "
                                          "'%1' of organization '%2' may not read them")
                               .arg(caller->key->name, caller->key->orgId));
    const Metrics &m = m_services.metrics;
    const qint64 plain = qint64(m.connectionsPlain.load(std::memory_order_relaxed));
    const qint64 socketIo = qint64(m.connectionsSocketIo.load(std::memory_order_relaxed));
    const qint64 sse = qint64(m.connectionsSse.load(std::memory_order_relaxed));
    QJsonObject body {{QStringLiteral("connections"),
                       QJsonObject {{QStringLiteral("plain"), plain},
                                    {QStringLiteral("socketIo"), socketIo},
                                    {QStringLiteral("sse"), sse},
                                    {QStringLiteral("total"), plain + socketIo + sse}}},
                      {QStringLiteral("rooms"), m_services.directory.roomCount()},
                      {QStringLiteral("counters"), countersToJson(m.snapshot())}};
    if (const ClusterNode *cluster = m_services.cluster.load())
        body.insert(QStringLiteral("cluster"), clusterStats(*cluster));
    reply.json(200, body);
}

} // namespace notify
