#pragma once

#include "server/config/config.h"
#include "server/util/tokenbucket.h"
#include "shared/store/apikeys.h"
#include "shared/store/operators.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <optional>
#include <vector>

namespace notify {

// This node's copy of the organizations' API keys (docs/operations.md, "API keys"), so that
// checking a key costs a hash and a lookup, never a store round trip. The ApiServer replaces
// it whenever the store's key version moved, which it checks every keyPollMs from one place.
// Lives on the API server's thread and is only touched there.
class ApiKeyRing
{
public:
    enum Scope : unsigned { Publish = 1, Read = 2, Sessions = 4, Broadcast = 8 };
    static constexpr qint64 keyPollMs = 500;

    struct Key
    {
        QString name;
        QString orgId;
        unsigned scopes = 0;
        bool active = true;
        RateLimit requestRate;
        RateLimit deliveryRate;
        TokenBucket requests;
        TokenBucket deliveries;
        // For /metrics (per key name).
        quint64 requestCount = 0;
        quint64 deliveryCount = 0;
        quint64 refusedRequests = 0;
        quint64 refusedDeliveries = 0;
    };

    // An operator of the admin channel (docs/operations.md, "Operators and roles").
    struct Operator
    {
        QString name;
        QString role;
        QByteArray sha256Hex;
    };

    ApiKeyRing(RateLimit defaultRequests, RateLimit defaultDeliveries);

    // The active key whose text is token, or null.
    Key *find(const QByteArray &token);
    // Takes the store's keys as of version; a key that stays keeps its buckets and counts.
    void replace(const std::vector<apikeys::KeyRow> &rows, qint64 version);
    // The active operator whose key is token, or nothing.
    std::optional<Operator> findOperator(const QByteArray &token) const;
    bool operatorActive(const QByteArray &sha256Hex) const
    {
        return m_operators.contains(sha256Hex);
    }
    void replaceOperators(const std::vector<operators::OperatorRow> &rows);
    // -1 before the first load.
    qint64 version() const { return m_version; }
    int activeCount() const { return int(m_byHash.size()); }
    // The per-key counters in the Prometheus text format.
    QByteArray prometheusText() const;

    static unsigned scopeBit(const QString &name); // 0 when unknown
    static QString scopeName(unsigned bit);
    static QByteArray hashKey(QByteArrayView key); // hex SHA-256, as stored

private:
    RateLimit m_defaultRequests;
    RateLimit m_defaultDeliveries;
    QHash<QString, Key> m_byName; // revoked ones too, for their counters
    QHash<QByteArray, QString> m_byHash; // active keys only
    // The SHA-256 of the key texts that found an active key here, so that a back end's
    // every request costs a lookup, not a SHA-256 (a third of a scoped publish's key check,
    // bench/notes.md). Only keys that matched go in (random texts cannot fill it), at most
    // maxSeen, dropped at each replace(): a revoked key's text is not kept.
    QHash<QByteArray, QByteArray> m_seen;
    static constexpr qsizetype maxSeen = 1024;
    QHash<QByteArray, Operator> m_operators; // active ones, by key hash
    qint64 m_version = -1;
};

} // namespace notify
