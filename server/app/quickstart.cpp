#include "server/app/quickstart.h"

#include "shared/auth/jwt.h"

#include <QDateTime>

namespace notify {

QString quickstartText(const ServerConfig &config, quint16 clientPort, quint16 apiPort)
{
    JwtClaims claims;
    claims.org = QStringLiteral("demo");
    claims.subject = QStringLiteral("alice");
    claims.issuedAt = QDateTime::currentDateTimeUtc();
    claims.expiresAt = claims.issuedAt.addDays(1);
    claims.issuer = config.jwtIssuers.value(0);
    if (!config.jwtAudiences.isEmpty())
        claims.audience = QStringList{config.jwtAudiences.constFirst()};
    const QString token = QString::fromLatin1(mintJwt(claims, config.jwtSecret, config.jwtSecretKid));
    const QString host = config.listen.address.toString();
    const QString apiHost = config.apiListen.address.toString();
    const QString apiKey = config.apiKeys.value(0);

    return QStringLiteral(
               "\nnotifyd is running (development mode, secrets in %1).\n\n"
               "Connect a client as user 'alice' of organization 'demo' (token valid 24 h):\n"
               "  ws://%2:%3/ws/notifications?token=%4\n"
               "  e.g.  npx wscat -c 'ws://%2:%3/ws/notifications?token=%4'\n"
               "  or with socket.io-client v4:  io('http://%2:%3/notifications', { auth: { token: "
               "'<the token above>' } })\n"
               "  or open the demo inbox (notifyd.js, development mode only):\n"
               "  http://%2:%3/demo?token=%4\n\n"
               "Send her a first notification:\n"
               "  curl -sS -H 'Expect:' -H 'Authorization: Bearer %5' -H 'Content-Type: "
               "application/json' \\\n"
               "    -d "
               "'{\"orgId\":\"demo\",\"userIds\":[\"alice\"],\"type\":\"WELCOME\",\"title\":"
               "\"Hello from notifyd\"}' \\\n"
               "    http://%6:%7/api/v1/notifications\n\n"
               "More tokens: build/dev/server/notifyd token --data-dir %8 --dev --org ORG --user "
               "USER\n"
               "Health: http://%6:%7/healthz   Metrics: http://%6:%7/metrics   Stop: Ctrl+C\n")
        .arg(devSecretsPath(config), host, QString::number(clientPort), token, apiKey, apiHost,
             QString::number(apiPort), config.dataDir);
}

} // namespace notify
