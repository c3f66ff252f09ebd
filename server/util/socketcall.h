#pragma once

#include <cerrno>

namespace notify {

// After a read, recv, send or sendmsg on a non-blocking socket failed: the kernel had no data
// or no room just now, nothing was lost, and the socket's notifier says when to try again.
inline bool wouldBlock(int error = errno)
{
    return error == EAGAIN || error == EWOULDBLOCK;
}

// Runs `call` (a read, recv, send... that returns -1 with errno set when it fails) again for
// as long as a signal interrupts it (EINTR): an interrupted call moved no byte and failed for
// no reason of the socket's, so it is tried again at once rather than on the next wake-up.
template<typename Call> auto retryInterrupted(Call &&call)
{
    auto result = call();
    while (result < 0 && errno == EINTR)
        result = call();
    return result;
}

} // namespace notify
