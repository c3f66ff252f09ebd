// The WAL-batching VFS (see walbatchvfs.h): a shim over SQLite's default VFS.

#include "shared/store/walbatchvfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>

namespace notify::storedetail {

namespace {

// The unix VFS writes at most 128 KiB - 1 bytes per call (its seekAndWrite masks the
// amount with 0x1ffff, so a larger write would silently become a short one): 31 frames of
// 4 KiB pages per call, which already spreads a call's cost over 62 of SQLite's.
constexpr int kBufferCapacity = 0x1ffff;

sqlite3_vfs *g_real = nullptr;
std::atomic<unsigned long long> g_flushedBeforeSync {0};
std::atomic<unsigned long long> g_flushedAtBarrier {0};

struct File
{
    sqlite3_file base; // first: SQLite sees this
    sqlite3_file *real; // the wrapped file, in the same allocation after this struct
    bool wal;
    // A WAL file's database file and the reverse, both of one connection: the database
    // file's shared-memory barrier is where SQLite publishes a commit to readers.
    File *peer;
    // A flush that failed where no error could be returned (the barrier): the next call on
    // this file that flushes first (flushFirst) reports it.
    int deferredError;
    char *buffer; // sqlite3_malloc'ed on first write, kBufferCapacity bytes
    int used;
    sqlite3_int64 start; // file offset of buffer[0]
};

constexpr size_t kRealOffset = (sizeof(File) + alignof(std::max_align_t) - 1)
    / alignof(std::max_align_t) * alignof(std::max_align_t);

File *self(sqlite3_file *f)
{
    return reinterpret_cast<File *>(f);
}

// The errno of a held batch's write that failed on this thread, until one goes through
// (walFailedWriteErrno()).
thread_local int t_failedWriteErrno = 0;

int flush(File *p)
{
    if (p->used == 0)
        return SQLITE_OK;
    const int amount = p->used;
    p->used = 0;
    const int rc = p->real->pMethods->xWrite(p->real, p->buffer, amount, p->start);
    t_failedWriteErrno = rc == SQLITE_OK ? 0 : errno;
    return rc;
}

int flushFirst(File *p)
{
    if (p->deferredError != SQLITE_OK) {
        const int error = p->deferredError;
        p->deferredError = SQLITE_OK;
        return error;
    }
    return flush(p);
}

int fileClose(sqlite3_file *f)
{
    File *p = self(f);
    const int rc = flushFirst(p);
    if (p->peer != nullptr)
        p->peer->peer = nullptr;
    p->peer = nullptr;
    const int closed = p->real->pMethods->xClose(p->real);
    sqlite3_free(p->buffer);
    p->buffer = nullptr;
    return rc != SQLITE_OK ? rc : closed;
}

int fileRead(sqlite3_file *f, void *data, int amount, sqlite3_int64 offset)
{
    File *p = self(f);
    if (const int rc = flushFirst(p))
        return rc;
    return p->real->pMethods->xRead(p->real, data, amount, offset);
}

int fileWrite(sqlite3_file *f, const void *data, int amount, sqlite3_int64 offset)
{
    File *p = self(f);
    if (!p->wal)
        return p->real->pMethods->xWrite(p->real, data, amount, offset);
    if (p->used > 0 && offset == p->start + p->used && amount <= kBufferCapacity - p->used) {
        std::memcpy(p->buffer + p->used, data, size_t(amount));
        p->used += amount;
        return SQLITE_OK;
    }
    // Not the next byte (SQLite rewrites a frame, or starts the log again at its header):
    // what is held goes first, in order.
    if (const int rc = flushFirst(p))
        return rc;
    if (p->buffer == nullptr)
        p->buffer = static_cast<char *>(sqlite3_malloc(kBufferCapacity));
    if (p->buffer == nullptr || amount > kBufferCapacity)
        return p->real->pMethods->xWrite(p->real, data, amount, offset);
    std::memcpy(p->buffer, data, size_t(amount));
    p->used = amount;
    p->start = offset;
    return SQLITE_OK;
}

int fileTruncate(sqlite3_file *f, sqlite3_int64 size)
{
    File *p = self(f);
    if (const int rc = flushFirst(p))
        return rc;
    return p->real->pMethods->xTruncate(p->real, size);
}

int fileSync(sqlite3_file *f, int flags)
{
    File *p = self(f);
    if (p->used > 0)
        g_flushedBeforeSync.fetch_add(1, std::memory_order_relaxed);
    if (const int rc = flushFirst(p))
        return rc;
    return p->real->pMethods->xSync(p->real, flags);
}

int fileSize(sqlite3_file *f, sqlite3_int64 *size)
{
    File *p = self(f);
    if (const int rc = flushFirst(p))
        return rc;
    return p->real->pMethods->xFileSize(p->real, size);
}

int fileLock(sqlite3_file *f, int level)
{
    return self(f)->real->pMethods->xLock(self(f)->real, level);
}

int fileUnlock(sqlite3_file *f, int level)
{
    return self(f)->real->pMethods->xUnlock(self(f)->real, level);
}

int fileCheckReservedLock(sqlite3_file *f, int *out)
{
    return self(f)->real->pMethods->xCheckReservedLock(self(f)->real, out);
}

int fileControl(sqlite3_file *f, int op, void *arg)
{
    File *p = self(f);
    if (const int rc = flushFirst(p))
        return rc;
    return p->real->pMethods->xFileControl(p->real, op, arg);
}

int fileSectorSize(sqlite3_file *f)
{
    return self(f)->real->pMethods->xSectorSize(self(f)->real);
}

int fileDeviceCharacteristics(sqlite3_file *f)
{
    return self(f)->real->pMethods->xDeviceCharacteristics(self(f)->real);
}

int fileShmMap(sqlite3_file *f, int region, int size, int extend, void volatile **out)
{
    return self(f)->real->pMethods->xShmMap(self(f)->real, region, size, extend, out);
}

int fileShmLock(sqlite3_file *f, int offset, int n, int flags)
{
    return self(f)->real->pMethods->xShmLock(self(f)->real, offset, n, flags);
}

void fileShmBarrier(sqlite3_file *f)
{
    // Called on the database file right before SQLite publishes a commit's frames in the WAL
    // index. With synchronous=FULL the sync has already flushed them; without it, this is
    // the last moment they can reach the file before a reader looks for them.
    File *p = self(f);
    if (File *wal = p->peer; wal != nullptr && wal->used > 0) {
        g_flushedAtBarrier.fetch_add(1, std::memory_order_relaxed);
        if (const int rc = flush(wal); rc != SQLITE_OK && wal->deferredError == SQLITE_OK)
            wal->deferredError = rc;
    }
    p->real->pMethods->xShmBarrier(p->real);
}

int fileShmUnmap(sqlite3_file *f, int deleteFlag)
{
    return self(f)->real->pMethods->xShmUnmap(self(f)->real, deleteFlag);
}

int fileFetch(sqlite3_file *f, sqlite3_int64 offset, int amount, void **out)
{
    return self(f)->real->pMethods->xFetch(self(f)->real, offset, amount, out);
}

int fileUnfetch(sqlite3_file *f, sqlite3_int64 offset, void *page)
{
    return self(f)->real->pMethods->xUnfetch(self(f)->real, offset, page);
}

// One table per io_methods version, so that SQLite never calls a method the wrapped file
// lacks.
sqlite3_io_methods makeMethods(int version)
{
    sqlite3_io_methods m {};
    m.iVersion = version;
    m.xClose = fileClose;
    m.xRead = fileRead;
    m.xWrite = fileWrite;
    m.xTruncate = fileTruncate;
    m.xSync = fileSync;
    m.xFileSize = fileSize;
    m.xLock = fileLock;
    m.xUnlock = fileUnlock;
    m.xCheckReservedLock = fileCheckReservedLock;
    m.xFileControl = fileControl;
    m.xSectorSize = fileSectorSize;
    m.xDeviceCharacteristics = fileDeviceCharacteristics;
    if (version >= 2) {
        m.xShmMap = fileShmMap;
        m.xShmLock = fileShmLock;
        m.xShmBarrier = fileShmBarrier;
        m.xShmUnmap = fileShmUnmap;
    }
    if (version >= 3) {
        m.xFetch = fileFetch;
        m.xUnfetch = fileUnfetch;
    }
    return m;
}

const sqlite3_io_methods g_methods[3] = {makeMethods(1), makeMethods(2), makeMethods(3)};

const sqlite3_io_methods *methodsFor(int version)
{
    return &g_methods[std::clamp(version, 1, 3) - 1];
}

bool isOurs(const sqlite3_file *f)
{
    return f != nullptr && f->pMethods >= &g_methods[0] && f->pMethods <= &g_methods[2];
}

int vfsOpen(sqlite3_vfs *, const char *name, sqlite3_file *f, int flags, int *outFlags)
{
    File *p = self(f);
    p->real = reinterpret_cast<sqlite3_file *>(reinterpret_cast<char *>(f) + kRealOffset);
    p->wal = (flags & SQLITE_OPEN_WAL) != 0;
    p->peer = nullptr;
    p->deferredError = SQLITE_OK;
    p->buffer = nullptr;
    p->used = 0;
    p->start = 0;
    std::memset(p->real, 0, size_t(g_real->szOsFile));
    const int rc = g_real->xOpen(g_real, name, p->real, flags, outFlags);
    // SQLite calls xClose on a file whose pMethods is set, even after a failed open.
    p->base.pMethods
        = p->real->pMethods != nullptr ? methodsFor(p->real->pMethods->iVersion) : nullptr;
    if (rc == SQLITE_OK && p->wal && name != nullptr) {
        sqlite3_file *database = sqlite3_database_file_object(name);
        if (isOurs(database)) {
            p->peer = self(database);
            self(database)->peer = p;
        }
    }
    return rc;
}

int vfsDelete(sqlite3_vfs *, const char *name, int syncDir)
{
    return g_real->xDelete(g_real, name, syncDir);
}

int vfsAccess(sqlite3_vfs *, const char *name, int flags, int *out)
{
    return g_real->xAccess(g_real, name, flags, out);
}

int vfsFullPathname(sqlite3_vfs *, const char *name, int size, char *out)
{
    return g_real->xFullPathname(g_real, name, size, out);
}

void *vfsDlOpen(sqlite3_vfs *, const char *name)
{
    return g_real->xDlOpen(g_real, name);
}

void vfsDlError(sqlite3_vfs *, int size, char *out)
{
    g_real->xDlError(g_real, size, out);
}

void (*vfsDlSym(sqlite3_vfs *, void *handle, const char *symbol))(void)
{
    return g_real->xDlSym(g_real, handle, symbol);
}

void vfsDlClose(sqlite3_vfs *, void *handle)
{
    g_real->xDlClose(g_real, handle);
}

int vfsRandomness(sqlite3_vfs *, int size, char *out)
{
    return g_real->xRandomness(g_real, size, out);
}

int vfsSleep(sqlite3_vfs *, int microseconds)
{
    return g_real->xSleep(g_real, microseconds);
}

int vfsCurrentTime(sqlite3_vfs *, double *out)
{
    return g_real->xCurrentTime(g_real, out);
}

int vfsGetLastError(sqlite3_vfs *, int size, char *out)
{
    return g_real->xGetLastError(g_real, size, out);
}

int vfsCurrentTimeInt64(sqlite3_vfs *, sqlite3_int64 *out)
{
    return g_real->xCurrentTimeInt64(g_real, out);
}

int vfsSetSystemCall(sqlite3_vfs *, const char *name, sqlite3_syscall_ptr call)
{
    return g_real->xSetSystemCall(g_real, name, call);
}

sqlite3_syscall_ptr vfsGetSystemCall(sqlite3_vfs *, const char *name)
{
    return g_real->xGetSystemCall(g_real, name);
}

const char *vfsNextSystemCall(sqlite3_vfs *, const char *name)
{
    return g_real->xNextSystemCall(g_real, name);
}

sqlite3_vfs g_vfs {};

} // namespace

int walFailedWriteErrno()
{
    return t_failedWriteErrno;
}

bool installWalBatchingVfs()
{
    static const bool installed = [] {
        g_real = sqlite3_vfs_find(nullptr);
        // The shim forwards methods up to version 3; a default VFS of another shape is used
        // as it is.
        if (g_real == nullptr || g_real->iVersion < 3)
            return false;
        g_vfs.iVersion = 3;
        g_vfs.szOsFile = int(kRealOffset) + g_real->szOsFile;
        g_vfs.mxPathname = g_real->mxPathname;
        g_vfs.zName = walBatchingVfsName;
        g_vfs.xOpen = vfsOpen;
        g_vfs.xDelete = vfsDelete;
        g_vfs.xAccess = vfsAccess;
        g_vfs.xFullPathname = vfsFullPathname;
        g_vfs.xDlOpen = vfsDlOpen;
        g_vfs.xDlError = vfsDlError;
        g_vfs.xDlSym = vfsDlSym;
        g_vfs.xDlClose = vfsDlClose;
        g_vfs.xRandomness = vfsRandomness;
        g_vfs.xSleep = vfsSleep;
        g_vfs.xCurrentTime = vfsCurrentTime;
        g_vfs.xGetLastError = vfsGetLastError;
        g_vfs.xCurrentTimeInt64 = vfsCurrentTimeInt64;
        g_vfs.xSetSystemCall = vfsSetSystemCall;
        g_vfs.xGetSystemCall = vfsGetSystemCall;
        g_vfs.xNextSystemCall = vfsNextSystemCall;
        return sqlite3_vfs_register(&g_vfs, 1) == SQLITE_OK;
    }();
    return installed;
}

WalFlushCounts walFlushCounts()
{
    return {g_flushedBeforeSync.load(std::memory_order_relaxed),
            g_flushedAtBarrier.load(std::memory_order_relaxed)};
}

} // namespace notify::storedetail
