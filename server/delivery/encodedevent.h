#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <memory>
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

    // The text inside a frame above (Engine.IO long-polling sends the packet unframed).
    static QByteArrayView text(const QByteArray &frame);

    static EncodedEvent make(const QString &event, const QJsonObject &data);
    // The same from data already serialized as a compact JSON object.
    static EncodedEvent fromJson(const QString &event, const QByteArray &json);
};

// Events for the members of one room, as the hub posts them to the shards.
struct Delivery
{
    QString room;
    std::vector<EncodedEvent> events;
    qint64 committedAtNs = 0; // steady clock at commit; 0 when not a stored notification
};
using DeliveryPtr = std::shared_ptr<const Delivery>;
using DeliveryList = std::vector<DeliveryPtr>;

} // namespace notify
