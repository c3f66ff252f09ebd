#pragma once

#include <QString>

namespace notify {

// A new UUID version 7 (RFC 9562): 48 bits of Unix time in milliseconds, then 74 random
// bits, in the usual 8-4-4-4-12 form. Ids made one after another sort (nearly) in time order,
// so a primary-key index receives them at its end instead of at random pages: a commit of
// many notifications dirties a few index pages, not one per row.
QString newTimeOrderedUuid();

} // namespace notify
