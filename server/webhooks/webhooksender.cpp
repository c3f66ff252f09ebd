#include "server/webhooks/webhooksender.h"

#include "server/metrics/metrics.h"
#include "server/webhooks/signature.h"
#include "shared/store/store.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace notify {

namespace {
Q_LOGGING_CATEGORY(lcWebhooks, "notify.webhooks")
} // namespace

using namespace webhooks;

WebhookSender::WebhookSender(Options options, Metrics *metrics)
    : m_options(std::move(options))
    , m_metrics(metrics)
{ }

WebhookSender::~WebhookSender() = default;

QDateTime WebhookSender::now() const
{
    return m_options.clock ? m_options.clock() : QDateTime::currentDateTimeUtc();
}

void WebhookSender::start()
{
    m_network = new QNetworkAccessManager(this);
    // A redirect is an answer that is not 2xx: the endpoint's URL is what was registered.
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &WebhookSender::pass);
    pass();
}

void WebhookSender::stop()
{
    m_stopped = true;
    if (m_timer)
        m_timer->stop();
    const auto calls = m_calls;
    m_calls.clear();
    for (auto it = calls.begin(); it != calls.end(); ++it) {
        it.key()->disconnect(this);
        it.key()->abort();
        it.key()->deleteLater();
    }
    // What was under way goes to whichever node looks next (or to this one after a restart).
    if (m_store)
        releaseClaims(*m_store, m_options.node);
    m_store.reset();
}

void WebhookSender::reloadSoon()
{
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (!m_stopped && m_timer)
                m_timer->start(0);
        },
        Qt::QueuedConnection);
}

bool WebhookSender::ensureStore()
{
    if (m_store)
        return true;
    auto opened = Store::open(m_options.store, QStringLiteral("notify-webhooks"));
    if (!opened.ok()) {
        qCWarning(lcWebhooks).noquote() << "cannot open the store:" << opened.error().message;
        return false;
    }
    m_store = std::move(opened.value());
    return true;
}

void WebhookSender::schedule()
{
    if (m_stopped || !m_timer)
        return;
    bool anyEnabled = false;
    for (const Endpoint &e : std::as_const(m_endpoints))
        anyEnabled = anyEnabled || e.enabled();
    m_timer->start(anyEnabled ? m_options.pollMs : m_options.idlePollMs);
}

void WebhookSender::pass()
{
    if (m_stopped)
        return;
    if (!ensureStore())
        return schedule();
    if (!m_released) {
        // The claims this node held when it stopped (or died) are its own to send again.
        auto released = releaseClaims(*m_store, m_options.node);
        if (!released.ok())
            return schedule();
        m_released = true;
    }
    auto rows = list(*m_store, false);
    if (!rows.ok()) {
        qCWarning(lcWebhooks).noquote() << "cannot read the endpoints:" << rows.error().message;
        return schedule();
    }
    m_endpoints.clear();
    QSet<QString> orgs;
    for (Endpoint &e : rows.value()) {
        if (e.enabled())
            orgs.insert(e.orgId);
        m_endpoints.insert(e.id, std::move(e));
    }
    setEnabledOrgs(orgs);

    const QDateTime at = now();
    for (const Endpoint &e : std::as_const(m_endpoints)) {
        if (!e.enabled() || (e.nextAttemptAt.isValid() && e.nextAttemptAt > at))
            continue;
        const int room = m_options.maxPerEndpoint - m_underWay.value(e.id);
        if (room <= 0)
            continue;
        auto claimed = claim(*m_store, e.id, room, m_options.node, at, m_options.leaseMs);
        if (!claimed.ok()) {
            qCWarning(lcWebhooks).noquote() << "cannot claim events:" << claimed.error().message;
            continue;
        }
        for (const OutboxEvent &event : claimed.value())
            send(e, event);
    }

    const qint64 nowMs = at.toMSecsSinceEpoch();
    if (nowMs - m_lastTrimMs >= m_options.trimEveryMs) {
        m_lastTrimMs = nowMs;
        auto dropped = trim(*m_store, m_options.outboxLimit);
        if (dropped.ok() && dropped.value() > 0) {
            if (m_metrics)
                bump(m_metrics->webhooksDropped, quint64(dropped.value()));
            qCWarning(lcWebhooks) << "outbox full: dropped the" << dropped.value()
                                  << "oldest events";
        }
    }
    schedule();
}

void WebhookSender::send(const Endpoint &endpoint, const OutboxEvent &event)
{
    const QByteArray body = payload(event);
    QNetworkRequest request {QUrl(endpoint.url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArrayLiteral("notifyd-webhooks/" NOTIFY_VERSION));
    request.setRawHeader("X-Notifyd-Event-Id", event.eventId().toUtf8());
    // Signed at each attempt with the time of the attempt: the receiver may refuse old ones.
    request.setRawHeader("X-Notifyd-Signature",
                         signatureHeader(endpoint.secret, now().toSecsSinceEpoch(), body));
    request.setTransferTimeout(m_options.timeoutMs);
    QNetworkReply *reply = m_network->post(request, body);
    Call call;
    call.event = event;
    call.wasFailing = endpoint.failures > 0;
    // The transfer timeout only counts silence; this bounds the whole call, a trickle too.
    call.deadline = new QTimer(reply);
    call.deadline->setSingleShot(true);
    connect(call.deadline, &QTimer::timeout, reply, &QNetworkReply::abort);
    call.deadline->start(m_options.timeoutMs);
    connect(reply, &QNetworkReply::finished, this, [this, reply] { finished(reply); });
    m_calls.insert(reply, call);
    ++m_underWay[event.endpointId];
}

void WebhookSender::finished(QNetworkReply *reply)
{
    reply->deleteLater();
    const auto it = m_calls.constFind(reply);
    if (it == m_calls.cend())
        return;
    const Call call = it.value();
    m_calls.erase(it);
    if (--m_underWay[call.event.endpointId] <= 0)
        m_underWay.remove(call.event.endpointId);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const bool ok = reply->error() == QNetworkReply::NoError && status >= 200 && status < 300;
    if (!ensureStore())
        return; // the lease runs out and the event is sent again
    if (ok) {
        if (m_metrics)
            bump(m_metrics->webhooksSent);
        if (auto done = sent(*m_store, call.event, call.wasFailing); !done.ok())
            qCWarning(lcWebhooks).noquote()
                << "sent, but not removed from the outbox (it will be sent again):"
                << done.error().message;
        // The user's next event may go now.
        if (!m_stopped && m_timer && m_timer->remainingTime() > 20)
            m_timer->start(0);
        return;
    }
    if (m_metrics)
        bump(m_metrics->webhooksFailed);
    const QString why = status > 0 ? QStringLiteral("HTTP %1").arg(status) : reply->errorString();
    auto outcome = failed(*m_store, call.event, why, now());
    if (!outcome.ok()) {
        qCWarning(lcWebhooks).noquote()
            << "cannot record a failed call:" << outcome.error().message;
        return;
    }
    auto endpoint = m_endpoints.find(call.event.endpointId);
    if (endpoint != m_endpoints.end()) {
        endpoint->nextAttemptAt = outcome.value().nextAttemptAt;
        endpoint->failures = qMax(endpoint->failures, 1);
    }
    if (outcome.value().disabled) {
        if (m_metrics)
            bump(m_metrics->webhooksDisabled);
        qCWarning(lcWebhooks).noquote()
            << "endpoint" << call.event.endpointId << "disabled after failing for 24 hours:" << why;
    } else {
        qCInfo(lcWebhooks).noquote()
            << "endpoint" << call.event.endpointId << "failed (" << why << "); next attempt at"
            << outcome.value().nextAttemptAt.toString(Qt::ISODate);
    }
}

} // namespace notify
