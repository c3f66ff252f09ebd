#pragma once

#include <QPlainTextEdit>

namespace notify::console {

// The Log tab: what happened on the admin channel, newest at the bottom, bounded.
class LogView : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit LogView(QWidget *parent = nullptr);
    void appendLine(const QString &line);
};

} // namespace notify::console
