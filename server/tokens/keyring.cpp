#include "server/tokens/keyring.h"

#include "server/util/posting.h"

#include <QElapsedTimer>
#include <QFile>

namespace notify {

namespace {

// Connections waiting for one fetch; past it an unknown kid is refused at once.
constexpr size_t kMaxWaiters = 10000;

qint64 monotonicMs()
{
    static const QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.elapsed();
}

Result<QByteArray, QString> readSmallFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("%1: %2").arg(path, file.errorString());
    QByteArray data = file.read(kMaxJwksBytes + 1);
    if (data.size() > kMaxJwksBytes)
        return QStringLiteral("%1: larger than 1 MiB").arg(path);
    return data;
}

} // namespace

JwtPolicy jwtPolicyFrom(const ServerConfig &config)
{
    JwtPolicy policy;
    policy.issuers = config.jwtIssuers;
    policy.audiences = config.jwtAudiences;
    policy.leewaySeconds = config.jwtLeewaySeconds;
    policy.userClaim = config.jwtUserClaim;
    policy.orgClaim = config.jwtOrgClaim;
    policy.roleClaim = config.jwtRoleClaim;
    policy.roles = config.jwtRoles;
    policy.defaultOrg = config.jwtDefaultOrg;
    return policy;
}

KeyRing::KeyRing(const ServerConfig &config)
    : m_usesRemote(!config.jwtJwksUrl.isEmpty())
    , m_minRefreshMs(config.jwtJwksMinRefreshMs)
    , m_policy(jwtPolicyFrom(config))
{
    m_current.store(
        std::make_shared<const JwtVerifier>(std::make_shared<const JwtKeySet>(), m_policy));
}

Result<Done, QString> KeyRing::loadLocal(const ServerConfig &config)
{
    JwtKeySet local;
    QList<JwtSecretSpec> secrets = config.jwtSecrets;
    if (secrets.isEmpty() && !config.jwtSecret.isEmpty())
        secrets.append(JwtSecretSpec {config.jwtSecretKid, config.jwtSecret});
    for (const JwtSecretSpec &spec : std::as_const(secrets)) {
        auto key = makeSecretKey(spec.secret, spec.kid);
        if (!key)
            return QStringLiteral("--jwt-secret: %1").arg(key.error());
        local.add(std::move(*key));
    }
    for (const JwtPublicKeySpec &spec : config.jwtPublicKeys) {
        auto pem = readSmallFile(spec.file);
        if (!pem)
            return QStringLiteral("--jwt-public-key %1").arg(pem.error());
        auto key = parsePemPublicKey(*pem, spec.kid);
        if (!key)
            return QStringLiteral("--jwt-public-key %1: %2").arg(spec.file, key.error());
        key->origin = spec.file;
        local.add(std::move(*key));
    }
    if (!config.jwtJwksFile.isEmpty()) {
        auto json = readSmallFile(config.jwtJwksFile);
        if (!json)
            return QStringLiteral("--jwt-jwks-file %1").arg(json.error());
        auto set = parseJwks(*json);
        if (!set)
            return QStringLiteral("--jwt-jwks-file %1: %2").arg(config.jwtJwksFile, set.error());
        local.append(*set);
    }
    std::lock_guard lock(m_mutex);
    m_local = std::move(local);
    m_policy = jwtPolicyFrom(config);
    rebuild();
    return Done {};
}

void KeyRing::setRemote(std::shared_ptr<const JwtKeySet> keys)
{
    std::lock_guard lock(m_mutex);
    m_remote = std::move(keys);
    rebuild();
    m_remoteArrived.store(true);
}

void KeyRing::rebuild()
{
    auto all = std::make_shared<JwtKeySet>(m_local);
    if (m_remote)
        all->append(*m_remote);
    m_current.store(std::make_shared<const JwtVerifier>(std::move(all), m_policy));
}

void KeyRing::setRefreshRequest(std::function<void()> request)
{
    std::lock_guard lock(m_mutex);
    m_requestRefresh = std::move(request);
}

void KeyRing::fetchEnded()
{
    std::vector<std::pair<QObject *, std::function<void()>>> waiters;
    {
        std::lock_guard lock(m_mutex);
        m_fetchPending = false;
        waiters.swap(m_waiters);
    }
    for (auto &[ctx, retry] : waiters)
        postTo(ctx, std::move(retry));
}

bool KeyRing::refreshForUnknownKid(QObject *ctx, std::function<void()> retry)
{
    if (!m_usesRemote)
        return false;
    std::lock_guard lock(m_mutex);
    if (!m_requestRefresh)
        return false;
    if (!m_fetchPending) {
        const qint64 now = monotonicMs();
        // A flood of random kids costs the provider one fetch per interval, no more.
        if (m_lastUnknownKidFetchMs >= 0 && now - m_lastUnknownKidFetchMs < m_minRefreshMs)
            return false;
        m_lastUnknownKidFetchMs = now;
        m_fetchPending = true;
        m_unknownKidFetches.fetch_add(1, std::memory_order_relaxed);
        m_requestRefresh();
    }
    // Bounded in time (the fetch has a deadline, JwksFetcher) and in number.
    if (m_waiters.size() >= kMaxWaiters)
        return false;
    m_waiters.emplace_back(ctx, std::move(retry));
    return true;
}

} // namespace notify
