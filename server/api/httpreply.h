#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QString>

#include <functional>
#include <memory>

namespace notify {

class ApiConnection;

namespace http {

struct HttpError;

// The answer to one request, possibly written later (after a store job): a handle on the
// connection that read the request. Writing is skipped when the client has gone (the
// connection was deleted) or when an answer was already written. Copies share one state.
// Only ever touched on the API server's thread.
class HttpReply
{
public:
    // Where an answer goes when it is not written to an API connection: the client port's
    // user routes (ApiServer::serveUserRoute). `headers` are complete lines.
    using Sink = std::function<void(int status, const QByteArray &contentType,
                                    const QByteArray &body, const QByteArray &headers)>;

    HttpReply(ApiConnection *connection, quint64 serial);
    explicit HttpReply(Sink sink);

    void json(int status, const QJsonObject &body) const;
    void error(int status, const QString &code, const QString &message) const;
    void error(const HttpError &e) const;
    void empty(int status) const; // 204 and friends
    void raw(int status, const QByteArray &contentType, const QByteArray &body,
             const QList<QPair<QByteArray, QByteArray>> &extraHeaders = {}) const;

    bool sent() const { return m_state->sent; }
    bool clientGone() const { return !m_state->sink && m_state->connection.isNull(); }

private:
    struct State
    {
        QPointer<ApiConnection> connection;
        quint64 serial = 0;
        bool sent = false;
        Sink sink;
    };
    std::shared_ptr<State> m_state;
};

} // namespace http

} // namespace notify
