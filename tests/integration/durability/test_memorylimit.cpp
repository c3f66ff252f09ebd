// Memory limits (docs/operations.md, "Memory limits"), against the real notifyd binary: near
// its limit notifyd refuses new client connections with the reason (WebSocket close 1013, SSE
// 503 `memory_limit`), says so in /readyz and /metrics, keeps the connections it has working
// and stays up; below the low-water mark it accepts again. The limit is a real cgroup's
// (a child cgroup the test makes, as root, and changes while notifyd runs, as `systemctl
// set-property notifyd MemoryMax=` would), and --memory-limit set below what notifyd uses.
#include "httpclient.h"
#include "notifydprocess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <unistd.h>

#include <memory>

using namespace notify::test;

namespace {

const QByteArray secret = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

QByteArray token(const QString &user)
{
    auto b64 = [](const QByteArray &b) {
        return b.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    };
    const QByteArray head = b64(R"({"alg":"HS256","typ":"JWT"})");
    const QByteArray claims
        = b64(QJsonDocument(QJsonObject {{QStringLiteral("sub"), user},
                                         {QStringLiteral("org"), "acme"},
                                         {QStringLiteral("exp"), qint64(4102444800)}})
                  .toJson(QJsonDocument::Compact));
    const QByteArray body = head + '.' + claims;
    return body + '.'
        + b64(QMessageAuthenticationCode::hash(body, secret, QCryptographicHash::Sha256));
}

quint16 clientPortOf(NotifydProcess &server)
{
    static const QRegularExpression re(QStringLiteral("clients on \\S+:(\\d+)"));
    return quint16(re.match(server.readLog()).captured(1).toUInt());
}

// A plain-protocol tab: its frames, and how it ended.
struct Tab
{
    QWebSocket socket;
    QList<QJsonObject> frames;
    bool opened = false;
    bool closed = false;

    Tab(quint16 port, const QString &user)
    {
        QObject::connect(&socket, &QWebSocket::connected, [this] { opened = true; });
        QObject::connect(&socket, &QWebSocket::disconnected, [this] { closed = true; });
        QObject::connect(&socket, &QWebSocket::textMessageReceived, [this](const QString &m) {
            frames.append(QJsonDocument::fromJson(m.toUtf8()).object());
        });
        socket.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/notifications?token=%2")
                             .arg(port)
                             .arg(QString::fromLatin1(token(user)))));
    }
    bool has(const QString &type) const
    {
        for (const QJsonObject &f : frames)
            if (f.value(QStringLiteral("type")).toString() == type)
                return true;
        return false;
    }
};

qint64 residentOf(qint64 pid)
{
    QFile statm(QStringLiteral("/proc/%1/statm").arg(pid));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    return statm.readAll().split(' ').value(1).toLongLong() * ::sysconf(_SC_PAGESIZE);
}

bool writeFile(const QString &path, const QByteArray &text)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text) == text.size() && f.flush();
}

// The memory cgroup v1 directory this process is in, when its hierarchy is mounted and
// writable; empty otherwise. (A cgroup v2 child with the memory controller would need the
// controller enabled in the parent's subtree, which a process inside it cannot do.)
QString ownMemoryCgroupV1()
{
    QFile self(QStringLiteral("/proc/self/cgroup"));
    if (!self.open(QIODevice::ReadOnly))
        return {};
    for (const QByteArray &line : self.readAll().split('\n')) {
        const QList<QByteArray> parts = line.split(':');
        if (parts.size() >= 3 && parts[1].split(',').contains("memory")) {
            const QString dir = QStringLiteral("/sys/fs/cgroup/memory")
                + QString::fromUtf8(line.mid(parts[0].size() + parts[1].size() + 2));
            if (QFile::exists(dir + QStringLiteral("/memory.limit_in_bytes"))
                && ::access(QFile::encodeName(dir).constData(), W_OK) == 0)
                return dir;
        }
    }
    return {};
}

HttpResponse publishTo(QNetworkAccessManager &nam, NotifydProcess &server, const QString &user)
{
    return httpRequest(nam, server.url(QStringLiteral("/api/v1/notifications")), "POST",
                       QJsonDocument(QJsonObject {{QStringLiteral("orgId"), "acme"},
                                                  {QStringLiteral("userIds"), QJsonArray {user}},
                                                  {QStringLiteral("type"), "TEST"},
                                                  {QStringLiteral("title"), "still here"}})
                           .toJson(QJsonDocument::Compact),
                       processApiKey);
}

QByteArray metric(QNetworkAccessManager &nam, NotifydProcess &server, const QByteArray &name)
{
    const HttpResponse r = httpRequest(nam, server.url(QStringLiteral("/metrics")), "GET", {}, {});
    for (const QByteArray &line : r.body.split('\n'))
        if (line.startsWith(name + ' '))
            return line.mid(name.size() + 1);
    return {};
}

// The close frame a new WebSocket gets: read from the wire, because QWebSocket takes 1013
// (RFC 6455's registry: try again later) for an invalid code and reports 1002.
struct RawClose
{
    int code = 0; // -1: another frame came first
    QByteArray reason;
};
RawClose rawCloseOf(quint16 port, const QString &user)
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(5000))
        return {};
    s.write("GET /ws/notifications?token=" + token(user)
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QByteArray in;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 10000) {
        s.waitForReadyRead(200);
        in += s.readAll();
        const qsizetype end = in.indexOf("\r\n\r\n");
        if (end < 0)
            continue;
        const QByteArray frame = in.mid(end + 4);
        if (frame.size() < 2)
            continue;
        const int length = frame[1] & 0x7f;
        if (frame.size() < 2 + length)
            continue;
        if (uchar(frame[0]) != 0x88 || length < 2)
            return {-1, {}};
        return {(uchar(frame[2]) << 8) | uchar(frame[3]), frame.mid(4, length - 2)};
    }
    return {};
}

// While refusing: a new tab is closed with 1013 and the reason, an SSE stream gets 503
// memory_limit with Retry-After, /readyz names it.
void checkRefused(QNetworkAccessManager &nam, NotifydProcess &server, quint16 port)
{
    const RawClose refused = rawCloseOf(port, QStringLiteral("late"));
    QCOMPARE(refused.code, 1013);
    QVERIFY2(refused.reason.contains("memory limit"), refused.reason.constData());

    QUrl sse(QStringLiteral("http://127.0.0.1:%1/sse/notifications?token=%2")
                 .arg(port)
                 .arg(QString::fromLatin1(token(QStringLiteral("late")))));
    const HttpResponse stream = httpRequest(nam, sse, "GET", {}, {});
    QCOMPARE(stream.status, 503);
    QCOMPARE(stream.json.value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("code"))
                 .toString(),
             QStringLiteral("memory_limit"));
    QVERIFY(stream.retryAfter.toInt() > 0);

    const HttpResponse ready
        = httpRequest(nam, server.url(QStringLiteral("/readyz")), "GET", {}, {});
    QCOMPARE(ready.status, 503);
    const QJsonObject error = ready.json.value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("memory_limit"));
    QVERIFY2(error.value(QStringLiteral("message")).toString().contains(u"memory limit"),
             qPrintable(error.value(QStringLiteral("message")).toString()));
    QCOMPARE(metric(nam, server, "notify_memory_refusing"), QByteArray("1"));
    QVERIFY(metric(nam, server, "notify_memory_refused_total").toInt() >= 2);
}

} // namespace

class TestMemoryLimit : public QObject
{
    Q_OBJECT
private slots:
    void refusesNearTheCgroupLimitAndAcceptsAgain();
    void refusesNearAConfiguredLimit();
};

void TestMemoryLimit::refusesNearTheCgroupLimitAndAcceptsAgain()
{
    if (::geteuid() != 0)
        QSKIP("needs root to make a memory cgroup");
    const QString parent = ownMemoryCgroupV1();
    if (parent.isEmpty())
        QSKIP("no writable cgroup v1 memory hierarchy for this process");
    const QString cgroup = parent
        + QStringLiteral("/notifyd-test-memory-%1").arg(QCoreApplication::applicationPid());
    if (!QDir().mkpath(cgroup))
        QSKIP(qPrintable(QStringLiteral("cannot make the cgroup %1").arg(cgroup)));
    auto removeCgroup = qScopeGuard([&] { QDir().rmdir(cgroup); });
    const QString limitFile = cgroup + QStringLiteral("/memory.limit_in_bytes");
    QVERIFY(writeFile(limitFile, QByteArray::number(qint64(1) << 30)));

    QTemporaryDir data;
    // High water at 50% (low water 40%): the limits the test sets stay far above what
    // notifyd uses, so the kernel never has to reclaim or kill inside the cgroup.
    auto server = std::make_unique<NotifydProcess>(
        data.path(), QStringList {QStringLiteral("--memory-high-water"), QStringLiteral("50")});
    QVERIFY(server->process.waitForStarted(5000));
    const qint64 pid = server->process.processId();
    QVERIFY(writeFile(cgroup + QStringLiteral("/cgroup.procs"), QByteArray::number(pid)));
    QVERIFY2(server->waitListening(), qPrintable(server->log));
    const quint16 port = clientPortOf(*server);
    QNetworkAccessManager nam;

    Tab early(port, QStringLiteral("early"));
    QTRY_VERIFY_WITH_TIMEOUT(early.has(QStringLiteral("notification:unread_count")), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(metric(nam, *server, "notify_memory_limit_bytes"),
                              QByteArray::number(qint64(1) << 30), 5000);

    // The limit drops to 1.5 times what notifyd uses: 67% > 50%.
    const qint64 resident = residentOf(pid);
    QVERIFY(resident > 0);
    QVERIFY(writeFile(limitFile, QByteArray::number(resident * 3 / 2)));
    QTRY_COMPARE_WITH_TIMEOUT(metric(nam, *server, "notify_memory_refusing"), QByteArray("1"),
                              5000);
    checkRefused(nam, *server, port);

    // The connection it had keeps working, and the process is alive.
    const HttpResponse published = publishTo(nam, *server, QStringLiteral("early"));
    QCOMPARE(published.status, 201);
    QTRY_VERIFY_WITH_TIMEOUT(early.has(QStringLiteral("notification:new")), 10000);
    QVERIFY(!early.closed);
    QCOMPARE(server->process.state(), QProcess::Running);

    // The limit rises to 4 times the use: 25% < 40%, new connections are welcome again.
    QVERIFY(writeFile(limitFile, QByteArray::number(resident * 4)));
    QTRY_COMPARE_WITH_TIMEOUT(metric(nam, *server, "notify_memory_refusing"), QByteArray("0"),
                              5000);
    Tab late(port, QStringLiteral("late"));
    QTRY_VERIFY_WITH_TIMEOUT(late.has(QStringLiteral("notification:unread_count")), 10000);
    QCOMPARE(httpRequest(nam, server->url(QStringLiteral("/readyz")), "GET", {}, {}).status, 200);
    QVERIFY2(server->readLog().contains(QLatin1String("memory limit")), qPrintable(server->log));

    server.reset(); // out of the cgroup before it is removed
}

void TestMemoryLimit::refusesNearAConfiguredLimit()
{
    // Below what notifyd uses from the start: refusing at once, for the whole run.
    QTemporaryDir data;
    NotifydProcess server(data.path(),
                          QStringList {QStringLiteral("--memory-limit"), QStringLiteral("4M")});
    QVERIFY2(server.waitListening(), qPrintable(server.log));
    const quint16 port = clientPortOf(server);
    QNetworkAccessManager nam;
    QTRY_COMPARE_WITH_TIMEOUT(metric(nam, server, "notify_memory_refusing"), QByteArray("1"), 5000);
    QCOMPARE(metric(nam, server, "notify_memory_limit_bytes"), QByteArray::number(4 << 20));
    checkRefused(nam, server, port);
    // The API port is not a client connection: publishing goes on.
    QCOMPARE(publishTo(nam, server, QStringLiteral("someone")).status, 201);
    QCOMPARE(server.process.state(), QProcess::Running);
}

QTEST_MAIN(TestMemoryLimit)
#include "test_memorylimit.moc"
