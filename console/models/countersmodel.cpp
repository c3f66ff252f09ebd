#include "console/models/countersmodel.h"

#include "console/models/exportrole.h"

#include <QLocale>

#include <array>

namespace notify::console {

namespace {

struct Row
{
    const char *key;
    quint64 Counters::*member;
};

constexpr std::array<Row, CountersModel::counterCount> rows {{
    {"created", &Counters::created},
    {"sent", &Counters::sent},
    {"acked", &Counters::acked},
    {"read", &Counters::read},
    {"failed", &Counters::failed},
    {"dropped", &Counters::dropped},
    {"authFailures", &Counters::authFailures},
    {"heartbeatTimeouts", &Counters::heartbeatTimeouts},
    {"rateLimited", &Counters::rateLimited},
}};

} // namespace

CountersModel::CountersModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

QString CountersModel::counterKey(int row)
{
    return row >= 0 && row < counterCount ? QString::fromLatin1(rows[static_cast<size_t>(row)].key)
                                          : QString();
}

quint64 CountersModel::value(const Counters &c, int row)
{
    return row >= 0 && row < counterCount ? c.*(rows[static_cast<size_t>(row)].member) : 0;
}

int CountersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : counterCount;
}

int CountersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CountersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    if (role == Qt::TextAlignmentRole && index.column() != Name)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::UserRole)
        return counterKey(row);
    if (role == ExportRole && index.column() == Total)
        return QVariant::fromValue(value(m_totals, row));
    if (role == ExportRole && index.column() == PerSecond)
        return QVariant::fromValue(value(m_perSecond, row));
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name: {
        static const char *const labels[counterCount] = {
            QT_TR_NOOP("Created"),       QT_TR_NOOP("Sent"),
            QT_TR_NOOP("Acknowledged"),  QT_TR_NOOP("Read"),
            QT_TR_NOOP("Failed"),        QT_TR_NOOP("Dropped"),
            QT_TR_NOOP("Auth failures"), QT_TR_NOOP("Heartbeat timeouts"),
            QT_TR_NOOP("Rate limited"),
        };
        return tr(labels[row]);
    }
    case Total:
        return QLocale().toString(value(m_totals, row));
    case PerSecond:
        return QLocale().toString(value(m_perSecond, row));
    default:
        return {};
    }
}

QVariant CountersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Counter");
    case Total:
        return tr("Total");
    case PerSecond:
        return tr("Per second");
    default:
        return {};
    }
}

void CountersModel::setTotals(const Counters &totals)
{
    setCounters(totals, m_perSecond);
}

void CountersModel::setCounters(const Counters &totals, const Counters &perSecond)
{
    m_totals = totals;
    m_perSecond = perSecond;
    emit dataChanged(index(0, Total), index(counterCount - 1, PerSecond), {Qt::DisplayRole});
}

void CountersModel::clear()
{
    setCounters({}, {});
}

} // namespace notify::console
