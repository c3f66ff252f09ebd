#pragma once

// Admin-channel messages exactly as docs/protocol.md ("Admin channel") spells them, for feeding
// the console's models and client without a server.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

namespace notify::test {

inline QJsonObject connectionJson(qint64 id, const QString &org, const QString &user,
                                  const QString &role = {}, const QString &protocol = QStringLiteral("plain"))
{
    QJsonArray rooms{QStringLiteral("org:%1:user:%2").arg(org, user), QStringLiteral("org:%1").arg(org)};
    if (!role.isEmpty())
        rooms.append(QStringLiteral("org:%1:role:%2").arg(org, role));
    return QJsonObject{
        {QStringLiteral("id"), id},
        {QStringLiteral("orgId"), org},
        {QStringLiteral("userId"), user},
        {QStringLiteral("role"), role},
        {QStringLiteral("protocol"), protocol},
        {QStringLiteral("remoteAddress"), QStringLiteral("127.0.0.1:%1").arg(40000 + id)},
        {QStringLiteral("userAgent"), QStringLiteral("test-agent/1.0")},
        {QStringLiteral("origin"), QStringLiteral("https://app.example")},
        {QStringLiteral("connectedAt"), QStringLiteral("2026-02-17T10:00:%1.000Z").arg(id % 60, 2, 10, QLatin1Char('0'))},
        {QStringLiteral("lastPongAt"), QJsonValue::Null},
        {QStringLiteral("rttMs"), id % 2 ? QJsonValue(12) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("framesIn"), 3 * id},
        {QStringLiteral("framesOut"), 5 * id},
        {QStringLiteral("bytesOut"), 300 * id},
        {QStringLiteral("rooms"), rooms},
    };
}

// rooms computed from the connections, as the server reports them.
inline QJsonObject snapshotJson(const QJsonArray &connections, const QJsonObject &counters = {})
{
    QJsonObject byRoom;
    for (const QJsonValue &c : connections) {
        for (const QJsonValue &r : c[QStringLiteral("rooms")].toArray()) {
            QJsonArray members = byRoom.value(r.toString()).toArray();
            members.append(c[QStringLiteral("id")]);
            byRoom.insert(r.toString(), members);
        }
    }
    QJsonArray rooms;
    for (auto it = byRoom.begin(); it != byRoom.end(); ++it)
        rooms.append(QJsonObject{{QStringLiteral("name"), it.key()}, {QStringLiteral("members"), it.value()}});
    return QJsonObject{{QStringLiteral("connections"), connections},
                       {QStringLiteral("rooms"), rooms},
                       {QStringLiteral("counters"), counters}};
}

inline QJsonObject countersJson(qint64 created, qint64 sent, qint64 acked)
{
    return QJsonObject{{QStringLiteral("created"), created}, {QStringLiteral("sent"), sent},
                       {QStringLiteral("acked"), acked},     {QStringLiteral("read"), 0},
                       {QStringLiteral("failed"), 0},        {QStringLiteral("dropped"), 0},
                       {QStringLiteral("authFailures"), 1},  {QStringLiteral("heartbeatTimeouts"), 0},
                       {QStringLiteral("rateLimited"), 0}};
}

inline QJsonObject notificationJson(qint64 seq, const QString &title)
{
    return QJsonObject{{QStringLiteral("id"), QStringLiteral("00000000-0000-4000-8000-%1").arg(seq, 12, 10, QLatin1Char('0'))},
                       {QStringLiteral("seq"), seq},
                       {QStringLiteral("type"), QStringLiteral("TEST")},
                       {QStringLiteral("title"), title},
                       {QStringLiteral("body"), QStringLiteral("body %1").arg(seq)},
                       {QStringLiteral("priority"), QStringLiteral("high")},
                       {QStringLiteral("actionUrl"), QStringLiteral("/claims/%1").arg(seq)},
                       {QStringLiteral("entityType"), QJsonValue::Null},
                       {QStringLiteral("entityId"), QJsonValue::Null},
                       {QStringLiteral("metadata"), QJsonObject{}},
                       {QStringLiteral("createdAt"), QStringLiteral("2026-02-17T10:00:00.000Z")},
                       {QStringLiteral("readAt"), QJsonValue::Null},
                       {QStringLiteral("orgId"), QStringLiteral("acme")},
                       {QStringLiteral("userId"), QStringLiteral("alice")}};
}

inline QString envelope(const QString &type, const QJsonObject &data)
{
    return QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("type"), type},
                                                       {QStringLiteral("data"), data}})
                                 .toJson(QJsonDocument::Compact));
}

} // namespace notify::test
