#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace notify::console {

// A saved server: where the admin channel is and the key it wants.
struct ServerProfile
{
    qint64 id = 0;
    QString name;
    QString url;
    QString adminKey;
    QDateTime lastUsedAt;
};

// The send-test form's fields, saved under a name.
struct SendTemplate
{
    qint64 id = 0;
    QString name;
    QString orgId;
    QString userId;
    QString room; // used instead of userId when not empty
    QString type;
    QString title;
    QString body;
    QString priority; // wire name
    QString actionUrl;
    QString metadata; // JSON text as typed
};

// One send_test the operator made, and what came of it.
struct HistoryEntry
{
    qint64 id = 0;
    QDateTime sentAt;
    QString orgId;
    QString target; // "user:<id>" or "room:<name>"
    QString type;
    QString title;
    QString priority;
    int deliveredConnections = -1; // -1: failed, see error
    QStringList notificationIds;
    QString error;
};

// The console's own SQLite file (QStandardPaths::AppDataLocation/console.db): profiles,
// templates and history, behind versioned migrations recorded in PRAGMA user_version.
// The file is small and local, so its statements run on the GUI thread.
class LocalStore
{
public:
    static constexpr int schemaVersion = 2;

    LocalStore() = default;
    ~LocalStore();
    LocalStore(const LocalStore &) = delete;
    LocalStore &operator=(const LocalStore &) = delete;

    static QString defaultPath();
    // Opens (creating the folder and file) and migrates; false with lastError() on failure.
    bool open(const QString &path = defaultPath());
    bool isOpen() const { return m_open; }
    QString lastError() const { return m_lastError; }
    int version() const;

    QList<ServerProfile> profiles() const;
    std::optional<ServerProfile> profile(const QString &name) const;
    // Inserts or, when a profile of that name exists, replaces it. Returns its id or 0.
    qint64 saveProfile(const ServerProfile &profile);
    bool deleteProfile(const QString &name);
    bool touchProfile(const QString &name);

    QList<SendTemplate> templates() const;
    std::optional<SendTemplate> sendTemplate(const QString &name) const;
    qint64 saveTemplate(const SendTemplate &t);
    bool deleteTemplate(const QString &name);

    QList<HistoryEntry> history(int limit = 500) const;
    qint64 addHistory(const HistoryEntry &entry);
    bool clearHistory();

private:
    bool migrate();
    bool exec(const QString &sql);

    QString m_connectionName;
    bool m_open = false;
    mutable QString m_lastError;
};

} // namespace notify::console
