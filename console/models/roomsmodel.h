#pragma once

#include "shared/model/connectioninfo.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QJsonArray>
#include <QList>

#include <memory>
#include <vector>

namespace notify::console {

// Rooms of the node as a tree: each room (sorted by name) with its member connections as
// children and the member count in the second column. A room exists while it has members,
// exactly as the server's room registry keeps it.
class RoomsModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { Name, Members, ColumnCount };
    enum Role { ConnectionIdRole = Qt::UserRole + 1, RoomNameRole, OrgIdRole, UserIdRole };

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
    void clear();

    QModelIndex roomIndex(const QString &name) const;
    int memberCount(const QString &room) const;
    QStringList roomNames() const;

private:
    struct Room
    {
        QString name;
        QList<quint64> members;
    };
    struct Member
    {
        QString userId;
        QString orgId;
        QString protocol;
    };

    int roomRow(const Room *room) const;
    int insertionRow(const QString &name) const;
    void addMember(const QString &room, quint64 id);
    QString memberLabel(quint64 id) const;

    std::vector<std::unique_ptr<Room>> m_rooms; // sorted by name
    QHash<quint64, Member> m_members;
};

} // namespace notify::console
