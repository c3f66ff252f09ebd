#include "console/models/tracemodel.h"

#include "console/models/exportrole.h"

#include <QBrush>
#include <QColor>

#include "shared/codec/timestamp.h"

#include <QJsonArray>
#include <QLocale>

namespace notify::console {

TraceModel::TraceModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int TraceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int TraceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TraceModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &e = m_rows.at(index.row());
    if (role == Qt::TextAlignmentRole && index.column() == Connections)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    // Columns cut long room names and ids: the whole row in the tooltip.
    const QString node = e.nodeName.isEmpty() ? m_localNode : e.nodeName;
    if (role == Qt::ToolTipRole)
        return tr("%1\nNotification %2\nRoom %3\n%n connection(s)", nullptr, e.connections)
                   .arg(e.title, e.notificationId, e.room)
            + (node.isEmpty() ? QString()
                              : QLatin1Char('\n') + tr("Delivered by node %1").arg(node));
    // Delivered to nobody: the answer to "why didn't X get it" is often here.
    if (role == Qt::ForegroundRole && e.connections == 0)
        return QBrush(QColor(0xd3, 0x2f, 0x2f));
    if (role == ExportRole && index.column() == Time)
        return e.at; // with its day and zone: the display has the time of day only
    if (role == ExportRole && index.column() == Connections)
        return e.connections;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Time:
        return e.at.isValid() ? e.at.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"))
                              : QString();
    case Node:
        return node;
    case Title:
        return e.title;
    case NotificationId:
        return e.notificationId;
    case Room:
        return e.room;
    case Connections:
        return e.connections == 0 ? tr("0 (nobody connected)") : QString::number(e.connections);
    default:
        return {};
    }
}

QVariant TraceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time:
        return tr("Time");
    case Node:
        return tr("Node");
    case Title:
        return tr("Title");
    case NotificationId:
        return tr("Notification");
    case Room:
        return tr("Room");
    case Connections:
        return tr("Connections");
    default:
        return {};
    }
}

void TraceModel::addDelivery(const QJsonObject &d)
{
    Entry e;
    e.notificationId = d.value(QStringLiteral("notificationId")).toString();
    e.title = d.value(QStringLiteral("title")).toString();
    e.room = d.value(QStringLiteral("room")).toString();
    const QJsonValue connections = d.value(QStringLiteral("connections"));
    e.connections = connections.isArray() ? static_cast<int>(connections.toArray().size())
                                          : connections.toInt();
    const auto at = parseTimestamp(d.value(QStringLiteral("at")).toString());
    e.at = at ? *at : QDateTime::currentDateTimeUtc();
    e.nodeId = d.value(QStringLiteral("nodeId")).toString();
    e.nodeName = d.value(QStringLiteral("nodeName")).toString();
    if (e.nodeName.isEmpty())
        e.nodeName = e.nodeId;

    const int row = static_cast<int>(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(e);
    endInsertRows();
    trim();
}

void TraceModel::addDropped(qint64 dropped)
{
    if (dropped <= 0)
        return;
    m_dropped += dropped;
    emit droppedChanged(m_dropped);
}

void TraceModel::setLocalNodeName(const QString &name)
{
    if (name == m_localNode)
        return;
    m_localNode = name;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, Node), index(int(m_rows.size()) - 1, Node), {Qt::DisplayRole});
}

void TraceModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
    if (m_dropped != 0) {
        m_dropped = 0;
        emit droppedChanged(0);
    }
}

void TraceModel::setCapacity(int capacity)
{
    m_capacity = qMax(1, capacity);
    trim();
}

void TraceModel::trim()
{
    const int excess = static_cast<int>(m_rows.size()) - m_capacity;
    if (excess <= 0)
        return;
    beginRemoveRows({}, 0, excess - 1);
    m_rows.remove(0, excess);
    endRemoveRows();
}

} // namespace notify::console
