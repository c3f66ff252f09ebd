#include "models/connectionsmodel.h"

#include "codec/wirecodec.h"

#include <QLocale>

namespace notify::console {

ConnectionsModel::ConnectionsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int ConnectionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ConnectionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ConnectionsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ConnectionInfo &c = m_rows.at(index.row());
    if (role == ConnectionIdRole)
        return QVariant::fromValue(c.id);
    if (role == Qt::ToolTipRole) {
        return tr("Connection #%1\nRole: %2\nUser agent: %3\nOrigin: %4\nRooms: %5")
            .arg(c.id)
            .arg(c.role.isEmpty() ? tr("(none)") : c.role, c.userAgent, c.origin,
                 c.rooms.join(QStringLiteral(", ")));
    }
    if (role == Qt::TextAlignmentRole) {
        switch (index.column()) {
        case Rtt:
        case FramesIn:
        case FramesOut:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    const bool sort = role == SortRole;
    switch (index.column()) {
    case User:
        return c.userId;
    case Org:
        return c.orgId;
    case Protocol:
        return protocolName(c.protocol);
    case Address:
        return c.remoteAddress;
    case ConnectedSince:
        if (sort)
            return c.connectedAt;
        return c.connectedAt.isValid()
            ? QLocale().toString(c.connectedAt.toLocalTime(), QLocale::ShortFormat)
            : QString();
    case Rtt:
        if (sort)
            return c.rttMs;
        return c.rttMs < 0 ? tr("n/a") : tr("%1 ms").arg(c.rttMs);
    case FramesIn:
        return sort ? QVariant::fromValue(c.framesIn) : QVariant(QLocale().toString(c.framesIn));
    case FramesOut:
        return sort ? QVariant::fromValue(c.framesOut) : QVariant(QLocale().toString(c.framesOut));
    default:
        return {};
    }
}

QVariant ConnectionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case User:
        return tr("User");
    case Org:
        return tr("Organization");
    case Protocol:
        return tr("Protocol");
    case Address:
        return tr("Address");
    case ConnectedSince:
        return tr("Connected since");
    case Rtt:
        return tr("RTT");
    case FramesIn:
        return tr("Frames in");
    case FramesOut:
        return tr("Frames out");
    default:
        return {};
    }
}

void ConnectionsModel::setSnapshot(const QList<ConnectionInfo> &connections)
{
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    for (const ConnectionInfo &c : connections) {
        // A snapshot with a duplicate id keeps the last one, like a later opened would.
        const int existing = m_index.value(c.id, -1);
        if (existing >= 0) {
            m_rows[existing] = c;
            continue;
        }
        m_index.insert(c.id, static_cast<int>(m_rows.size()));
        m_rows.append(c);
    }
    endResetModel();
}

void ConnectionsModel::addConnection(const ConnectionInfo &c)
{
    const int existing = m_index.value(c.id, -1);
    if (existing >= 0) {
        m_rows[existing] = c;
        emit dataChanged(index(existing, 0), index(existing, ColumnCount - 1));
        return;
    }
    const int row = static_cast<int>(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(c);
    m_index.insert(c.id, row);
    endInsertRows();
}

bool ConnectionsModel::removeConnection(quint64 id)
{
    const int row = m_index.value(id, -1);
    if (row < 0)
        return false;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    m_index.remove(id);
    reindexFrom(row);
    endRemoveRows();
    return true;
}

void ConnectionsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    endResetModel();
}

std::optional<ConnectionInfo> ConnectionsModel::connection(quint64 id) const
{
    const int row = m_index.value(id, -1);
    if (row < 0)
        return std::nullopt;
    return m_rows.at(row);
}

void ConnectionsModel::reindexFrom(int row)
{
    for (int i = row; i < m_rows.size(); ++i)
        m_index.insert(m_rows.at(i).id, i);
}

} // namespace notify::console
