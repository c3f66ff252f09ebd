#pragma once

#include <QObject>

class QSocketNotifier;

namespace notify {

// Turns SIGTERM and SIGINT (terminationRequested) and SIGHUP (reloadRequested) into Qt
// signals on the main thread (the self-pipe trick: the handler only writes a byte, which is
// async-signal-safe).
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

signals:
    void terminationRequested(int signal);
    void reloadRequested();

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace notify
