#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QJsonObject>
#include <QList>

namespace notify::console {

// The live delivery trace: the last `capacity` delivery messages, oldest first.
class TraceModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Title, NotificationId, Room, Connections, ColumnCount };
    static constexpr int defaultCapacity = 1000;

    struct Entry
    {
        QDateTime at;
        QString notificationId;
        QString title;
        QString room;
        int connections = 0;
    };

    explicit TraceModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // {notificationId, title, room, connections (a count or the list of ids), at}
    void addDelivery(const QJsonObject &delivery);
    void clear();
    void setCapacity(int capacity);
    int capacity() const { return m_capacity; }
    const Entry &at(int row) const { return m_rows.at(row); }

private:
    void trim();

    QList<Entry> m_rows;
    int m_capacity = defaultCapacity;
};

} // namespace notify::console
