#pragma once

#include <QHostAddress>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>

class QSocketNotifier;

namespace notify {

// A listening TCP socket that accepts on its own thread and hands each new descriptor
// (non-blocking, close-on-exec) to a callback. Why not QTcpServer: Qt 6.4 treats EMFILE and
// ENFILE from accept() as temporary, so with the listening socket still readable it calls
// accept() again at once, for ever (a busy loop at the descriptor limit; measured: thousands
// of failed accept4 calls a second). Here, when accept() fails for lack of descriptors or
// memory, the notifier is switched off and accepting resumes on a timer, backing off from
// minRetryMs to maxRetryMs; the pending connections wait in the kernel's backlog meanwhile.
//
// Reusable by any port: Listener for the descriptors, AcceptGate (net/acceptgate.h) for the
// caps, as the client port's Acceptor does.
class Listener : public QObject
{
public:
    using Handler = std::function<void(int descriptor)>;

    explicit Listener(Handler onAccepted, QObject *parent = nullptr);
    ~Listener() override;

    // QHostAddress::Any listens on IPv6 and IPv4 (dual stack). false: see errorString().
    bool listen(const QHostAddress &address, quint16 port, int backlog);
    void close();
    bool isListening() const { return m_fd >= 0; }
    quint16 serverPort() const { return m_port; }
    QString errorString() const { return m_error; }
    // Called with a description each time accepting pauses (for logs and metrics).
    void setPauseObserver(std::function<void(const QString &why, int retryMs)> observer)
    {
        m_onPause = std::move(observer);
    }

    static constexpr int minRetryMs = 50;
    static constexpr int maxRetryMs = 1000;

private:
    void onReadable();
    void resume();

    Handler m_onAccepted;
    std::function<void(const QString &, int)> m_onPause;
    int m_fd = -1;
    quint16 m_port = 0;
    QString m_error;
    QSocketNotifier *m_notifier = nullptr;
    QTimer m_retry;
    int m_retryMs = minRetryMs;
};

} // namespace notify
