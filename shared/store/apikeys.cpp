#include "shared/store/apikeys.h"

#include "shared/store/namedcredentials.h"
#include "shared/store/sqlsupport.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <array>

namespace notify::apikeys {

using namespace storedetail;

const QStringList &scopeNames()
{
    static const QStringList names {QStringLiteral("publish"), QStringLiteral("read"),
                                    QStringLiteral("sessions"), QStringLiteral("broadcast")};
    return names;
}

// A key is never guessed, so one SHA-256 of it is enough to store (no salt or slow hash
// needed, docs/security.md).
QByteArray newKey()
{
    std::array<quint32, 8> words;
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    const QByteArray raw(reinterpret_cast<const char *>(words.data()), sizeof(words));
    return QByteArrayLiteral("nk_")
        + raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray hashKey(const QByteArray &key)
{
    return QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex();
}

bool validName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    return pattern.match(name).hasMatch();
}

StoreResult<CreateOutcome> create(Store &store, const KeyRow &row)
{
    auto created = insertNamed(
        store, QStringLiteral("api_keys"), row.name,
        QStringLiteral("INSERT INTO api_keys (name, org_id, key_sha256, scopes, request_rate,"
                       " delivery_rate, created_at, revoked_at)"
                       " VALUES (:name, :org, :hash, :scopes, :rate, :deliveries, :created,"
                       " NULL)"),
        {{QStringLiteral(":name"), row.name},
         {QStringLiteral(":org"), row.orgId},
         {QStringLiteral(":hash"), QString::fromLatin1(row.sha256Hex)},
         {QStringLiteral(":scopes"), text(row.scopes.join(u','))},
         {QStringLiteral(":rate"), text(row.requestRate)},
         {QStringLiteral(":deliveries"), text(row.deliveryRate)},
         {QStringLiteral(":created"),
          msOrNull(row.createdAt.isValid() ? row.createdAt : QDateTime::currentDateTimeUtc())}});
    if (!created.ok())
        return created.error();
    return created.value() ? CreateOutcome::Created : CreateOutcome::NameTaken;
}

StoreResult<std::vector<KeyRow>> list(Store &store)
{
    const bool pg = store.config().isPostgres();
    QSqlQuery q(store.database());
    if (auto error = run(q,
                         QStringLiteral("SELECT name, org_id, key_sha256, scopes, request_rate,"
                                        " delivery_rate, created_at, revoked_at FROM api_keys"
                                        " ORDER BY name"),
                         {}, pg)) {
        return *error;
    }
    std::vector<KeyRow> rows;
    while (q.next()) {
        KeyRow r;
        r.name = q.value(0).toString();
        r.orgId = q.value(1).toString();
        r.sha256Hex = q.value(2).toString().toLatin1();
        r.scopes = q.value(3).toString().split(u',', Qt::SkipEmptyParts);
        r.requestRate = q.value(4).toString();
        r.deliveryRate = q.value(5).toString();
        r.createdAt = fromMs(q.value(6));
        r.revokedAt = fromMs(q.value(7));
        rows.push_back(std::move(r));
    }
    return rows;
}

StoreResult<bool> revoke(Store &store, const QString &name, const QDateTime &at)
{
    return revokeNamed(store, QStringLiteral("api_keys"), name, at);
}

StoreResult<qint64> version(Store &store)
{
    const bool pg = store.config().isPostgres();
    QSqlQuery q(store.database());
    if (auto error
        = run(q, QStringLiteral("SELECT version FROM api_key_changes WHERE id = 1"), {}, pg))
        return *error;
    return q.next() ? q.value(0).toLongLong() : qint64(0);
}

} // namespace notify::apikeys
