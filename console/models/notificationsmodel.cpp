#include "console/models/notificationsmodel.h"

#include "console/models/exportrole.h"

#include "shared/codec/wirecodec.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QLocale>
#include <QSet>

namespace notify::console {

NotificationsModel::NotificationsModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int NotificationsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int NotificationsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NotificationsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Notification &n = m_rows.at(index.row());
    if (role == NotificationIdRole)
        return n.id;
    if (role == Qt::ToolTipRole) {
        return tr("%1\n\n%2\n\nAction: %3\nId: %4")
            .arg(n.content.title, n.content.body, n.content.actionUrl, n.id);
    }
    // Deleted rows (only the user view asks for them) are struck through and grey.
    if (role == Qt::FontRole && n.isDeleted()) {
        QFont font;
        font.setStrikeOut(true);
        return font;
    }
    if (role == Qt::ForegroundRole && n.isDeleted())
        return QBrush(QColor(0x75, 0x75, 0x75));
    if (role == Qt::TextAlignmentRole && index.column() == Seq)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == ExportRole) {
        // Times only (empty when there is none): "unread" and "not delivered" are the
        // display's words for an empty cell.
        switch (index.column()) {
        case Created:
            return n.createdAt;
        case Delivered:
            return n.deliveredAt;
        case Read:
            return n.readAt;
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    // To the second: "why didn't X get it" is answered by comparing times.
    const auto time = [](const QDateTime &t) {
        return QLocale().toString(t.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    };
    switch (index.column()) {
    case Seq:
        return n.seq;
    case Id:
        return n.id;
    case Type:
        return n.content.type;
    case Title:
        return n.content.title;
    case Priority:
        return priorityName(n.content.priority);
    case Created:
        return n.createdAt.isValid() ? time(n.createdAt) : QString();
    case Delivered:
        return n.deliveredAt.isValid() ? time(n.deliveredAt) : tr("not delivered");
    case Read:
        if (n.deletedAt.isValid())
            return tr("deleted %1").arg(time(n.deletedAt));
        return n.readAt.isValid() ? time(n.readAt) : tr("unread");
    default:
        return {};
    }
}

QVariant NotificationsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Seq:
        return tr("Seq");
    case Type:
        return tr("Type");
    case Title:
        return tr("Title");
    case Priority:
        return tr("Priority");
    case Id:
        return tr("Id");
    case Created:
        return tr("Created");
    case Delivered:
        return tr("Delivered");
    case Read:
        return tr("Read");
    default:
        return {};
    }
}

QList<Notification> NotificationsModel::parse(const QJsonArray &array, int *malformed) const
{
    QList<Notification> out;
    *malformed = 0;
    for (const QJsonValue &v : array) {
        auto n = notificationFromJson(v.toObject());
        if (n)
            out.append(*n);
        else
            ++*malformed;
    }
    return out;
}

int NotificationsModel::setPage(const QJsonArray &notifications)
{
    int malformed = 0;
    QList<Notification> list = parse(notifications, &malformed);
    beginResetModel();
    m_rows = std::move(list);
    endResetModel();
    m_mayHaveMore = notifications.size() >= pageSize;
    return malformed;
}

int NotificationsModel::appendOlder(const QJsonArray &notifications)
{
    int malformed = 0;
    QList<Notification> list = parse(notifications, &malformed);
    m_mayHaveMore = notifications.size() >= pageSize;
    QSet<QString> shown;
    for (const Notification &n : std::as_const(m_rows))
        shown.insert(n.id);
    QList<Notification> fresh;
    for (Notification &n : list) {
        if (!shown.contains(n.id))
            fresh.append(std::move(n));
    }
    if (fresh.isEmpty())
        return malformed;
    const int first = static_cast<int>(m_rows.size());
    beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
    m_rows.append(fresh);
    endInsertRows();
    return malformed;
}

void NotificationsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
    m_mayHaveMore = false;
}

qint64 NotificationsModel::oldestSeq() const
{
    qint64 oldest = 0;
    for (const Notification &n : m_rows) {
        if (oldest == 0 || n.seq < oldest)
            oldest = n.seq;
    }
    return oldest;
}

} // namespace notify::console
