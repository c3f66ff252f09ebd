#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QMutex>

#include <QHash>

#include <memory>

namespace notify {

// Admission counting for sockets (or sessions) from the open internet, shared by every thread
// that holds one: a cap on how many are open in total, and a cap on how many are still
// unauthenticated per source address (IPv6 addresses count per /64, since one host usually
// owns a whole /64). A copy is another handle on the same counters.
//
// Usage (any thread): `Ticket t = gate.admit(peer)`; a null ticket means refused. The
// ticket holds the place until it is destroyed or release()d; once its holder has proved a
// credential, authenticated() frees the per-address place and keeps the total one. Tickets
// may move between threads with the descriptor or session they stand for.
//
// The client port uses one gate for its TCP connections and one for its Engine.IO sessions
// (docs/security.md, "The client port"); another listener can own a gate of its own.
class AcceptGate
{
public:
    struct Limits
    {
        int maxOpen = 0; // 0: unlimited
        int maxPendingPerAddress = 0; // 0: unlimited
    };
    enum class Refusal { None, Total, PerAddress };

    class Ticket
    {
    public:
        Ticket() = default;
        Ticket(Ticket &&other) noexcept;
        Ticket &operator=(Ticket &&other) noexcept;
        Ticket(const Ticket &) = delete;
        Ticket &operator=(const Ticket &) = delete;
        ~Ticket() { release(); }

        explicit operator bool() const { return m_state != nullptr; }
        bool pending() const { return m_pending; }
        // The holder authenticated: it no longer counts against its address.
        void authenticated();
        // A ticket admitted without an address (admit's countAddress false: a trusted proxy's
        // socket) counts against `client` from now on, once its request names the client.
        // false: that address is at its cap (the ticket is unchanged). true when it already
        // counts against an address, or no longer pending.
        bool chargeAddress(const QHostAddress &client);
        bool chargedAddress() const { return !m_key.isEmpty(); }
        void release();

    private:
        friend class AcceptGate;
        struct State;
        std::shared_ptr<State> m_state;
        QByteArray m_key;
        bool m_pending = false;
    };

    AcceptGate();
    explicit AcceptGate(Limits limits);

    Limits limits() const;
    // countAddress false: only the total counts now (see Ticket::chargeAddress).
    Ticket admit(const QHostAddress &peer, Refusal *why = nullptr, bool countAddress = true) const;
    int open() const;
    int pending(const QHostAddress &peer) const;

    // The counting key of an address: IPv4 (also IPv4-mapped IPv6) whole, IPv6 by /64.
    static QByteArray addressKey(const QHostAddress &peer);

private:
    std::shared_ptr<Ticket::State> m_state;
};

struct AcceptGate::Ticket::State
{
    mutable QMutex mutex;
    Limits limits;
    int open = 0;
    QHash<QByteArray, int> pending;
};

} // namespace notify
