#include "delivery/encodedevent.h"

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
    e.plain = QString::fromUtf8("{\"type\":\"" + name + "\",\"data\":" + json + '}');
    e.socketIoDefault = QString::fromUtf8("42" + sio);
    e.socketIoNotifications = QString::fromUtf8("42/notifications," + sio);
    return e;
}

} // namespace notify
