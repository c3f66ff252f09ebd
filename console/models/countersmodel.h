#pragma once

#include "shared/model/counters.h"

#include <QAbstractTableModel>

namespace notify::console {

// The node's delivery counters: one row per counter with its total and its last
// per-second rate, from the snapshot and the once-a-second counters message.
class CountersModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Total, PerSecond, ColumnCount };
    static constexpr int counterCount = 9;

    explicit CountersModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void setTotals(const notify::Counters &totals);
    void setCounters(const notify::Counters &totals, const notify::Counters &perSecond);
    void clear();

    const notify::Counters &totals() const { return m_totals; }
    const notify::Counters &perSecond() const { return m_perSecond; }

    // The wire name of a row's counter ("created", "sent", ...).
    static QString counterKey(int row);
    static quint64 value(const notify::Counters &c, int row);

private:
    notify::Counters m_totals;
    notify::Counters m_perSecond;
};

} // namespace notify::console
