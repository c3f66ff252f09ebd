/* The durable store's floor: the CPU one thread spends to make notifications durable on this
 * machine with nothing of notifyd around it (no Qt, no HTTP, no hub, no threads), so that
 * bench/notes.md ("The durable floor") can say what share of a fan-out target the durable
 * write alone takes. Uses SQLite as notifyd does (WAL, synchronous=FULL, 64 MiB cache,
 * prepared statements, notifyd's WAL-batching VFS from shared/store/walbatchvfs.cpp, so a
 * commit's frames go in one write call), or no database at all.
 *
 *   c++ -std=c++20 -O2 -I. -o /tmp/storefloor bench/floor/storefloor.cpp \
 *       shared/store/walbatchvfs.cpp -lsqlite3
 *   storefloor MODE [-u users] [-r recipients per notification] [-g rows per commit]
 *                   [-n rows] [-f frames per commit] [-d directory]
 *
 * Modes (each prints the thread's CPU, user + system from getrusage(RUSAGE_THREAD), per row
 * and per commit, and the wall time per commit):
 *   inbox    The least a durable inbox can write: per notification one content row (an
 *            INTEGER PRIMARY KEY alias of the rowid), per recipient one narrow row keyed
 *            (org, user, seq) in a WITHOUT ROWID table, the seq counted in memory. No
 *            unread counter, no text id, no index beside the keys.
 *   notifyd  notifyd's own statements on its own schema (shared/store/migrations.cpp, v5):
 *            the content row, per recipient the recipients upsert that returns the new
 *            last_seq and unread count, and the inbox row with its 36-character id (the
 *            unique id index). The ids are made up front, outside the measurement.
 *   sync     No database (-n counts commits): per commit one pwritev of -f frames of 24 + 4,096
 * bytes (a WAL commit's frames, as the VFS writes them) and one fdatasync, into a file of 16,384
 * frames written round and round (an SQLite WAL between checkpoints does not grow either). The cost
 * of durability alone, per commit.
 *
 * Defaults: 2,000 users, 100 recipients per notification, 200 rows per commit, 100,000 rows,
 * 1 frame per commit (sync), a fresh temporary directory under the current one (the disk the
 * benchmark's databases live on; /tmp may be another file system). Examples:
 *   storefloor inbox                    the cost run's pattern (2,000 users, POSTs of 100)
 *   storefloor notifyd
 *   storefloor inbox -u 19000 -n 190000 19,000 users
 *   storefloor notifyd -r 1 -g 3 -n 20000   1 recipient per POST, ~3 per commit
 *   storefloor sync -f 3 -n 3000        1 per POST: the sync of a commit of about 3 rows
 *
 * A floor, not a benchmark of notifyd: it runs on an otherwise idle thread that never
 * sleeps between commits except in the sync, so it is cheaper than the same work inside a
 * server. Not part of `./notify test` or bench/run; bench/floor/run runs it.
 */
#include "shared/store/walbatchvfs.h"

#include <sqlite3.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Options
{
    std::string mode;
    int users = 2000;
    int recipients = 100;
    int groupRows = 200;
    long rows = 100000;
    int frames = 1;
    std::string dir;
};

struct Usage
{
    double cpuUs;
    double wallUs;
    long voluntarySwitches;
};

Usage now()
{
    rusage ru {};
    getrusage(RUSAGE_THREAD, &ru);
    const auto wall = std::chrono::steady_clock::now().time_since_epoch();
    return {(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + ru.ru_utime.tv_usec
                + ru.ru_stime.tv_usec,
            std::chrono::duration<double, std::micro>(wall).count(), ru.ru_nvcsw};
}

[[noreturn]] void die(const char *what, sqlite3 *db = nullptr)
{
    std::fprintf(stderr, "storefloor: %s%s%s\n", what, db ? ": " : "",
                 db ? sqlite3_errmsg(db) : "");
    std::exit(1);
}

void exec(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        die(sql, db);
}

sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
        die(sql, db);
    return stmt;
}

void step(sqlite3 *db, sqlite3_stmt *stmt)
{
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) { }
    if (rc != SQLITE_DONE)
        die("step", db);
    sqlite3_reset(stmt);
}

// Steps a statement that returns one row and gives its first column.
sqlite3_int64 stepFirst(sqlite3 *db, sqlite3_stmt *stmt, const char *what)
{
    if (sqlite3_step(stmt) != SQLITE_ROW)
        die(what, db);
    const sqlite3_int64 value = sqlite3_column_int64(stmt, 0);
    step(db, stmt);
    return value;
}

void report(const Options &o, const Usage &a, const Usage &b, long commits)
{
    const double cpu = b.cpuUs - a.cpuUs;
    std::printf("%s: %ld rows, %ld commits, %d users, %d recipients per notification\n"
                "  CPU per row %.2f us (%.0f rows per CPU-second), per commit %.1f us\n"
                "  wall per commit %.1f us, voluntary switches per commit %.2f\n",
                o.mode.c_str(), o.rows, commits, o.users, o.recipients, cpu / o.rows,
                o.rows / (cpu / 1e6), cpu / commits, (b.wallUs - a.wallUs) / commits,
                double(b.voluntarySwitches - a.voluntarySwitches) / commits);
}

// A 36-character time-ordered id in the text form notifyd stores; only its shape matters.
std::string makeId(long n)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "019%05lx-%04lx-7%03lx-8%03lx-%012lx", n >> 20 & 0xfffff,
                  n >> 4 & 0xffff, n & 0xfff, (n * 7) & 0xfff, n * 2654435761UL & 0xffffffffffffUL);
    return buf;
}

void runSqlite(const Options &o, const std::string &path)
{
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (!notify::storedetail::installWalBatchingVfs())
        die("cannot install the WAL-batching VFS");
    sqlite3 *db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK)
        die("open", db);
    for (const char *sql : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
                            "PRAGMA cache_size = -65536", "PRAGMA wal_autocheckpoint = 16384"})
        exec(db, sql);
    const bool full = o.mode == "notifyd";
    // The content as notifyd's bench publishes it: a title and a short body.
    exec(db,
         "CREATE TABLE notification_contents (content_id INTEGER PRIMARY KEY,"
         " type TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL DEFAULT '',"
         " priority TEXT NOT NULL DEFAULT 'normal', action_url TEXT NOT NULL DEFAULT '',"
         " entity_type TEXT NOT NULL DEFAULT '', entity_id TEXT NOT NULL DEFAULT '',"
         " metadata TEXT NOT NULL DEFAULT '{}')");
    if (full) {
        exec(db,
             "CREATE TABLE recipients (org_id TEXT NOT NULL, user_id TEXT NOT NULL,"
             " last_seq BIGINT NOT NULL DEFAULT 0, unread_count BIGINT NOT NULL DEFAULT 0,"
             " PRIMARY KEY (org_id, user_id))");
        exec(db,
             "CREATE TABLE notifications (org_id TEXT NOT NULL, user_id TEXT NOT NULL,"
             " seq BIGINT NOT NULL, id TEXT NOT NULL, content_id BIGINT NOT NULL,"
             " idempotency_key TEXT NULL, created_at BIGINT NOT NULL,"
             " delivered_at BIGINT NULL, read_at BIGINT NULL, deleted_at BIGINT NULL,"
             " PRIMARY KEY (org_id, user_id, seq)) WITHOUT ROWID");
        exec(db, "CREATE UNIQUE INDEX notifications_id ON notifications (id)");
        exec(db,
             "CREATE UNIQUE INDEX notifications_recipient_key ON notifications"
             " (org_id, user_id, idempotency_key) WHERE idempotency_key IS NOT NULL");
    } else {
        exec(db,
             "CREATE TABLE inbox (org_id TEXT NOT NULL, user_id TEXT NOT NULL,"
             " seq INTEGER NOT NULL, content_id INTEGER NOT NULL,"
             " created_at INTEGER NOT NULL, PRIMARY KEY (org_id, user_id, seq))"
             " WITHOUT ROWID");
    }
    sqlite3_stmt *begin = prepare(db, "BEGIN IMMEDIATE");
    sqlite3_stmt *commit = prepare(db, "COMMIT");
    sqlite3_stmt *content = prepare(db,
                                    "INSERT INTO notification_contents (type, title, body)"
                                    " VALUES ('case.assigned', ?, ?) RETURNING content_id");
    sqlite3_stmt *upsert = full ? prepare(db,
                                          "INSERT INTO recipients (org_id, user_id,"
                                          " last_seq, unread_count) VALUES (?, ?, 1, 1)"
                                          " ON CONFLICT (org_id, user_id) DO UPDATE SET"
                                          " last_seq = recipients.last_seq + 1,"
                                          " unread_count = recipients.unread_count + 1"
                                          " RETURNING last_seq, unread_count")
                                : nullptr;
    sqlite3_stmt *insert
        = prepare(db,
                  full ? "INSERT INTO notifications (id, org_id, user_id, seq, content_id,"
                         " idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, NULL, ?)"
                       : "INSERT INTO inbox (org_id, user_id, seq, content_id, created_at)"
                         " VALUES (?, ?, ?, ?, ?)");

    std::vector<std::string> users;
    for (int u = 0; u < o.users; ++u)
        users.push_back("user-" + std::to_string(u));
    std::vector<std::string> ids;
    if (full)
        for (long n = 0; n < o.rows; ++n)
            ids.push_back(makeId(n));
    std::vector<long> seqs(o.users, 0);
    const std::string org = "org-bench";
    const std::string title = "Case 1234 was assigned to you";
    const std::string body = "Open the case to see what changed.";

    long row = 0, commits = 0, contentId = 0;
    int nextUser = 0;
    const Usage start = now();
    while (row < o.rows) {
        step(db, begin);
        for (int inGroup = 0; inGroup < o.groupRows && row < o.rows; ++inGroup, ++row) {
            if (row % o.recipients == 0) {
                sqlite3_bind_text(content, 1, title.data(), int(title.size()), SQLITE_STATIC);
                sqlite3_bind_text(content, 2, body.data(), int(body.size()), SQLITE_STATIC);
                contentId = stepFirst(db, content, "content");
            }
            const int u = nextUser;
            nextUser = (nextUser + 1) % o.users;
            const std::string &user = users[u];
            long seq = ++seqs[u];
            if (full) {
                sqlite3_bind_text(upsert, 1, org.data(), int(org.size()), SQLITE_STATIC);
                sqlite3_bind_text(upsert, 2, user.data(), int(user.size()), SQLITE_STATIC);
                seq = stepFirst(db, upsert, "upsert");
                const std::string &id = ids[row];
                sqlite3_bind_text(insert, 1, id.data(), int(id.size()), SQLITE_STATIC);
            }
            const int at = full ? 2 : 1;
            sqlite3_bind_text(insert, at, org.data(), int(org.size()), SQLITE_STATIC);
            sqlite3_bind_text(insert, at + 1, user.data(), int(user.size()), SQLITE_STATIC);
            sqlite3_bind_int64(insert, at + 2, seq);
            sqlite3_bind_int64(insert, at + 3, contentId);
            sqlite3_bind_int64(insert, at + 4, 1796000000000 + row);
            step(db, insert);
        }
        step(db, commit);
        ++commits;
    }
    report(o, start, now(), commits);
    for (sqlite3_stmt *stmt : {begin, commit, content, upsert, insert})
        sqlite3_finalize(stmt);
    sqlite3_close(db);
}

void runSync(const Options &o, const std::string &path)
{
    constexpr size_t header = 24, page = 4096, framesInFile = 16384;
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        die("open");
    std::vector<char> frame(header + page, 'x');
    // The file is written once first, so that the measured commits overwrite, as a WAL does
    // after its first checkpoint, instead of growing the file.
    for (size_t i = 0; i < framesInFile; ++i)
        if (write(fd, frame.data(), frame.size()) != ssize_t(frame.size()))
            die("write");
    fdatasync(fd);
    std::vector<iovec> iov(size_t(o.frames), iovec {frame.data(), frame.size()});
    const long commits = o.rows;
    size_t at = 0;
    const Usage start = now();
    for (long c = 0; c < commits; ++c) {
        if (at + size_t(o.frames) > framesInFile)
            at = 0;
        if (pwritev(fd, iov.data(), o.frames, off_t(at * frame.size())) < 0)
            die("pwritev");
        if (fdatasync(fd) != 0)
            die("fdatasync");
        at += size_t(o.frames);
    }
    const Usage end = now();
    const double cpu = end.cpuUs - start.cpuUs;
    std::printf("sync: %ld commits of %d frames (pwritev + fdatasync)\n"
                "  CPU per commit %.1f us, wall per commit %.1f us,"
                " voluntary switches per commit %.2f\n",
                commits, o.frames, cpu / commits, (end.wallUs - start.wallUs) / commits,
                double(end.voluntarySwitches - start.voluntarySwitches) / commits);
    close(fd);
}

} // namespace

int main(int argc, char **argv)
{
    Options o;
    if (argc < 2) {
        std::fprintf(stderr,
                     "usage: storefloor inbox|notifyd|sync [-u users] [-r recipients]"
                     " [-g rows per commit] [-n rows] [-f frames] [-d dir]\n");
        return 2;
    }
    o.mode = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const char *value = argv[i + 1];
        if (flag == "-u")
            o.users = std::atoi(value);
        else if (flag == "-r")
            o.recipients = std::atoi(value);
        else if (flag == "-g")
            o.groupRows = std::atoi(value);
        else if (flag == "-n")
            o.rows = std::atol(value);
        else if (flag == "-f")
            o.frames = std::atoi(value);
        else if (flag == "-d")
            o.dir = value;
        else
            die("unknown option");
    }
    if (o.users < 1 || o.recipients < 1 || o.groupRows < 1 || o.rows < 1 || o.frames < 1)
        die("every count must be at least 1");
    if (o.mode != "inbox" && o.mode != "notifyd" && o.mode != "sync")
        die("the mode is inbox, notifyd or sync");
    std::string dir = o.dir;
    if (dir.empty()) {
        char tmpl[] = "storefloor.XXXXXX";
        if (!mkdtemp(tmpl))
            die("mkdtemp");
        dir = tmpl;
    }
    const std::string path = dir + (o.mode == "sync" ? "/wal" : "/floor.db");
    if (o.mode == "sync")
        runSync(o, path);
    else
        runSqlite(o, path);
    if (o.dir.empty()) {
        for (const char *suffix : {"", "-wal", "-shm"})
            std::remove((path + suffix).c_str());
        rmdir(dir.c_str());
    }
    return 0;
}
