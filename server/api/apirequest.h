#pragma once

#include "server/http1/httprequest.h"
#include "server/protocol/identity.h"

#include <QByteArray>
#include <QString>
#include <QUrlQuery>

#include <optional>

namespace notify {

enum class HttpMethod { Get, Post, Put, Delete, Patch, Head, Options, Other };

HttpMethod parseHttpMethod(QByteArrayView name);
QByteArray httpMethodName(HttpMethod method);

// One complete request on the API port: the head as the project's HTTP/1.1 parser read it and
// the whole body. It offers the few accessors the route handlers use (the ones they used on
// QHttpServerRequest), so that route code does not care which server read the bytes.
class ApiRequest
{
public:
    ApiRequest(http1::RequestHead head, QByteArray body);

    HttpMethod method() const { return m_method; }
    const QByteArray &body() const { return m_body; }
    // The first value of a header, name case-insensitive; a null QByteArray when absent.
    QByteArray value(QByteArrayView name) const;
    // The path, percent-decoded (routes are matched on it).
    const QString &path() const { return m_path; }
    QUrlQuery query() const;
    const http1::RequestHead &head() const { return m_head; }
    // The user whose credential the client port has already checked (UserRoutes); set only
    // by code, never from the request's bytes. Null on the API port.
    const std::optional<Identity> &checkedUser() const { return m_checkedUser; }
    void setCheckedUser(Identity who) { m_checkedUser = std::move(who); }

private:
    http1::RequestHead m_head;
    QByteArray m_body;
    HttpMethod m_method;
    QString m_path;
    std::optional<Identity> m_checkedUser;
};

} // namespace notify
