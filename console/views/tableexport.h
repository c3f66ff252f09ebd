#pragma once

#include <QList>
#include <QString>

class QAbstractItemModel;
class QAbstractItemView;
class QAction;
class QModelIndex;

namespace notify::console {

// Copy and CSV export for every table and tree of the console.

// The rows (with their children in a tree) as CSV: a header line, then one line per row;
// fields with a comma, quote or line break are quoted (RFC 4180).
QString modelToCsv(const QAbstractItemModel *model);
// The selected rows of the view as tab-separated text with a header line, for pasting into
// a spreadsheet or a ticket.
QString selectionToText(const QAbstractItemView *view);

// Writes modelToCsv of the view's model to path; says where in the main window's status bar,
// or why not in a message box.
bool writeCsv(QAbstractItemView *view, const QString &path);

// Adds "Copy" (Ctrl+C) and "Export CSV…" to the view (as its actions, for its context menu)
// and returns them.
QList<QAction *> installCopyExport(QAbstractItemView *view, const QString &exportBaseName);

} // namespace notify::console
