#pragma once

#include <QDialog>

class QComboBox;

namespace notify::console {

// Preferences: the interface language (System, English, Deutsch, Français), stored in
// QSettings and applied at the next start.
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

private:
    QComboBox *m_language;
};

} // namespace notify::console
