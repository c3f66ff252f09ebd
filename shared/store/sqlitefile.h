#pragma once

// The SQLite database as a file, apart from any Store: what notifyd checks before it opens
// it, and the online backup (docs/operations.md, "When things fail" and "Back up the
// SQLite database"). Each call opens its own sqlite3 connection and closes it before returning.

#include "shared/model/result.h"

#include <QString>

namespace notify::sqlitefile {

// Before a start, without waiting for any lock: refuses a database file that is read-only
// (or in a directory that is), damaged (not a database, an unreadable schema), or missing
// while its write-ahead log is still there; each as one line naming the file and the
// problem. true when the file exists, false when the start will create it.
Result<bool, QString> preflight(const QString &path);

// After this node holds its lock file: refuses a database that another process keeps
// locked for writing for longer than timeoutMs.
Result<Done, QString> checkNotLocked(const QString &path, int timeoutMs);

// A consistent copy of the database at `source` as it was at one moment, taken with
// SQLite's backup API while notifyd may go on writing (readers do not block the writer in
// WAL mode). Written to target + ".partial", checked (quick_check), synced and renamed to
// target, which must not exist. Returns a line saying what was copied.
struct Copied
{
    QString summary;
};
Result<Copied, QString> backup(const QString &source, const QString &target);

} // namespace notify::sqlitefile
