// The counters object of the admin channel and /api/v1/stats.

#include "shared/codec/wirecodec.h"

#include <array>
#include <utility>

namespace notify {

namespace {

using CounterField = std::pair<const char16_t *, quint64 Counters::*>;

// One table for both directions, so a counter cannot be written under one name and read
// under another.
constexpr std::array<CounterField, 9> counterFields {{
    {u"created", &Counters::created},
    {u"sent", &Counters::sent},
    {u"acked", &Counters::acked},
    {u"read", &Counters::read},
    {u"failed", &Counters::failed},
    {u"dropped", &Counters::dropped},
    {u"authFailures", &Counters::authFailures},
    {u"heartbeatTimeouts", &Counters::heartbeatTimeouts},
    {u"rateLimited", &Counters::rateLimited},
}};

} // namespace

QJsonObject countersToJson(const Counters &c)
{
    QJsonObject json;
    for (const auto &[name, member] : counterFields)
        json.insert(QString::fromUtf16(name), static_cast<qint64>(c.*member));
    return json;
}

Counters countersFromJson(const QJsonObject &json)
{
    // Lenient by design: a console must keep showing what it understands when a newer or
    // older server adds, drops or garbles a counter; anything unusable reads as 0.
    Counters c;
    for (const auto &[name, member] : counterFields) {
        const qint64 value = json.value(QString::fromUtf16(name)).toInteger(0);
        c.*member = value > 0 ? static_cast<quint64>(value) : 0;
    }
    return c;
}

} // namespace notify
