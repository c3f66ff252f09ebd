#pragma once

#include "console/storage/localstore.h"

#include <QAbstractTableModel>
#include <QList>

namespace notify::console {

// The send-test history, newest first, as LocalStore keeps it.
class HistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Org, Target, Title, Delivered, Ids, ColumnCount };

    explicit HistoryModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void setEntries(const QList<HistoryEntry> &entries);
    void prepend(const HistoryEntry &entry);
    void clear();
    const HistoryEntry &at(int row) const { return m_rows.at(row); }

private:
    QList<HistoryEntry> m_rows;
};

} // namespace notify::console
