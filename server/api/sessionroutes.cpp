// Opaque session tokens: POST /api/v1/sessions issues one, DELETE /api/v1/sessions/{token}
// revokes it and closes its live connections (4001) through the delivery hub.
#include "server/api/apiserver.h"

#include "server/delivery/deliveryhub.h"
#include "server/metrics/metrics.h"
#include "server/storage/storeworker.h"
#include "shared/auth/sessiontoken.h"
#include "shared/codec/timestamp.h"

namespace notify {

using namespace http;

namespace {
constexpr qint64 maxTtlSeconds = 30LL * 24 * 60 * 60;

// The hex SHA-256 a session is stored under: what sessionId carries and a JWT's sid names.
bool looksLikeSessionId(const QString &text)
{
    if (text.size() != 64)
        return false;
    for (QChar c : text) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return false;
    }
    return true;
}
} // namespace

void ApiServer::createSession(const ApiRequest &request, const HttpReply &reply)
{
    const auto caller = requireApiKey(request, reply, ApiKeyRing::Sessions);
    if (!caller || !requireAccepting(reply))
        return;
    auto parsed = parseJsonObject(request.body());
    if (!parsed)
        return reply.error(parsed.error());
    const QJsonObject &body = parsed.value();
    auto orgId = requiredId(body, QStringLiteral("orgId"));
    if (!orgId)
        return reply.error(orgId.error());
    if (!requireOrg(*caller, orgId.value(), reply))
        return;
    auto userId = requiredId(body, QStringLiteral("userId"));
    if (!userId)
        return reply.error(userId.error());
    auto role = optionalId(body, QStringLiteral("role"));
    if (!role)
        return reply.error(role.error());
    auto ttl = requiredInteger(body, QStringLiteral("ttlSeconds"), 1, maxTtlSeconds);
    if (!ttl)
        return reply.error(ttl.error());

    const QByteArray token = generateSessionToken();
    SessionRecord session;
    session.tokenSha256Hex = hashSessionToken(token);
    session.recipient = Recipient {orgId.value(), userId.value()};
    session.role = role.value();
    // Whole milliseconds, as stored and as formatted, so expiresAt reads back unchanged.
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    session.createdAt = QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC);
    session.expiresAt = session.createdAt.addSecs(ttl.value());

    Metrics &metrics = m_services.metrics;
    onWriter(reply, [session, token, &metrics](Store &store) -> Continuation {
        auto created = store.createSession(session);
        if (!created.ok()) {
            bump(metrics.failed);
            const HttpError e = HttpError::fromStore(created.error());
            return [e](const HttpReply &reply) {
                reply.error(e);
            };
        }
        const QJsonObject json {
            {QStringLiteral("token"), QString::fromLatin1(token)},
            {QStringLiteral("expiresAt"), formatTimestamp(session.expiresAt)},
            {QStringLiteral("sessionId"), QString::fromLatin1(session.tokenSha256Hex)}};
        return [json](const HttpReply &reply) {
            reply.json(201, json);
        };
    });
}

void ApiServer::revokeSession(const QString &token, const ApiRequest &request,
                              const HttpReply &reply)
{
    const auto caller = requireApiKey(request, reply, ApiKeyRing::Sessions);
    if (!caller || !requireAccepting(reply))
        return;
    // A stored key revokes its own organization's sessions only (checked in the job, which
    // reads the session's organization); the bootstrap key any.
    const QString onlyOrg = caller->bootstrap() ? QString() : caller->key->orgId;
    const QString keyName = caller->bootstrap() ? QString() : caller->key->name;
    // The token itself, or its sessionId (the hash, which is what a JWT's sid carries).
    QByteArray hash;
    const QByteArray raw = token.toUtf8();
    if (looksLikeSessionToken(raw))
        hash = hashSessionToken(raw);
    else if (looksLikeSessionId(token))
        hash = token.toLatin1();
    if (hash.isEmpty())
        return reply.error(404, codes::notFound, QStringLiteral("no such session"));

    DeliveryHub &hub = m_services.hub;
    Metrics &metrics = m_services.metrics;
    onWriter(reply, [hash, onlyOrg, keyName, &hub, &metrics](Store &store) -> Continuation {
        if (!onlyOrg.isEmpty()) {
            auto session = store.findSession(hash);
            if (!session.ok()) {
                bump(metrics.failed);
                const HttpError e = HttpError::fromStore(session.error());
                return [e](const HttpReply &reply) {
                    reply.error(e);
                };
            }
            if (session.value() && session.value()->recipient.orgId != onlyOrg) {
                const QString message
                    = QStringLiteral("the API key '%1' may not act in organization '%2' (it "
                                     "belongs to '%3')")
                          .arg(keyName, session.value()->recipient.orgId, onlyOrg);
                return [message](const HttpReply &reply) {
                    reply.error(403, codes::forbidden, message);
                };
            }
        }
        auto revoked = store.revokeSession(hash, QDateTime::currentDateTimeUtc());
        if (!revoked.ok()) {
            bump(metrics.failed);
            const HttpError e = HttpError::fromStore(revoked.error());
            return [e](const HttpReply &reply) {
                reply.error(e);
            };
        }
        if (!revoked.value()) {
            return [](const HttpReply &reply) {
                reply.error(404, codes::notFound,
                            QStringLiteral("no active session with that token"));
            };
        }
        // After the commit, so that a socket closed now cannot re-authenticate with it.
        hub.revokeSession(hash);
        return [](const HttpReply &reply) {
            reply.empty(204);
        };
    });
}

} // namespace notify
