#include "console/icons/resources.h"

#include <QtGlobal>

// Q_INIT_RESOURCE must be used outside of any namespace.
static void initConsoleResources()
{
    Q_INIT_RESOURCE(console);
}

namespace notify::console {

void initResources()
{
    initConsoleResources();
}

} // namespace notify::console
