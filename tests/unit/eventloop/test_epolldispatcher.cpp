#include "server/eventloop/epolleventdispatcher.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QPointer>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <atomic>
#include <memory>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

using notify::EpollEventDispatcher;

namespace {

// A thread running the epoll dispatcher, with a context object living on it to run code there.
class Shard
{
public:
    Shard()
    {
        auto *dispatcher = new EpollEventDispatcher;
        m_dispatcher = dispatcher;
        m_thread.setEventDispatcher(dispatcher);
        m_context = new QObject;
        m_context->moveToThread(&m_thread);
        m_thread.start();
    }
    ~Shard() { stop(); }
    Shard(const Shard &) = delete;
    Shard &operator=(const Shard &) = delete;

    // Runs f on the shard thread and waits for it.
    template <typename F>
    void run(F f)
    {
        QMetaObject::invokeMethod(m_context, std::move(f), Qt::BlockingQueuedConnection);
    }
    // Runs f on the shard thread later.
    template <typename F>
    void post(F f)
    {
        QMetaObject::invokeMethod(m_context, std::move(f), Qt::QueuedConnection);
    }

    bool stop()
    {
        if (!m_thread.isRunning())
            return true;
        run([this] {
            delete m_context;
            m_context = nullptr;
        });
        m_thread.quit();
        return m_thread.wait(10000);
    }

    QObject *context() const { return m_context; }
    QThread *thread() { return &m_thread; }
    QPointer<QAbstractEventDispatcher> dispatcher() const { return m_dispatcher; }

private:
    QThread m_thread;
    QObject *m_context = nullptr;
    QPointer<QAbstractEventDispatcher> m_dispatcher;
};

struct Pipe
{
    int rd = -1;
    int wr = -1;
    bool open()
    {
        int fds[2];
        if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0)
            return false;
        rd = fds[0];
        wr = fds[1];
        return true;
    }
    void close()
    {
        if (rd >= 0)
            ::close(rd);
        if (wr >= 0)
            ::close(wr);
        rd = wr = -1;
    }
    bool poke() const { return ::write(wr, "x", 1) == 1; }
    void drain() const
    {
        char buf[64];
        while (::read(rd, buf, sizeof buf) > 0) {
        }
    }
};

} // namespace

// Lives on the main thread; shard code reports to it through queued calls so that the test's
// QSignalSpy only ever sees main-thread emissions.
class Relay : public QObject
{
    Q_OBJECT
public:
    void report(const QString &tag)
    {
        QMetaObject::invokeMethod(this, [this, tag] { emit hit(tag); }, Qt::QueuedConnection);
    }
signals:
    void hit(const QString &tag);
};

class Worker : public QObject
{
    Q_OBJECT
public:
    Q_INVOKABLE void ping(int n) { emit pong(n, QThread::currentThread() == thread()); }
signals:
    void pong(int n, bool onOwnThread);
};

class Acceptor : public QTcpServer
{
public:
    std::function<void(qintptr)> onConnection;

protected:
    void incomingConnection(qintptr fd) override { onConnection(fd); }
};

class TestEpollDispatcher : public QObject
{
    Q_OBJECT

private slots:
    void dispatcherIsInstalled();
    void singleShotTimerFires();
    void repeatingTimersOfEachTypeFire();
    void timerBookkeeping();
    void zeroTimerDoesNotStarveOtherWork();
    void excludeFlagsAreHonoured();
    void queuedInvocationAcrossThreads();
    void tcpEchoInsideThread();
    void notifierRemovedDuringDispatchIsNotActivated();
    void webSocketShardsServe200Clients();
    void threadQuitsCleanly();
};

void TestEpollDispatcher::dispatcherIsInstalled()
{
    Shard shard;
    bool isEpoll = false;
    bool valid = false;
    shard.run([&] {
        auto *d = dynamic_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance());
        isEpoll = d != nullptr;
        valid = d && d->isValid();
    });
    QVERIFY(isEpoll);
    QVERIFY(valid);
}

void TestEpollDispatcher::singleShotTimerFires()
{
    // The relay must outlive the shard: shard code keeps reporting until the thread stops.
    Relay relay;
    QSignalSpy spy(&relay, &Relay::hit);
    Shard shard;
    shard.run([&] {
        auto *timer = new QTimer(shard.context());
        timer->setSingleShot(true);
        QObject::connect(timer, &QTimer::timeout, [&relay, &shard] {
            relay.report(QThread::currentThread() == shard.thread() ? "single" : "wrong-thread");
        });
        timer->start(10);
    });
    QVERIFY(spy.wait(5000));
    QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("single"));

    // Let the shard go round its loop a few more times: a single-shot must stay fired once.
    QSignalSpy ticks(&relay, &Relay::hit);
    shard.run([&] {
        auto *timer = new QTimer(shard.context());
        QObject::connect(timer, &QTimer::timeout, [&relay] { relay.report("tick"); });
        timer->start(2);
    });
    QTRY_VERIFY_WITH_TIMEOUT(ticks.count() >= 5, 5000);
    for (const auto &args : ticks)
        QCOMPARE(args.at(0).toString(), QStringLiteral("tick"));
    QCOMPARE(spy.count(), 1 + ticks.count());
}

void TestEpollDispatcher::repeatingTimersOfEachTypeFire()
{
    // The relay must outlive the shard: shard code keeps reporting until the thread stops.
    Relay relay;
    QSignalSpy spy(&relay, &Relay::hit);
    Shard shard;
    shard.run([&] {
        const struct {
            Qt::TimerType type;
            int interval;
            const char *tag;
        } specs[] = {{Qt::PreciseTimer, 5, "precise"},
                     {Qt::CoarseTimer, 40, "coarse"},
                     {Qt::VeryCoarseTimer, 1000, "verycoarse"}};
        for (const auto &spec : specs) {
            auto *timer = new QTimer(shard.context());
            timer->setTimerType(spec.type);
            const QString tag = QString::fromLatin1(spec.tag);
            QObject::connect(timer, &QTimer::timeout, [&relay, tag] { relay.report(tag); });
            timer->start(spec.interval);
        }
    });
    auto count = [&spy](const char *tag) {
        int n = 0;
        for (const auto &args : spy)
            n += args.at(0).toString() == QLatin1String(tag) ? 1 : 0;
        return n;
    };
    QTRY_VERIFY_WITH_TIMEOUT(count("precise") >= 10, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(count("coarse") >= 3, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(count("verycoarse") >= 2, 10000);
}

void TestEpollDispatcher::timerBookkeeping()
{
    Shard shard;
    struct Result
    {
        int idCount = -1;
        int registeredId = 0;
        int interval = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        int remaining = -2;
        int remainingAfterKill = 0;
        int countAfterKill = -1;
        bool unregisterUnknown = true;
        int countAfterDelete = -1;
        int startedId = 0;
    } r;
    shard.run([&] {
        QAbstractEventDispatcher *d = QAbstractEventDispatcher::instance();
        QObject holder;
        r.startedId = holder.startTimer(1000, Qt::PreciseTimer);
        const auto timers = d->registeredTimers(&holder);
        r.idCount = int(timers.size());
        if (!timers.isEmpty()) {
            r.registeredId = timers.first().timerId;
            r.interval = timers.first().interval;
            r.type = timers.first().timerType;
        }
        r.remaining = d->remainingTime(r.startedId);
        holder.killTimer(r.startedId);
        r.remainingAfterKill = d->remainingTime(r.startedId);
        r.countAfterKill = int(d->registeredTimers(&holder).size());
        r.unregisterUnknown = d->unregisterTimer(987654);

        // ~QObject goes through unregisterTimers().
        auto *doomed = new QObject;
        doomed->startTimer(50);
        doomed->startTimer(60000, Qt::VeryCoarseTimer);
        QObject *const key = doomed;
        delete doomed;
        r.countAfterDelete = int(d->registeredTimers(key).size());
    });
    QCOMPARE(r.idCount, 1);
    QCOMPARE(r.registeredId, r.startedId);
    QCOMPARE(r.interval, 1000);
    QCOMPARE(r.type, Qt::PreciseTimer);
    QVERIFY2(r.remaining >= 0 && r.remaining <= 1000, qPrintable(QString::number(r.remaining)));
    QCOMPARE(r.remainingAfterKill, -1);
    QCOMPARE(r.countAfterKill, 0);
    QVERIFY(!r.unregisterUnknown);
    QCOMPARE(r.countAfterDelete, 0);
}

void TestEpollDispatcher::zeroTimerDoesNotStarveOtherWork()
{
    // The relay must outlive the shard: shard code keeps reporting until the thread stops.
    Relay relay;
    QSignalSpy spy(&relay, &Relay::hit);
    Pipe pipe;
    QVERIFY(pipe.open());
    Shard shard;
    auto zeroTicks = std::make_shared<std::atomic<int>>(0);
    shard.run([&] {
        auto *busy = new QTimer(shard.context());
        QObject::connect(busy, &QTimer::timeout, [zeroTicks] { ++*zeroTicks; });
        busy->start(0);
        QTimer::singleShot(20, shard.context(), [&relay] { relay.report("timer"); });
        auto *notifier = new QSocketNotifier(pipe.rd, QSocketNotifier::Read, shard.context());
        QObject::connect(notifier, &QSocketNotifier::activated, [&relay, &pipe] {
            pipe.drain();
            relay.report("socket");
        });
    });
    QVERIFY(pipe.poke());
    shard.post([&relay] { relay.report("posted"); });
    QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 3, 5000);
    QStringList tags;
    for (const auto &args : spy)
        tags << args.at(0).toString();
    tags.sort();
    QCOMPARE(tags, (QStringList{"posted", "socket", "timer"}));
    QVERIFY(*zeroTicks > 0);
    QVERIFY(shard.stop());
    pipe.close();
}

void TestEpollDispatcher::excludeFlagsAreHonoured()
{
    Shard shard;
    Pipe pipe;
    QVERIFY(pipe.open());
    QVERIFY(pipe.poke());
    int socketFires = -1, socketFiresAfter = -1, timerFires = -1, timerFiresAfter = -1;
    shard.run([&] {
        int sockets = 0;
        QSocketNotifier notifier(pipe.rd, QSocketNotifier::Read);
        QObject::connect(&notifier, &QSocketNotifier::activated, [&] {
            ++sockets;
            pipe.drain();
        });
        QCoreApplication::processEvents(QEventLoop::ExcludeSocketNotifiers);
        socketFires = sockets;
        QCoreApplication::processEvents(QEventLoop::AllEvents);
        socketFiresAfter = sockets;

        int timers = 0;
        QTimer timer;
        QObject::connect(&timer, &QTimer::timeout, [&] { ++timers; });
        timer.start(0);
        QCoreApplication::processEvents(QEventLoop::X11ExcludeTimers);
        timerFires = timers;
        QCoreApplication::processEvents(QEventLoop::AllEvents);
        timerFiresAfter = timers;
    });
    QCOMPARE(socketFires, 0);
    QCOMPARE(socketFiresAfter, 1);
    QCOMPARE(timerFires, 0);
    QCOMPARE(timerFiresAfter, 1);
    QVERIFY(shard.stop());
    pipe.close();
}

void TestEpollDispatcher::queuedInvocationAcrossThreads()
{
    Relay relay;
    QSignalSpy relaySpy(&relay, &Relay::hit);
    Shard shard;
    auto *worker = new Worker;
    worker->moveToThread(shard.thread());
    // QSignalSpy connects directly; relay through a queued connection so that the spy is
    // filled on this thread only.
    QObject::connect(worker, &Worker::pong, &relay,
                     [&relay](int n, bool own) {
                         emit relay.hit(QStringLiteral("%1:%2").arg(n).arg(own));
                     },
                     Qt::QueuedConnection);
    constexpr int calls = 1000;
    for (int i = 0; i < calls; ++i)
        QVERIFY(QMetaObject::invokeMethod(worker, "ping", Qt::QueuedConnection, Q_ARG(int, i)));
    QTRY_COMPARE_WITH_TIMEOUT(relaySpy.count(), calls, 10000);
    for (int i = 0; i < calls; ++i)
        QCOMPARE(relaySpy.at(i).at(0).toString(), QStringLiteral("%1:1").arg(i));
    shard.run([worker] { delete worker; });
}

void TestEpollDispatcher::tcpEchoInsideThread()
{
    // The relay must outlive the shard: shard code keeps reporting until the thread stops.
    Relay relay;
    QSignalSpy spy(&relay, &Relay::hit);
    QByteArray payload(1 << 20, Qt::Uninitialized);
    for (int i = 0; i < payload.size(); ++i)
        payload[i] = char((i * 131 + i / 977) & 0xff);
    Shard shard;

    bool listening = false;
    shard.run([&] {
        auto *server = new QTcpServer(shard.context());
        listening = server->listen(QHostAddress::LocalHost, 0);
        QObject::connect(server, &QTcpServer::newConnection, [server] {
            while (QTcpSocket *peer = server->nextPendingConnection()) {
                peer->setParent(server);
                QObject::connect(peer, &QTcpSocket::readyRead,
                                 [peer] { peer->write(peer->readAll()); });
            }
        });
        auto *client = new QTcpSocket(shard.context());
        auto received = std::make_shared<QByteArray>();
        QObject::connect(client, &QTcpSocket::connected, [client, &payload] {
            // Several writes so the write notifier gets toggled over and over.
            for (qsizetype off = 0; off < payload.size(); off += 64 * 1024)
                client->write(payload.mid(off, 64 * 1024));
        });
        QObject::connect(client, &QTcpSocket::readyRead, [client, received, &payload, &relay] {
            received->append(client->readAll());
            if (received->size() >= payload.size())
                relay.report(*received == payload ? "echo-ok" : "echo-mismatch");
        });
        client->connectToHost(QHostAddress::LocalHost, server->serverPort());
    });
    QVERIFY(listening);
    QVERIFY(spy.wait(20000));
    QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("echo-ok"));
    QVERIFY(shard.stop());
}

void TestEpollDispatcher::notifierRemovedDuringDispatchIsNotActivated()
{
    // The relay must outlive the shard: shard code keeps reporting until the thread stops.
    Relay relay;
    QSignalSpy spy(&relay, &Relay::hit);
    Shard shard;

    struct State
    {
        Pipe pipes[2];
        QSocketNotifier *notifiers[2] = {nullptr, nullptr};
        int fired[2] = {0, 0};
        Pipe replacement;
        QSocketNotifier *replacementNotifier = nullptr;
        int replacementFired = 0;
        int survivor = -1;
    };
    auto state = std::make_shared<State>();
    QVERIFY(state->pipes[0].open());
    QVERIFY(state->pipes[1].open());

    shard.run([&, state] {
        for (int i = 0; i < 2; ++i) {
            auto *n = new QSocketNotifier(state->pipes[i].rd, QSocketNotifier::Read,
                                          shard.context());
            state->notifiers[i] = n;
            QObject::connect(n, &QSocketNotifier::activated, [&relay, &shard, state, i] {
                ++state->fired[i];
                state->pipes[i].drain();
                const int other = 1 - i;
                if (state->notifiers[other]) {
                    // Both fds are ready in the same epoll batch: remove the other notifier,
                    // close its fd and reuse the number for a fresh, idle notifier. Neither
                    // may see the stale readiness.
                    delete state->notifiers[other];
                    state->notifiers[other] = nullptr;
                    state->pipes[other].close();
                    if (state->replacement.open()) {
                        state->replacementNotifier = new QSocketNotifier(
                            state->replacement.rd, QSocketNotifier::Read, shard.context());
                        QObject::connect(state->replacementNotifier,
                                         &QSocketNotifier::activated,
                                         [state] { ++state->replacementFired; });
                    }
                    state->survivor = i;
                }
                relay.report(QStringLiteral("fired"));
            });
        }
        // Both become readable before the shard next waits, so one batch holds both.
        state->pipes[0].poke();
        state->pipes[1].poke();
    });
    QVERIFY(spy.wait(5000));

    int survivor = -1;
    shard.run([&] { survivor = state->survivor; });
    QVERIFY(survivor == 0 || survivor == 1);
    // Go round again through the survivor so any stale activation would have happened.
    shard.run([&] { state->pipes[survivor].poke(); });
    QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 2, 5000);

    int fired[2] = {-1, -1};
    int replacementFired = -1;
    shard.run([&] {
        fired[0] = state->fired[0];
        fired[1] = state->fired[1];
        replacementFired = state->replacementFired;
    });
    QCOMPARE(fired[survivor], 2);
    QCOMPARE(fired[1 - survivor], 0);
    QCOMPARE(replacementFired, 0);
    QVERIFY(shard.stop());
    state->pipes[0].close();
    state->pipes[1].close();
    state->replacement.close();
}

void TestEpollDispatcher::webSocketShardsServe200Clients()
{
    constexpr int kShards = 2;
    constexpr int kClients = 200;
    std::vector<std::unique_ptr<Shard>> shards;
    std::vector<QWebSocketServer *> servers(kShards, nullptr);
    for (int s = 0; s < kShards; ++s) {
        shards.push_back(std::make_unique<Shard>());
        Shard &shard = *shards.back();
        shard.run([&servers, &shard, s] {
            auto *server = new QWebSocketServer(QStringLiteral("shard"),
                                                QWebSocketServer::NonSecureMode, shard.context());
            servers[s] = server;
            QObject::connect(server, &QWebSocketServer::newConnection, [server, s] {
                while (QWebSocket *ws = server->nextPendingConnection()) {
                    ws->setParent(server);
                    QObject::connect(ws, &QWebSocket::textMessageReceived,
                                     [ws](const QString &text) {
                                         ws->sendTextMessage(QStringLiteral("echo:") + text);
                                     });
                    ws->sendTextMessage(QStringLiteral("hello from shard %1").arg(s));
                }
            });
        });
    }

    Acceptor acceptor;
    int next = 0;
    acceptor.onConnection = [&](qintptr fd) {
        const int s = next++ % kShards;
        QWebSocketServer *server = servers[s];
        shards[s]->post([server, fd] {
            auto *socket = new QTcpSocket(server);
            if (!socket->setSocketDescriptor(fd)) {
                delete socket;
                return;
            }
            server->handleConnection(socket);
        });
    };
    QVERIFY(acceptor.listen(QHostAddress::LocalHost, 0));
    const QUrl url(QStringLiteral("ws://127.0.0.1:%1/").arg(acceptor.serverPort()));

    int hellos[kShards] = {};
    int echoes = 0;
    int badMessages = 0;
    std::vector<std::unique_ptr<QWebSocket>> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.push_back(std::make_unique<QWebSocket>());
        QWebSocket *client = clients.back().get();
        QObject::connect(client, &QWebSocket::textMessageReceived,
                         [&, client, i](const QString &text) {
                             if (text.startsWith(QLatin1String("hello from shard "))) {
                                 const int s = text.mid(17).toInt();
                                 if (s >= 0 && s < kShards)
                                     ++hellos[s];
                                 client->sendTextMessage(QStringLiteral("client %1").arg(i));
                             } else if (text == QStringLiteral("echo:client %1").arg(i)) {
                                 ++echoes;
                             } else {
                                 ++badMessages;
                             }
                         });
        client->open(url);
    }

    QTRY_COMPARE_WITH_TIMEOUT(hellos[0] + hellos[1], kClients, 60000);
    QTRY_COMPARE_WITH_TIMEOUT(echoes, kClients, 60000);
    QCOMPARE(badMessages, 0);
    QCOMPARE(hellos[0], kClients / kShards);
    QCOMPARE(hellos[1], kClients / kShards);

    for (auto &client : clients)
        client->abort();
    clients.clear();
    for (auto &shard : shards)
        QVERIFY(shard->stop());
}

void TestEpollDispatcher::threadQuitsCleanly()
{
    auto shard = std::make_unique<Shard>();
    QPointer<QAbstractEventDispatcher> dispatcher = shard->dispatcher();
    QVERIFY(!dispatcher.isNull());
    // Leave live timers and notifiers behind: shutdown must not trip over them.
    Pipe pipe;
    QVERIFY(pipe.open());
    shard->run([&] {
        auto *timer = new QTimer(shard->context());
        timer->start(10);
        new QSocketNotifier(pipe.wr, QSocketNotifier::Write, shard->context());
    });
    QVERIFY(shard->stop());
    QVERIFY(shard->thread()->isFinished());
    QVERIFY(dispatcher.isNull()); // QThread deletes its dispatcher when it finishes
    pipe.close();
}

QTEST_GUILESS_MAIN(TestEpollDispatcher)
#include "test_epolldispatcher.moc"
