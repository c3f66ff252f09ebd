#include "console/views/jsontable.h"

#include "console/models/exportrole.h"
#include "console/views/tableexport.h"
#include "shared/codec/timestamp.h"

#include <QHeaderView>
#include <QJsonObject>
#include <QLocale>
#include <QStandardItemModel>
#include <QTableView>

namespace notify::console {

void fillJsonTable(QStandardItemModel *model, const QJsonArray &rows,
                   const QList<JsonColumn> &columns)
{
    model->clear();
    model->setColumnCount(int(columns.size()));
    for (int c = 0; c < columns.size(); ++c)
        model->setHeaderData(c, Qt::Horizontal, columns.at(c).header);
    for (const QJsonValue &row : rows) {
        const QJsonObject object = row.toObject();
        QList<QStandardItem *> items;
        for (const JsonColumn &column : columns) {
            const QJsonValue v = object.value(column.field);
            QString text = v.isArray() ? v.toVariant().toStringList().join(QStringLiteral(", "))
                                       : v.toVariant().toString();
            auto *item = new QStandardItem;
            item->setEditable(false);
            item->setData(text, ExportRole);
            if (column.time && !text.isEmpty()) {
                if (const auto at = parseTimestamp(text)) {
                    // Exported as the console's other times are: ISO 8601 with the offset.
                    item->setData(*at, ExportRole);
                    text = QLocale().toString(at->toLocalTime(),
                                              QStringLiteral("yyyy-MM-dd HH:mm:ss"));
                }
            }
            item->setText(text);
            items.append(item);
        }
        model->appendRow(items);
    }
}

QTableView *makeJsonTable(const QString &objectName, QStandardItemModel *model,
                          const QString &exportBaseName, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setObjectName(objectName);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->setContextMenuPolicy(Qt::ActionsContextMenu);
    installCopyExport(table, exportBaseName);
    return table;
}

} // namespace notify::console
