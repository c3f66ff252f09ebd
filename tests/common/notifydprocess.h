#pragma once

// The real notifyd binary as a child process on loopback with ephemeral ports, the API port
// read from its start-up log line. For the tests that need a process of their own (a kill,
// an exit status, a file system made for it); NOTIFYD_BINARY is defined by their CMakeLists.

#include <QProcess>
#include <QRegularExpression>
#include <QStringList>
#include <QTest>
#include <QUrl>

namespace notify::test {

inline const QByteArray processApiKey = "test-api-key";

class NotifydProcess
{
public:
    explicit NotifydProcess(const QString &dataDir, const QStringList &extraArgs = {})
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("NOTIFY_JWT_SECRET"),
                   QStringLiteral("test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"));
        env.insert(QStringLiteral("NOTIFY_API_KEYS"), QString::fromLatin1(processApiKey));
        process.setProcessEnvironment(env);
        process.setProcessChannelMode(QProcess::SeparateChannels);
        process.start(QStringLiteral(NOTIFYD_BINARY),
                      QStringList {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                   QStringLiteral("--api-listen"), QStringLiteral("127.0.0.1:0"),
                                   QStringLiteral("--data-dir"), dataDir,
                                   QStringLiteral("--log-format"), QStringLiteral("text")}
                          + extraArgs);
    }
    ~NotifydProcess()
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
    }

    // Waits (on the process's output) for the line naming the API port.
    bool waitListening(int ms = 20000)
    {
        static const QRegularExpression re(QStringLiteral("API on \\S+:(\\d+)"));
        return QTest::qWaitFor(
                   [&] {
                       readLog();
                       const auto m = re.match(log);
                       if (m.hasMatch())
                           apiPort = quint16(m.captured(1).toUInt());
                       return apiPort != 0 || process.state() == QProcess::NotRunning;
                   },
                   ms)
            && apiPort != 0;
    }
    QString readLog()
    {
        log += QString::fromUtf8(process.readAllStandardError());
        return log;
    }
    QUrl url(const QString &pathAndQuery) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(apiPort).arg(pathAndQuery));
    }

    QProcess process;
    QString log;
    quint16 apiPort = 0;
};

} // namespace notify::test
