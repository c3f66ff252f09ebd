#pragma once

// Signed webhooks (docs/operations.md, "Webhooks"): the organizations' endpoints
// (`webhook_endpoints`) and the durable outbox of events waiting to be sent to them
// (`webhook_outbox`). The store's own changes (read, delete, delivered) put their events in
// the outbox inside their own transaction (enqueue, below), so an event exists exactly when
// the change it reports was committed; the sender (server/webhooks) claims, sends and
// removes them. Runs on any Store connection.

#include "shared/store/store.h"

#include <QSet>
#include <QStringList>

namespace notify::webhooks {

// The events notifyd emits today: `delivered` (a client acknowledged the notification),
// `read` and `deleted`. `acted` and `archived` come with the inbox states
// (docs/protocol.md, "Webhook events").
const QStringList &eventNames();

// nullopt when url is an absolute http:// or https:// URL with a host; else why not.
std::optional<QString> checkUrl(const QString &url);

struct Endpoint
{
    QString id; // "wh_" and 16 random hex digits
    QString orgId;
    QString url;
    QByteArray secret; // "whsec_..." — shown once at creation, kept to sign each call
    QStringList events; // of eventNames()
    QDateTime createdAt;
    int failures = 0; // failed calls since the last one that went through
    QDateTime failingSince; // invalid while healthy
    QDateTime nextAttemptAt; // invalid: no backoff
    QDateTime disabledAt; // invalid while enabled
    QString lastError;
    qint64 dropped = 0; // events dropped by the outbox bound
    qint64 pending = 0; // events waiting in the outbox (list() only)
    bool enabled() const { return !disabledAt.isValid(); }
};

// A new endpoint's id and secret, from the system's CSPRNG.
QString newEndpointId();
QByteArray newSecret();

StoreResult<Done> add(Store &store, const Endpoint &endpoint);
// Every endpoint, ordered by organization then creation; withPending: with the events
// waiting for each counted (a scan of its outbox, for people rather than the sender).
StoreResult<std::vector<Endpoint>> list(Store &store, bool withPending = true);
// Removes the endpoints whose id or URL is idOrUrl, and their outbox; returns them.
StoreResult<std::vector<Endpoint>> remove(Store &store, const QString &idOrUrl);
// Enables again the endpoints whose id or URL is idOrUrl (disabled or only failing): their
// backoff is cleared and the events they kept in the outbox are released, so that the
// sender's next look sends them, each user's oldest first (claim). Returns them as they are
// now; an endpoint that was healthy is returned unchanged.
StoreResult<std::vector<Endpoint>> enable(Store &store, const QString &idOrUrl);

// When the store's changes may skip the outbox statement: the server's sender tells it,
// after each look at the endpoints, which organizations have an enabled one (an endpoint
// made elsewhere counts within the sender's poll interval). Until told, every change runs
// the statement. Process-wide, any thread.
void setEnabledOrgs(const QSet<QString> &orgs);
bool mayHaveEndpoints(const QString &orgId);
// Back to "not told" (tests).
void forgetEnabledOrgs();

// One event waiting for one endpoint.
struct OutboxEvent
{
    qint64 rowId = 0;
    QString endpointId;
    QString orgId;
    QString userId;
    QString event; // of eventNames()
    QString notificationId;
    QDateTime occurredAt;
    int attempts = 0;
    // Stable over retries and nodes: what a receiver de-duplicates on.
    QString eventId() const { return notificationId + QLatin1Char('.') + event; }
};

// The backoff of a failing endpoint: 1 s after the first failure, doubling up to one hour;
// once it has been failing for disableAfterMs it is disabled.
struct Backoff
{
    static constexpr qint64 firstDelayMs = 1000;
    static constexpr qint64 maxDelayMs = 3600 * 1000;
    static constexpr qint64 disableAfterMs = 24 * 3600 * 1000;
    static qint64 delayMs(int failures);
};

// Claims up to max events of the endpoint for node for leaseMs: the oldest event of each of
// the endpoint's users that has no older one waiting (so each user's events go one at a
// time, in order), not claimed by another node whose lease still runs. On PostgreSQL the
// rows are locked with SKIP LOCKED, so two nodes never claim the same one.
StoreResult<std::vector<OutboxEvent>> claim(Store &store, const QString &endpointId, int max,
                                            const QString &node, const QDateTime &now,
                                            qint64 leaseMs);
// The endpoint answered 2xx: the event leaves the outbox; when wasFailing, the endpoint's
// backoff is cleared.
StoreResult<Done> sent(Store &store, const OutboxEvent &event, bool wasFailing);
struct FailureOutcome
{
    QDateTime nextAttemptAt;
    bool disabled = false; // now, by this failure
};
// The call failed: the event is released for a later attempt, the endpoint backs off
// (failures counted once per backoff step) and is disabled after Backoff::disableAfterMs.
StoreResult<FailureOutcome> failed(Store &store, const OutboxEvent &event, const QString &error,
                                   const QDateTime &now);
// Releases the claims of node (every claim when node is empty): a node that restarts after
// a crash sends what it had claimed without waiting for the lease to run out.
StoreResult<int> releaseClaims(Store &store, const QString &node);
// Keeps at most limit events per endpoint: the oldest beyond it are dropped and counted in
// the endpoint's row. Returns how many went.
StoreResult<qint64> trim(Store &store, qint64 limit);

} // namespace notify::webhooks

namespace notify::storedetail {

// Inside a change's transaction: one event per endpoint of r's organization that wants
// `event`, for each of r's notifications among ids (which need not exist), in seq order.
// onlyUndelivered: only the rows whose delivered_at is still null (before markDelivered's
// update).
std::optional<StoreError> enqueueWebhookEvents(const QSqlDatabase &db, bool pg, const Recipient &r,
                                               const QString &event, const QStringList &ids,
                                               const QDateTime &at, bool onlyUndelivered = false);

} // namespace notify::storedetail
