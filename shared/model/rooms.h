#pragma once

#include <QString>
#include <QStringView>

#include <optional>

namespace notify {

struct Recipient;

// Room names (docs/protocol.md, "Rooms"): the only place that builds or reads one.
//
// A room name stands for exactly one (kind, organization, user or role), whatever the ids
// contain: inside a name each id is written with `%` as `%25` and `:` as `%3A`, so the
// colons that separate the parts can never come from an id. Without this, org `acme:user:x`
// with user `eve` and org `acme` with user `x:user:eve` shared `org:acme:user:x:user:eve`,
// and a push to one reached the other's live sockets. Ids without `:` or `%` are written
// as they are, so the usual names stay readable (`org:acme:user:bob`).
namespace rooms {

QString user(const Recipient &r);
QString org(const QString &orgId);
QString role(const QString &orgId, const QString &role);
QString broadcast();

// An id as it appears inside a room name.
QString escapeId(const QString &id);

enum class Kind { Broadcast, Org, User, Role };

// A room name taken apart: orgId is empty for Broadcast, member is the user id (User), the
// role (Role), or empty. Ids come back unescaped.
struct Parsed
{
    Kind kind = Kind::Broadcast;
    QString orgId;
    QString member;

    friend bool operator==(const Parsed &, const Parsed &) = default;
};

// std::nullopt unless name is exactly one of the four forms with non-empty ids, escaped as
// above (`%3a` is taken for `%3A`; any other `%` sequence is refused).
std::optional<Parsed> parse(QStringView name);

} // namespace rooms

} // namespace notify
