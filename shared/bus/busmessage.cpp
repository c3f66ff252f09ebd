#include "shared/bus/busmessage.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace notify::bus {

namespace {

// Short keys: a Created message carries one entry per recipient of a commit group, and the
// fewer bytes each entry takes, the fewer NOTIFYs a large group needs.
const QString kNode = QStringLiteral("n");
const QString kKind = QStringLiteral("k");
const QString kCreated = QStringLiteral("c");
const QString kOrg = QStringLiteral("o");
const QString kUser = QStringLiteral("u");
const QString kIds = QStringLiteral("i");
const QString kUnread = QStringLiteral("r");
const QString kUnseen = QStringLiteral("e");
const QString kAt = QStringLiteral("t");
const QString kSession = QStringLiteral("s");
const QString kRoom = QStringLiteral("m");
const QString kAnnouncement = QStringLiteral("a");
const QString kTarget = QStringLiteral("d");
const QString kConnection = QStringLiteral("x");
const QString kReason = QStringLiteral("w");
const QString kQuery = QStringLiteral("q");
const QString kCount = QStringLiteral("y");
const QString kItems = QStringLiteral("l");
const QString kPart = QStringLiteral("p");
const QString kParts = QStringLiteral("z");

const char *kindName(Kind kind)
{
    switch (kind) {
    case Kind::Created:
        return "new";
    case Kind::Read:
        return "read";
    case Kind::Deleted:
        return "del";
    case Kind::Seen:
        return "seen";
    case Kind::Revoked:
        return "revoke";
    case Kind::Announcement:
        return "ann";
    case Kind::Kick:
        return "kick";
    case Kind::PresenceQuery:
        return "pq";
    case Kind::PresenceReply:
        return "pr";
    case Kind::ConnectionsQuery:
        return "cq";
    case Kind::ConnectionsReply:
        return "cr";
    case Kind::TraceSubscribe:
        return "ts";
    case Kind::TraceRecords:
        return "tr";
    case Kind::WatchSubscribe:
        return "wsub";
    case Kind::WatchActivity:
        return "wact";
    }
    return "";
}

std::optional<Kind> kindFromName(const QString &name)
{
    for (Kind k :
         {Kind::Created, Kind::Read, Kind::Deleted, Kind::Seen, Kind::Revoked, Kind::Announcement,
          Kind::Kick, Kind::PresenceQuery, Kind::PresenceReply, Kind::ConnectionsQuery,
          Kind::ConnectionsReply, Kind::TraceSubscribe, Kind::TraceRecords, Kind::WatchSubscribe,
          Kind::WatchActivity}) {
        if (name == QLatin1String(kindName(k)))
            return k;
    }
    return std::nullopt;
}

QJsonObject header(const Message &m)
{
    return {{kNode, m.node}, {kKind, QString::fromLatin1(kindName(m.kind))}};
}

QByteArray toBytes(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonArray rangeJson(const CreatedRange &c)
{
    return {c.recipient.orgId, c.recipient.userId, c.firstSeq,
            c.lastSeq,         c.unreadAfter,      c.unseenAfter};
}

QJsonObject changeJson(const Message &m, const QStringList &ids)
{
    QJsonObject o = header(m);
    o.insert(kOrg, m.recipient.orgId);
    o.insert(kUser, m.recipient.userId);
    o.insert(kIds, QJsonArray::fromStringList(ids));
    o.insert(kUnread, m.unreadCount);
    o.insert(kUnseen, m.unseenCount);
    o.insert(kAt, m.atMs);
    return o;
}

// Cuts a payload too large for one NOTIFY into "~<id>:<index>:<count>:" + a slice, each
// slice ending on a UTF-8 character boundary (a payload must be valid text).
std::vector<QByteArray> chunked(const QByteArray &bytes)
{
    const QByteArray id = QUuid::createUuid().toByteArray(QUuid::Id128).left(12);
    const int room = maxPayloadBytes - 64;
    std::vector<QByteArray> slices;
    for (qsizetype start = 0; start < bytes.size();) {
        qsizetype end = std::min(bytes.size(), start + room);
        while (end < bytes.size() && end > start && (uchar(bytes.at(end)) & 0xC0) == 0x80)
            --end;
        slices.push_back(bytes.mid(start, end - start));
        start = end;
    }
    std::vector<QByteArray> out;
    for (size_t i = 0; i < slices.size(); ++i) {
        out.push_back('~' + id + ':' + QByteArray::number(qulonglong(i)) + ':'
                      + QByteArray::number(qulonglong(slices.size())) + ':' + slices[i]);
    }
    return out;
}

} // namespace

QString channel()
{
    return QStringLiteral("notify_bus");
}

std::vector<QByteArray> encode(const Message &m)
{
    std::vector<QByteArray> out;
    switch (m.kind) {
    case Kind::Created: {
        // Greedy packing of ranges; one range alone always fits (ids are bounded).
        QJsonArray ranges;
        qsizetype size = toBytes(header(m)).size() + 8;
        auto flush = [&] {
            if (ranges.isEmpty())
                return;
            QJsonObject o = header(m);
            o.insert(kCreated, ranges);
            out.push_back(toBytes(o));
            ranges = QJsonArray();
            size = toBytes(header(m)).size() + 8;
        };
        for (const CreatedRange &c : m.created) {
            const QJsonArray entry = rangeJson(c);
            const qsizetype entrySize
                = QJsonDocument(entry).toJson(QJsonDocument::Compact).size() + 1;
            if (size + entrySize > maxPayloadBytes)
                flush();
            ranges.append(entry);
            size += entrySize;
        }
        flush();
        break;
    }
    case Kind::Read:
    case Kind::Deleted:
    case Kind::Seen: {
        QStringList ids;
        qsizetype size = toBytes(changeJson(m, {})).size();
        for (const QString &id : m.ids) {
            const qsizetype idSize = id.toUtf8().size() + 3;
            if (!ids.isEmpty() && size + idSize > maxPayloadBytes) {
                out.push_back(toBytes(changeJson(m, ids)));
                ids.clear();
                size = toBytes(changeJson(m, {})).size();
            }
            ids.append(id);
            size += idSize;
        }
        if (!ids.isEmpty() || out.empty())
            out.push_back(toBytes(changeJson(m, ids)));
        break;
    }
    case Kind::Revoked: {
        QJsonObject o = header(m);
        o.insert(kSession, QString::fromLatin1(m.sessionHash));
        out.push_back(toBytes(o));
        break;
    }
    case Kind::Announcement: {
        QJsonObject o = header(m);
        o.insert(kRoom, m.room);
        o.insert(kAnnouncement, m.announcement);
        out.push_back(toBytes(o));
        break;
    }
    case Kind::Kick: {
        QJsonObject o = header(m);
        o.insert(kTarget, m.targetNode);
        o.insert(kConnection, QString::number(m.connectionId));
        o.insert(kReason, m.reason);
        out.push_back(toBytes(o));
        break;
    }
    case Kind::PresenceQuery: {
        QJsonObject o = header(m);
        o.insert(kQuery, m.queryId);
        o.insert(kOrg, m.recipient.orgId);
        o.insert(kUser, m.recipient.userId);
        out.push_back(toBytes(o));
        break;
    }
    case Kind::PresenceReply: {
        QJsonObject o = header(m);
        o.insert(kQuery, m.queryId);
        o.insert(kTarget, m.targetNode);
        o.insert(kCount, m.count);
        out.push_back(toBytes(o));
        break;
    }
    case Kind::ConnectionsQuery: {
        QJsonObject o = header(m);
        o.insert(kQuery, m.queryId);
        // Another list than the connections (reason "refusals", of recipient when set).
        if (!m.reason.isEmpty()) {
            o.insert(kReason, m.reason);
            o.insert(kOrg, m.recipient.orgId);
            o.insert(kUser, m.recipient.userId);
        }
        out.push_back(toBytes(o));
        break;
    }
    case Kind::ConnectionsReply: {
        // The sender splits its list into parts that fit (ClusterBus); one part is one
        // message.
        QJsonObject o = header(m);
        o.insert(kQuery, m.queryId);
        o.insert(kTarget, m.targetNode);
        o.insert(kPart, m.part);
        o.insert(kParts, m.parts);
        o.insert(kItems, m.items);
        if (!m.reason.isEmpty())
            o.insert(kReason, m.reason);
        out.push_back(toBytes(o));
        break;
    }
    case Kind::TraceSubscribe: {
        QJsonObject o = header(m);
        o.insert(kCount, m.count);
        out.push_back(toBytes(o));
        break;
    }
    case Kind::TraceRecords: {
        // Like ConnectionsReply, the sender cuts its records into messages that fit.
        QJsonObject o = header(m);
        o.insert(kTarget, m.targetNode);
        o.insert(kCount, m.count);
        o.insert(kItems, m.items);
        out.push_back(toBytes(o));
        break;
    }
    case Kind::WatchSubscribe: {
        QJsonObject o = header(m);
        o.insert(kCount, m.count);
        o.insert(kItems, m.items);
        out.push_back(toBytes(o));
        break;
    }
    case Kind::WatchActivity: {
        // The sender cuts its items into messages that fit (splitIntoParts).
        QJsonObject o = header(m);
        o.insert(kTarget, m.targetNode);
        o.insert(kItems, m.items);
        out.push_back(toBytes(o));
        break;
    }
    }
    std::vector<QByteArray> fitted;
    for (QByteArray &payload : out) {
        if (payload.size() < maxPayloadBytes) {
            fitted.push_back(std::move(payload));
        } else {
            for (QByteArray &chunk : chunked(payload))
                fitted.push_back(std::move(chunk));
        }
    }
    return fitted;
}

std::optional<Message> Decoder::feed(const QByteArray &payloadIn, QString *error)
{
    auto fail = [error](const QString &why) -> std::optional<Message> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QByteArray payload = payloadIn;
    if (payload.startsWith('~')) {
        const QList<QByteArray> parts = payload.mid(1).split(':');
        if (parts.size() < 4)
            return fail(QStringLiteral("malformed chunk"));
        const int index = parts[1].toInt();
        const int count = parts[2].toInt();
        const qsizetype headerSize = parts[0].size() + parts[1].size() + parts[2].size() + 4;
        if (index == 0) {
            m_chunkId = parts[0];
            m_pending.clear();
            m_nextChunk = 0;
        }
        if (parts[0] != m_chunkId || index != m_nextChunk || count <= 0) {
            m_chunkId.clear();
            m_pending.clear();
            return fail(QStringLiteral("chunk out of order"));
        }
        m_pending += payload.mid(headerSize);
        if (m_pending.size() > 1024 * 1024) {
            m_chunkId.clear();
            m_pending.clear();
            return fail(QStringLiteral("chunked message too large"));
        }
        ++m_nextChunk;
        if (m_nextChunk < count)
            return std::nullopt;
        payload = std::exchange(m_pending, {});
        m_chunkId.clear();
    }

    QJsonParseError parseError;
    const QJsonObject o = QJsonDocument::fromJson(payload, &parseError).object();
    if (parseError.error != QJsonParseError::NoError || o.isEmpty())
        return fail(QStringLiteral("not JSON"));
    const auto kind = kindFromName(o.value(kKind).toString());
    if (!kind)
        return fail(QStringLiteral("unknown kind"));
    Message m;
    m.node = o.value(kNode).toString();
    m.kind = *kind;
    switch (m.kind) {
    case Kind::Created:
        for (const QJsonValue &v : o.value(kCreated).toArray()) {
            const QJsonArray a = v.toArray();
            // Five entries from a node before the unseen count (which then equals unread).
            if (a.size() != 5 && a.size() != 6)
                return fail(QStringLiteral("malformed range"));
            CreatedRange c;
            c.recipient = {a[0].toString(), a[1].toString()};
            c.firstSeq = a[2].toInteger();
            c.lastSeq = a[3].toInteger();
            c.unreadAfter = a[4].toInteger();
            c.unseenAfter = a.size() > 5 ? a[5].toInteger() : c.unreadAfter;
            if (!c.recipient.isValid() || c.firstSeq <= 0 || c.lastSeq < c.firstSeq)
                return fail(QStringLiteral("malformed range"));
            m.created.push_back(std::move(c));
        }
        break;
    case Kind::Read:
    case Kind::Deleted:
    case Kind::Seen:
        m.recipient = {o.value(kOrg).toString(), o.value(kUser).toString()};
        for (const QJsonValue &v : o.value(kIds).toArray())
            m.ids.append(v.toString());
        m.unreadCount = o.value(kUnread).toInteger();
        m.unseenCount = o.value(kUnseen).toInteger(m.unreadCount);
        m.atMs = o.value(kAt).toInteger();
        if (!m.recipient.isValid())
            return fail(QStringLiteral("no recipient"));
        break;
    case Kind::Revoked:
        m.sessionHash = o.value(kSession).toString().toLatin1();
        break;
    case Kind::Announcement:
        m.room = o.value(kRoom).toString();
        m.announcement = o.value(kAnnouncement).toObject();
        break;
    case Kind::Kick:
        m.targetNode = o.value(kTarget).toString();
        m.connectionId = o.value(kConnection).toString().toULongLong();
        m.reason = o.value(kReason).toString();
        break;
    case Kind::PresenceQuery:
        m.queryId = o.value(kQuery).toString();
        m.recipient = {o.value(kOrg).toString(), o.value(kUser).toString()};
        break;
    case Kind::PresenceReply:
        m.queryId = o.value(kQuery).toString();
        m.targetNode = o.value(kTarget).toString();
        m.count = o.value(kCount).toInteger();
        break;
    case Kind::ConnectionsQuery:
        m.queryId = o.value(kQuery).toString();
        m.reason = o.value(kReason).toString();
        m.recipient = {o.value(kOrg).toString(), o.value(kUser).toString()};
        break;
    case Kind::ConnectionsReply:
        m.queryId = o.value(kQuery).toString();
        m.targetNode = o.value(kTarget).toString();
        m.part = o.value(kPart).toInt();
        m.parts = o.value(kParts).toInt();
        m.items = o.value(kItems).toArray();
        m.reason = o.value(kReason).toString();
        if (m.parts < 1 || m.part < 0 || m.part >= m.parts)
            return fail(QStringLiteral("malformed part"));
        break;
    case Kind::TraceSubscribe:
        m.count = o.value(kCount).toInteger();
        if (m.count < 0)
            return fail(QStringLiteral("malformed trace subscription"));
        break;
    case Kind::TraceRecords:
        m.targetNode = o.value(kTarget).toString();
        m.count = o.value(kCount).toInteger();
        m.items = o.value(kItems).toArray();
        break;
    case Kind::WatchSubscribe:
        m.count = o.value(kCount).toInteger();
        m.items = o.value(kItems).toArray();
        if (m.count < 0)
            return fail(QStringLiteral("malformed watch subscription"));
        break;
    case Kind::WatchActivity:
        m.targetNode = o.value(kTarget).toString();
        m.items = o.value(kItems).toArray();
        break;
    }
    return m;
}

std::vector<QJsonArray> splitIntoParts(const QJsonArray &items)
{
    // Room for the message's own fields (kind, node, target, part numbers, counts).
    constexpr qsizetype budget = maxPayloadBytes - 400;
    std::vector<QJsonArray> parts(1);
    qsizetype size = 0;
    for (const QJsonValue &item : items) {
        const qsizetype bytes
            = (item.isArray() ? QJsonDocument(item.toArray()) : QJsonDocument(item.toObject()))
                  .toJson(QJsonDocument::Compact)
                  .size()
            + 1;
        if (size + bytes > budget && !parts.back().isEmpty()) {
            parts.emplace_back();
            size = 0;
        }
        parts.back().append(item);
        size += bytes;
    }
    return parts;
}

} // namespace notify::bus
