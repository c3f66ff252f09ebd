#pragma once

#include <QObject>

class QSocketNotifier;

namespace notify {

// Turns SIGTERM and SIGINT into a Qt signal on the main thread (the self-pipe trick: the
// handler only writes a byte, which is async-signal-safe).
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

signals:
    void terminationRequested(int signal);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace notify
