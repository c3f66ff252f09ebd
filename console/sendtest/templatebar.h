#pragma once

#include "console/storage/localstore.h"

#include <QWidget>

#include <functional>

class QComboBox;

namespace notify::console {

// The saved templates of the Send-test form: a list with Load, Save as… and Delete, kept in
// the local store. The form says what its current content is (setSource) and fills itself
// from a template (loaded).
class TemplateBar : public QWidget
{
    Q_OBJECT
public:
    explicit TemplateBar(LocalStore *store, QWidget *parent = nullptr);

    // What the form holds now, as a template of that name.
    void setSource(std::function<SendTemplate(const QString &name)> source);

    bool saveAs(const QString &name);
    bool load(const QString &name);
    bool remove(const QString &name);
    QStringList names() const;

signals:
    void loaded(const notify::console::SendTemplate &t);
    // What a save came to, for the form's result line.
    void saved(const QString &text);

private:
    void reload();
    void askNameAndSave();

    LocalStore *m_store;
    QComboBox *m_list;
    std::function<SendTemplate(const QString &)> m_source;
};

} // namespace notify::console
