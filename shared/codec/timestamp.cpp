#include "shared/codec/timestamp.h"

#include <QRegularExpression>

namespace notify {

QString formatTimestamp(const QDateTime &t)
{
    if (!t.isValid())
        return QString();
    // An explicit pattern rather than Qt::ISODateWithMs: the wire format must not depend on
    // the QDateTime's time spec (a UTC-offset value would print "+00:00" instead of "Z").
    return t.toUTC().toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz'Z'"));
}

QJsonValue timestampOrNull(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(formatTimestamp(t)) : QJsonValue(QJsonValue::Null);
}

std::optional<QDateTime> parseTimestamp(const QString &text)
{
    // Parsed by hand: QDateTime::fromString(Qt::ISODate) also takes dates without a time and
    // times without a zone (read as local time), which would make the result depend on the
    // machine's time zone.
    static const QRegularExpression pattern(QRegularExpression::anchoredPattern(
        QStringLiteral(R"(([0-9]{4})-([0-9]{2})-([0-9]{2}))"
                       R"(T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?)"
                       R"((Z|([+-])([0-9]{2}):?([0-9]{2})))")));
    const QRegularExpressionMatch m = pattern.match(text);
    if (!m.hasMatch())
        return std::nullopt;

    const auto number = [&m](int group) {
        return m.capturedView(group).toInt();
    };
    const QDate date(number(1), number(2), number(3));
    // Milliseconds are truncated from longer fractions, as the wire format has no finer unit.
    const QString fraction = m.captured(7).left(3).leftJustified(3, u'0');
    const QTime time(number(4), number(5), number(6), fraction.toInt());
    if (!date.isValid() || !time.isValid())
        return std::nullopt;

    int offsetSeconds = 0;
    if (m.captured(8) != u"Z") {
        const int hours = number(10);
        const int minutes = number(11);
        if (hours > 23 || minutes > 59)
            return std::nullopt;
        offsetSeconds = (hours * 60 + minutes) * 60 * (m.captured(9) == u"-" ? -1 : 1);
    }
    return QDateTime(date, time, Qt::UTC).addSecs(-offsetSeconds);
}

} // namespace notify
