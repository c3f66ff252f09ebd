#include "server/delivery/encodedevent.h"

#include "server/delivery/dialectevents.h"
#include "server/websocket/frame.h"

#include <QJsonDocument>

namespace notify {

EncodedEvent EncodedEvent::make(const QString &event, const QJsonObject &data, int flavours,
                                qint64 seq)
{
    return fromJson(event, QJsonDocument(data).toJson(QJsonDocument::Compact), flavours, seq);
}

EncodedEvent EncodedEvent::fromJson(const QString &event, const QByteArray &json, int flavours,
                                    qint64 seq)
{
    return fromJson(QByteArrayView(event.toUtf8()), QByteArrayView(json), flavours, seq);
}

EncodedEvent EncodedEvent::fromJson(QByteArrayView name, QByteArrayView json, int flavours,
                                    qint64 seq)
{
    EncodedEvent e;
    if (flavours & Plain)
        e.plain
            = ws::encodeFrame(ws::Opcode::Text, {"{\"type\":\"", name, "\",\"data\":", json, "}"});
    if (flavours & SocketIoDefault)
        e.socketIoDefault = ws::encodeFrame(ws::Opcode::Text, {"42[\"", name, "\",", json, "]"});
    if (flavours & SocketIoNotifications) {
        e.socketIoNotifications
            = ws::encodeFrame(ws::Opcode::Text, {"42/notifications,[\"", name, "\",", json, "]"});
    }
    if (flavours & Sse) {
        // Compact JSON has no line breaks (they are escaped inside strings): one data line.
        const QByteArray id = seq >= 0 ? "id: " + QByteArray::number(seq) + '\n' : QByteArray();
        e.sse.reserve(id.size() + name.size() + json.size() + 16);
        e.sse.append(id)
            .append("event: ")
            .append(name)
            .append("\ndata: ")
            .append(json)
            .append("\n\n");
    }
    return e;
}

Delivery::~Delivery()
{
    delete m_moreEncodings.load(std::memory_order_relaxed);
}

const std::vector<EncodedEvent> *Delivery::findEncoding(int key) const
{
    for (const Encoding &e : m_encodings) {
        const int k = e.key.load(std::memory_order_acquire);
        if (k == key)
            return &e.events;
        if (k < 0)
            return nullptr; // slots fill in order: the key is in no later one
    }
    const auto *more = m_moreEncodings.load(std::memory_order_acquire);
    if (more && (*more)[size_t(key)].key.load(std::memory_order_acquire) == key)
        return &(*more)[size_t(key)].events;
    return nullptr;
}

const std::vector<EncodedEvent> &Delivery::eventsFor(Dialect dialect, int flavours) const
{
    if (content.kind == DeliveryContent::Kind::Other
        || (dialect == Dialect::Standard && !events.empty()))
        return events;
    Q_ASSERT(flavours >= EncodedEvent::Plain && flavours <= EncodedEvent::All);
    // Each set of flavours asked for is encoded once. The standard dialect is spoken on both
    // kinds of endpoint, and a user's plain and Socket.IO tabs must get the same event: its
    // "timestamp" is taken at the first encoding and kept for the others.
    const int key = int(dialect) * EncodedEvent::All + (flavours - 1);
    if (const auto *found = findEncoding(key))
        return *found;
    std::lock_guard lock(m_encodeMutex);
    if (const auto *found = findEncoding(key))
        return *found;
    if (dialect == Dialect::Standard && m_timestampJson.isEmpty())
        m_timestampJson = nowTimestampJson();
    Encoding *slot = nullptr;
    for (Encoding &e : m_encodings) {
        if (e.key.load(std::memory_order_relaxed) < 0) {
            slot = &e;
            break;
        }
    }
    if (!slot) {
        auto *more = m_moreEncodings.load(std::memory_order_relaxed);
        if (!more) {
            more = new std::array<Encoding, encodings>;
            m_moreEncodings.store(more, std::memory_order_release);
        }
        slot = &(*more)[size_t(key)];
    }
    slot->events = encodeForDialect(dialect, content, flavours, m_timestampJson);
    slot->key.store(key, std::memory_order_release);
    return slot->events;
}

QByteArrayView EncodedEvent::text(const QByteArray &frame)
{
    return ws::framePayload(frame);
}

} // namespace notify
