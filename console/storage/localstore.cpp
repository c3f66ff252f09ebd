#include "console/storage/localstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUuid>
#include <QVariant>

namespace notify::console {

namespace {

// Each step moves the schema from version i to i+1; never edit a released step, add one.
const char *const migrations[] = {
    // 1: the three tables.
    "CREATE TABLE profiles (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " url TEXT NOT NULL, admin_key TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE templates (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " org_id TEXT NOT NULL DEFAULT '', user_id TEXT NOT NULL DEFAULT '',"
    " room TEXT NOT NULL DEFAULT '', type TEXT NOT NULL DEFAULT '',"
    " title TEXT NOT NULL DEFAULT '', body TEXT NOT NULL DEFAULT '',"
    " priority TEXT NOT NULL DEFAULT 'normal', action_url TEXT NOT NULL DEFAULT '',"
    " metadata TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE history (id INTEGER PRIMARY KEY, sent_at TEXT NOT NULL,"
    " org_id TEXT NOT NULL, target TEXT NOT NULL, type TEXT NOT NULL DEFAULT '',"
    " title TEXT NOT NULL, priority TEXT NOT NULL DEFAULT 'normal',"
    " delivered INTEGER NOT NULL, notification_ids TEXT NOT NULL DEFAULT '',"
    " error TEXT NOT NULL DEFAULT '')",
    // 2: most recently used profile first in the connect dialog.
    "ALTER TABLE profiles ADD COLUMN last_used_at TEXT;"
    "CREATE INDEX history_sent_at ON history (sent_at)",
};
static_assert(std::size(migrations) == LocalStore::schemaVersion);

// Binds a null QString as '' rather than NULL: the columns are NOT NULL.
QString text(const QString &v)
{
    return v.isNull() ? QStringLiteral("") : v;
}

QString isoUtc(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QDateTime fromIso(const QVariant &v)
{
    if (v.isNull())
        return {};
    QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    t.setTimeSpec(Qt::UTC);
    return t;
}

} // namespace

LocalStore::~LocalStore()
{
    if (!m_connectionName.isEmpty()) {
        {
            QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
            if (db.isOpen())
                db.close();
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

QString LocalStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/console.db");
}

bool LocalStore::open(const QString &path)
{
    if (m_open)
        return true;
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath())) {
        m_lastError = QStringLiteral("cannot create folder %1").arg(info.absolutePath());
        return false;
    }
    m_connectionName = QStringLiteral("notify-console-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    db.setDatabaseName(path);
    if (!db.open()) {
        m_lastError = db.lastError().text();
        return false;
    }
    // Profiles hold admin keys: keep the file to its owner.
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    m_open = true;
    exec(QStringLiteral("PRAGMA foreign_keys = ON"));
    if (!migrate()) {
        m_open = false;
        db.close();
        return false;
    }
    return true;
}

bool LocalStore::exec(const QString &sql)
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName));
    if (!q.exec(sql)) {
        m_lastError = q.lastError().text();
        return false;
    }
    return true;
}

int LocalStore::version() const
{
    if (!m_open)
        return 0;
    QSqlQuery q(QSqlDatabase::database(m_connectionName));
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
        return 0;
    return q.value(0).toInt();
}

bool LocalStore::migrate()
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName);
    const int current = version();
    if (current > schemaVersion) {
        m_lastError = QStringLiteral("console.db has schema version %1, newer than this "
                                     "console (%2)")
                          .arg(current)
                          .arg(schemaVersion);
        return false;
    }
    for (int v = current; v < schemaVersion; ++v) {
        if (!db.transaction()) {
            m_lastError = db.lastError().text();
            return false;
        }
        // QSqlQuery runs one statement at a time.
        const QStringList statements = QString::fromLatin1(migrations[v]).split(QLatin1Char(';'),
                                                                                Qt::SkipEmptyParts);
        bool ok = true;
        for (const QString &sql : statements)
            ok = ok && exec(sql);
        ok = ok && exec(QStringLiteral("PRAGMA user_version = %1").arg(v + 1));
        if (!ok) {
            const QString why = m_lastError;
            db.rollback();
            m_lastError = QStringLiteral("migration to version %1 failed: %2").arg(v + 1).arg(why);
            return false;
        }
        if (!db.commit()) {
            m_lastError = db.lastError().text();
            return false;
        }
    }
    return true;
}

QList<ServerProfile> LocalStore::profiles() const
{
    QList<ServerProfile> out;
    if (!m_open)
        return out;
    QSqlQuery q(QSqlDatabase::database(m_connectionName));
    if (!q.exec(QStringLiteral("SELECT id, name, url, admin_key, last_used_at FROM profiles "
                               "ORDER BY last_used_at IS NULL, last_used_at DESC, name"))) {
        m_lastError = q.lastError().text();
        return out;
    }
    while (q.next())
        out.append(ServerProfile{q.value(0).toLongLong(), q.value(1).toString(),
                                 q.value(2).toString(), q.value(3).toString(), fromIso(q.value(4))});
    return out;
}

std::optional<ServerProfile> LocalStore::profile(const QString &name) const
{
    for (const ServerProfile &p : profiles()) {
        if (p.name == name)
            return p;
    }
    return std::nullopt;
}

qint64 LocalStore::saveProfile(const ServerProfile &p)
{
    if (!m_open || p.name.trimmed().isEmpty())
        return 0;
    QSqlQuery q(QSqlDatabase::database(m_connectionName));
    q.prepare(QStringLiteral("INSERT INTO profiles (name, url, admin_key) VALUES (?, ?, ?) "
                             "ON CONFLICT(name) DO UPDATE SET url = excluded.url, "
                             "admin_key = excluded.admin_key"));
    q.addBindValue(p.name.trimmed());
    q.addBindValue(text(p.url));
    q.addBindValue(text(p.adminKey));
    if (!q.exec()) {
        m_lastError = q.lastError().text();
        return 0;
    }
    const auto saved = profile(p.name.trimmed());
    return saved ? saved->id : 0;
}

bool LocalStore::deleteProfile(const QString &name)
{
    if (!m_open)
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connectionName));
    q.prepare(QStringLiteral("DELETE FROM profiles WHERE name = ?"));
    q.addBindValue(name);
    if (!q.exec()) {
        m_lastError = q.lastError().text();
        return false;
    }
    return q.numRowsAffected() > 0;
}

bool LocalStore::touchProfile(const QString &name)
{
    if (!m_open)
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connectionName));
    q.prepare(QStringLiteral("UPDATE profiles SET last_used_at = ? WHERE name = ?"));
    q.addBindValue(isoUtc(QDateTime::currentDateTimeUtc()));
    q.addBindValue(name);
    return q.exec() && q.numRowsAffected() > 0;
}

QList<SendTemplate> LocalStore::templates() const
{
    QList<SendTemplate> out;
    if (!m_open)
        return out;
    QSqlQuery q(QSqlDatabase::database(m_connectionName));
    if (!q.exec(QStringLiteral("SELECT id, name, org_id, user_id, room, type, title, body, "
                               "priority, action_url, metadata FROM templates ORDER BY name"))) {
        m_lastError = q.lastError().text();
        return out;
    }
    while (q.next()) {
        SendTemplate t;
        t.id = q.value(0).toLongLong();
        t.name = q.value(1).toString();
        t.orgId = q.value(2).toString();
        t.userId = q.value(3).toString();
        t.room = q.value(4).toString();
        t.type = q.value(5).toString();
        t.title = q.value(6).toString();
        t.body = q.value(7).toString();
        t.priority = q.value(8).toString();
        t.actionUrl = q.value(9).toString();
        t.metadata = q.value(10).toString();
        out.append(t);
    }
    return out;
}

std::optional<SendTemplate> LocalStore::sendTemplate(const QString &name) const
{
    for (const SendTemplate &t : templates()) {
        if (t.name == name)
            return t;
    }
    return std::nullopt;
}

qint64 LocalStore::saveTemplate(const SendTemplate &t)
{
    if (!m_open || t.name.trimmed().isEmpty())
        return 0;
    QSqlQuery q(QSqlDatabase::database(m_connectionName));
    q.prepare(QStringLiteral(
        "INSERT INTO templates (name, org_id, user_id, room, type, title, body, priority, "
        "action_url, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE "
        "SET org_id = excluded.org_id, user_id = excluded.user_id, room = excluded.room, "
        "type = excluded.type, title = excluded.title, body = excluded.body, "
        "priority = excluded.priority, action_url = excluded.action_url, "
        "metadata = excluded.metadata"));
    for (const QString &v : {t.name.trimmed(), t.orgId, t.userId, t.room, t.type, t.title, t.body,
                             t.priority.isEmpty() ? QStringLiteral("normal") : t.priority,
                             t.actionUrl, t.metadata})
        q.addBindValue(text(v));
    if (!q.exec()) {
        m_lastError = q.lastError().text();
        return 0;
    }
    const auto saved = sendTemplate(t.name.trimmed());
    return saved ? saved->id : 0;
}

bool LocalStore::deleteTemplate(const QString &name)
{
    if (!m_open)
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connectionName));
    q.prepare(QStringLiteral("DELETE FROM templates WHERE name = ?"));
    q.addBindValue(name);
    if (!q.exec()) {
        m_lastError = q.lastError().text();
        return false;
    }
    return q.numRowsAffected() > 0;
}

QList<HistoryEntry> LocalStore::history(int limit) const
{
    QList<HistoryEntry> out;
    if (!m_open)
        return out;
    QSqlQuery q(QSqlDatabase::database(m_connectionName));
    q.prepare(QStringLiteral("SELECT id, sent_at, org_id, target, type, title, priority, "
                             "delivered, notification_ids, error FROM history "
                             "ORDER BY sent_at DESC, id DESC LIMIT ?"));
    q.addBindValue(limit);
    if (!q.exec()) {
        m_lastError = q.lastError().text();
        return out;
    }
    while (q.next()) {
        HistoryEntry e;
        e.id = q.value(0).toLongLong();
        e.sentAt = fromIso(q.value(1));
        e.orgId = q.value(2).toString();
        e.target = q.value(3).toString();
        e.type = q.value(4).toString();
        e.title = q.value(5).toString();
        e.priority = q.value(6).toString();
        e.deliveredConnections = q.value(7).toInt();
        e.notificationIds = q.value(8).toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
        e.error = q.value(9).toString();
        out.append(e);
    }
    return out;
}

qint64 LocalStore::addHistory(const HistoryEntry &e)
{
    if (!m_open)
        return 0;
    QSqlQuery q(QSqlDatabase::database(m_connectionName));
    q.prepare(QStringLiteral("INSERT INTO history (sent_at, org_id, target, type, title, "
                             "priority, delivered, notification_ids, error) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(isoUtc(e.sentAt.isValid() ? e.sentAt : QDateTime::currentDateTimeUtc()));
    q.addBindValue(text(e.orgId));
    q.addBindValue(text(e.target));
    q.addBindValue(text(e.type));
    q.addBindValue(text(e.title));
    q.addBindValue(e.priority.isEmpty() ? QStringLiteral("normal") : e.priority);
    q.addBindValue(e.deliveredConnections);
    q.addBindValue(text(e.notificationIds.join(QLatin1Char(','))));
    q.addBindValue(text(e.error));
    if (!q.exec()) {
        m_lastError = q.lastError().text();
        return 0;
    }
    return q.lastInsertId().toLongLong();
}

bool LocalStore::clearHistory()
{
    return m_open && exec(QStringLiteral("DELETE FROM history"));
}

} // namespace notify::console
