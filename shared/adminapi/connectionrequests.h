#pragma once

// The requests about live connections (docs/protocol.md, "Admin channel"): kick one, and
// trace deliveries. The console writes the requests with toJson, the server reads them with
// fromJson.

#include "shared/model/result.h"
#include "shared/model/validation.h"

#include <QJsonObject>

namespace notify::admin {

// WebSocket close reasons are limited to 123 bytes of UTF-8 (RFC 6455 §5.5).
inline constexpr int maxCloseReasonBytes = 123;

// {"ok": true}: done, nothing more to say.
struct OkReply
{
    QJsonObject toJson() const;
    static OkReply fromJson(const QJsonObject &json);
};

struct KickRequest
{
    using Reply = OkReply;
    static const QString &type();

    quint64 connectionId = 0; // a number on the wire; a string of digits is taken too
    QString reason; // the close reason, at most maxCloseReasonBytes of UTF-8
    // Another node's connection (its id from nodes): that node is asked through the cluster.
    // Empty: this node. What it names is the server's to check.
    QString nodeId;

    QJsonObject toJson() const;
    static Result<KickRequest, ValidationError> fromJson(const QJsonObject &json);
};

struct TraceReply
{
    bool on = false;

    QJsonObject toJson() const;
    static TraceReply fromJson(const QJsonObject &json);
};

// Trace this console's deliveries (delivery pushes) on or off.
struct TraceRequest
{
    using Reply = TraceReply;
    static const QString &type();

    bool on = false;

    QJsonObject toJson() const;
    static Result<TraceRequest, ValidationError> fromJson(const QJsonObject &json);
};

} // namespace notify::admin
