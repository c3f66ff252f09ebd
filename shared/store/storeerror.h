#pragma once

#include <QString>

namespace notify {

// A store failure as a value: the caller decides between 503 (unavailable) and 500.
struct StoreError
{
    enum class Kind {
        Unavailable, // cannot connect, connection lost, database locked past the timeout
        Internal,    // anything else the driver reports
    };
    // What the environment did, when the driver says so (docs/operations.md, "When things
    // fail"): the answer's code, /readyz and /metrics name it.
    enum class Cause {
        Other,
        Full, // no space left for the database (SQLITE_FULL, ENOSPC; PostgreSQL 53100)
        ReadOnly, // the database or its file system refuses writes
        Damaged, // the file is not a database or is corrupt
        Locked, // another process holds the database past the busy timeout
        Timeout, // no answer within --store-timeout
    };
    Kind kind = Kind::Internal;
    QString message; // driver text; never contains credentials
    // The connection failed during COMMIT: the transaction may or may not have been
    // committed, so the operation must not be retried blindly.
    bool outcomeUnknown = false;
    Cause cause = Cause::Other;

    static StoreError unavailable(QString m) { return {Kind::Unavailable, std::move(m), false}; }
    static StoreError internal(QString m) { return {Kind::Internal, std::move(m), false}; }
};

// "full", "read_only", "damaged", "locked", "timeout"; empty for Other.
constexpr const char *storeCauseName(StoreError::Cause cause)
{
    switch (cause) {
    case StoreError::Cause::Full:
        return "full";
    case StoreError::Cause::ReadOnly:
        return "read_only";
    case StoreError::Cause::Damaged:
        return "damaged";
    case StoreError::Cause::Locked:
        return "locked";
    case StoreError::Cause::Timeout:
        return "timeout";
    case StoreError::Cause::Other:
        break;
    }
    return "";
}

} // namespace notify
