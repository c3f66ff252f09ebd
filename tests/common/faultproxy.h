#pragma once

// A TCP proxy on loopback between notifyd and its PostgreSQL server, for the fault tests: it
// passes bytes both ways, and on request adds latency, goes silent without closing anything
// (the bytes are held, the connections stay open, new ones are accepted and held too), or
// drops every connection. FaultProxy lives on the thread that made it; FaultProxyThread runs
// one on a thread of its own, so that a blocking caller on the test's thread (an in-process
// server starting, whose store connects through the proxy) cannot hold it up.

#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <functional>

#include <deque>
#include <memory>

namespace notify::test {

class FaultProxy : public QObject
{
public:
    FaultProxy(const QString &upstreamHost, quint16 upstreamPort)
        : m_host(upstreamHost)
        , m_port(upstreamPort)
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] { accept(); });
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    ~FaultProxy() override { dropAll(); }

    quint16 port() const { return m_server.serverPort(); }
    // Each chunk waits this long before it is passed on (each direction).
    void setLatency(int ms) { m_latencyMs = ms; }
    // Nothing passes until heal(); nothing is closed.
    void stall() { m_stalled = true; }
    void heal()
    {
        m_stalled = false;
        for (const auto &pipe : std::as_const(m_pipes))
            pump(*pipe);
    }
    void dropAll()
    {
        const auto pipes = m_pipes;
        m_pipes.clear();
        for (const auto &pipe : pipes)
            release(*pipe, true);
    }
    int connections() const { return int(m_pipes.size()); }

private:
    struct Chunk
    {
        QByteArray bytes;
        qint64 dueMs;
        bool toUpstream;
    };
    struct Pipe
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> upstream;
        std::deque<Chunk> held; // in arrival order, both directions
        QTimer timer;
    };

    void accept()
    {
        while (QTcpSocket *client = m_server.nextPendingConnection()) {
            auto pipe = std::make_shared<Pipe>();
            pipe->client = client;
            pipe->upstream = new QTcpSocket(this);
            client->setParent(this);
            pipe->timer.setSingleShot(true);
            Pipe *raw = pipe.get();
            QObject::connect(&pipe->timer, &QTimer::timeout, this, [this, raw] { pump(*raw); });
            QObject::connect(client, &QTcpSocket::readyRead, this,
                             [this, raw] { take(*raw, raw->client, true); });
            QObject::connect(pipe->upstream, &QTcpSocket::readyRead, this,
                             [this, raw] { take(*raw, raw->upstream, false); });
            // A side that closes closes the other (a dropped connection, not a silent one).
            QObject::connect(client, &QTcpSocket::disconnected, this, [this, raw] { close(raw); });
            QObject::connect(pipe->upstream, &QTcpSocket::disconnected, this,
                             [this, raw] { close(raw); });
            pipe->upstream->connectToHost(m_host, m_port);
            m_pipes.append(pipe);
        }
    }

    void take(Pipe &pipe, QTcpSocket *from, bool toUpstream)
    {
        if (!from)
            return;
        const QByteArray bytes = from->readAll();
        if (bytes.isEmpty())
            return;
        pipe.held.push_back(Chunk {bytes, m_clock.elapsed() + m_latencyMs, toUpstream});
        pump(pipe);
    }

    void pump(Pipe &pipe)
    {
        if (m_stalled)
            return;
        const qint64 now = m_clock.elapsed();
        while (!pipe.held.empty()) {
            Chunk &front = pipe.held.front();
            if (front.dueMs > now) {
                pipe.timer.start(int(front.dueMs - now));
                return;
            }
            QTcpSocket *to = front.toUpstream ? pipe.upstream.data() : pipe.client.data();
            if (to)
                to->write(front.bytes);
            pipe.held.pop_front();
        }
    }

    void close(Pipe *raw)
    {
        for (qsizetype i = 0; i < m_pipes.size(); ++i) {
            if (m_pipes[i].get() != raw)
                continue;
            const auto pipe = m_pipes.takeAt(i);
            release(*pipe, false);
            return;
        }
    }

    // The pipe's sockets no longer call into it (it is about to go) and are closed.
    void release(Pipe &pipe, bool abort)
    {
        pipe.timer.stop();
        for (QTcpSocket *socket : {pipe.client.data(), pipe.upstream.data()}) {
            if (!socket)
                continue;
            QObject::disconnect(socket, nullptr, this, nullptr);
            if (abort)
                socket->abort();
            else
                socket->disconnectFromHost();
            socket->deleteLater();
        }
    }

    QString m_host;
    quint16 m_port;
    QTcpServer m_server;
    QList<std::shared_ptr<Pipe>> m_pipes;
    QElapsedTimer m_clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    int m_latencyMs = 0;
    bool m_stalled = false;
};

class FaultProxyThread
{
public:
    FaultProxyThread(const QString &upstreamHost, quint16 upstreamPort)
    {
        m_context.moveToThread(&m_thread);
        m_thread.start();
        run([&] { m_proxy = new FaultProxy(upstreamHost, upstreamPort); });
        m_port = m_proxy->port();
    }
    ~FaultProxyThread()
    {
        run([&] {
            delete m_proxy;
            m_proxy = nullptr;
        });
        m_thread.quit();
        m_thread.wait();
    }

    quint16 port() const { return m_port; }
    void setLatency(int ms)
    {
        run([&] { m_proxy->setLatency(ms); });
    }
    void stall()
    {
        run([&] { m_proxy->stall(); });
    }
    void heal()
    {
        run([&] { m_proxy->heal(); });
    }
    void dropAll()
    {
        run([&] { m_proxy->dropAll(); });
    }

private:
    void run(const std::function<void()> &f)
    {
        QMetaObject::invokeMethod(&m_context, f, Qt::BlockingQueuedConnection);
    }

    QThread m_thread;
    QObject m_context;
    FaultProxy *m_proxy = nullptr;
    quint16 m_port = 0;
};

} // namespace notify::test
