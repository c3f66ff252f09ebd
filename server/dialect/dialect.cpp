#include "server/dialect/dialect.h"

#include <QStringList>

namespace notify {

namespace {
constexpr const char *names[dialectCount] = {"standard", "snake", "colon", "crud"};

QString knownNames()
{
    return QStringLiteral("expected standard, snake, colon or crud");
}
} // namespace

QString dialectName(Dialect d)
{
    return QLatin1String(names[int(d)]);
}

std::optional<Dialect> dialectFromName(QStringView name)
{
    for (int i = 0; i < dialectCount; ++i) {
        if (name == QLatin1String(names[i]))
            return Dialect(i);
    }
    return std::nullopt;
}

bool dialectSpeaksPlain(Dialect d)
{
    return d == Dialect::Standard || d == Dialect::Snake;
}

bool dialectSpeaksSocketIo(Dialect d)
{
    return d != Dialect::Snake;
}

DialectSet EndpointDialects::inUse() const
{
    DialectSet set;
    set.insert(plain);
    set.insert(socketIoDefault);
    set.insert(socketIoNotifications);
    return set;
}

QString EndpointDialects::describeSocketIo() const
{
    return QStringLiteral("/=") + dialectName(socketIoDefault) + QStringLiteral(",/notifications=")
        + dialectName(socketIoNotifications);
}

Result<Dialect, QString> parsePlainDialect(const QString &text)
{
    const auto d = dialectFromName(text);
    if (!d)
        return knownNames() + QStringLiteral(" (for /ws/notifications: standard or snake)");
    if (!dialectSpeaksPlain(*d))
        return QStringLiteral("%1 is a Socket.IO dialect; /ws/notifications speaks standard or "
                              "snake (use --socketio-dialect NAMESPACE=%1)")
            .arg(dialectName(*d));
    return *d;
}

std::optional<QString> applySocketIoDialect(const QString &item, EndpointDialects &into)
{
    const qsizetype eq = item.lastIndexOf(u'=');
    if (eq < 0)
        return QStringLiteral("expected NAMESPACE=NAME, e.g. /notifications=colon");
    const QString nsp = item.left(eq).trimmed();
    const QString name = item.mid(eq + 1).trimmed();
    if (nsp != QLatin1String("/") && nsp != QLatin1String("/notifications"))
        return QStringLiteral("unknown namespace '%1': expected / or /notifications").arg(nsp);
    const auto d = dialectFromName(name);
    if (!d)
        return knownNames() + QStringLiteral(" (for Socket.IO: standard, colon or crud)");
    if (!dialectSpeaksSocketIo(*d))
        return QStringLiteral("%1 is a plain WebSocket dialect; a Socket.IO namespace speaks "
                              "standard, colon or crud (use --plain-dialect %1)")
            .arg(dialectName(*d));
    (nsp == QLatin1String("/") ? into.socketIoDefault : into.socketIoNotifications) = *d;
    return std::nullopt;
}

} // namespace notify
