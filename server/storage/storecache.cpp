#include "server/storage/storecache.h"

#include "shared/store/store.h"

#include <QSqlDriver>
#include <QVariant>

#include <sqlite3.h>

#include <array>
#include <atomic>
#include <cstring>

namespace notify::storecache {

namespace {
// One slot per store thread (the writer and each reader), taken on its first note.
constexpr int slotCount = 16;
std::array<std::atomic<qint64>, slotCount> cacheSlots {};
std::atomic<int> nextSlot {0};
} // namespace

void note(const Store &store)
{
    thread_local const int slot = nextSlot.fetch_add(1, std::memory_order_relaxed);
    if (slot >= slotCount)
        return;
    // QSQLITE hands out its sqlite3 pointer as a QVariant named "sqlite3*".
    const QVariant handle = store.database().driver()->handle();
    if (!handle.isValid() || std::strcmp(handle.typeName(), "sqlite3*") != 0)
        return;
    sqlite3 *db = *static_cast<sqlite3 *const *>(handle.constData());
    int current = 0;
    int highest = 0;
    if (db && sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_USED, &current, &highest, 0) == SQLITE_OK)
        cacheSlots[size_t(slot)].store(current, std::memory_order_relaxed);
}

qint64 totalBytes()
{
    qint64 sum = 0;
    for (const auto &s : cacheSlots)
        sum += s.load(std::memory_order_relaxed);
    return sum;
}

} // namespace notify::storecache
