#pragma once

#include "shared/model/result.h"

#include <QByteArrayView>
#include <QString>
#include <QStringView>

#include <cstdint>
#include <optional>

namespace notify {

// The event vocabulary an endpoint speaks (docs/protocol.md, "Dialects"). `Standard` is
// notifyd's own protocol; the others let an existing front-end connect unmodified.
enum class Dialect : std::uint8_t {
    Standard, // the default everywhere
    Snake, // plain WebSocket: {"type":"notification"|"unread_count","data":{...}}
    Colon, // Socket.IO: notification:new, notification:read, unread:count, mark:read, ...
    Crud, // Socket.IO: notification:created / :updated, notifications:bulk-updated
};
inline constexpr int dialectCount = 4;

QString dialectName(Dialect d);
// A name as written in the configuration (lower case); nullopt for an unknown one.
std::optional<Dialect> dialectFromName(QStringView name);
// Snake is a plain WebSocket dialect, colon and crud are Socket.IO ones; standard is both.
bool dialectSpeaksPlain(Dialect d);
bool dialectSpeaksSocketIo(Dialect d);

// A small set of dialects, one bit each.
class DialectSet
{
public:
    constexpr DialectSet() = default;
    void insert(Dialect d) { m_bits |= std::uint8_t(1u << unsigned(d)); }
    bool contains(Dialect d) const { return m_bits & (1u << unsigned(d)); }
    friend bool operator==(DialectSet, DialectSet) = default;

private:
    std::uint8_t m_bits = 0;
};

// Which dialect each client endpoint speaks.
struct EndpointDialects
{
    Dialect plain = Dialect::Standard; // /ws/notifications
    Dialect socketIoDefault = Dialect::Standard; // Socket.IO namespace "/"
    Dialect socketIoNotifications = Dialect::Standard; // Socket.IO namespace "/notifications"

    Dialect forNamespace(QByteArrayView nsp) const
    {
        return nsp == QByteArrayView("/") ? socketIoDefault : socketIoNotifications;
    }
    DialectSet inUse() const;
    // "/=colon,/notifications=standard", for the start-up log.
    QString describeSocketIo() const;
    friend bool operator==(const EndpointDialects &, const EndpointDialects &) = default;
};

// Parsers for the two settings; the error is a reason without the setting's name.
Result<Dialect, QString> parsePlainDialect(const QString &text);
// One "NAMESPACE=NAME" item, applied to `into`.
std::optional<QString> applySocketIoDialect(const QString &item, EndpointDialects &into);

} // namespace notify
