#pragma once

// The cluster bus's messages: what a node tells the other nodes on one PostgreSQL database
// through LISTEN/NOTIFY (docs/operations.md, "Cluster"). The store sends them inside the
// transaction of the change they describe, so a message exists if and only if the change
// committed. Messages carry references (a seq range, ids, a session hash), never a
// notification's content: the receiving node reads the rows it needs for its own sockets.

#include "shared/model/recipient.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace notify::bus {

// The NOTIFY channel every node listens on.
QString channel();

// PostgreSQL refuses payloads of 8000 bytes and more; messages are split below this.
constexpr int maxPayloadBytes = 7800;

enum class Kind {
    Created, // new notifications: per recipient a seq range and the unread count after
    Read, // notification:marked_read
    Deleted, // notification:deleted
    Seen, // notification:seen (docs/protocol.md, "Inbox states")
    Revoked, // a session was revoked: close its connections with 4001
    Announcement, // a live announcement to a room
    Kick, // close one connection of one node (admin kick)
    PresenceQuery, // how many connections has this user on your node?
    PresenceReply, // this many (to targetNode, for queryId)
    ConnectionsQuery, // a console asks: which connections have you? (the admin channel)
    ConnectionsReply, // part `part` of `parts` of them (to targetNode, for queryId)
    TraceSubscribe, // a console traces on the sender: send me your trace records for count ms
                    // (0: stop now)
    TraceRecords, // trace records for targetNode (items), count: records dropped before them
    WatchSubscribe, // consoles on the sender watch these users (items: [orgId, userId]
                    // arrays) for count ms (0: stop now); renewed while they watch
    WatchActivity, // for targetNode: changes only the sender sees of users it watches
                   // (items: [orgId, userId, change, [ids]] arrays)
};

struct CreatedRange
{
    Recipient recipient;
    qint64 firstSeq = 0;
    qint64 lastSeq = 0;
    qint64 unreadAfter = 0; // the recipient's unread count after the whole group
    qint64 unseenAfter = 0; // and its unseen count
};

struct Message
{
    QString node; // the sender: a node ignores its own messages (it delivered locally)
    Kind kind = Kind::Created;
    std::vector<CreatedRange> created; // Created
    Recipient recipient; // Read, Deleted, Seen, PresenceQuery
    QStringList ids; // Read, Deleted, Seen
    qint64 unreadCount = 0; // Read, Deleted, Seen
    qint64 unseenCount = 0; // Read, Deleted, Seen
    qint64 atMs = 0; // Read, Seen
    QByteArray sessionHash; // Revoked
    QString room; // Announcement
    QJsonObject announcement; // Announcement
    QString targetNode; // Kick, PresenceReply, ConnectionsReply, TraceRecords
    quint64 connectionId = 0; // Kick
    QString reason; // Kick
    QString queryId; // PresenceQuery, PresenceReply
    qint64 count = 0; // PresenceReply, TraceSubscribe (ms), TraceRecords (dropped)
    // ConnectionsReply: connection objects (docs/protocol.md, admin channel); TraceRecords:
    // [notificationId, title, room, connections, atMs] arrays; WatchSubscribe and
    // WatchActivity: as their kinds say.
    QJsonArray items;
    int part = 0; // ConnectionsReply
    int parts = 1; // ConnectionsReply
};

// One or more payloads, each under maxPayloadBytes. Created and Read/Deleted messages that
// do not fit are split into several self-contained messages (by recipient, by ids); any
// other message that does not fit is cut into chunks that decode() puts back together (the
// notifications of one transaction reach a listener together and in order).
std::vector<QByteArray> encode(const Message &message);

// items cut into consecutive parts whose JSON fits one payload beside a message's own
// fields (ConnectionsReply, TraceRecords); at least one part, empty when items is, so that
// a reply always says its sender answered.
std::vector<QJsonArray> splitIntoParts(const QJsonArray &items);

// Reassembles chunks across calls; one per listening connection.
class Decoder
{
public:
    // A complete message, or nothing (a chunk that is not the last, or a payload that is
    // not a bus message: logged by the caller, never fatal).
    std::optional<Message> feed(const QByteArray &payload, QString *error = nullptr);

private:
    QByteArray m_chunkId;
    QByteArray m_pending;
    int m_nextChunk = 0;
};

} // namespace notify::bus
