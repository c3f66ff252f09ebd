#include "delivery/encodedevent.h"

#include "websocket/frame.h"

#include <QJsonDocument>

namespace notify {

EncodedEvent EncodedEvent::make(const QString &event, const QJsonObject &data)
{
    return fromJson(event, QJsonDocument(data).toJson(QJsonDocument::Compact));
}

EncodedEvent EncodedEvent::fromJson(const QString &event, const QByteArray &json)
{
    const QByteArray name = event.toUtf8(); // event names are fixed ASCII identifiers
    QByteArray sio;
    sio.reserve(json.size() + name.size() + 8);
    sio += "[\"" + name + "\"," + json + ']';

    EncodedEvent e;
    e.plain = ws::encodeFrame(ws::Opcode::Text,
                              QByteArray("{\"type\":\"" + name + "\",\"data\":" + json + '}'));
    e.socketIoDefault = ws::encodeFrame(ws::Opcode::Text, QByteArray("42" + sio));
    e.socketIoNotifications = ws::encodeFrame(ws::Opcode::Text, QByteArray("42/notifications," + sio));
    return e;
}

QByteArrayView EncodedEvent::text(const QByteArray &frame)
{
    return ws::framePayload(frame);
}

} // namespace notify
