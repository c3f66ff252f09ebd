#pragma once

#include <QStringList>

namespace notify {

// `notifyd keys create|list|revoke ...` (docs/operations.md, "API keys"): the organizations'
// API keys in the store named by the server's own options (--db, --config, NOTIFY_DB).
// args is the whole command line, program name first. Returns the exit code.
int keysCommand(QStringList args);
// `notifyd operators create|list|revoke ...` (docs/operations.md, "Operators and roles"):
// per-operator admin keys with a role, in the same store.
int operatorsCommand(QStringList args);

} // namespace notify
