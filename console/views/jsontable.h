#pragma once

#include <QJsonArray>
#include <QList>
#include <QString>

class QStandardItemModel;
class QTableView;
class QWidget;

namespace notify::console {

// One column of a table filled from the admin channel's JSON objects.
struct JsonColumn
{
    QString field; // the object's field
    QString header; // translated by the caller
    bool time = false; // an ISO 8601 time: shown local, exported with its offset
};

// Replaces the model's rows with one per object of rows (docs/operations.md, the console's
// support and admin views). Exported (ExportRole) as the server sent each value, times as
// QDateTime.
void fillJsonTable(QStandardItemModel *model, const QJsonArray &rows,
                   const QList<JsonColumn> &columns);
// A read-only table of whole rows with copy and CSV export, as the console's other tables.
QTableView *makeJsonTable(const QString &objectName, QStandardItemModel *model,
                          const QString &exportBaseName, QWidget *parent);

} // namespace notify::console
