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
    Kind kind = Kind::Internal;
    QString message; // driver text; never contains credentials
    // The connection failed during COMMIT: the transaction may or may not have been
    // committed, so the operation must not be retried blindly.
    bool outcomeUnknown = false;

    static StoreError unavailable(QString m) { return {Kind::Unavailable, std::move(m), false}; }
    static StoreError internal(QString m) { return {Kind::Internal, std::move(m), false}; }
};

} // namespace notify
