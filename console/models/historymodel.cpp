#include "console/models/historymodel.h"

#include "console/models/exportrole.h"

#include <QBrush>
#include <QLocale>

namespace notify::console {

HistoryModel::HistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int HistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const HistoryEntry &e = m_rows.at(index.row());
    const bool failed = !e.error.isEmpty();
    if (role == Qt::ToolTipRole) {
        return failed
            ? e.error
            : tr("Notification ids: %1").arg(e.notificationIds.join(QStringLiteral(", ")));
    }
    if (role == Qt::ForegroundRole && failed && index.column() == Delivered)
        return QBrush(Qt::red);
    if (role == ExportRole && index.column() == Time)
        return e.sentAt;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Time:
        return QLocale().toString(e.sentAt.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case Org:
        return e.orgId;
    case Target:
        return e.target;
    case Title:
        return e.title;
    case Delivered:
        if (failed)
            return tr("failed: %1").arg(e.error);
        // A room send is a live announcement: it reached connections, no inbox has it.
        if (e.target.startsWith(QLatin1String("room:")))
            return tr("live only: %n connection(s)", nullptr, e.deliveredConnections);
        return tr("%n connection(s)", nullptr, e.deliveredConnections);
    case Ids:
        return e.notificationIds.join(QStringLiteral(", "));
    default:
        return {};
    }
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time:
        return tr("Sent");
    case Org:
        return tr("Organization");
    case Target:
        return tr("Recipient");
    case Title:
        return tr("Title");
    case Delivered:
        return tr("Delivered to");
    case Ids:
        return tr("Notification ids");
    default:
        return {};
    }
}

void HistoryModel::setEntries(const QList<HistoryEntry> &entries)
{
    beginResetModel();
    m_rows = entries;
    endResetModel();
}

void HistoryModel::prepend(const HistoryEntry &entry)
{
    beginInsertRows({}, 0, 0);
    m_rows.prepend(entry);
    endInsertRows();
}

void HistoryModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

} // namespace notify::console
