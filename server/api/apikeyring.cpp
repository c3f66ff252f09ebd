#include "server/api/apikeyring.h"

#include <QCryptographicHash>
#include <QDateTime>

namespace notify {

ApiKeyRing::ApiKeyRing(RateLimit defaultRequests, RateLimit defaultDeliveries)
    : m_defaultRequests(defaultRequests)
    , m_defaultDeliveries(defaultDeliveries)
{ }

unsigned ApiKeyRing::scopeBit(const QString &name)
{
    if (name == QLatin1String("publish"))
        return Publish;
    if (name == QLatin1String("read"))
        return Read;
    if (name == QLatin1String("sessions"))
        return Sessions;
    if (name == QLatin1String("broadcast"))
        return Broadcast;
    return 0;
}

QString ApiKeyRing::scopeName(unsigned bit)
{
    switch (bit) {
    case Publish:
        return QStringLiteral("publish");
    case Read:
        return QStringLiteral("read");
    case Sessions:
        return QStringLiteral("sessions");
    case Broadcast:
        return QStringLiteral("broadcast");
    }
    return {};
}

QByteArray ApiKeyRing::hashKey(QByteArrayView key)
{
    return QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex();
}

ApiKeyRing::Key *ApiKeyRing::find(const QByteArray &token)
{
    if (m_byHash.isEmpty())
        return nullptr;
    const auto seen = m_seen.constFind(token);
    const QByteArray hash = seen != m_seen.constEnd() ? *seen : hashKey(token);
    const auto name = m_byHash.constFind(hash);
    if (name == m_byHash.constEnd())
        return nullptr;
    const auto key = m_byName.find(*name);
    if (key == m_byName.end() || !key->active)
        return nullptr;
    if (seen == m_seen.constEnd()) {
        if (m_seen.size() >= maxSeen)
            m_seen.clear();
        m_seen.insert(token, hash);
    }
    return &*key;
}

void ApiKeyRing::replace(const std::vector<apikeys::KeyRow> &rows, qint64 version)
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const auto rate = [](const QString &text, RateLimit fallback) {
        if (text.isEmpty())
            return fallback;
        auto parsed = parseRateLimit(text);
        // The subcommand checked it; a row written by hand that does not parse gets the
        // default rather than no limit.
        return parsed ? *parsed : fallback;
    };
    QHash<QString, Key> next;
    QHash<QByteArray, QString> byHash;
    for (const apikeys::KeyRow &row : rows) {
        Key key;
        const auto old = m_byName.constFind(row.name);
        if (old != m_byName.constEnd())
            key = *old;
        key.name = row.name;
        key.orgId = row.orgId;
        key.active = row.active();
        key.scopes = 0;
        for (const QString &scope : row.scopes)
            key.scopes |= scopeBit(scope);
        const RateLimit requests = rate(row.requestRate, m_defaultRequests);
        const RateLimit deliveries = rate(row.deliveryRate, m_defaultDeliveries);
        if (old == m_byName.constEnd() || !(requests == key.requestRate)) {
            key.requestRate = requests;
            key.requests.configure(requests.perSecond, requests.burst, nowMs);
        }
        if (old == m_byName.constEnd() || !(deliveries == key.deliveryRate)) {
            key.deliveryRate = deliveries;
            key.deliveries.configure(deliveries.perSecond, deliveries.burst, nowMs);
        }
        if (key.active)
            byHash.insert(row.sha256Hex, row.name);
        next.insert(row.name, std::move(key));
    }
    m_byName = std::move(next);
    m_byHash = std::move(byHash);
    m_seen.clear();
    m_version = version;
}

std::optional<ApiKeyRing::Operator> ApiKeyRing::findOperator(const QByteArray &token) const
{
    if (m_operators.isEmpty() || token.isEmpty())
        return std::nullopt;
    const auto it = m_operators.constFind(hashKey(token));
    if (it == m_operators.constEnd())
        return std::nullopt;
    return *it;
}

void ApiKeyRing::replaceOperators(const std::vector<operators::OperatorRow> &rows)
{
    QHash<QByteArray, Operator> next;
    for (const operators::OperatorRow &row : rows) {
        if (row.active())
            next.insert(row.sha256Hex, Operator {row.name, row.role, row.sha256Hex});
    }
    m_operators = std::move(next);
}

QByteArray ApiKeyRing::prometheusText() const
{
    if (m_byName.isEmpty())
        return {};
    QStringList names = m_byName.keys();
    names.sort();
    QByteArray out;
    const auto family = [&](const char *metric, const char *help, auto value) {
        out += QByteArray("# HELP ") + metric + ' ' + help + "\n# TYPE " + metric + " counter\n";
        for (const QString &name : names) {
            // Key names are [A-Za-z0-9._-] (the subcommand's rule): nothing to escape.
            out += QByteArray(metric) + "{key=\"" + name.toUtf8() + "\"} "
                + QByteArray::number(value(m_byName.value(name))) + '\n';
        }
    };
    family("notify_api_key_requests_total", "Requests made with each API key.",
           [](const Key &k) { return k.requestCount; });
    family("notify_api_key_deliveries_total", "Recipients published to with each API key.",
           [](const Key &k) { return k.deliveryCount; });
    family("notify_api_key_rate_limited_total",
           "Requests of each API key refused by its request limit (429).",
           [](const Key &k) { return k.refusedRequests; });
    family("notify_api_key_deliveries_limited_total",
           "Publishes of each API key refused by its delivery limit (429).",
           [](const Key &k) { return k.refusedDeliveries; });
    return out;
}

} // namespace notify
