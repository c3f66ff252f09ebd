#pragma once

// What the fault tests check after a fault of the environment (docs/operations.md, "When
// things fail"): every inbox holds exactly the notifications answered 201, complete, with
// gap-free sequences.

#include "httpclient.h"
#include "notifydprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>

#include <map>

namespace notify::test {

// stored: id -> title of every publish answered 201 to org's users u0..u<userCount-1>, each
// with a body of bodyChars characters. Empty when all is there; else what is wrong.
inline QString checkStoredInboxes(QNetworkAccessManager &api, const NotifydProcess &server,
                                  const QString &org, int userCount,
                                  const std::map<QString, QString> &stored, int bodyChars)
{
    int seen = 0;
    for (int u = 0; u < userCount; ++u) {
        const HttpResponse r = httpRequest(
            api,
            server.url(QStringLiteral("/api/v1/notifications?orgId=%1&userId=u%2&limit=100")
                           .arg(org)
                           .arg(u)),
            "GET", {}, processApiKey);
        if (r.status != 200)
            return QStringLiteral("inbox u%1: %2 %3")
                .arg(u)
                .arg(r.status)
                .arg(QString::fromUtf8(r.body));
        const QJsonArray rows = r.json.value(QStringLiteral("notifications")).toArray();
        for (qsizetype i = 0; i < rows.size(); ++i) {
            const QJsonObject o = rows[i].toObject();
            const auto it = stored.find(o.value(QStringLiteral("id")).toString());
            if (it == stored.end())
                return QStringLiteral("a notification never answered 201: %1")
                    .arg(QString::fromUtf8(QJsonDocument(o).toJson()));
            if (o.value(QStringLiteral("title")).toString() != it->second
                || o.value(QStringLiteral("body")).toString().size() != bodyChars
                || o.value(QStringLiteral("seq")).toInteger() != rows.size() - i)
                return QStringLiteral("incomplete or out of sequence: %1")
                    .arg(QString::fromUtf8(QJsonDocument(o).toJson()));
            ++seen;
        }
    }
    return seen == int(stored.size())
        ? QString()
        : QStringLiteral("%1 of %2 stored notifications found").arg(seen).arg(stored.size());
}

} // namespace notify::test
