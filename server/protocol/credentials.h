#pragma once

#include <QByteArray>
#include <QByteArrayView>

class QUrlQuery;

namespace notify {

// The token of an "Authorization: Bearer <token>" header; the scheme is matched without
// regard to case (RFC 7235). Empty when the header is absent or of another scheme.
QByteArray bearerToken(QByteArrayView authorizationHeader);
// The value of one cookie in a Cookie header; empty when absent.
QByteArray cookieValue(QByteArrayView cookieHeader, QByteArrayView name);
// A client credential in the plain protocol's order (docs/protocol.md, "Credentials"):
// query ?token=, then the Bearer header, then the session_id cookie. The first one found is
// the only one checked.
QByteArray plainCredential(const QUrlQuery &query, QByteArrayView authorizationHeader,
                           QByteArrayView cookieHeader);

} // namespace notify
