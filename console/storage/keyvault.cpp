#include "console/storage/keyvault.h"

#include "console/storage/localstore.h"

#include <QGuiApplication>
#include <QPointer>

#ifdef NOTIFY_HAVE_KEYCHAIN
#include <qt6keychain/keychain.h>
#endif

namespace notify::console {

namespace {
#ifdef NOTIFY_HAVE_KEYCHAIN
const QString service = QStringLiteral("notify-console");

bool keyringMissing(QKeychain::Error e)
{
    return e == QKeychain::NoBackendAvailable || e == QKeychain::NotImplemented
        || e == QKeychain::OtherError;
}
#endif
} // namespace

KeyVault::KeyVault(QObject *parent)
    : QObject(parent)
{
#ifndef NOTIFY_HAVE_KEYCHAIN
    m_reason = tr("this build has no keyring support (QtKeychain)");
#else
    const QString platform = QGuiApplication::platformName();
    // NOTIFY_CONSOLE_KEYRING=1 uses the keyring even without a desktop: a session bus with
    // a Secret Service but no display (the keyring test, a remote session).
    const bool forced = qEnvironmentVariableIntValue("NOTIFY_CONSOLE_KEYRING") == 1;
    if (qEnvironmentVariableIsSet("NOTIFY_CONSOLE_NO_KEYRING"))
        m_reason = tr("NOTIFY_CONSOLE_NO_KEYRING is set");
    else if (!forced
             && (platform == QLatin1String("offscreen") || platform == QLatin1String("minimal")))
        m_reason = tr("no desktop session (platform %1)").arg(platform);
#if defined(Q_OS_LINUX) || defined(Q_OS_FREEBSD)
    // The Secret Service and KWallet are reached over the session bus; without one a keyring
    // call can only fail (or wait for a D-Bus timeout).
    else if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        m_reason = tr("no D-Bus session bus, so no Secret Service");
#endif
    m_usesKeyring = m_reason.isEmpty();
#endif
}

QString KeyVault::statusText() const
{
    return m_usesKeyring
        ? tr("Admin keys are kept in the desktop keyring.")
        : tr("No desktop keyring (%1): admin keys are kept in console.db in plain text.")
              .arg(m_reason);
}

void KeyVault::fallBack(const QString &reason)
{
    if (!m_usesKeyring)
        return;
    m_usesKeyring = false;
    m_reason = reason;
    emit logMessage(statusText());
}

void KeyVault::read(const QString &profile, QObject *context, ReadDone done)
{
#ifdef NOTIFY_HAVE_KEYCHAIN
    if (m_usesKeyring) {
        auto *job = new QKeychain::ReadPasswordJob(service, this);
        job->setKey(profile);
        job->setAutoDelete(true);
        QPointer<QObject> guard(context);
        connect(job, &QKeychain::Job::finished, this, [this, job, guard, done](QKeychain::Job *) {
            if (keyringMissing(job->error()))
                fallBack(job->errorString());
            if (guard)
                done(job->error() == QKeychain::NoError, job->textData(), job->errorString());
        });
        job->start();
        return;
    }
#else
    Q_UNUSED(profile);
#endif
    Q_UNUSED(context);
    done(false, QString(), m_reason);
}

void KeyVault::write(const QString &profile, const QString &key, QObject *context, WriteDone done)
{
#ifdef NOTIFY_HAVE_KEYCHAIN
    if (m_usesKeyring) {
        auto *job = new QKeychain::WritePasswordJob(service, this);
        job->setKey(profile);
        job->setTextData(key);
        job->setAutoDelete(true);
        QPointer<QObject> guard(context);
        connect(job, &QKeychain::Job::finished, this, [this, job, guard, done](QKeychain::Job *) {
            if (keyringMissing(job->error()))
                fallBack(job->errorString());
            if (guard)
                done(job->error() == QKeychain::NoError, job->errorString());
        });
        job->start();
        return;
    }
#else
    Q_UNUSED(profile);
    Q_UNUSED(key);
#endif
    Q_UNUSED(context);
    done(false, m_reason);
}

void KeyVault::remove(const QString &profile)
{
#ifdef NOTIFY_HAVE_KEYCHAIN
    if (!m_usesKeyring)
        return;
    auto *job = new QKeychain::DeletePasswordJob(service, this);
    job->setKey(profile);
    job->setAutoDelete(true);
    job->start();
#else
    Q_UNUSED(profile);
#endif
}

void KeyVault::migrate(LocalStore *store)
{
    if (!store || !m_usesKeyring)
        return;
    for (const ServerProfile &p : store->profiles()) {
        if (p.adminKey.isEmpty())
            continue;
        write(p.name, p.adminKey, this, [this, store, p](bool ok, const QString &error) {
            if (!ok) {
                emit logMessage(
                    tr("The admin key of profile “%1” stays in console.db: %2").arg(p.name, error));
                return;
            }
            ServerProfile cleared = p;
            cleared.adminKey.clear();
            store->saveProfile(cleared);
            emit logMessage(tr("Moved the admin key of profile “%1” into the keyring").arg(p.name));
        });
    }
}

} // namespace notify::console
