// Store: sessions of the stateless-token fallback (create, find, revoke, expire).

#include "shared/store/store_p.h"

namespace notify {

using namespace storedetail;

StoreResult<Done> Store::createSession(const SessionRecord &session)
{
    if (!session.recipient.isValid())
        return invalidRecipient();
    if (session.tokenSha256Hex.isEmpty() || !session.expiresAt.isValid())
        return StoreError::internal(QStringLiteral("a session needs a token hash and an expiry"));
    return d->guarded<Done>([&]() -> StoreResult<Done> {
        QSqlQuery q(d->db());
        if (auto error
            = run(q,
                  QStringLiteral("INSERT INTO sessions (token_sha256, org_id, user_id,"
                                 " role, created_at, expires_at, revoked_at)"
                                 " VALUES (:token, :org, :user, :role, :created,"
                                 " :expires, :revoked)"),
                  {{QStringLiteral(":token"), QString::fromLatin1(session.tokenSha256Hex)},
                   {QStringLiteral(":org"), session.recipient.orgId},
                   {QStringLiteral(":user"), session.recipient.userId},
                   {QStringLiteral(":role"), text(session.role)},
                   {QStringLiteral(":created"), msOrNull(nowOr(session.createdAt))},
                   {QStringLiteral(":expires"), msOrNull(session.expiresAt)},
                   {QStringLiteral(":revoked"), msOrNull(session.revokedAt)}},
                  d->pg)) {
            return *error;
        }
        return Done {};
    });
}

StoreResult<std::optional<SessionRecord>> Store::findSession(const QByteArray &tokenSha256Hex)
{
    return d->guarded<std::optional<SessionRecord>>(
        [&]() -> StoreResult<std::optional<SessionRecord>> {
            QSqlQuery q(d->db());
            if (auto error
                = run(q,
                      QStringLiteral("SELECT token_sha256, org_id, user_id, role,"
                                     " created_at, expires_at, revoked_at"
                                     " FROM sessions WHERE token_sha256 = :token"),
                      {{QStringLiteral(":token"), QString::fromLatin1(tokenSha256Hex)}}, d->pg)) {
                return *error;
            }
            if (!q.next())
                return std::optional<SessionRecord>();
            SessionRecord s;
            s.tokenSha256Hex = q.value(0).toString().toLatin1();
            s.recipient.orgId = q.value(1).toString();
            s.recipient.userId = q.value(2).toString();
            s.role = q.value(3).toString();
            s.createdAt = fromMs(q.value(4));
            s.expiresAt = fromMs(q.value(5));
            s.revokedAt = fromMs(q.value(6));
            return std::optional<SessionRecord>(std::move(s));
        });
}

StoreResult<bool> Store::revokeSession(const QByteArray &tokenSha256Hex, const QDateTime &at)
{
    return d->guarded<bool>([&]() -> StoreResult<bool> {
        const QVariant when = msOrNull(nowOr(at));
        // With the bus on, the revocation and its signal commit together.
        WriteTransaction tx = d->writeTransaction();
        if (d->busOn()) {
            if (auto error = tx.begin())
                return *error;
        }
        QSqlQuery q(d->db());
        if (auto error = run(q,
                             QStringLiteral("UPDATE sessions SET revoked_at = :at"
                                            " WHERE token_sha256 = :token AND revoked_at IS NULL"
                                            " AND expires_at > :now"),
                             {{QStringLiteral(":at"), when},
                              {QStringLiteral(":token"), QString::fromLatin1(tokenSha256Hex)},
                              {QStringLiteral(":now"), when}},
                             d->pg)) {
            return tx.fail(*error);
        }
        const bool revoked = q.numRowsAffected() > 0;
        if (d->busOn()) {
            if (revoked) {
                bus::Message signal;
                signal.kind = bus::Kind::Revoked;
                signal.sessionHash = tokenSha256Hex;
                if (auto error = d->notifyBus(signal))
                    return tx.fail(*error);
            }
            if (auto error = tx.commit())
                return *error;
        }
        return revoked;
    });
}

StoreResult<int> Store::deleteExpiredSessions(const QDateTime &cutoff)
{
    return d->guarded<int>([&]() -> StoreResult<int> {
        const QVariant when = msOrNull(nowOr(cutoff));
        QSqlQuery q(d->db());
        if (auto error
            = run(q,
                  QStringLiteral("DELETE FROM sessions WHERE expires_at < :cutoff"
                                 " OR (revoked_at IS NOT NULL"
                                 " AND revoked_at < :cutoff2)"),
                  {{QStringLiteral(":cutoff"), when}, {QStringLiteral(":cutoff2"), when}}, d->pg)) {
            return *error;
        }
        return q.numRowsAffected();
    });
}

} // namespace notify
