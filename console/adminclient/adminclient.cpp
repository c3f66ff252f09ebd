#include "console/adminclient/adminclient.h"

#include "shared/adminapi/adminprotocol.h"
#include "shared/adminapi/pushes.h"
#include "shared/codec/wirecodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>

#include <algorithm>

namespace notify::console {

AdminClient::AdminClient(QObject *parent)
    : QObject(parent)
{
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &AdminClient::openSocket);
    m_connectTimeout.setSingleShot(true);
    connect(&m_connectTimeout, &QTimer::timeout, this, [this] {
        if (m_socket && m_socket->state() != QAbstractSocket::ConnectedState) {
            m_lastError = tr("connection attempt timed out");
            m_socket->abort();
        }
    });
}

AdminClient::~AdminClient()
{
    m_wanted = false;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
    // Callbacks must not run into a half-destroyed owner; just drop them.
    for (auto &p : m_pending)
        delete p.timer;
    m_pending.clear();
}

QUrl AdminClient::normalizeUrl(const QString &text)
{
    QString t = text.trimmed();
    if (t.isEmpty())
        return {};
    if (!t.contains(QStringLiteral("://")))
        t.prepend(QStringLiteral("ws://"));
    QUrl url(t, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return {};
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("http"))
        url.setScheme(QStringLiteral("ws"));
    else if (scheme == QLatin1String("https"))
        url.setScheme(QStringLiteral("wss"));
    else if (scheme != QLatin1String("ws") && scheme != QLatin1String("wss"))
        return {};
    if (url.path().isEmpty() || url.path() == QLatin1String("/"))
        url.setPath(QStringLiteral("/admin"));
    return url;
}

QString AdminClient::stateName(State s)
{
    switch (s) {
    case State::Disconnected:
        return tr("disconnected");
    case State::Connecting:
        return tr("connecting");
    case State::Connected:
        return tr("connected");
    case State::Reconnecting:
        return tr("reconnecting");
    case State::Failed:
        return tr("error");
    }
    return {};
}

void AdminClient::connectTo(const QUrl &url, const QString &adminKey)
{
    disconnectFromServer();
    m_url = url;
    m_adminKey = adminKey;
    m_wanted = true;
    m_keyRejected = false;
    m_wrongEndpoint = false;
    m_lastError.clear();
    m_backoffMs = initialBackoffMs;
    m_failedAttempts = 0;
    openSocket();
}

void AdminClient::disconnectFromServer()
{
    m_wanted = false;
    m_reconnectTimer.stop();
    m_connectTimeout.stop();
    if (m_socket) {
        QWebSocket *old = m_socket;
        m_socket = nullptr;
        old->disconnect(this);
        old->close(QWebSocketProtocol::CloseCodeNormal);
        old->deleteLater();
    }
    failAllPending(QStringLiteral("disconnected"), tr("the connection was closed"));
    setState(State::Disconnected);
}

void AdminClient::reconnectNow()
{
    if (m_url.isEmpty())
        return;
    const QUrl url = m_url;
    const QString key = m_adminKey;
    connectTo(url, key);
}

int AdminClient::reconnectRemainingMs() const
{
    return m_state == State::Reconnecting ? std::max(0, m_reconnectTimer.remainingTime()) : 0;
}

void AdminClient::openSocket()
{
    if (!m_wanted)
        return;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    connect(m_socket, &QWebSocket::connected, this, &AdminClient::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &AdminClient::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &AdminClient::onTextMessage);
    // Qt 6.4 has no errorOccurred on QWebSocket (docs/qt64-notes.md).
    connect(m_socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
            &AdminClient::onSocketError);

    m_accepted = false;
    QNetworkRequest req(m_url);
    if (!m_adminKey.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + m_adminKey.toUtf8());
    setState(State::Connecting);
    if (!retryingSlowly())
        emit logMessage(tr("Connecting to %1").arg(m_url.toDisplayString(QUrl::RemoveQuery)));
    m_connectTimeout.start(connectTimeoutMs);
    m_socket->open(req);
}

void AdminClient::setState(State s)
{
    if (m_state == s)
        return;
    m_state = s;
    emit stateChanged(s);
}

void AdminClient::onConnected()
{
    // The upgrade succeeded, but the server checks the key after it and closes with 4001
    // when it is wrong: "Connected" only once the server speaks (hello), see onTextMessage.
    m_connectTimeout.stop();
}

void AdminClient::onSocketError(QAbstractSocket::SocketError)
{
    if (!m_socket)
        return;
    const QString text = m_socket->errorString();
    // A server that refuses the upgrade itself instead of closing with 4001.
    if (text.contains(QLatin1String("401")) || text.contains(QLatin1String("403")))
        m_keyRejected = true;
    if (m_lastError.isEmpty() || m_state != State::Connected)
        m_lastError = text;
}

void AdminClient::onDisconnected()
{
    m_connectTimeout.stop();
    if (!m_socket)
        return;
    const int code = static_cast<int>(m_socket->closeCode());
    const QString reason = m_socket->closeReason();
    // The close codes of shared/adminapi/adminprotocol.h: a missing or wrong key, and a path
    // that is not the admin channel's (e.g. /admin on the client port, which has none).
    if (code == admin::closeUnauthorized)
        m_keyRejected = true;
    if (code == admin::closeUnknownPath)
        m_wrongEndpoint = true;
    failAllPending(QStringLiteral("disconnected"), tr("the connection was closed"));

    if (m_wrongEndpoint) {
        m_wanted = false;
        m_lastError = tr("%1 is not an admin channel (close code %2): the admin channel is "
                         "/admin on the server's API port (--api-listen), not on the client "
                         "port")
                          .arg(m_url.toDisplayString(QUrl::RemoveQuery))
                          .arg(code);
        emit logMessage(tr("Wrong endpoint: %1; not retrying").arg(m_lastError));
        m_socket->deleteLater();
        m_socket = nullptr;
        setState(State::Failed);
        return;
    }

    if (m_keyRejected) {
        m_wanted = false;
        m_lastError = tr("admin key rejected by the server");
        emit logMessage(tr("Admin key rejected (close code %1); not retrying").arg(code));
        m_socket->deleteLater();
        m_socket = nullptr;
        setState(State::Failed);
        return;
    }
    if (m_accepted) {
        m_lastError = reason.isEmpty()
            ? tr("connection closed (code %1)").arg(code)
            : tr("connection closed: %1 (code %2)").arg(reason).arg(code);
    } else if (m_lastError.isEmpty()) {
        m_lastError = tr("could not connect");
    }
    if (!retryingSlowly())
        emit logMessage(tr("Disconnected: %1").arg(m_lastError));
    if (m_wanted)
        scheduleReconnect();
    else
        setState(State::Disconnected);
}

int AdminClient::nextBackoffMs(int current)
{
    return std::clamp(current * 2, initialBackoffMs, maxBackoffMs);
}

int AdminClient::retryDelayMs(int failedAttempts, int quick, int slowRetry)
{
    if (failedAttempts > quick)
        return slowRetry;
    int delay = initialBackoffMs;
    for (int i = 1; i < failedAttempts; ++i)
        delay = nextBackoffMs(delay);
    return delay;
}

void AdminClient::setRetryPolicy(int quick, int slowRetry)
{
    m_quickAttempts = std::max(1, quick);
    m_slowRetryMs = std::max(initialBackoffMs, slowRetry);
}

void AdminClient::scheduleReconnect()
{
    // Attempts that fail before the server ever answered count; a server that answered and
    // went away starts the quick schedule again (m_failedAttempts is reset on its hello).
    ++m_failedAttempts;
    const int delay = retryDelayMs(m_failedAttempts, m_quickAttempts, m_slowRetryMs);
    m_backoffMs = nextBackoffMs(delay);
    m_reconnectTimer.start(delay);
    if (m_failedAttempts == m_quickAttempts + 1)
        emit logMessage(tr("%1 does not answer after %2 attempts (%3); trying once a minute "
                           "from now on: Refresh snapshot tries at once")
                            .arg(m_url.toDisplayString(QUrl::RemoveQuery))
                            .arg(m_failedAttempts)
                            .arg(m_lastError));
    else if (!retryingSlowly())
        emit logMessage(tr("Reconnecting in %1 s").arg(delay / 1000.0, 0, 'f', 1));
    setState(State::Reconnecting);
    // The countdown in the status bar reads reconnectRemainingMs(); re-emit so it refreshes
    // even when the state was already Reconnecting.
    emit stateChanged(m_state);
}

QString AdminClient::request(const QString &type, const QJsonObject &data, QObject *context,
                             Callback callback)
{
    if (!m_socket || m_state != State::Connected) {
        if (callback)
            callback(AdminResult {false, {}, QStringLiteral("disconnected"), tr("not connected")});
        return {};
    }
    const QString id = QStringLiteral("c%1").arg(++m_nextId);
    const QJsonObject envelope {
        {QStringLiteral("type"), type}, {QStringLiteral("id"), id}, {QStringLiteral("data"), data}};
    Pending p;
    p.context = context;
    p.hasContext = context != nullptr;
    p.callback = std::move(callback);
    p.timer = new QTimer(this);
    p.timer->setSingleShot(true);
    connect(p.timer, &QTimer::timeout, this, [this, id] {
        finish(id,
               AdminResult {false, {}, QStringLiteral("timeout"), tr("no reply from the server")});
    });
    p.timer->start(requestTimeoutMs);
    m_pending.insert(id, std::move(p));
    m_socket->sendTextMessage(
        QString::fromUtf8(QJsonDocument(envelope).toJson(QJsonDocument::Compact)));
    return id;
}

void AdminClient::finish(const QString &id, const AdminResult &result)
{
    auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    Pending p = std::move(it.value());
    m_pending.erase(it);
    if (p.timer)
        p.timer->deleteLater();
    // A request made with a context that has since been destroyed gets no answer.
    if (!p.callback || (p.hasContext && p.context.isNull()))
        return;
    p.callback(result);
}

void AdminClient::failAllPending(const QString &code, const QString &message)
{
    const QStringList ids = m_pending.keys();
    for (const QString &id : ids)
        finish(id, AdminResult {false, {}, code, message});
}

void AdminClient::onTextMessage(const QString &text)
{
    // A live channel is the proof the backoff can start small again.
    m_backoffMs = initialBackoffMs;
    m_failedAttempts = 0;
    if (!m_accepted) {
        // The first message (hello) proves the key was accepted.
        m_accepted = true;
        m_lastError.clear();
        emit logMessage(tr("Connected; admin key accepted"));
        setState(State::Connected);
    }
    auto envelope = decodeMessageEnvelope(text.toUtf8());
    if (!envelope) {
        emit logMessage(tr("Ignored a frame that is not a JSON object: %1").arg(envelope.error()));
        return;
    }
    const QString &type = envelope.value().type;
    const QJsonObject &data = envelope.value().data;

    if (type == admin::msg::reply || type == admin::msg::error) {
        const QString &replyTo = envelope.value().replyTo;
        AdminResult r;
        r.ok = type == admin::msg::reply;
        r.data = data;
        if (!r.ok) {
            r.errorCode = data.value(QStringLiteral("code")).toString();
            r.errorMessage = data.value(QStringLiteral("message")).toString();
            if (replyTo.isEmpty() || !m_pending.contains(replyTo))
                emit logMessage(tr("Server error: %1 (%2)").arg(r.errorMessage, r.errorCode));
        }
        if (!replyTo.isEmpty())
            finish(replyTo, r);
        return;
    }
    dispatch(type, data);
}

void AdminClient::requestSnapshot()
{
    request(admin::msg::snapshot, {}, this, [this](const AdminResult &r) {
        if (r.ok)
            dispatch(admin::msg::snapshot, r.data);
        else
            emit logMessage(tr("Snapshot request failed: %1").arg(r.errorMessage));
    });
}

void AdminClient::dispatch(const QString &type, const QJsonObject &data)
{
    if (type == admin::msg::hello) {
        QJsonObject node = data.value(QStringLiteral("node")).toObject();
        // In a cluster, the node's name there (what the Nodes tab and every row show).
        const QString clusterName = data.value(QStringLiteral("cluster"))
                                        .toObject()
                                        .value(QStringLiteral("name"))
                                        .toString();
        if (!clusterName.isEmpty())
            node.insert(QStringLiteral("clusterName"), clusterName);
        // Who this console is on the server and its role (docs/protocol.md, "Roles").
        node.insert(QStringLiteral("operator"), data.value(QStringLiteral("operator")));
        emit logMessage(tr("Server node %1, version %2")
                            .arg(node.value(QStringLiteral("id")).toString(),
                                 node.value(QStringLiteral("version")).toString()));
        emit hello(node);
    } else if (type == admin::Snapshot::type()) {
        const admin::Snapshot s = admin::Snapshot::fromJson(data);
        for (const QString &why : s.malformed)
            emit logMessage(tr("Ignored a malformed connection: %1").arg(why));
        emit snapshot(s.connections, s.rooms, s.counters);
    } else if (type == admin::ConnectionOpened::type()) {
        auto opened = admin::ConnectionOpened::fromJson(data);
        if (opened)
            emit connectionOpened(opened->connection);
        else
            emit logMessage(tr("Ignored a malformed connection: %1").arg(opened.error().message()));
    } else if (type == admin::ConnectionClosed::type()) {
        auto closed = admin::ConnectionClosed::fromJson(data);
        if (!closed) {
            emit logMessage(tr("Ignored a connection:closed without connectionId"));
            return;
        }
        emit connectionClosed(closed->connectionId, closed->code, closed->reason);
    } else if (type == admin::CountersPush::type()) {
        const admin::CountersPush push = admin::CountersPush::fromJson(data);
        emit counters(push.totals, push.perSecond);
    } else if (type == admin::ConnectionStats::type()) {
        emit connectionStats(admin::ConnectionStats::fromJson(data).connections);
    } else if (type == admin::msg::delivery) {
        emit delivery(data);
    } else if (type == admin::msg::userChanged) {
        emit userChanged(data);
    } else if (type == admin::DeliveryDropped::type()) {
        const admin::DeliveryDropped d = admin::DeliveryDropped::fromJson(data);
        emit deliveryDropped(d.nodeName.isEmpty() ? d.nodeId : d.nodeName, d.dropped);
    } else {
        emit logMessage(tr("Ignored an unknown message type: %1").arg(type));
    }
}

} // namespace notify::console
