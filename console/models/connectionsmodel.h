#pragma once

#include "model/connectioninfo.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

#include <optional>

namespace notify::console {

// The node's live client connections, one row each, kept in step by the admin channel's
// snapshot, connection:opened and connection:closed.
class ConnectionsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { User, Org, Protocol, Address, ConnectedSince, Rtt, FramesIn, FramesOut, ColumnCount };
    enum Role { ConnectionIdRole = Qt::UserRole + 1, SortRole };

    explicit ConnectionsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void setSnapshot(const QList<notify::ConnectionInfo> &connections);
    // Adds a row, or updates the row of a connection already known.
    void addConnection(const notify::ConnectionInfo &connection);
    bool removeConnection(quint64 id);
    void clear();

    std::optional<notify::ConnectionInfo> connection(quint64 id) const;
    const notify::ConnectionInfo &at(int row) const { return m_rows.at(row); }
    int rowOf(quint64 id) const { return m_index.value(id, -1); }

private:
    void reindexFrom(int row);

    QList<notify::ConnectionInfo> m_rows;
    QHash<quint64, int> m_index;
};

} // namespace notify::console
