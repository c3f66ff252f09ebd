#include "console/models/connectionsmodel.h"

#include "console/models/exportrole.h"

#include "shared/codec/wirecodec.h"

#include "shared/codec/timestamp.h"

#include <QJsonObject>
#include <QLocale>

namespace notify::console {

ConnectionsModel::ConnectionsModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int ConnectionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ConnectionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ConnectionsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ConnectionInfo &c = m_rows.at(index.row());
    if (role == ConnectionIdRole)
        return QVariant::fromValue(c.id);
    if (role == OrgIdRole)
        return c.orgId;
    if (role == UserIdRole)
        return c.userId;
    if (role == Qt::ToolTipRole) {
        QString text = tr("Connection #%1\nRole: %2\nUser agent: %3\nOrigin: %4\nRooms: %5")
                           .arg(c.id)
                           .arg(c.role.isEmpty() ? tr("(none)") : c.role, c.userAgent, c.origin,
                                c.rooms.join(QStringLiteral(", ")));
        if (!c.tokenAlgorithm.isEmpty())
            text += tr("\nToken: %1, key %2, issuer %3")
                        .arg(c.tokenAlgorithm,
                             c.tokenKeyId.isEmpty() ? tr("(no kid)") : c.tokenKeyId,
                             c.tokenIssuer.isEmpty() ? tr("(none)") : c.tokenIssuer);
        if (c.expiresAt.isValid())
            text += tr("\nExpires: %1")
                        .arg(QLocale().toString(c.expiresAt.toLocalTime(), QLocale::ShortFormat));
        return text;
    }
    if (role == Qt::TextAlignmentRole) {
        switch (index.column()) {
        case Id:
        case Rtt:
        case FramesIn:
        case FramesOut:
        case RateIn:
        case RateOut:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    }
    const Rates rates = m_rates.value(c.id);
    if (role == ExportRole) {
        const auto measured = [](auto v) {
            return v < 0 ? QVariant(QString()) : QVariant(v);
        };
        switch (index.column()) {
        case Id:
            return QVariant::fromValue(c.id);
        case ConnectedSince:
            return c.connectedAt;
        case Rtt:
            return measured(c.rttMs);
        case FramesIn:
            return QVariant::fromValue(c.framesIn);
        case FramesOut:
            return QVariant::fromValue(c.framesOut);
        case RateIn:
            return measured(rates.in);
        case RateOut:
            return measured(rates.out);
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    const bool sort = role == SortRole;
    auto rate = [sort](double r) -> QVariant {
        if (sort)
            return r;
        return r < 0 ? QString() : tr("%1/s").arg(QLocale().toString(r, 'f', 1));
    };
    switch (index.column()) {
    case Id:
        return sort ? QVariant::fromValue(c.id) : QVariant(QString::number(c.id));
    case User:
        return c.userId;
    case Org:
        return c.orgId;
    case Role:
        return c.role;
    case UserAgent:
        return c.userAgent;
    case Protocol:
        return protocolName(c.protocol);
    case Address:
        return c.remoteAddress;
    case ConnectedSince:
        if (sort)
            return c.connectedAt;
        return c.connectedAt.isValid()
            // To the second: two tabs opened in the same minute must look different.
            ? QLocale().toString(c.connectedAt.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"))
            : QString();
    case Rtt:
        if (sort)
            return c.rttMs;
        return c.rttMs < 0 ? tr("n/a") : tr("%1 ms").arg(c.rttMs);
    case FramesIn:
        return sort ? QVariant::fromValue(c.framesIn) : QVariant(QLocale().toString(c.framesIn));
    case FramesOut:
        return sort ? QVariant::fromValue(c.framesOut) : QVariant(QLocale().toString(c.framesOut));
    case RateIn:
        return rate(rates.in);
    case RateOut:
        return rate(rates.out);
    default:
        return {};
    }
}

QVariant ConnectionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == ExportRole && section == Rtt)
        return tr("RTT (ms)");
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Id:
        return tr("Id");
    case Role:
        return tr("Role");
    case UserAgent:
        return tr("User agent");
    case RateIn:
        return tr("In/s");
    case RateOut:
        return tr("Out/s");
    case User:
        return tr("User");
    case Org:
        return tr("Organization");
    case Protocol:
        return tr("Protocol");
    case Address:
        return tr("Address");
    case ConnectedSince:
        return tr("Connected since");
    case Rtt:
        return tr("RTT");
    case FramesIn:
        return tr("Frames in");
    case FramesOut:
        return tr("Frames out");
    default:
        return {};
    }
}

void ConnectionsModel::setSnapshot(const QList<ConnectionInfo> &connections)
{
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    for (const ConnectionInfo &c : connections) {
        // A snapshot with a duplicate id keeps the last one, like a later opened would.
        const int existing = m_index.value(c.id, -1);
        if (existing >= 0) {
            m_rows[existing] = c;
            continue;
        }
        m_index.insert(c.id, static_cast<int>(m_rows.size()));
        m_rows.append(c);
    }
    endResetModel();
}

void ConnectionsModel::addConnection(const ConnectionInfo &c)
{
    const int existing = m_index.value(c.id, -1);
    if (existing >= 0) {
        m_rows[existing] = c;
        emit dataChanged(index(existing, 0), index(existing, ColumnCount - 1));
        return;
    }
    const int row = static_cast<int>(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(c);
    m_index.insert(c.id, row);
    endInsertRows();
}

bool ConnectionsModel::removeConnection(quint64 id)
{
    const int row = m_index.value(id, -1);
    if (row < 0)
        return false;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    m_index.remove(id);
    m_rates.remove(id);
    reindexFrom(row);
    endRemoveRows();
    return true;
}

void ConnectionsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    m_rates.clear();
    endResetModel();
}

void ConnectionsModel::applyStats(const QJsonArray &stats, int intervalMs)
{
    const double seconds = intervalMs > 0 ? intervalMs / 1000.0 : 1.0;
    int first = -1;
    int last = -1;
    for (const QJsonValue &v : stats) {
        const QJsonObject o = v.toObject();
        const quint64 id = quint64(o.value(QStringLiteral("id")).toInteger(0));
        const int row = m_index.value(id, -1);
        if (row < 0)
            continue; // opened after the collection, or already closed: the next push has it
        ConnectionInfo &c = m_rows[row];
        const quint64 framesIn = quint64(o.value(QStringLiteral("framesIn")).toInteger(0));
        const quint64 framesOut = quint64(o.value(QStringLiteral("framesOut")).toInteger(0));
        Rates &r = m_rates[id];
        r.in = framesIn >= c.framesIn ? double(framesIn - c.framesIn) / seconds : 0.0;
        r.out = framesOut >= c.framesOut ? double(framesOut - c.framesOut) / seconds : 0.0;
        c.framesIn = framesIn;
        c.framesOut = framesOut;
        c.bytesOut = quint64(o.value(QStringLiteral("bytesOut")).toInteger(qint64(c.bytesOut)));
        const QJsonValue rtt = o.value(QStringLiteral("rttMs"));
        c.rttMs = rtt.isDouble() ? rtt.toInt() : -1;
        if (auto at = parseTimestamp(o.value(QStringLiteral("lastPongAt")).toString()))
            c.lastPongAt = *at;
        first = first < 0 ? row : std::min(first, row);
        last = std::max(last, row);
    }
    if (first >= 0)
        emit dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

bool ConnectionsModel::matches(int row, const QStringList &words) const
{
    if (row < 0 || row >= m_rows.size())
        return false;
    const ConnectionInfo &c = m_rows.at(row);
    const QStringList fields {QString::number(c.id),    c.userId,        c.orgId,     c.role,
                              protocolName(c.protocol), c.remoteAddress, c.userAgent, c.origin};
    for (const QString &word : words) {
        auto has = [&word](const QString &f) {
            return f.contains(word, Qt::CaseInsensitive);
        };
        if (std::none_of(fields.begin(), fields.end(), has)
            && std::none_of(c.rooms.begin(), c.rooms.end(), has))
            return false;
    }
    return true;
}

QStringList ConnectionsModel::rowTexts(int row) const
{
    QStringList out;
    for (int col = 0; col < ColumnCount; ++col)
        out.append(index(row, col).data().toString());
    return out;
}

std::optional<ConnectionInfo> ConnectionsModel::connection(quint64 id) const
{
    const int row = m_index.value(id, -1);
    if (row < 0)
        return std::nullopt;
    return m_rows.at(row);
}

void ConnectionsModel::reindexFrom(int row)
{
    for (int i = row; i < m_rows.size(); ++i)
        m_index.insert(m_rows.at(i).id, i);
}

} // namespace notify::console
