#include "server/api/httpreply.h"

#include "server/api/apiconnection.h"
#include "server/api/httputil.h"

namespace notify::http {

HttpReply::HttpReply(ApiConnection *connection, quint64 serial)
    : m_state(std::make_shared<State>(State {connection, serial, false, {}}))
{ }

HttpReply::HttpReply(Sink sink)
    : m_state(std::make_shared<State>(State {nullptr, 0, false, std::move(sink)}))
{ }

void HttpReply::json(int status, const QJsonObject &body) const
{
    raw(status, QByteArrayLiteral("application/json"), compactJson(body));
}

void HttpReply::error(int status, const QString &code, const QString &message) const
{
    json(status,
         QJsonObject {
             {QStringLiteral("error"),
              QJsonObject {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}});
}

void HttpReply::error(const HttpError &e) const
{
    if (e.retryAfterSeconds <= 0)
        return error(e.status, e.code, e.message);
    const QJsonObject body {
        {QStringLiteral("error"),
         QJsonObject {{QStringLiteral("code"), e.code}, {QStringLiteral("message"), e.message}}}};
    raw(e.status, QByteArrayLiteral("application/json"), compactJson(body),
        {{QByteArrayLiteral("Retry-After"), QByteArray::number(e.retryAfterSeconds)}});
}

void HttpReply::empty(int status) const
{
    raw(status, {}, {});
}

void HttpReply::raw(int status, const QByteArray &contentType, const QByteArray &body,
                    const QList<QPair<QByteArray, QByteArray>> &extraHeaders) const
{
    if (m_state->sent || clientGone())
        return;
    m_state->sent = true;
    QByteArray headers = QByteArrayLiteral("Cache-Control: no-store\r\n");
    for (const auto &header : extraHeaders)
        headers += header.first + ": " + header.second + "\r\n";
    if (m_state->sink)
        m_state->sink(status, contentType, body, headers);
    else
        m_state->connection->respond(m_state->serial, status, contentType, body, headers);
}

} // namespace notify::http
