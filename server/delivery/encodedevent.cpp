#include "server/delivery/encodedevent.h"

#include "server/delivery/dialectevents.h"
#include "server/websocket/frame.h"

#include <QJsonDocument>

namespace notify {

EncodedEvent EncodedEvent::make(const QString &event, const QJsonObject &data, int flavours)
{
    return fromJson(event, QJsonDocument(data).toJson(QJsonDocument::Compact), flavours);
}

EncodedEvent EncodedEvent::fromJson(const QString &event, const QByteArray &json, int flavours)
{
    return fromJson(QByteArrayView(event.toUtf8()), QByteArrayView(json), flavours);
}

EncodedEvent EncodedEvent::fromJson(QByteArrayView name, QByteArrayView json, int flavours)
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
    return e;
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
    const size_t i = size_t(dialect) * EncodedEvent::All + size_t(flavours - 1);
    if (!m_encoded[i].load(std::memory_order_acquire)) {
        std::lock_guard lock(m_encodeMutex);
        if (!m_encoded[i].load(std::memory_order_relaxed)) {
            if (dialect == Dialect::Standard && m_timestampJson.isEmpty())
                m_timestampJson = nowTimestampJson();
            m_dialectEvents[i] = encodeForDialect(dialect, content, flavours, m_timestampJson);
            m_encoded[i].store(true, std::memory_order_release);
        }
    }
    return m_dialectEvents[i];
}

QByteArrayView EncodedEvent::text(const QByteArray &frame)
{
    return ws::framePayload(frame);
}

} // namespace notify
