#pragma once

#include "shared/model/recipient.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace notify {

struct InsertOutcome;

namespace http {

// What the answer to a publish says of one stored notification: taken from the store's
// outcome on the writer thread (three shared strings, no content), written on the API thread.
struct PublishedNotification
{
    QString id;
    Recipient recipient;
    qint64 seq = 0;
};

struct PublishAnswer
{
    std::vector<PublishedNotification> notifications;
    bool anyCreated = false; // false: every recipient's idempotency key was already used
};

PublishAnswer publishAnswerFrom(const std::vector<InsertOutcome> &outcomes);

// {"deliveredConnections":N,"notifications":[{"id","orgId","seq","userId"},...]} written
// directly, byte for byte what QJsonDocument (compact) makes of the same QJsonObject (keys in
// its sorted order, its string escaping), without building one QJsonObject per recipient.
QByteArray publishAnswerBody(const std::vector<PublishedNotification> &notifications,
                             int deliveredConnections);

} // namespace http

} // namespace notify
