#pragma once

#include "shared/model/result.h"

#include <QStringList>

#include <memory>

namespace notify {

// `notifyd keys create|list|revoke ...` (docs/operations.md, "API keys"): the organizations'
// API keys in the store named by the server's own options (--db, --config, NOTIFY_DB).
// args is the whole command line, program name first. Returns the exit code.
int keysCommand(QStringList args);
// `notifyd operators create|list|revoke ...` (docs/operations.md, "Operators and roles"):
// per-operator admin keys with a role, in the same store.
int operatorsCommand(QStringList args);
// `notifyd webhooks add|list|remove|enable ...` (docs/operations.md, "Webhooks"): the
// organizations' webhook endpoints, in the same store (webhookscommand.cpp).
int webhooksCommand(QStringList args);

class Store;
// What the subcommands share: the store named by the server's own options in rest (the
// program name first), migrated; and an audit entry under "cli:<user>" and this machine.
Result<std::unique_ptr<Store>, QString> openStore(const QStringList &rest);
void recordAudit(Store &store, const QString &action, const QString &target, const QString &result);
// Prints rows (the first is the header) in columns to stdout.
void printTable(const QList<QStringList> &table);

} // namespace notify
