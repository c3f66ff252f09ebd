#pragma once

#include "shared/model/connectioninfo.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QJsonArray>
#include <QList>

namespace notify::console {

// The cluster's nodes as the `nodes` request lists them (docs/protocol.md, "Admin
// channel"), one row each; the rate is worked out from two answers in a row.
class NodesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Name,
        State,
        Connections,
        Rate,
        LastHeartbeat,
        Version,
        ClientAddress,
        ApiAddress,
        Started,
        ColumnCount
    };

    struct Node
    {
        QString id;
        QString name;
        bool self = false;
        bool gone = false;
        QString storeFault; // "full", "read_only"...: this node's writes fail (empty: none)
        qint64 connections = 0;
        qint64 created = -1; // counters.created, -1: not reported
        double ratePerSecond = -1; // notifications created per second, -1: not known yet
        QDateTime lastHeartbeat;
        QDateTime startedAt;
        QString version;
        QString clientAddress;
        QString apiAddress;
        // The figures the rate is taken from (see setNodes).
        qint64 sampleCreated = -1;
        QDateTime sampleAt;
    };

    explicit NodesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // A `nodes` reply's list; `at` is when it was received (for the rate).
    void setNodes(const QJsonArray &nodes, const QDateTime &at);
    void clear();
    const Node &at(int row) const { return m_rows.at(row); }
    // The node's name for an id, or the id when unknown.
    QString nameOf(const QString &id) const;

private:
    QList<Node> m_rows;
};

// The client connections of the cluster's other nodes (`cluster_connections`); the node's
// own are live in ConnectionsModel. Replaced as a whole on each answer.
class RemoteConnectionsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Node, Id, User, Org, Role, Protocol, Address, UserAgent, Since, ColumnCount };
    enum Roles { OrgIdRole = Qt::UserRole + 1, UserIdRole };

    struct Row
    {
        QString nodeId;
        QString nodeName;
        notify::ConnectionInfo connection;
    };

    explicit RemoteConnectionsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // A `cluster_connections` reply; returns how many connection objects were malformed.
    int setReply(const QJsonObject &reply);
    void clear();
    bool remove(const QString &nodeId, quint64 connectionId);
    const Row &at(int row) const { return m_rows.at(row); }
    // Whether the last answer came from every live node.
    bool complete() const { return m_complete; }

private:
    QList<Row> m_rows;
    bool m_complete = true;
};

} // namespace notify::console
