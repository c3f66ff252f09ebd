#pragma once

// What the server pushes to every console (docs/protocol.md, "Server to console"): the
// snapshot, the connection deltas, the counters and the live figures. The server writes each
// with toJson, the console reads it with fromJson (leniently: a missing figure reads as 0).

#include "shared/model/connectioninfo.h"
#include "shared/model/counters.h"
#include "shared/model/result.h"
#include "shared/model/validation.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace notify::admin {

// The whole picture, pushed once after hello and the reply to a snapshot request.
struct Snapshot
{
    static const QString &type();

    QList<ConnectionInfo> connections;
    QJsonArray rooms; // [{name, members: [connectionId]}], by name
    Counters counters;
    // Reading: why each connection that could not be read was skipped.
    QStringList malformed;

    QJsonObject toJson() const;
    static Snapshot fromJson(const QJsonObject &json);
};

struct ConnectionOpened
{
    static const QString &type();

    ConnectionInfo connection;

    QJsonObject toJson() const;
    static Result<ConnectionOpened, ValidationError> fromJson(const QJsonObject &json);
};

struct ConnectionClosed
{
    static const QString &type();

    quint64 connectionId = 0;
    int code = 0;
    QString reason;

    QJsonObject toJson() const;
    static Result<ConnectionClosed, ValidationError> fromJson(const QJsonObject &json);
};

// Every second: the totals, their change since the last push, and how many client
// connections and rooms the node has (for a status line).
struct CountersPush
{
    static const QString &type();

    Counters totals;
    Counters perSecond;
    qint64 connections = 0;
    qint64 rooms = 0;

    QJsonObject toJson() const;
    static CountersPush fromJson(const QJsonObject &json);
};

// Every intervalMs: the figures of each connection that change.
struct ConnectionStats
{
    static const QString &type();

    // [{id, rttMs, lastPongAt, framesIn, framesOut, bytesOut}]
    QJsonArray connections;
    int intervalMs = 0;

    // One connection's entry.
    static QJsonObject entry(const ConnectionInfo &c);
    QJsonObject toJson() const;
    static ConnectionStats fromJson(const QJsonObject &json);
};

// Another node could not send on this many of its trace records.
struct DeliveryDropped
{
    static const QString &type();

    QString nodeId;
    QString nodeName;
    qint64 dropped = 0;

    QJsonObject toJson() const;
    static DeliveryDropped fromJson(const QJsonObject &json);
};

} // namespace notify::admin
