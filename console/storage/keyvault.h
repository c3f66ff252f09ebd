#pragma once

#include <QObject>
#include <QString>

#include <functional>

namespace notify::console {

class LocalStore;

// Where the profiles' admin keys are kept: the desktop keyring (QtKeychain: Secret Service,
// KWallet, macOS Keychain, Windows Credential Store) when there is one, else console.db as
// before, and the console says so. Every call is asynchronous: a keyring may ask the user.
class KeyVault : public QObject
{
    Q_OBJECT
public:
    using ReadDone = std::function<void(bool ok, const QString &key, const QString &error)>;
    using WriteDone = std::function<void(bool ok, const QString &error)>;

    explicit KeyVault(QObject *parent = nullptr);

    // Whether keys go to the keyring now. False where there is none (no QtKeychain in the
    // build, the offscreen/minimal platform of tests and CI, no D-Bus session bus, or
    // NOTIFY_CONSOLE_NO_KEYRING set), or after the keyring failed once in this session.
    bool usesKeyring() const { return m_usesKeyring; }
    // Why the keyring is not used (empty when it is), for the connect dialog and the log.
    QString fallbackReason() const { return m_reason; }
    // One line for the UI: where keys are kept.
    QString statusText() const;

    void read(const QString &profile, QObject *context, ReadDone done);
    void write(const QString &profile, const QString &key, QObject *context, WriteDone done);
    void remove(const QString &profile);

    // Moves plain-text keys of console.db's profiles into the keyring (each one cleared in
    // the file only once the keyring has it). Does nothing without a keyring.
    void migrate(LocalStore *store);

signals:
    // What happened, for the console's log; never a key.
    void logMessage(const QString &line);

private:
    void fallBack(const QString &reason);

    bool m_usesKeyring = false;
    QString m_reason;
};

} // namespace notify::console
