#pragma once

#include <QHash>
#include <QMutex>
#include <QString>
#include <QTranslator>

#include <memory>
#include <vector>

namespace notify::console::i18n {

// The console's one installed translator: it asks the current language's catalogues (the
// console's own and Qt's) and remembers, for every text it handed out, which source string
// it came from. That is what lets the language change while the console runs: every text
// on screen that is a catalogue entry is looked up again in the new language
// (retranslateWidgets), without each view keeping a list of the texts it set. Texts built
// with arguments ("Connected to %1") are not entries; their owners rebuild them on
// QEvent::LanguageChange (MainWindow::changeEvent and the views it refreshes).
class Retranslator : public QTranslator
{
public:
    struct Source
    {
        QByteArray context;
        QByteArray text;
        QByteArray disambiguation;
    };

    // Replaces the catalogues consulted; takes ownership.
    void setCatalogues(std::vector<std::unique_ptr<QTranslator>> catalogues);

    QString translate(const char *context, const char *sourceText, const char *disambiguation,
                      int n) const override;
    bool isEmpty() const override { return false; }

    // Where a text on screen came from, if it is one this translator handed out (or a source
    // string asked for while no catalogue had it, as in English).
    bool sourceOf(const QString &shown, Source *out) const;

private:
    std::vector<std::unique_ptr<QTranslator>> m_catalogues;
    mutable QMutex m_mutex;
    // Bounded by the catalogue: one entry per distinct source string and language shown.
    mutable QHash<QString, Source> m_reverse;
};

// Looks every text property of every widget and action of the application up again (label
// and button texts, titles, placeholders, tool tips, combo box items, tab titles).
void retranslateWidgets(const Retranslator &translator);

} // namespace notify::console::i18n
