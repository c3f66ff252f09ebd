#pragma once

#include <QHash>
#include <QString>

namespace notify {

// The owner of an inbox. Every store operation and every room is scoped by both ids:
// user ids are only unique inside an organization.
struct Recipient
{
    QString orgId;
    QString userId;

    bool isValid() const { return !orgId.isEmpty() && !userId.isEmpty(); }
    friend bool operator==(const Recipient &, const Recipient &) = default;
};

inline size_t qHash(const Recipient &r, size_t seed = 0) noexcept
{
    return qHashMulti(seed, r.orgId, r.userId);
}

// Room names exactly as PROTOCOL.md spells them.
namespace rooms {
inline QString user(const Recipient &r)
{
    return QStringLiteral("org:%1:user:%2").arg(r.orgId, r.userId);
}
inline QString org(const QString &orgId)
{
    return QStringLiteral("org:%1").arg(orgId);
}
inline QString role(const QString &orgId, const QString &role)
{
    return QStringLiteral("org:%1:role:%2").arg(orgId, role);
}
inline QString broadcast()
{
    return QStringLiteral("broadcast");
}
} // namespace rooms

} // namespace notify
