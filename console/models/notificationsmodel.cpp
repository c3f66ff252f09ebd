#include "console/models/notificationsmodel.h"

#include "console/models/exportrole.h"

#include "shared/codec/timestamp.h"
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
    if (role == Qt::ToolTipRole && index.column() == Delivered) {
        const Delivery &d = m_deliveries.at(index.row());
        QString tip = deliveryText(n, d);
        if (!d.nodes.isEmpty())
            tip += QLatin1Char('\n')
                + tr("Pushes by node: %1").arg(d.nodes.join(QStringLiteral(", ")));
        return tip;
    }
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
        // Times only (empty when there is none): "unread" and the delivery answers are the
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
        return deliveryText(n, m_deliveries.at(index.row()));
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

QString NotificationsModel::deliveryText(const Notification &n, const Delivery &d)
{
    // Today's times to the second, older ones with their date.
    const auto time = [](const QDateTime &t) {
        const QDateTime local = t.toLocalTime();
        return QLocale().toString(local,
                                  local.date() == QDate::currentDate()
                                      ? QStringLiteral("HH:mm:ss")
                                      : QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    };
    // The client's receipt is the strongest answer, then a read (it cannot be read without
    // having arrived), then what the server did.
    if (n.deliveredAt.isValid())
        return tr("receipt at %1").arg(time(n.deliveredAt));
    if (n.readAt.isValid())
        return tr("arrived: read at %1").arg(time(n.readAt));
    switch (d.state) {
    case Delivery::State::Pushed:
        // Spelt out rather than %n: English has no plural catalogue, and "connection(s)" is
        // not what support should read ("pushed" is always to one or more).
        if (d.connections == 1)
            return tr("pushed to 1 connection at %1, no receipt").arg(time(d.pushedAt));
        return tr("pushed to %1 connections at %2, no receipt")
            .arg(d.connections)
            .arg(time(d.pushedAt));
    case Delivery::State::None:
        return tr("not pushed: no connection was open (queued in the inbox)");
    case Delivery::State::Unknown:
        break;
    }
    return tr("no push recorded");
}

NotificationsModel::Delivery NotificationsModel::parseDelivery(const QJsonValue &value)
{
    Delivery d;
    const QJsonObject o = value.toObject();
    const QString state = o.value(QStringLiteral("state")).toString();
    d.state = state == QStringLiteral("pushed") ? Delivery::State::Pushed
        : state == QStringLiteral("none")       ? Delivery::State::None
                                                : Delivery::State::Unknown;
    d.connections = o.value(QStringLiteral("connections")).toInteger();
    d.pushedAt
        = parseTimestamp(o.value(QStringLiteral("pushedAt")).toString()).value_or(QDateTime());
    for (const QJsonValue &v : o.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject node = v.toObject();
        const QString name = node.value(QStringLiteral("name")).toString();
        if (!name.isEmpty())
            d.nodes.append(QStringLiteral("%1: %2").arg(
                name, QString::number(node.value(QStringLiteral("connections")).toInteger())));
    }
    return d;
}

QList<NotificationsModel::Row> NotificationsModel::parse(const QJsonArray &array,
                                                         int *malformed) const
{
    QList<Row> out;
    *malformed = 0;
    for (const QJsonValue &v : array) {
        auto n = notificationFromJson(v.toObject());
        if (n)
            out.append(Row {*n, parseDelivery(v.toObject().value(QStringLiteral("delivery")))});
        else
            ++*malformed;
    }
    return out;
}

int NotificationsModel::setPage(const QJsonArray &notifications)
{
    int malformed = 0;
    const QList<Row> list = parse(notifications, &malformed);
    beginResetModel();
    m_rows.clear();
    m_deliveries.clear();
    for (const Row &row : list) {
        m_rows.append(row.notification);
        m_deliveries.append(row.delivery);
    }
    endResetModel();
    m_mayHaveMore = notifications.size() >= pageSize;
    return malformed;
}

int NotificationsModel::appendOlder(const QJsonArray &notifications)
{
    int malformed = 0;
    const QList<Row> list = parse(notifications, &malformed);
    m_mayHaveMore = notifications.size() >= pageSize;
    QSet<QString> shown;
    for (const Notification &n : std::as_const(m_rows))
        shown.insert(n.id);
    QList<Row> fresh;
    for (const Row &row : list) {
        if (!shown.contains(row.notification.id))
            fresh.append(row);
    }
    if (fresh.isEmpty())
        return malformed;
    const int first = static_cast<int>(m_rows.size());
    beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
    for (const Row &row : std::as_const(fresh)) {
        m_rows.append(row.notification);
        m_deliveries.append(row.delivery);
    }
    endInsertRows();
    return malformed;
}

void NotificationsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_deliveries.clear();
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
