#include "console/app/i18n.h"

#include <QCoreApplication>
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

QString installTranslators(QCoreApplication *app)
{
    const QString code = effectiveLanguage();
    QLocale::setDefault(QLocale(code));
    if (code == QLatin1String("en"))
        return code;
    // Qt's own strings (standard buttons, context menus of line edits).
    auto *qt = new QTranslator(app);
    if (qt->load(QLocale(code), QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        app->installTranslator(qt);
    else
        delete qt;
    auto *own = new QTranslator(app);
    if (own->load(translationResource(code))) {
        app->installTranslator(own);
        return code;
    }
    delete own;
    return QStringLiteral("en");
}

} // namespace notify::console::i18n
