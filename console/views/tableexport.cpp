#include "console/views/tableexport.h"

#include "console/models/exportrole.h"

#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QFileDialog>
#include <QItemSelectionModel>
#include <QMainWindow>
#include <QMessageBox>
#include <QSaveFile>
#include <QStatusBar>

#include <algorithm>

namespace notify::console {

namespace {

QString csvField(QString text)
{
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"'))
        || text.contains(QLatin1Char('\n')) || text.contains(QLatin1Char('\r'))) {
        text.replace(QStringLiteral("\""), QStringLiteral("\"\""));
        return QLatin1Char('"') + text + QLatin1Char('"');
    }
    return text;
}

QStringList headerTexts(const QAbstractItemModel *model, bool forExport = false)
{
    QStringList out;
    for (int c = 0; c < model->columnCount(); ++c) {
        const QVariant v
            = forExport ? model->headerData(c, Qt::Horizontal, ExportRole) : QVariant();
        out.append(v.isValid() ? v.toString() : model->headerData(c, Qt::Horizontal).toString());
    }
    return out;
}

// A spreadsheet reads "1234" and "2026-12-07T17:20:01.123+01:00" as a number and a time;
// "1,234", "12 ms" or "17:20:01" it reads as text, or as a time of an unknown day and zone.
QString exportText(const QModelIndex &index)
{
    const QVariant v = index.data(ExportRole);
    if (!v.isValid())
        return index.data().toString();
    if (v.metaType().id() == QMetaType::QDateTime) {
        const QDateTime t = v.toDateTime();
        if (!t.isValid())
            return {};
        const QDateTime local = t.toLocalTime();
        return local.toOffsetFromUtc(local.offsetFromUtc()).toString(Qt::ISODateWithMs);
    }
    if (v.metaType().id() == QMetaType::Double || v.metaType().id() == QMetaType::Float)
        return QString::number(v.toDouble(), 'g', 12);
    return v.toString();
}

QStringList rowTexts(const QAbstractItemModel *model, int row, const QModelIndex &parent,
                     bool forExport = false)
{
    QStringList out;
    for (int c = 0; c < model->columnCount(parent); ++c) {
        const QModelIndex index = model->index(row, c, parent);
        out.append(forExport ? exportText(index) : index.data().toString());
    }
    return out;
}

void appendRows(const QAbstractItemModel *model, const QModelIndex &parent, QStringList &lines)
{
    for (int r = 0; r < model->rowCount(parent); ++r) {
        QStringList fields = rowTexts(model, r, parent, true);
        std::transform(fields.begin(), fields.end(), fields.begin(), csvField);
        lines.append(fields.join(QLatin1Char(',')));
        const QModelIndex child = model->index(r, 0, parent);
        if (model->hasChildren(child))
            appendRows(model, child, lines);
    }
}

} // namespace

QString modelToCsv(const QAbstractItemModel *model)
{
    QStringList header = headerTexts(model, true);
    std::transform(header.begin(), header.end(), header.begin(), csvField);
    QStringList lines {header.join(QLatin1Char(','))};
    appendRows(model, {}, lines);
    return lines.join(QStringLiteral("\r\n")) + QStringLiteral("\r\n");
}

QString selectionToText(const QAbstractItemView *view)
{
    const QAbstractItemModel *model = view->model();
    if (!model || !view->selectionModel())
        return {};
    QModelIndexList rows = view->selectionModel()->selectedRows();
    if (rows.isEmpty() && view->currentIndex().isValid())
        rows.append(view->currentIndex().siblingAtColumn(0));
    if (rows.isEmpty())
        return {};
    std::sort(rows.begin(), rows.end());
    QStringList lines {headerTexts(model).join(QLatin1Char('\t'))};
    for (const QModelIndex &row : rows)
        lines.append(rowTexts(model, row.row(), row.parent()).join(QLatin1Char('\t')));
    return lines.join(QLatin1Char('\n'));
}

bool writeCsv(QAbstractItemView *view, const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(modelToCsv(view->model()).toUtf8()) < 0
        || !file.commit()) {
        QMessageBox::warning(view, QObject::tr("Export CSV"),
                             QObject::tr("Could not write %1: %2").arg(path, file.errorString()));
        return false;
    }
    // Say where it went: the file dialog may have been left in a folder one does not expect.
    if (auto *window = qobject_cast<QMainWindow *>(view->window()))
        window->statusBar()->showMessage(
            QObject::tr("Exported %n row(s) to %1", nullptr, view->model()->rowCount()).arg(path),
            15000);
    return true;
}

QList<QAction *> installCopyExport(QAbstractItemView *view, const QString &exportBaseName)
{
    auto *copy = new QAction(QObject::tr("&Copy"), view);
    copy->setObjectName(view->objectName() + QStringLiteral("Copy"));
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    QObject::connect(copy, &QAction::triggered, view, [view] {
        const QString text = selectionToText(view);
        if (!text.isEmpty())
            QApplication::clipboard()->setText(text);
    });
    auto *exportCsv = new QAction(QObject::tr("E&xport CSV…"), view);
    exportCsv->setObjectName(view->objectName() + QStringLiteral("ExportCsv"));
    QObject::connect(exportCsv, &QAction::triggered, view, [view, exportBaseName] {
        const QString path = QFileDialog::getSaveFileName(view, QObject::tr("Export CSV"),
                                                          exportBaseName + QStringLiteral(".csv"),
                                                          QObject::tr("CSV files (*.csv)"));
        if (path.isEmpty())
            return;
        writeCsv(view, path);
    });
    view->addAction(copy);
    view->addAction(exportCsv);
    return {copy, exportCsv};
}

} // namespace notify::console
