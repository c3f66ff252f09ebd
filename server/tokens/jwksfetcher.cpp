#include "server/tokens/jwksfetcher.h"

#include "server/log/logging.h"
#include "server/tokens/keyring.h"
#include "shared/auth/jwtkeys.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <algorithm>

namespace notify {

int jwksMaxAgeSeconds(const QByteArray &cacheControl, int fallback)
{
    for (const QByteArray &part : cacheControl.split(',')) {
        const QByteArray directive = part.trimmed().toLower();
        if (!directive.startsWith("max-age="))
            continue;
        bool ok = false;
        const qint64 seconds = directive.mid(8).toLongLong(&ok);
        if (ok)
            return int(std::clamp<qint64>(seconds, 60, 86400));
    }
    return fallback;
}

JwksFetcher::JwksFetcher(KeyRing &ring, QUrl url, int minRefreshMs)
    : m_ring(ring)
    , m_url(std::move(url))
    , m_minRefreshMs(minRefreshMs)
{ }

void JwksFetcher::fetch()
{
    if (m_reply)
        return; // the fetch under way answers this request too
    if (!m_network) {
        m_network = new QNetworkAccessManager(this);
        m_timer = new QTimer(this);
        m_timer->setSingleShot(true);
        connect(m_timer, &QTimer::timeout, this, &JwksFetcher::fetch);
    }
    QNetworkRequest request(m_url);
    request.setTransferTimeout(fetchTimeoutMs);
    request.setRawHeader("Accept", "application/json, application/jwk-set+json");
    m_reply = m_network->get(request);
    QNetworkReply *reply = m_reply;
    // Bounded: a provider (or whoever answers in its name) cannot make us buffer more.
    connect(reply, &QNetworkReply::downloadProgress, this, [reply](qint64 received, qint64 total) {
        if (received > kMaxJwksBytes || total > kMaxJwksBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply] { finished(reply); });
}

void JwksFetcher::stop()
{
    if (m_timer)
        m_timer->stop();
    if (m_reply) {
        QNetworkReply *reply = m_reply;
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    m_ring.fetchEnded();
}

void JwksFetcher::finished(QNetworkReply *reply)
{
    reply->deleteLater();
    if (reply != m_reply)
        return;
    m_reply = nullptr;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    QString problem;
    if (reply->error() != QNetworkReply::NoError) {
        problem = reply->errorString();
    } else if (status != 200) {
        problem = QStringLiteral("HTTP status %1").arg(status);
    } else {
        const QByteArray body = reply->readAll();
        if (body.size() > kMaxJwksBytes) {
            problem = QStringLiteral("larger than 1 MiB");
        } else {
            auto keys = parseJwks(body);
            if (!keys) {
                problem = keys.error();
            } else {
                const qsizetype count = keys->size();
                m_ring.setRemote(std::make_shared<const JwtKeySet>(std::move(*keys)));
                const int maxAge
                    = jwksMaxAgeSeconds(reply->rawHeader("Cache-Control"), defaultMaxAgeS);
                qCInfo(lcAuth).noquote()
                    << "JWKS fetched:" << count << "keys; next fetch in" << maxAge << "s";
                scheduleNext(maxAge * 1000);
            }
        }
    }
    if (!problem.isEmpty()) {
        // The last good set keeps serving (docs/operations.md, "Tokens from an identity
        // provider").
        qCWarning(lcAuth).noquote() << "JWKS fetch from" << m_url.toDisplayString()
                                    << "failed, keeping the last good key set:" << problem;
        scheduleNext(m_minRefreshMs);
    }
    m_ring.fetchEnded();
}

void JwksFetcher::scheduleNext(int ms)
{
    m_timer->start(ms);
}

} // namespace notify
