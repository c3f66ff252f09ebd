#pragma once

#include "shared/model/connectioninfo.h"
#include "shared/model/counters.h"
#include "shared/model/result.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include <functional>

namespace notify::console {

// The outcome of one request on the admin channel: the reply's data, or an error code and
// message (from the server, or "timeout"/"disconnected" from the client itself).
struct AdminResult
{
    bool ok = false;
    QJsonObject data;
    QString errorCode;
    QString errorMessage;
};

// Why a request failed: the server's error code and message, or "timeout"/"disconnected"
// from the client itself.
struct AdminError
{
    QString code;
    QString message;
};

// A typed request's outcome: its reply (shared/adminapi), or why there is none.
template<typename Reply> using AdminAnswer = notify::Result<Reply, AdminError>;

// The console's end of the admin WebSocket (docs/protocol.md, "Admin channel"): connects with
// the admin key as a Bearer header, reconnects with exponential backoff, decodes the
// server's pushes into signals and correlates requests with their replies by id.
// Everything runs on the thread the client lives on, without blocking it.
class AdminClient : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected, Reconnecting, Failed };
    Q_ENUM(State)

    using Callback = std::function<void(const AdminResult &)>;

    static constexpr int initialBackoffMs = 500;
    // A console watches a server an operator is restarting: after it returns, the console
    // should be back within seconds, not after a long doubled wait.
    static constexpr int maxBackoffMs = 5000;
    // A server that does not come back within these attempts (about half a minute) is not
    // being restarted: from then on try once a minute and say so once, instead of adding
    // lines to the log every few seconds without end.
    static constexpr int quickAttempts = 8;
    static constexpr int slowRetryMs = 60000;
    static constexpr int requestTimeoutMs = 15000;
    static constexpr int connectTimeoutMs = 10000;

    explicit AdminClient(QObject *parent = nullptr);
    ~AdminClient() override;

    // Accepts ws(s)://host:port/admin, http(s):// (mapped to ws(s)://) and a bare
    // host:port; an empty path becomes /admin. Returns an invalid QUrl for garbage.
    static QUrl normalizeUrl(const QString &text);

    // Starts connecting (closing any current connection first).
    void connectTo(const QUrl &url, const QString &adminKey);
    // Closes on purpose: no reconnect.
    void disconnectFromServer();
    // Drops the socket and connects again at once; the server answers with a new snapshot.
    void reconnectNow();
    // Asks the server for a fresh snapshot over the open channel (the `snapshot` request);
    // it arrives through the snapshot() signal like the one sent on connect.
    void requestSnapshot();

    State state() const { return m_state; }
    QUrl url() const { return m_url; }
    QString adminKey() const { return m_adminKey; }
    // Why the last connection attempt failed or the connection ended (empty when none).
    QString lastError() const { return m_lastError; }
    // True once a connection failed for good: a rejected key or a port without the admin
    // channel. Retrying cannot help; the user has to change the profile.
    bool keyRejected() const { return m_keyRejected; }
    bool wrongEndpoint() const { return m_wrongEndpoint; }
    // Milliseconds until the next attempt while Reconnecting, else 0.
    int reconnectRemainingMs() const;
    int currentBackoffMs() const { return m_backoffMs; }

    // Sends {"type","id","data"}; the callback runs once with the reply or the error. A
    // callback whose context object is gone is dropped silently. Returns the request id,
    // or an empty string when not connected (the callback then runs at once with an error).
    QString request(const QString &type, const QJsonObject &data, QObject *context,
                    Callback callback);
    int pendingRequests() const { return static_cast<int>(m_pending.size()); }

    // A request of shared/adminapi (SendTestRequest, UserRequest, ...): written with its
    // toJson, its reply read with the Reply's fromJson. The views hold no payload keys.
    template<typename Request>
    QString call(const Request &request, QObject *context,
                 std::function<void(const AdminAnswer<typename Request::Reply> &)> callback)
    {
        return this->request(Request::type(), request.toJson(), context,
                             [callback = std::move(callback)](const AdminResult &r) {
                                 if (!callback)
                                     return;
                                 if (r.ok)
                                     callback(Request::Reply::fromJson(r.data));
                                 else
                                     callback(AdminError {r.errorCode, r.errorMessage});
                             });
    }

    static QString stateName(State s);
    // The delay after `current`: doubled, at most maxBackoffMs.
    static int nextBackoffMs(int current);
    // The delay before the next attempt after `failedAttempts` attempts in a row failed
    // (1 for the first failure): doubling up to maxBackoffMs, then slowRetry once more than
    // quickAttempts failed.
    static int retryDelayMs(int failedAttempts, int quickAttempts, int slowRetry);
    // Tests shorten the policy; the console uses the defaults above.
    void setRetryPolicy(int quick, int slowRetry);
    // True once the attempts were slowed down to the slow rate (until the next success).
    bool retryingSlowly() const { return m_failedAttempts > m_quickAttempts; }

signals:
    void stateChanged(notify::console::AdminClient::State state);
    void hello(const QJsonObject &node);
    void snapshot(const QList<notify::ConnectionInfo> &connections, const QJsonArray &rooms,
                  const notify::Counters &counters);
    void connectionOpened(const notify::ConnectionInfo &connection);
    void connectionClosed(quint64 connectionId, int code, const QString &reason);
    // The live figures of every connection (connection:stats): id → fields.
    void connectionStats(const QJsonArray &stats);
    void counters(const notify::Counters &totals, const notify::Counters &perSecond);
    void delivery(const QJsonObject &delivery);
    // delivery:dropped: another node could not send this many of its trace records.
    void deliveryDropped(const QString &nodeName, qint64 dropped);
    // user:changed: a change of the user this console watches (watch_user).
    void userChanged(const QJsonObject &change);
    // A line for the console's log: what happened on the channel, never a secret.
    void logMessage(const QString &line);

private:
    struct Pending
    {
        QPointer<QObject> context;
        bool hasContext = false;
        Callback callback;
        QTimer *timer = nullptr;
    };

    void openSocket();
    void setState(State s);
    void onConnected();
    void onDisconnected();
    void onTextMessage(const QString &text);
    void onSocketError(QAbstractSocket::SocketError error);
    void scheduleReconnect();
    void failAllPending(const QString &code, const QString &message);
    void finish(const QString &id, const AdminResult &result);
    void dispatch(const QString &type, const QJsonObject &data);

    QWebSocket *m_socket = nullptr;
    QUrl m_url;
    QString m_adminKey;
    State m_state = State::Disconnected;
    QString m_lastError;
    bool m_wanted = false; // the user wants to be connected
    bool m_keyRejected = false; // set by 4001 until the next connectTo()
    bool m_wrongEndpoint = false; // set by 4004 until the next connectTo()
    bool m_accepted = false; // the server spoke (hello): the key was accepted
    int m_backoffMs = initialBackoffMs;
    int m_failedAttempts = 0; // in a row, since connectTo() or the last hello
    int m_quickAttempts = quickAttempts;
    int m_slowRetryMs = slowRetryMs;
    QTimer m_reconnectTimer;
    QTimer m_connectTimeout;
    quint64 m_nextId = 0;
    QHash<QString, Pending> m_pending;
};

} // namespace notify::console
