#include "server/config/config.h"

#include "server/config/settings_p.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSaveFile>

#include <array>

namespace notify {

namespace {

const auto kPermissions = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

// Qt mirrors the owner bits into "User" bits for the current user; only the mode counts.
QFileDevice::Permissions modeBits(QFileDevice::Permissions permissions)
{
    return permissions & ~(QFileDevice::ReadUser | QFileDevice::WriteUser | QFileDevice::ExeUser);
}

QByteArray randomBytes()
{
    std::array<quint32, 8> words; // 32 bytes
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    return QByteArray(reinterpret_cast<const char *>(words.data()), sizeof(words));
}

ConfigError devError(const QString &message)
{
    return ConfigError {QStringLiteral("--dev"), message};
}

struct DevSecrets
{
    QString jwtSecret;
    QString apiKey;
    QString adminKey;
};

} // namespace

QString devSecretsPath(const ServerConfig &config)
{
    return QDir(config.dataDir).filePath(QStringLiteral("dev-secrets.ini"));
}

Result<bool, ConfigError> ensureDevSecrets(ServerConfig &config)
{
    if (!config.jwtSecret.isEmpty() && !config.apiKeys.isEmpty() && !config.adminKey.isEmpty())
        return false;

    const QString path = devSecretsPath(config);
    DevSecrets stored;
    if (QFileInfo::exists(path)) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return devError(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        auto entries = detail::parseIni(file.readAll());
        if (!entries)
            return devError(QStringLiteral("%1: %2").arg(path, entries.error()));
        for (const detail::IniEntry &entry : *entries) {
            if (entry.key == QLatin1String("jwt-secret"))
                stored.jwtSecret = entry.value;
            else if (entry.key == QLatin1String("api-key"))
                stored.apiKey = entry.value;
            else if (entry.key == QLatin1String("admin-key"))
                stored.adminKey = entry.value;
        }
        if (stored.jwtSecret.toUtf8().size() < 32)
            stored.jwtSecret.clear(); // a hand-edited short secret is replaced, not trusted
        // Secrets must stay private even if someone loosened the mode by hand.
        if (modeBits(file.permissions()) != kPermissions)
            file.setPermissions(kPermissions);
    }

    bool write = false;
    auto fill = [&write](QString &value, bool base64) {
        if (!value.isEmpty())
            return;
        const QByteArray bytes = randomBytes();
        value = QString::fromLatin1(
            base64 ? bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
                   : bytes.toHex());
        write = true;
    };
    fill(stored.jwtSecret, true);
    fill(stored.apiKey, false);
    fill(stored.adminKey, false);

    if (write) {
        if (!QDir().mkpath(config.dataDir))
            return devError(
                QStringLiteral("cannot create data directory '%1'").arg(config.dataDir));
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            return devError(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
        // Restrict the temporary file before any secret is in it; the rename keeps the mode.
        file.setPermissions(kPermissions);
        const QString text
            = QStringLiteral("# notifyd development secrets, generated; never use in production.\n"
                             "jwt-secret = %1\n"
                             "api-key = %2\n"
                             "admin-key = %3\n")
                  .arg(stored.jwtSecret, stored.apiKey, stored.adminKey);
        file.write(text.toUtf8());
        if (!file.commit())
            return devError(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    }

    if (config.jwtSecret.isEmpty())
        config.jwtSecret = stored.jwtSecret.toUtf8();
    if (config.apiKeys.isEmpty())
        config.apiKeys = QStringList {stored.apiKey};
    if (config.adminKey.isEmpty())
        config.adminKey = stored.adminKey;
    return write;
}

} // namespace notify
