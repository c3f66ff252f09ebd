#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QJsonObject>
#include <QList>

namespace notify::console {

// The live delivery trace: the last `capacity` delivery messages, oldest first. In a cluster
// the records of every node, each naming the node that delivered (docs/protocol.md,
// "Admin channel", delivery).
class TraceModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Node, Title, NotificationId, Room, Connections, ColumnCount };
    static constexpr int defaultCapacity = 1000;

    struct Entry
    {
        QDateTime at;
        QString notificationId;
        QString title;
        QString room;
        int connections = 0;
        QString nodeId; // empty: the node the console is connected to
        QString nodeName;
    };

    explicit TraceModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // {notificationId, title, room, connections (a count or the list of ids), at, and in a
    // cluster nodeId, nodeName}
    void addDelivery(const QJsonObject &delivery);
    // delivery:dropped: records another node could not send (counted, shown by the view).
    void addDropped(qint64 dropped);
    qint64 dropped() const { return m_dropped; }
    // What the Node column says for a record without a node (a single node's).
    void setLocalNodeName(const QString &name);
    void clear();
    void setCapacity(int capacity);
    int capacity() const { return m_capacity; }
    const Entry &at(int row) const { return m_rows.at(row); }

signals:
    void droppedChanged(qint64 dropped);

private:
    void trim();

    QList<Entry> m_rows;
    qint64 m_dropped = 0;
    QString m_localNode;
    int m_capacity = defaultCapacity;
};

} // namespace notify::console
