#pragma once

#include <QObject>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace notify {

class KeyRing;

// Fetches --jwt-jwks-url on its own thread (never a shard's) and hands each good key set to
// the KeyRing (docs/configuration.md, "Tokens"): again after the Cache-Control max-age it was
// served with, clamped to 1 minute .. 24 hours (5 minutes without one); after a failure, a
// set over 1 MiB or 100 keys, or garbage, the last good set stays and the fetch is retried
// after minRefreshMs. Each fetch has a deadline (fetchTimeoutMs).
class JwksFetcher : public QObject
{
    Q_OBJECT
public:
    static constexpr int fetchTimeoutMs = 10000;
    static constexpr int defaultMaxAgeS = 300;

    JwksFetcher(KeyRing &ring, QUrl url, int minRefreshMs);

    // Starts a fetch unless one is under way; call through a queued invocation.
    void fetch();
    // Stops the timer and any fetch; call on the fetcher's thread before it ends.
    void stop();

private:
    void finished(QNetworkReply *reply);
    void scheduleNext(int ms);

    KeyRing &m_ring;
    const QUrl m_url;
    const int m_minRefreshMs;
    QNetworkAccessManager *m_network = nullptr; // made on the fetcher's thread
    QTimer *m_timer = nullptr;
    QNetworkReply *m_reply = nullptr;
};

// The max-age of a Cache-Control header in seconds, clamped to 60..86400; fallback without.
int jwksMaxAgeSeconds(const QByteArray &cacheControl, int fallback);

} // namespace notify
