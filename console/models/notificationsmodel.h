#pragma once

#include "shared/model/notification.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QJsonArray>
#include <QList>
#include <QStringList>

namespace notify::console {

// One recipient's inbox as list_notifications pages it: newest first, each "older" page
// appended below, with beforeSeq taken from the last row.
class NotificationsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Seq, Id, Type, Title, Priority, Created, Delivered, Read, ColumnCount };
    enum Roles { NotificationIdRole = Qt::UserRole + 1 };
    static constexpr int pageSize = 50;

    explicit NotificationsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Replaces the rows with a first page; returns how many notifications were malformed.
    int setPage(const QJsonArray &notifications);
    // Appends an older page (rows already shown are skipped).
    int appendOlder(const QJsonArray &notifications);
    void clear();

    // The seq of the oldest row, or 0 when empty: the next page's beforeSeq.
    qint64 oldestSeq() const;
    // Whether the last page was full, so an older one may exist.
    bool mayHaveMore() const { return m_mayHaveMore; }
    const notify::Notification &at(int row) const { return m_rows.at(row); }

    // What the server recorded of a notification's push (docs/protocol.md, "Delivery of a
    // notification"): the Delivered column's answer beside the client's receipt.
    struct Delivery
    {
        enum class State { Unknown, Pushed, None };
        State state = State::Unknown;
        qint64 connections = 0;
        QDateTime pushedAt;
        // "name: connections" of each node that recorded a push, on a cluster.
        QStringList nodes;
    };
    const Delivery &deliveryAt(int row) const { return m_deliveries.at(row); }
    // The Delivered column's text for one row (receipt, read, pushed, not pushed).
    static QString deliveryText(const notify::Notification &n, const Delivery &d);

private:
    struct Row
    {
        notify::Notification notification;
        Delivery delivery;
    };
    QList<Row> parse(const QJsonArray &array, int *malformed) const;
    static Delivery parseDelivery(const QJsonValue &value);

    QList<notify::Notification> m_rows;
    QList<Delivery> m_deliveries;
    bool m_mayHaveMore = false;
};

} // namespace notify::console
