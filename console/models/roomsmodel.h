#pragma once

#include "shared/model/connectioninfo.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QJsonArray>
#include <QList>

#include <memory>
#include <vector>

namespace notify::console {

// Rooms of the cluster as a tree: each room (sorted by name) with its member connections as
// children, the member count in the second column and each member's node in the third. The
// connected node's members are live (snapshot and deltas), listed first; the other nodes'
// come from `cluster_connections` answers (setRemote). A room exists while it has members,
// exactly as the servers' room registries keep it.
class RoomsModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    // UserAgent tells two tabs of one user apart (same user, same organization).
    enum Column { Name, Members, Node, UserAgent, ColumnCount };
    // NodeIdRole: the member's node id, empty for the connected node's own members.
    enum Role {
        ConnectionIdRole = Qt::UserRole + 1,
        RoomNameRole,
        OrgIdRole,
        UserIdRole,
        NodeIdRole
    };

    // A connection of another node with its rooms.
    struct RemoteMember
    {
        QString nodeId;
        QString nodeName;
        quint64 id = 0;
        QString userId;
        QString orgId;
        QString protocol;
        QStringList rooms;
        QString userAgent;
        friend bool operator==(const RemoteMember &, const RemoteMember &) = default;
    };

    explicit RoomsModel(QObject *parent = nullptr);
    ~RoomsModel() override;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // rooms: [{name, members:[connectionId]}] as the snapshot carries them; the rooms each
    // connection lists are added too, so either source alone is enough.
    void setSnapshot(const QList<notify::ConnectionInfo> &connections, const QJsonArray &rooms);
    void addConnection(const notify::ConnectionInfo &connection);
    void removeConnection(quint64 id);
    // The other nodes' members as a whole (each answer replaces the last); an unchanged
    // list changes nothing, so that a view keeps its expansion and selection.
    void setRemote(const QList<RemoteMember> &members);
    // What the Node column says for the connected node's own members.
    void setLocalNodeName(const QString &name);
    void clear();

    QModelIndex roomIndex(const QString &name) const;
    int memberCount(const QString &room) const;
    QStringList roomNames() const;

private:
    struct Room
    {
        QString name;
        QList<quint64> members; // the connected node's, rows 0..members.size()-1
        QList<int> remote; // indices into m_remote, the rows after
        int size() const { return int(members.size() + remote.size()); }
    };
    struct Member
    {
        QString userId;
        QString orgId;
        QString protocol;
        QString userAgent;
    };

    int roomRow(const Room *room) const;
    int insertionRow(const QString &name) const;
    void addMember(const QString &room, quint64 id);
    Room &roomFor(const QString &name);
    void addRemoteMembers();
    QString memberLabel(quint64 id) const;

    std::vector<std::unique_ptr<Room>> m_rooms; // sorted by name
    QHash<quint64, Member> m_members;
    QList<RemoteMember> m_remote;
    QString m_localNode;
};

} // namespace notify::console
