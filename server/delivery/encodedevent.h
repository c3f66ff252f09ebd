#pragma once

#include "server/delivery/deliverycontent.h"
#include "server/dialect/dialect.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace notify {

// One server→client event, encoded once per wire flavour, each already a complete WebSocket
// text frame, and then shared by reference by every connection it goes to: no connection
// ever serializes JSON or builds a frame for a pushed event.
struct EncodedEvent
{
    QByteArray plain; // frame of {"type":"<event>","data":{...}}
    QByteArray socketIoDefault; // frame of 42["<event>",{...}]               (namespace "/")
    QByteArray socketIoNotifications; // frame of 42/notifications,["<event>",{...}]
    QByteArray sse; // Server-Sent Events: "id: <seq>\nevent: <event>\ndata: {...}\n\n", unframed

    // The text inside a frame above (Engine.IO long-polling sends the packet unframed).
    static QByteArrayView text(const QByteArray &frame);

    // Which of the frames above to build: a dialect spoken only on one kind of endpoint
    // leaves the others empty, and a connection needs only the frame of its own endpoint.
    enum Flavour {
        Plain = 1,
        SocketIoDefault = 2,
        SocketIoNotifications = 4,
        SocketIo = SocketIoDefault | SocketIoNotifications,
        Sse = 8,
        All = Plain | SocketIo | Sse
    };

    // `seq`: the notification's sequence number the event carries, the SSE event's id (none
    // when negative).
    static EncodedEvent make(const QString &event, const QJsonObject &data, int flavours = All,
                             qint64 seq = -1);
    // The same from data already serialized as a compact JSON object.
    static EncodedEvent fromJson(const QString &event, const QByteArray &json, int flavours = All,
                                 qint64 seq = -1);
    // The same with the name as UTF-8 (event names are fixed ASCII identifiers); each frame
    // is one allocation, written in place.
    static EncodedEvent fromJson(QByteArrayView event, QByteArrayView json, int flavours = All,
                                 qint64 seq = -1);
};

// Events for the members of one room, as the hub posts them to the shards, shared by every
// shard. `events` are an announcement's (Kind::Other), encoded by the publisher; every other
// delivery carries only `content`, and each dialect's events are encoded from it by the
// first shard that has a connection speaking that dialect in the room, once per delivery,
// and then shared by reference (the publisher, often the store writer, encodes nothing).
struct Delivery
{
    QString room;
    std::vector<EncodedEvent> events;
    qint64 committedAtNs = 0; // steady clock at commit; 0 when not a stored notification
    DeliveryContent content; // what happened; Kind::Other: every dialect gets `events`

    // Any shard thread. `flavours`: the frames the caller needs (EncodedEvent::Flavour); only
    // those are built, so a plain connection does not pay for the Socket.IO frames nor a
    // Socket.IO one for the other namespace's.
    const std::vector<EncodedEvent> &eventsFor(Dialect dialect,
                                               int flavours = EncodedEvent::All) const;

    Delivery() = default;
    Delivery(const Delivery &) = delete;
    Delivery &operator=(const Delivery &) = delete;
    ~Delivery();

private:
    static constexpr int encodings = dialectCount * EncodedEvent::All;
    // One encoding: the events of one dialect and set of flavours (key), published by
    // storing the key last (release); -1 while the slot is free.
    struct Encoding
    {
        std::atomic<int> key {-1};
        std::vector<EncodedEvent> events;
    };
    const std::vector<EncodedEvent> *findEncoding(int key) const;

    // The standard events' "timestamp", taken at their first encoding: every flavour encoded
    // later (a user's plain and Socket.IO tabs) carries the same one. Under m_encodeMutex.
    mutable QByteArray m_timestampJson;
    // Not std::call_once: glibc's pthread_once makes a futex system call each time it runs
    // an initialisation, and here one runs for nearly every delivery. An uncontended mutex
    // costs no system call; two shards rarely encode the same delivery at once.
    mutable std::mutex m_encodeMutex;
    // A delivery is nearly always encoded once or twice (its room's connections speak one
    // dialect on one or two endpoints): two slots inline, the rest (one per key) made on
    // demand. Not one slot per key inline: that made every Delivery some 700 bytes, built
    // on the writer and torn down, cache line by cache line, on a shard.
    mutable std::array<Encoding, 2> m_encodings;
    mutable std::atomic<std::array<Encoding, encodings> *> m_moreEncodings {nullptr};
};
using DeliveryPtr = std::shared_ptr<const Delivery>;
using DeliveryList = std::vector<DeliveryPtr>;

} // namespace notify
