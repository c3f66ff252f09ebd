#pragma once

#include "shared/model/connectioninfo.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QJsonArray>
#include <QList>

#include <optional>

namespace notify::console {

// The node's live client connections, one row each, kept in step by the admin channel's
// snapshot, connection:opened and connection:closed.
class ConnectionsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Id,
        User,
        Org,
        Role,
        Protocol,
        Address,
        UserAgent,
        ConnectedSince,
        Rtt,
        FramesIn,
        FramesOut,
        RateIn,
        RateOut,
        ColumnCount
    };
    enum Roles { ConnectionIdRole = Qt::UserRole + 1, SortRole, OrgIdRole, UserIdRole };

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
    // connection:stats: new RTT and frame counts; the rates come from the previous figures.
    void applyStats(const QJsonArray &stats, int intervalMs);

    // Whether every word (case-insensitive) occurs in one of the row's fields: id, user,
    // organization, role, protocol, address, user agent, origin or a room.
    bool matches(int row, const QStringList &words) const;
    // The row as tab-separated text, as copied and exported.
    QStringList rowTexts(int row) const;

    std::optional<notify::ConnectionInfo> connection(quint64 id) const;
    const notify::ConnectionInfo &at(int row) const { return m_rows.at(row); }
    int rowOf(quint64 id) const { return m_index.value(id, -1); }

private:
    struct Rates
    {
        double in = -1; // frames per second, -1: not known yet
        double out = -1;
    };
    void reindexFrom(int row);

    QList<notify::ConnectionInfo> m_rows;
    QHash<quint64, Rates> m_rates;
    QHash<quint64, int> m_index;
};

} // namespace notify::console
