#pragma once

#include <Qt>

namespace notify::console {

// The value a CSV export writes for a cell or a header, where the display text is formatted
// for reading: numbers without units or digit grouping, times as QDateTime (written as ISO 8601
// with their zone), a header naming its unit. A model that does not answer it is exported as
// displayed (docs/operations.md, the console).
inline constexpr int ExportRole = Qt::UserRole + 64;

} // namespace notify::console
