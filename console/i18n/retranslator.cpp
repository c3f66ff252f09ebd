#include "console/i18n/retranslator.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSet>
#include <QTabWidget>
#include <QTextEdit>

namespace notify::console::i18n {

void Retranslator::setCatalogues(std::vector<std::unique_ptr<QTranslator>> catalogues)
{
    QMutexLocker lock(&m_mutex);
    m_catalogues = std::move(catalogues);
}

QString Retranslator::translate(const char *context, const char *sourceText,
                                const char *disambiguation, int n) const
{
    if (!sourceText)
        return {};
    QMutexLocker lock(&m_mutex);
    QString result;
    for (const auto &catalogue : m_catalogues) {
        result = catalogue->translate(context, sourceText, disambiguation, n);
        if (!result.isNull())
            break;
    }
    // Plural forms come back with %n filled in by the caller: never found on screen as is.
    if (n < 0) {
        const QString shown = result.isNull() ? QString::fromUtf8(sourceText) : result;
        if (!m_reverse.contains(shown))
            m_reverse.insert(
                shown,
                Source {QByteArray(context), QByteArray(sourceText), QByteArray(disambiguation)});
    }
    return result;
}

bool Retranslator::sourceOf(const QString &shown, Source *out) const
{
    if (shown.isEmpty())
        return false;
    QMutexLocker lock(&m_mutex);
    const auto it = m_reverse.constFind(shown);
    if (it == m_reverse.constEnd())
        return false;
    *out = it.value();
    return true;
}

namespace {

// The text in the current language, or nothing when `shown` is no catalogue text.
bool again(const Retranslator &t, const QString &shown, QString *out)
{
    Retranslator::Source s;
    if (!t.sourceOf(shown, &s))
        return false;
    *out = QCoreApplication::translate(s.context.constData(), s.text.constData(),
                                       s.disambiguation.isEmpty() ? nullptr
                                                                  : s.disambiguation.constData());
    return *out != shown;
}

void retranslateAction(const Retranslator &t, QAction *a)
{
    QString text;
    // An action's tool tip follows its text unless one was set: only a set one is a
    // catalogue text of its own.
    if (again(t, a->toolTip(), &text))
        a->setToolTip(text);
    if (again(t, a->text(), &text))
        a->setText(text);
    if (again(t, a->statusTip(), &text))
        a->setStatusTip(text);
}

void retranslateWidget(const Retranslator &t, QWidget *w)
{
    QString text;
    if (again(t, w->toolTip(), &text))
        w->setToolTip(text);
    if (again(t, w->statusTip(), &text))
        w->setStatusTip(text);
    if (w->isWindow() && again(t, w->windowTitle(), &text))
        w->setWindowTitle(text);
    if (auto *label = qobject_cast<QLabel *>(w)) {
        if (again(t, label->text(), &text))
            label->setText(text);
    } else if (auto *button = qobject_cast<QAbstractButton *>(w)) {
        if (again(t, button->text(), &text))
            button->setText(text);
    } else if (auto *group = qobject_cast<QGroupBox *>(w)) {
        if (again(t, group->title(), &text))
            group->setTitle(text);
    } else if (auto *line = qobject_cast<QLineEdit *>(w)) {
        if (again(t, line->placeholderText(), &text))
            line->setPlaceholderText(text);
    } else if (auto *plain = qobject_cast<QPlainTextEdit *>(w)) {
        if (again(t, plain->placeholderText(), &text))
            plain->setPlaceholderText(text);
    } else if (auto *rich = qobject_cast<QTextEdit *>(w)) {
        if (again(t, rich->placeholderText(), &text))
            rich->setPlaceholderText(text);
    } else if (auto *combo = qobject_cast<QComboBox *>(w)) {
        for (int i = 0; i < combo->count(); ++i) {
            if (again(t, combo->itemText(i), &text))
                combo->setItemText(i, text);
        }
        if (again(t, combo->placeholderText(), &text))
            combo->setPlaceholderText(text);
    } else if (auto *tabs = qobject_cast<QTabWidget *>(w)) {
        for (int i = 0; i < tabs->count(); ++i) {
            if (again(t, tabs->tabText(i), &text))
                tabs->setTabText(i, text);
            if (again(t, tabs->tabToolTip(i), &text))
                tabs->setTabToolTip(i, text);
        }
    } else if (auto *menu = qobject_cast<QMenu *>(w)) {
        if (again(t, menu->title(), &text))
            menu->setTitle(text);
    }
}

} // namespace

void retranslateWidgets(const Retranslator &t)
{
    QSet<QAction *> actions;
    const QWidgetList widgets = QApplication::allWidgets();
    for (QWidget *w : widgets) {
        retranslateWidget(t, w);
        for (QAction *a : w->actions())
            actions.insert(a);
        for (QAction *a : w->findChildren<QAction *>(Qt::FindDirectChildrenOnly))
            actions.insert(a);
    }
    for (QAction *a : std::as_const(actions))
        retranslateAction(t, a);
}

} // namespace notify::console::i18n
