#include "console/sendtest/templatebar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace notify::console {

TemplateBar::TemplateBar(LocalStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_list(new QComboBox(this))
{
    m_list->setObjectName(QStringLiteral("sendTemplates"));
    m_list->setMinimumContentsLength(16);
    auto *loadButton = new QPushButton(tr("Load"), this);
    loadButton->setObjectName(QStringLiteral("templateLoad"));
    auto *saveButton = new QPushButton(tr("Save as…"), this);
    saveButton->setObjectName(QStringLiteral("templateSave"));
    auto *deleteButton = new QPushButton(tr("Delete"), this);
    deleteButton->setObjectName(QStringLiteral("templateDelete"));
    connect(loadButton, &QPushButton::clicked, this, [this] { load(m_list->currentText()); });
    connect(saveButton, &QPushButton::clicked, this, &TemplateBar::askNameAndSave);
    connect(deleteButton, &QPushButton::clicked, this, [this] { remove(m_list->currentText()); });

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Template:"), this));
    layout->addWidget(m_list, 1);
    layout->addWidget(loadButton);
    layout->addWidget(saveButton);
    layout->addWidget(deleteButton);
    reload();
}

void TemplateBar::setSource(std::function<SendTemplate(const QString &)> source)
{
    m_source = std::move(source);
}

bool TemplateBar::saveAs(const QString &name)
{
    if (!m_store || !m_source || name.trimmed().isEmpty())
        return false;
    const bool ok = m_store->saveTemplate(m_source(name)) > 0;
    reload();
    m_list->setCurrentText(name.trimmed());
    emit saved(ok ? tr("Template “%1” saved.").arg(name.trimmed())
                  : tr("Could not save the template: %1").arg(m_store->lastError()));
    return ok;
}

bool TemplateBar::load(const QString &name)
{
    if (!m_store)
        return false;
    const auto t = m_store->sendTemplate(name);
    if (!t)
        return false;
    emit loaded(*t);
    return true;
}

bool TemplateBar::remove(const QString &name)
{
    if (!m_store || name.isEmpty())
        return false;
    const bool ok = m_store->deleteTemplate(name);
    reload();
    return ok;
}

QStringList TemplateBar::names() const
{
    QStringList out;
    for (int i = 0; i < m_list->count(); ++i)
        out.append(m_list->itemText(i));
    return out;
}

void TemplateBar::reload()
{
    const QString current = m_list->currentText();
    m_list->clear();
    if (m_store) {
        for (const SendTemplate &t : m_store->templates())
            m_list->addItem(t.name);
    }
    const int i = m_list->findText(current);
    if (i >= 0)
        m_list->setCurrentIndex(i);
}

void TemplateBar::askNameAndSave()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save template"), tr("Template name:"),
                                               QLineEdit::Normal, m_list->currentText(), &ok);
    if (ok && !name.trimmed().isEmpty())
        saveAs(name);
}

} // namespace notify::console
