#pragma once

#include <QDialog>

class QComboBox;

namespace notify::console {

// Preferences: the interface language (System, English, Deutsch, Français), stored in
// QSettings and applied at once (the main window switches every open window over).
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget *parent = nullptr);

    // "" (system), "en", "de" or "fr".
    QString language() const;
    void setLanguage(const QString &code);
    // Writes the choice; true when it differs from what was stored.
    bool apply();
    // Whether the last apply() changed the language.
    bool languageChanged() const { return m_changed; }

private:
    QComboBox *m_language;
    bool m_changed = false;
};

} // namespace notify::console
