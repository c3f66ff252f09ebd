#pragma once

#include <QString>
#include <QStringView>

#include <optional>

namespace notify {

enum class Priority { Low, Normal, High, Urgent };

// Wire names: "low", "normal", "high", "urgent".
QString priorityName(Priority priority);
// Exact, case-sensitive match of a wire name.
std::optional<Priority> parsePriority(QStringView name);

} // namespace notify
