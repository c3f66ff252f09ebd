// server/util/socketcall.h: which failures of a socket call mean "try later", and the retry of
// a call a signal interrupted, on real sockets.

#include "server/util/socketcall.h"

#include <QTest>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

using namespace notify;

namespace {

// Both ends of a connected stream socket pair, closed on destruction.
struct SocketPair
{
    explicit SocketPair(int flags = 0)
    {
        ok = ::socketpair(AF_UNIX, SOCK_STREAM | flags, 0, fd) == 0;
    }
    ~SocketPair()
    {
        for (int f : fd) {
            if (f >= 0)
                ::close(f);
        }
    }
    void closeEnd(int i)
    {
        ::close(fd[i]);
        fd[i] = -1;
    }
    bool ok = false;
    int fd[2] = {-1, -1};
};

// The SIGALRM handler's peer: it writes one byte there, so that the interrupted recv has
// something to read once it is retried.
volatile sig_atomic_t g_alarmPeer = -1;

void writeOnAlarm(int)
{
    const char byte = 'x';
    [[maybe_unused]] const ssize_t n = ::write(g_alarmPeer, &byte, 1);
}

} // namespace

class TestSocketCall : public QObject
{
    Q_OBJECT

private slots:
    void emptyOrFullSocketWouldBlock();
    void endOrResetIsNotWouldBlock();
    void interruptedCallIsRetried();
    void otherFailuresAreNotRetried();
    void signalDuringBlockingRecv();
};

void TestSocketCall::emptyOrFullSocketWouldBlock()
{
    SocketPair pair(SOCK_NONBLOCK);
    QVERIFY(pair.ok);
    char buffer[4096];
    QCOMPARE(::recv(pair.fd[0], buffer, sizeof buffer, 0), ssize_t(-1));
    QVERIFY(wouldBlock());
    // Send until the kernel has no room left.
    std::memset(buffer, 'a', sizeof buffer);
    ssize_t n = 0;
    for (int i = 0; i < 100000 && n >= 0; ++i)
        n = ::send(pair.fd[0], buffer, sizeof buffer, MSG_NOSIGNAL);
    QCOMPARE(n, ssize_t(-1));
    QVERIFY(wouldBlock());
    QVERIFY(wouldBlock(EAGAIN));
    QVERIFY(wouldBlock(EWOULDBLOCK));
    QVERIFY(!wouldBlock(EINTR));
}

void TestSocketCall::endOrResetIsNotWouldBlock()
{
    SocketPair pair(SOCK_NONBLOCK);
    QVERIFY(pair.ok);
    pair.closeEnd(1);
    char byte = 0;
    QCOMPARE(::recv(pair.fd[0], &byte, 1, 0), ssize_t(0)); // the end: no errno to ask
    QCOMPARE(::send(pair.fd[0], &byte, 1, MSG_NOSIGNAL), ssize_t(-1));
    QCOMPARE(errno, EPIPE);
    QVERIFY(!wouldBlock());
}

void TestSocketCall::interruptedCallIsRetried()
{
    int calls = 0;
    const ssize_t n = retryInterrupted([&]() -> ssize_t {
        if (++calls < 3) {
            errno = EINTR;
            return -1;
        }
        return 5;
    });
    QCOMPARE(n, ssize_t(5));
    QCOMPARE(calls, 3);
}

void TestSocketCall::otherFailuresAreNotRetried()
{
    for (const int error : {EAGAIN, ECONNRESET, EPIPE}) {
        int calls = 0;
        const ssize_t n = retryInterrupted([&]() -> ssize_t {
            ++calls;
            errno = error;
            return -1;
        });
        QCOMPARE(n, ssize_t(-1));
        QCOMPARE(calls, 1);
        QCOMPARE(errno, error);
    }
}

void TestSocketCall::signalDuringBlockingRecv()
{
    // A blocking recv that a signal interrupts (no SA_RESTART) fails with EINTR; retried, it
    // gets the byte the handler wrote. The receive timeout bounds the wait if no signal came.
    SocketPair pair;
    QVERIFY(pair.ok);
    const timeval deadline {5, 0};
    QCOMPARE(::setsockopt(pair.fd[0], SOL_SOCKET, SO_RCVTIMEO, &deadline, sizeof deadline), 0);
    g_alarmPeer = pair.fd[1];
    struct sigaction action
    {
    };
    action.sa_handler = writeOnAlarm;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    struct sigaction previous
    {
    };
    QCOMPARE(::sigaction(SIGALRM, &action, &previous), 0);
    const itimerval once {{0, 0}, {0, 50000}};
    QCOMPARE(::setitimer(ITIMER_REAL, &once, nullptr), 0);
    char byte = 0;
    int calls = 0;
    const ssize_t n = retryInterrupted([&] {
        ++calls;
        return ::recv(pair.fd[0], &byte, 1, 0);
    });
    const int error = errno;
    ::sigaction(SIGALRM, &previous, nullptr);
    QVERIFY2(n == 1, qPrintable(QString::fromLocal8Bit(std::strerror(error))));
    QCOMPARE(byte, 'x');
    // Interrupted once, retried once (unless the signal came before recv blocked).
    QVERIFY(calls <= 2);
}

QTEST_GUILESS_MAIN(TestSocketCall)
#include "test_socketcall.moc"
