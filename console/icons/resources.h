#pragma once

namespace notify::console {

// Registers the icons compiled into notifyconsole_core; a static library's resources are
// only linked in when something refers to them.
void initResources();

} // namespace notify::console
