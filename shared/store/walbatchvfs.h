// An SQLite VFS that writes a commit's WAL frames with one write call instead of two per frame.
#pragma once

namespace notify::storedetail {

// SQLite appends each WAL frame with two pwrite calls (its 24-byte header, then the page),
// and on this kind of machine each call costs about 2.5 µs of kernel time whatever its
// size: at one or two inbox pages per delivery, most of the writer's pwrite time. This VFS
// wraps the default one and collects a WAL file's consecutive writes in memory; they go to
// the file in one call before anything can depend on them: before the sync that makes a
// commit durable (notifyd always runs synchronous=FULL, so every commit syncs its WAL),
// before any read, size query, truncation or close of that file, and, for a connection
// that commits without syncing, before SQLite publishes the commit in the WAL index (its
// shared-memory barrier). Files other than WAL files pass straight through.
//
// Installs it as the process's default VFS, once; later calls return the first result.
// Must run after sqlite3_config and before the first connection that should use it opens.
bool installWalBatchingVfs();

// The errno of the last batched WAL write that failed on the calling thread (0 once a
// batch went through again). SQLite reports such a failure as an I/O error whose
// sqlite3_system_errno() is not this errno (the batch goes out later than SQLite's own
// write call), and it is what tells a full disk (ENOSPC) or a file system turned
// read-only (EROFS) from other I/O errors (docs/operations.md, "When things fail").
int walFailedWriteErrno();

// The registered name, for tests that open a connection on it explicitly.
inline constexpr const char walBatchingVfsName[] = "notifyd-walbatch";

// Held frames written, by the reason they had to go, since the process started: a test's
// proof that commits under synchronous=FULL are in the file before their sync.
struct WalFlushCounts
{
    unsigned long long beforeSync = 0;
    unsigned long long atBarrier = 0;
};
WalFlushCounts walFlushCounts();

} // namespace notify::storedetail
