#include "shared/model/priority.h"

namespace notify {

QString priorityName(Priority priority)
{
    switch (priority) {
    case Priority::Low:
        return QStringLiteral("low");
    case Priority::Normal:
        return QStringLiteral("normal");
    case Priority::High:
        return QStringLiteral("high");
    case Priority::Urgent:
        return QStringLiteral("urgent");
    }
    // An out-of-range enum value can only come from a cast; the default keeps output valid.
    return QStringLiteral("normal");
}

std::optional<Priority> parsePriority(QStringView name)
{
    for (Priority p : {Priority::Low, Priority::Normal, Priority::High, Priority::Urgent}) {
        if (name == priorityName(p))
            return p;
    }
    return std::nullopt;
}

} // namespace notify
