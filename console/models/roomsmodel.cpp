#include "console/models/roomsmodel.h"

#include "shared/codec/wirecodec.h"

#include <QJsonObject>

#include <algorithm>

namespace notify::console {

RoomsModel::RoomsModel(QObject *parent)
    : QAbstractItemModel(parent)
{ }

RoomsModel::~RoomsModel() = default;

QModelIndex RoomsModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid()) {
        if (row >= static_cast<int>(m_rooms.size()))
            return {};
        return createIndex(row, column, nullptr);
    }
    // Only rooms (top-level, column 0) have children; a child's internal pointer is its room.
    if (parent.internalPointer() || parent.column() != 0
        || parent.row() >= static_cast<int>(m_rooms.size()))
        return {};
    Room *room = m_rooms[static_cast<size_t>(parent.row())].get();
    if (row >= room->size())
        return {};
    return createIndex(row, column, room);
}

QModelIndex RoomsModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || !child.internalPointer())
        return {};
    const int row = roomRow(static_cast<const Room *>(child.internalPointer()));
    return row < 0 ? QModelIndex() : createIndex(row, 0, nullptr);
}

int RoomsModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_rooms.size());
    if (parent.internalPointer() || parent.column() != 0)
        return 0;
    return m_rooms[static_cast<size_t>(parent.row())]->size();
}

int RoomsModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant RoomsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (!index.internalPointer()) {
        const Room &room = *m_rooms[static_cast<size_t>(index.row())];
        if (role == RoomNameRole)
            return room.name;
        if (role == Qt::DisplayRole) {
            if (index.column() == Name)
                return room.name;
            return index.column() == Members ? QVariant(room.size()) : QVariant();
        }
        if (role == Qt::TextAlignmentRole && index.column() == Members)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    const Room &room = *static_cast<const Room *>(index.internalPointer());
    if (index.row() >= room.members.size()) {
        const RemoteMember &m = m_remote.at(room.remote.at(index.row() - room.members.size()));
        switch (role) {
        case ConnectionIdRole:
            return QVariant::fromValue(m.id);
        case RoomNameRole:
            return room.name;
        case OrgIdRole:
            return m.orgId;
        case UserIdRole:
            return m.userId;
        case NodeIdRole:
            return m.nodeId;
        case Qt::DisplayRole:
            if (index.column() == Name)
                return tr("%1 @ %2 (#%3, %4)").arg(m.userId, m.orgId).arg(m.id).arg(m.protocol);
            if (index.column() == UserAgent)
                return m.userAgent;
            return index.column() == Node ? QVariant(m.nodeName) : QVariant();
        default:
            return {};
        }
    }
    const quint64 id = room.members.at(index.row());
    if (role == NodeIdRole)
        return QString();
    if (role == Qt::DisplayRole && index.column() == Node)
        return m_localNode;
    if (role == ConnectionIdRole)
        return QVariant::fromValue(id);
    if (role == RoomNameRole)
        return room.name;
    if (role == OrgIdRole || role == UserIdRole) {
        const auto it = m_members.constFind(id);
        if (it == m_members.constEnd())
            return {};
        return role == OrgIdRole ? it->orgId : it->userId;
    }
    if (role == Qt::DisplayRole && index.column() == Name)
        return memberLabel(id);
    if (role == Qt::DisplayRole && index.column() == UserAgent) {
        const auto it = m_members.constFind(id);
        return it == m_members.constEnd() ? QString() : it->userAgent;
    }
    return {};
}

QVariant RoomsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Room / connection");
    case Members:
        return tr("Members");
    case Node:
        return tr("Node");
    case UserAgent:
        return tr("User agent");
    default:
        return {};
    }
}

void RoomsModel::setSnapshot(const QList<ConnectionInfo> &connections, const QJsonArray &rooms)
{
    beginResetModel();
    m_rooms.clear();
    m_members.clear();
    for (const ConnectionInfo &c : connections)
        m_members.insert(c.id, Member {c.userId, c.orgId, protocolName(c.protocol), c.userAgent});
    for (const QJsonValue &v : rooms) {
        const QJsonObject room = v.toObject();
        const QString name = room.value(QStringLiteral("name")).toString();
        if (name.isEmpty())
            continue;
        for (const QJsonValue &m : room.value(QStringLiteral("members")).toArray()) {
            const qint64 id = m.toInteger(-1);
            if (id >= 0)
                addMember(name, static_cast<quint64>(id));
        }
    }
    for (const ConnectionInfo &c : connections) {
        for (const QString &name : c.rooms)
            addMember(name, c.id);
    }
    addRemoteMembers();
    endResetModel();
}

RoomsModel::Room &RoomsModel::roomFor(const QString &name)
{
    // Only for use inside a reset: no row signals.
    const int row = insertionRow(name);
    if (row < static_cast<int>(m_rooms.size()) && m_rooms[static_cast<size_t>(row)]->name == name)
        return *m_rooms[static_cast<size_t>(row)];
    return **m_rooms.insert(m_rooms.begin() + row, std::make_unique<Room>(Room {name, {}, {}}));
}

void RoomsModel::addRemoteMembers()
{
    // Only for use inside a reset: no row signals.
    for (int i = 0; i < m_remote.size(); ++i) {
        for (const QString &name : m_remote.at(i).rooms) {
            if (!name.isEmpty())
                roomFor(name).remote.append(i);
        }
    }
}

void RoomsModel::setRemote(const QList<RemoteMember> &members)
{
    if (members == m_remote)
        return;
    beginResetModel();
    m_remote = members;
    // The rooms only other nodes had go; the connected node's stay as they are.
    for (auto it = m_rooms.begin(); it != m_rooms.end();) {
        (*it)->remote.clear();
        it = (*it)->members.isEmpty() ? m_rooms.erase(it) : it + 1;
    }
    addRemoteMembers();
    endResetModel();
}

void RoomsModel::setLocalNodeName(const QString &name)
{
    if (name == m_localNode)
        return;
    // Member rows show it: a layout change asks the views again.
    emit layoutAboutToBeChanged();
    m_localNode = name;
    emit layoutChanged();
}

void RoomsModel::addMember(const QString &name, quint64 id)
{
    // Only for use inside a reset: no row signals.
    auto &members = roomFor(name).members;
    if (!members.contains(id))
        members.append(id);
}

void RoomsModel::addConnection(const ConnectionInfo &c)
{
    m_members.insert(c.id, Member {c.userId, c.orgId, protocolName(c.protocol), c.userAgent});
    for (const QString &name : c.rooms) {
        const int row = insertionRow(name);
        if (row < static_cast<int>(m_rooms.size())
            && m_rooms[static_cast<size_t>(row)]->name == name) {
            Room &room = *m_rooms[static_cast<size_t>(row)];
            if (room.members.contains(c.id))
                continue;
            const QModelIndex parent = createIndex(row, 0, nullptr);
            const int childRow = static_cast<int>(room.members.size());
            beginInsertRows(parent, childRow, childRow);
            room.members.append(c.id);
            endInsertRows();
            const QModelIndex count = createIndex(row, Members, nullptr);
            emit dataChanged(count, count, {Qt::DisplayRole});
        } else {
            beginInsertRows({}, row, row);
            m_rooms.insert(m_rooms.begin() + row, std::make_unique<Room>(Room {name, {c.id}, {}}));
            endInsertRows();
        }
    }
}

void RoomsModel::removeConnection(quint64 id)
{
    for (int row = 0; row < static_cast<int>(m_rooms.size());) {
        Room &room = *m_rooms[static_cast<size_t>(row)];
        const qsizetype child = room.members.indexOf(id);
        if (child < 0) {
            ++row;
            continue;
        }
        if (room.size() == 1) {
            beginRemoveRows({}, row, row);
            m_rooms.erase(m_rooms.begin() + row);
            endRemoveRows();
            continue; // the next room now has this row
        }
        const QModelIndex parent = createIndex(row, 0, nullptr);
        beginRemoveRows(parent, static_cast<int>(child), static_cast<int>(child));
        room.members.removeAt(child);
        endRemoveRows();
        const QModelIndex count = createIndex(row, Members, nullptr);
        emit dataChanged(count, count, {Qt::DisplayRole});
        ++row;
    }
    m_members.remove(id);
}

void RoomsModel::clear()
{
    beginResetModel();
    m_rooms.clear();
    m_members.clear();
    m_remote.clear();
    endResetModel();
}

QModelIndex RoomsModel::roomIndex(const QString &name) const
{
    const int row = insertionRow(name);
    if (row < static_cast<int>(m_rooms.size()) && m_rooms[static_cast<size_t>(row)]->name == name)
        return createIndex(row, 0, nullptr);
    return {};
}

int RoomsModel::memberCount(const QString &name) const
{
    const QModelIndex idx = roomIndex(name);
    return idx.isValid() ? m_rooms[static_cast<size_t>(idx.row())]->size() : 0;
}

QStringList RoomsModel::roomNames() const
{
    QStringList out;
    for (const auto &r : m_rooms)
        out.append(r->name);
    return out;
}

int RoomsModel::roomRow(const Room *room) const
{
    // Compares pointers only: never dereferences what may be a stale index's room.
    for (size_t i = 0; i < m_rooms.size(); ++i) {
        if (m_rooms[i].get() == room)
            return static_cast<int>(i);
    }
    return -1;
}

int RoomsModel::insertionRow(const QString &name) const
{
    const auto it = std::lower_bound(
        m_rooms.begin(), m_rooms.end(), name,
        [](const std::unique_ptr<Room> &r, const QString &n) { return r->name < n; });
    return static_cast<int>(it - m_rooms.begin());
}

QString RoomsModel::memberLabel(quint64 id) const
{
    const auto it = m_members.constFind(id);
    if (it == m_members.constEnd())
        return tr("connection #%1").arg(id);
    return tr("%1 @ %2 (#%3, %4)").arg(it->userId, it->orgId).arg(id).arg(it->protocol);
}

} // namespace notify::console
