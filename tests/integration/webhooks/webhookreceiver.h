#pragma once

// A real HTTP receiver for webhook calls on loopback (QTcpServer): it records every request,
// checks its signature with Qt's own HMAC (not notifyd's OpenSSL code), and answers as told:
// 200, 500, never (a hang) or a TCP reset. The behaviour can be scripted per user, so that
// one user's calls fail while another's go through.

#include <QDateTime>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

#include <sys/socket.h>

namespace notify::test {

class WebhookReceiver : public QObject
{
public:
    enum class Behaviour { Ok, Fail, Stall, Reset };

    struct Call
    {
        QByteArray body;
        QJsonObject json;
        QByteArray signature; // X-Notifyd-Signature
        QByteArray eventId; // X-Notifyd-Event-Id
        Behaviour answered = Behaviour::Ok;
        bool signatureValid = false;
        QString userId() const
        {
            return json.value(QStringLiteral("data"))
                .toObject()
                .value(QStringLiteral("userId"))
                .toString();
        }
        QString summary() const // "read <notification id>"
        {
            return json.value(QStringLiteral("type")).toString().mid(13) + QLatin1Char(' ')
                + json.value(QStringLiteral("data"))
                      .toObject()
                      .value(QStringLiteral("notificationId"))
                      .toString();
        }
    };

    WebhookReceiver()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readFrom(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }

    QString url(const QString &path = QStringLiteral("/hooks")) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path);
    }

    // How the next calls are answered: first the script of the call's user (one entry per
    // call), then `otherwise`.
    Behaviour otherwise = Behaviour::Ok;
    QHash<QString, QList<Behaviour>> script;
    QByteArray secret;

    QList<Call> calls;
    // The calls answered 200, in arrival order.
    QList<Call> accepted() const
    {
        QList<Call> out;
        for (const Call &c : calls) {
            if (c.answered == Behaviour::Ok)
                out.append(c);
        }
        return out;
    }
    // The accepted events of one user, each once (at-least-once: a repeat is dropped by id,
    // as a receiver does), as "event notificationId".
    QStringList acceptedOf(const QString &user) const
    {
        QStringList out;
        QSet<QByteArray> seen;
        for (const Call &c : accepted()) {
            if (c.userId() == user && !seen.contains(c.eventId)) {
                seen.insert(c.eventId);
                out.append(c.summary());
            }
        }
        return out;
    }

private:
    void readFrom(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return;
        const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
        qsizetype length = 0;
        Call call;
        for (const QByteArray &raw : lines) {
            const QByteArray line = raw.trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon < 0)
                continue;
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "content-length")
                length = value.toLongLong();
            else if (name == "x-notifyd-signature")
                call.signature = value;
            else if (name == "x-notifyd-event-id")
                call.eventId = value;
        }
        if (buffer.size() < headEnd + 4 + length)
            return;
        call.body = buffer.mid(headEnd + 4, length);
        m_buffers.remove(socket);
        call.json = QJsonDocument::fromJson(call.body).object();
        call.signatureValid = verify(call);
        QList<Behaviour> &mine = script[call.userId()];
        call.answered = mine.isEmpty() ? otherwise : mine.takeFirst();
        calls.append(call);
        switch (call.answered) {
        case Behaviour::Ok:
            socket->write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            socket->disconnectFromHost();
            break;
        case Behaviour::Fail:
            socket->write("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n"
                          "Connection: close\r\n\r\noops");
            socket->disconnectFromHost();
            break;
        case Behaviour::Stall:
            break; // never answered: the sender's deadline ends it
        case Behaviour::Reset: {
            // SO_LINGER 0: close() sends a RST instead of a FIN.
            struct linger hard
            {
                1, 0
            };
            ::setsockopt(int(socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard,
                         sizeof hard);
            socket->abort();
            break;
        }
        }
    }

    // Stripe's scheme: HMAC-SHA256 of "{t}.{body}" under the secret, t within five minutes.
    bool verify(const Call &call) const
    {
        QByteArray t;
        QByteArray v1;
        for (const QByteArray &part : call.signature.split(',')) {
            if (part.startsWith("t="))
                t = part.mid(2);
            else if (part.startsWith("v1="))
                v1 = part.mid(3);
        }
        if (t.isEmpty() || v1.isEmpty())
            return false;
        if (qAbs(QDateTime::currentSecsSinceEpoch() - t.toLongLong()) > 300)
            return false;
        const QByteArray expected = QMessageAuthenticationCode::hash(t + '.' + call.body, secret,
                                                                     QCryptographicHash::Sha256)
                                        .toHex();
        return expected == v1;
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace notify::test
