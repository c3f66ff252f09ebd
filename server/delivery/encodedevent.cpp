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
    const QByteArray name = event.toUtf8(); // event names are fixed ASCII identifiers
    EncodedEvent e;
    if (flavours & Plain) {
        e.plain = ws::encodeFrame(ws::Opcode::Text,
                                  QByteArray("{\"type\":\"" + name + "\",\"data\":" + json + '}'));
    }
    if (flavours & SocketIo) {
        QByteArray sio;
        sio.reserve(json.size() + name.size() + 8);
        sio += "[\"" + name + "\"," + json + ']';
        e.socketIoDefault = ws::encodeFrame(ws::Opcode::Text, QByteArray("42" + sio));
        e.socketIoNotifications
            = ws::encodeFrame(ws::Opcode::Text, QByteArray("42/notifications," + sio));
    }
    return e;
}

const std::vector<EncodedEvent> &Delivery::eventsFor(Dialect dialect, int flavours) const
{
    if (content.kind == DeliveryContent::Kind::Other
        || (dialect == Dialect::Standard && !events.empty()))
        return events;
    Q_ASSERT(flavours >= EncodedEvent::Plain && flavours <= EncodedEvent::All);
    // The standard dialect is spoken on both kinds of endpoint, and a user's plain and
    // Socket.IO tabs must get the same event (its "timestamp" is taken when it is encoded):
    // one encoding with every flavour. The other dialects live on one kind each.
    if (dialect == Dialect::Standard)
        flavours = EncodedEvent::All;
    const size_t i = size_t(dialect) * EncodedEvent::All + size_t(flavours - 1);
    if (!m_encoded[i].load(std::memory_order_acquire)) {
        std::lock_guard lock(m_encodeMutex);
        if (!m_encoded[i].load(std::memory_order_relaxed)) {
            m_dialectEvents[i] = encodeForDialect(dialect, content, flavours);
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
