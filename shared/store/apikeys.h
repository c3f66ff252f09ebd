#pragma once

// The `api_keys` table: the API keys of the organizations (docs/operations.md, "API keys").
// Only a key's SHA-256 is stored; the key itself is shown once, when it is made. Every
// change bumps api_key_changes.version in the same transaction, so that a node can tell
// with one cheap read whether its copy is still current. Runs on any Store connection.

#include "shared/store/store.h"

#include <QStringList>

namespace notify::apikeys {

struct KeyRow
{
    QString name; // unique over every organization
    QString orgId;
    QByteArray sha256Hex; // of the key's text
    QStringList scopes; // of scopeNames()
    QString requestRate; // "RATE/s[,BURST]", "off", or empty: the server's default
    QString deliveryRate; // the same, for deliveries (recipients of a publish)
    QDateTime createdAt;
    QDateTime revokedAt; // invalid while the key is active
    bool active() const { return !revokedAt.isValid(); }
};

// What a key may do: publish, read (inboxes and presence), sessions, broadcast.
const QStringList &scopeNames();

// A new key: 256 bits from the system's CSPRNG, base64url, prefixed nk_ (shown once, by
// `notifyd keys create` and the console's Keys view).
QByteArray newKey();
// What is stored of a key: the hex SHA-256 of its text.
QByteArray hashKey(const QByteArray &key);
// 1 to 64 of A-Z a-z 0-9 . _ -
bool validName(const QString &name);

enum class CreateOutcome { Created, NameTaken };
StoreResult<CreateOutcome> create(Store &store, const KeyRow &row);
// Every key, revoked ones too, by name.
StoreResult<std::vector<KeyRow>> list(Store &store);
// true when an active key of that name was revoked now.
StoreResult<bool> revoke(Store &store, const QString &name, const QDateTime &at);
// Grows with every change; 0 before the first.
StoreResult<qint64> version(Store &store);

} // namespace notify::apikeys
