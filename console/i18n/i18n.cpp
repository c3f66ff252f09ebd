#include "console/i18n/i18n.h"

#include "console/i18n/retranslator.h"

#include <QCoreApplication>
#include <QEvent>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

namespace notify::console::i18n {

namespace {
const QString languageKey = QStringLiteral("ui/language");
const QStringList supported = {QStringLiteral("en"), QStringLiteral("de"), QStringLiteral("fr")};
} // namespace

QString languageSetting()
{
    const QString code = QSettings().value(languageKey).toString();
    return supported.contains(code) ? code : QString();
}

void setLanguageSetting(const QString &code)
{
    QSettings settings;
    if (supported.contains(code))
        settings.setValue(languageKey, code);
    else
        settings.remove(languageKey);
}

QString effectiveLanguage()
{
    const QString chosen = languageSetting();
    if (!chosen.isEmpty())
        return chosen;
    for (const QString &ui : QLocale::system().uiLanguages()) {
        const QString code = ui.left(2).toLower();
        if (supported.contains(code))
            return code;
    }
    return QStringLiteral("en");
}

QString translationResource(const QString &code)
{
    return QStringLiteral(":/i18n/notify-console_%1.qm").arg(code);
}

namespace {

// One per application, installed once; only its catalogues change with the language.
Retranslator *retranslatorOf(QCoreApplication *app)
{
    auto *t = app->findChild<Retranslator *>(QString(), Qt::FindDirectChildrenOnly);
    if (!t) {
        t = new Retranslator;
        t->setParent(app);
        app->installTranslator(t);
    }
    return t;
}

// Loads the catalogues of code into t; returns the language whose console catalogue loaded.
QString loadCatalogues(Retranslator *t, const QString &code)
{
    QLocale::setDefault(QLocale(code));
    std::vector<std::unique_ptr<QTranslator>> catalogues;
    QString loaded = QStringLiteral("en");
    if (code != QLatin1String("en")) {
        auto own = std::make_unique<QTranslator>();
        if (own->load(translationResource(code))) {
            catalogues.push_back(std::move(own));
            loaded = code;
        }
        // Qt's own strings (standard buttons, context menus of line edits).
        auto qt = std::make_unique<QTranslator>();
        if (qt->load(QLocale(code), QStringLiteral("qtbase"), QStringLiteral("_"),
                     QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
            catalogues.push_back(std::move(qt));
    }
    t->setCatalogues(std::move(catalogues));
    return loaded;
}

} // namespace

QString installTranslators(QCoreApplication *app)
{
    return loadCatalogues(retranslatorOf(app), effectiveLanguage());
}

QString applyLanguage(QCoreApplication *app)
{
    Retranslator *t = retranslatorOf(app);
    const QString loaded = loadCatalogues(t, effectiveLanguage());
    retranslateWidgets(*t);
    // The texts built with arguments and the tables' headers: their owners rebuild them on
    // LanguageChange (QApplication hands it to every widget).
    QEvent change(QEvent::LanguageChange);
    QCoreApplication::sendEvent(app, &change);
    return loaded;
}

} // namespace notify::console::i18n
