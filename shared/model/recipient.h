#pragma once

#include <QHash>
#include <QString>

// rooms:: lived here once; kept at hand for every user of Recipient.
#include "shared/model/rooms.h"

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

} // namespace notify
