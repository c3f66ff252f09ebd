#pragma once

// A deadline on every blocking round trip to PostgreSQL. libpq waits for an answer without
// bound, and neither TCP keepalives nor a user timeout help when something between notifyd
// and the server (a proxy, a NAT, a firewall) keeps the TCP connection up but passes
// nothing: its own kernel acknowledges everything. A connection that is watched marks the
// start and end of each round trip; one process-wide thread looks every 100 ms, and a
// round trip older than the limit gets its socket shut down (shutdown(2), never closed
// behind libpq's back), so that libpq's wait ends with "server closed the connection" and
// the caller's usual recovery runs (docs/operations.md, "When things fail").

#include <QString>

#include <memory>

namespace notify {

class ConnectionWatch
{
public:
    // limitMs <= 0: never fires (begin/end cost nothing then).
    ConnectionWatch(QString name, int limitMs);
    ~ConnectionWatch();
    ConnectionWatch(const ConnectionWatch &) = delete;
    ConnectionWatch &operator=(const ConnectionWatch &) = delete;

    // The socket of the current connection; clear it before the connection closes, so that
    // the watchdog never touches a descriptor number the process has reused.
    void setSocket(int fd);
    void clearSocket();
    // Around one blocking use of the connection (nested calls count once).
    void begin();
    void end();
    // How many times the deadline shut the socket down, since this watch was made.
    int fired() const;

    // RAII for begin/end.
    class Scope
    {
    public:
        explicit Scope(ConnectionWatch *watch)
            : m_watch(watch)
        {
            if (m_watch)
                m_watch->begin();
        }
        ~Scope()
        {
            if (m_watch)
                m_watch->end();
        }
        Scope(const Scope &) = delete;
        Scope &operator=(const Scope &) = delete;

    private:
        ConnectionWatch *m_watch;
    };

    struct State;

private:
    std::shared_ptr<State> m_state;
    int m_depth = 0;
};

} // namespace notify
