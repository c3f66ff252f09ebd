#pragma once

#include <QString>

class QCoreApplication;

namespace notify::console::i18n {

// The stored language choice: "" follows the system locale, else "en", "de" or "fr".
QString languageSetting();
void setLanguageSetting(const QString &code);
// The language to use now: the setting, or the system locale's when it is empty.
QString effectiveLanguage();
// Installs Qt's own and the console's translators for effectiveLanguage(); returns the
// language whose console translation was loaded ("en" when none was needed or found).
QString installTranslators(QCoreApplication *app);
// Switches the running console to the language of the setting (or the system's): every
// window, dialog and table is retranslated at once, no restart. Returns the language loaded.
QString applyLanguage(QCoreApplication *app);
// ":/i18n/notify-console_<code>.qm"
QString translationResource(const QString &code);

} // namespace notify::console::i18n
