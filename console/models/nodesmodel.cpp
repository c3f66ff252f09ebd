#include "console/models/nodesmodel.h"

#include "console/models/exportrole.h"

#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"

#include <QBrush>
#include <QColor>
#include <QJsonObject>
#include <QLocale>

namespace notify::console {

namespace {
QString timeText(const QDateTime &t)
{
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                       : QString();
}

QDateTime timeOf(const QJsonValue &v)
{
    const auto t = parseTimestamp(v.toString());
    return t ? *t : QDateTime();
}
// docs/operations.md, "When things fail": the writer's fault of the environment.
QString storeFaultText(const QString &fault)
{
    if (fault == QLatin1String("full"))
        return NodesModel::tr("storage full");
    if (fault == QLatin1String("read_only"))
        return NodesModel::tr("storage read-only");
    if (fault == QLatin1String("damaged"))
        return NodesModel::tr("database damaged");
    return NodesModel::tr("storage fault: %1").arg(fault);
}
} // namespace

NodesModel::NodesModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int NodesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int NodesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Node &n = m_rows.at(index.row());
    if (role == Qt::ForegroundRole && (n.gone || !n.storeFault.isEmpty()))
        return QBrush(QColor(0xd3, 0x2f, 0x2f));
    if (role == Qt::ToolTipRole)
        return tr("Node %1\nId: %2").arg(n.name, n.id);
    if (role == Qt::TextAlignmentRole && (index.column() == Connections || index.column() == Rate))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == ExportRole) {
        switch (index.column()) {
        case Rate:
            return n.ratePerSecond < 0 ? QVariant(QString()) : QVariant(n.ratePerSecond);
        case LastHeartbeat:
            return n.lastHeartbeat;
        case Started:
            return n.startedAt;
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name:
        return n.self ? tr("%1 (this node)").arg(n.name) : n.name;
    case State:
        if (n.gone)
            return tr("gone");
        return n.storeFault.isEmpty() ? tr("up") : tr("up, %1").arg(storeFaultText(n.storeFault));
    case Connections:
        return n.connections;
    case Rate:
        return n.ratePerSecond < 0 ? tr("n/a") : QLocale().toString(n.ratePerSecond, 'f', 1);
    case LastHeartbeat:
        return timeText(n.lastHeartbeat);
    case Version:
        return n.version;
    case ClientAddress:
        return n.clientAddress;
    case ApiAddress:
        return n.apiAddress;
    case Started:
        return timeText(n.startedAt);
    default:
        return {};
    }
}

QVariant NodesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Node");
    case State:
        return tr("State");
    case Connections:
        return tr("Connections");
    case Rate:
        return tr("Created/s");
    case LastHeartbeat:
        return tr("Last heartbeat");
    case Version:
        return tr("Version");
    case ClientAddress:
        return tr("Client address");
    case ApiAddress:
        return tr("API address");
    case Started:
        return tr("Started");
    default:
        return {};
    }
}

void NodesModel::setNodes(const QJsonArray &nodes, const QDateTime &at)
{
    QList<Node> rows;
    for (const QJsonValue &v : nodes) {
        const QJsonObject o = v.toObject();
        Node n;
        n.id = o.value(QStringLiteral("id")).toString();
        n.name = o.value(QStringLiteral("name")).toString();
        n.self = o.value(QStringLiteral("self")).toBool();
        n.gone = o.value(QStringLiteral("state")).toString() == QLatin1String("gone");
        n.storeFault = o.value(QStringLiteral("storeFault")).toString();
        n.connections = o.value(QStringLiteral("connections")).toInteger();
        const QJsonValue created
            = o.value(QStringLiteral("counters")).toObject().value(QStringLiteral("created"));
        n.created = created.isDouble() ? created.toInteger() : -1;
        n.lastHeartbeat = timeOf(o.value(QStringLiteral("lastHeartbeat")));
        n.startedAt = timeOf(o.value(QStringLiteral("startedAt")));
        n.version = o.value(QStringLiteral("version")).toString();
        n.clientAddress = o.value(QStringLiteral("clientAddress")).toString();
        n.apiAddress = o.value(QStringLiteral("apiAddress")).toString();
        // This node's counters are live; another node's move with its heartbeat, so the
        // rate is taken between two different heartbeats, over the time between them.
        n.sampleCreated = n.created;
        n.sampleAt = n.self ? at : n.lastHeartbeat;
        for (const Node &old : std::as_const(m_rows)) {
            if (old.id != n.id)
                continue;
            n.ratePerSecond = old.ratePerSecond;
            const qint64 ms = old.sampleAt.isValid() ? old.sampleAt.msecsTo(n.sampleAt) : 0;
            if (ms <= 0 || n.created < 0 || old.sampleCreated < 0) {
                n.sampleCreated = old.sampleCreated;
                n.sampleAt = old.sampleAt;
            } else {
                n.ratePerSecond = double(n.created - old.sampleCreated) * 1000.0 / double(ms);
            }
        }
        rows.append(n);
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

void NodesModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

QString NodesModel::nameOf(const QString &id) const
{
    for (const Node &n : m_rows) {
        if (n.id == id)
            return n.name;
    }
    return id;
}

RemoteConnectionsModel::RemoteConnectionsModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int RemoteConnectionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int RemoteConnectionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RemoteConnectionsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows.at(index.row());
    const ConnectionInfo &c = r.connection;
    if (role == OrgIdRole)
        return c.orgId;
    if (role == UserIdRole)
        return c.userId;
    if (role == Qt::ToolTipRole)
        return tr("Connection #%1 on node %2\nUser: %3 @ %4\nUser agent: %5\nRooms: %6")
            .arg(QString::number(c.id), r.nodeName, c.userId, c.orgId, c.userAgent,
                 c.rooms.join(QStringLiteral(", ")));
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Node:
        return r.nodeName;
    case Id:
        return QString::number(c.id);
    case User:
        return c.userId;
    case Org:
        return c.orgId;
    case Role:
        return c.role;
    case Protocol:
        return protocolName(c.protocol);
    case Address:
        return c.remoteAddress;
    case UserAgent:
        return c.userAgent.left(60);
    case Since:
        return timeText(c.connectedAt);
    default:
        return {};
    }
}

QVariant RemoteConnectionsModel::headerData(int section, Qt::Orientation orientation,
                                            int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Node:
        return tr("Node");
    case Id:
        return tr("Id");
    case User:
        return tr("User");
    case Org:
        return tr("Organization");
    case Role:
        return tr("Role");
    case Protocol:
        return tr("Protocol");
    case Address:
        return tr("Address");
    case UserAgent:
        return tr("User agent");
    case Since:
        return tr("Connected since");
    default:
        return {};
    }
}

int RemoteConnectionsModel::setReply(const QJsonObject &reply)
{
    QList<Row> rows;
    int malformed = 0;
    for (const QJsonValue &nodeValue : reply.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject node = nodeValue.toObject();
        const QString id = node.value(QStringLiteral("id")).toString();
        const QString name = node.value(QStringLiteral("name")).toString();
        for (const QJsonValue &v : node.value(QStringLiteral("connections")).toArray()) {
            auto c = connectionFromJson(v.toObject());
            if (!c) {
                ++malformed;
                continue;
            }
            rows.append(Row {id, name.isEmpty() ? id : name, std::move(c).value()});
        }
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    m_complete = reply.value(QStringLiteral("complete")).toBool(true);
    return malformed;
}

void RemoteConnectionsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

bool RemoteConnectionsModel::remove(const QString &nodeId, quint64 connectionId)
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).nodeId == nodeId && m_rows.at(i).connection.id == connectionId) {
            beginRemoveRows({}, i, i);
            m_rows.removeAt(i);
            endRemoveRows();
            return true;
        }
    }
    return false;
}

} // namespace notify::console
