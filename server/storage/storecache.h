#pragma once

#include <QtGlobal>

namespace notify {

class Store;

// SQLite's page caches, for /metrics (notify_store_cache_bytes): each store connection may
// cache up to 64 MiB of pages (shared/store/storeconnection.cpp), filled as the database
// grows, so a process's resident size grows with its database until then. The long soak
// (bench/soak) tells that growth from a leak with this figure.
namespace storecache {

// On the store's own thread (a job of StoreWorker or ReaderPool): records what this
// connection's page cache holds now. PostgreSQL: nothing.
void note(const Store &store);
// Any thread: the sum over the connections, as last noted.
qint64 totalBytes();

} // namespace storecache
} // namespace notify
