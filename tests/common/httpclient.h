#pragma once

// A blocking-by-signal HTTP request for the tests: waits on QNetworkReply::finished with a
// timeout, never sleeps. Shared by the in-process server harness and the API test.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QStringList>
#include <QUrl>

namespace notify::test {

struct HttpResponse
{
    int status = 0;
    QJsonObject json;
    QByteArray body;
    QByteArray contentType;
    QByteArray allow;
    QByteArray retryAfter;

    QString code() const
    {
        return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    }
    QString message() const
    {
        return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    }
    // The ids of a {notifications:[{id,…}]} answer.
    QStringList notificationIds() const
    {
        QStringList ids;
        for (const QJsonValue &v : json.value(QStringLiteral("notifications")).toArray())
            ids.append(v.toObject().value(QStringLiteral("id")).toString());
        return ids;
    }
};

inline HttpResponse httpRequest(QNetworkAccessManager &nam, const QUrl &url,
                                const QByteArray &method, const QByteArray &body,
                                const QByteArray &bearer)
{
    QNetworkRequest req(url);
    if (!body.isEmpty())
        req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    if (!bearer.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + bearer);
    QNetworkReply *reply = nam.sendCustomRequest(req, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(15000))
        qWarning("HTTP request timed out: %s %s", method.constData(), qPrintable(url.path()));
    HttpResponse r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.json = QJsonDocument::fromJson(r.body).object();
    r.contentType = reply->rawHeader("Content-Type");
    r.allow = reply->rawHeader("Allow");
    r.retryAfter = reply->rawHeader("Retry-After");
    reply->deleteLater();
    return r;
}

} // namespace notify::test
