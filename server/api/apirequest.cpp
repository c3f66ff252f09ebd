#include "server/api/apirequest.h"

#include <QUrl>

namespace notify {

HttpMethod parseHttpMethod(QByteArrayView name)
{
    // Methods are case-sensitive (RFC 9110 §9.1): "get" is not GET.
    if (name == "GET")
        return HttpMethod::Get;
    if (name == "POST")
        return HttpMethod::Post;
    if (name == "PUT")
        return HttpMethod::Put;
    if (name == "DELETE")
        return HttpMethod::Delete;
    if (name == "PATCH")
        return HttpMethod::Patch;
    if (name == "HEAD")
        return HttpMethod::Head;
    if (name == "OPTIONS")
        return HttpMethod::Options;
    return HttpMethod::Other;
}

QByteArray httpMethodName(HttpMethod method)
{
    switch (method) {
    case HttpMethod::Get:
        return QByteArrayLiteral("GET");
    case HttpMethod::Post:
        return QByteArrayLiteral("POST");
    case HttpMethod::Put:
        return QByteArrayLiteral("PUT");
    case HttpMethod::Delete:
        return QByteArrayLiteral("DELETE");
    case HttpMethod::Patch:
        return QByteArrayLiteral("PATCH");
    case HttpMethod::Head:
        return QByteArrayLiteral("HEAD");
    case HttpMethod::Options:
        return QByteArrayLiteral("OPTIONS");
    case HttpMethod::Other:
        break;
    }
    return {};
}

ApiRequest::ApiRequest(http1::RequestHead head, QByteArray body)
    : m_head(std::move(head))
    , m_body(std::move(body))
    , m_method(parseHttpMethod(m_head.method))
    , m_path(QUrl::fromPercentEncoding(m_head.path()))
{ }

QByteArray ApiRequest::value(QByteArrayView name) const
{
    return m_head.header(name.toByteArray().toLower());
}

QUrlQuery ApiRequest::query() const
{
    return QUrlQuery(QString::fromLatin1(m_head.query()));
}

} // namespace notify
