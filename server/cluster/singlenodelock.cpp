#include "server/cluster/singlenodelock.h"

#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace notify {

SingleNodeLock::~SingleNodeLock()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

Result<Done, QString> SingleNodeLock::acquire(const QString &sqlitePath)
{
    const QString path = QFileInfo(sqlitePath).absoluteFilePath() + QStringLiteral(".lock");
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return QStringLiteral("cannot open the lock file %1: %2")
            .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
    }
    struct flock lock
    {
    };
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    if (::fcntl(fd, F_SETLK, &lock) != 0) {
        const int error = errno;
        struct flock holder
        {
        };
        holder.l_type = F_WRLCK;
        holder.l_whence = SEEK_SET;
        const bool known = ::fcntl(fd, F_GETLK, &holder) == 0 && holder.l_type != F_UNLCK;
        ::close(fd);
        if (error == EACCES || error == EAGAIN) {
            return QStringLiteral("another notifyd%1 already uses the SQLite database %2; "
                                  "SQLite is single-node (use PostgreSQL for several nodes)")
                .arg(known ? QStringLiteral(" (pid %1)").arg(holder.l_pid) : QString(), sqlitePath);
        }
        return QStringLiteral("cannot lock %1: %2")
            .arg(path, QString::fromLocal8Bit(std::strerror(error)));
    }
    m_fd = fd;
    return Done {};
}

} // namespace notify
