#pragma once

#include "shared/store/storeconfig.h"
#include "shared/store/webhooks.h"

#include <QHash>
#include <QObject>
#include <QSet>

#include <functional>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace notify {

class Metrics;
class Store;

// Sends the store's webhook outbox (shared/store/webhooks.h) on its own thread with its own
// store connection, so that a slow or dead endpoint never holds up a shard, the writer or
// the API (docs/operations.md, "Webhooks"). Each pass looks at the endpoints (and tells the
// store which organizations have one), claims the head event of each user of each enabled
// endpoint that is not backing off, up to maxPerEndpoint calls under way per endpoint, and
// POSTs them signed (signature.h). A 2xx removes the event; anything else, a reset or
// timeoutMs without an answer releases it and backs the endpoint off. Claims are leased, so
// that on a cluster each event is sent by one node and a node that died leaves its events to
// the others once the lease runs out.
class WebhookSender : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        StoreConfig store;
        // Who claims (the cluster node's name); empty: the only node (SQLite), which releases
        // every claim when it starts.
        QString node;
        int pollMs = 200; // while some endpoint is enabled
        int idlePollMs = 1000; // otherwise: how soon a new endpoint is seen
        int maxPerEndpoint = 4;
        int timeoutMs = 10000;
        qint64 leaseMs = 60000;
        qint64 outboxLimit = 100000; // per endpoint
        int trimEveryMs = 10000;
        std::function<QDateTime()> clock; // default: the system's, UTC
    };

    WebhookSender(Options options, Metrics *metrics);
    ~WebhookSender() override;

    // On the sender's thread (queued): opens the store, releases this node's old claims,
    // starts polling.
    void start();
    // On the sender's thread (blocking queued), before it ends: aborts the calls under way
    // and releases their claims.
    void stop();
    // Any thread: look at the endpoints now (one was added or removed here).
    void reloadSoon();

private:
    struct Call
    {
        webhooks::OutboxEvent event;
        bool wasFailing = false;
        QTimer *deadline = nullptr;
    };
    void pass();
    bool ensureStore();
    void send(const webhooks::Endpoint &endpoint, const webhooks::OutboxEvent &event);
    void finished(QNetworkReply *reply);
    void schedule();
    QDateTime now() const;

    Options m_options;
    Metrics *m_metrics;
    std::unique_ptr<Store> m_store;
    QNetworkAccessManager *m_network = nullptr;
    QTimer *m_timer = nullptr;
    QHash<QString, webhooks::Endpoint> m_endpoints;
    QHash<QString, int> m_underWay; // per endpoint
    QHash<QNetworkReply *, Call> m_calls;
    qint64 m_lastTrimMs = 0;
    bool m_released = false;
    bool m_stopped = false;
};

} // namespace notify
