#include "server/delivery/eventjson.h"

#include "shared/codec/jsonstring.h"
#include "shared/codec/jsonvalue.h"
#include "shared/codec/timestamp.h"
#include "shared/model/priority.h"

namespace notify {

namespace {

// Times from the epoch to the end of year 9999 (four-digit years, as formatTimestamp's
// "yyyy" prints them) are written here; any other goes through formatTimestamp.
constexpr qint64 msPerDay = 86400000;
constexpr qint64 maxFastMs = 253402300800000; // 10000-01-01T00:00:00Z

void put2(char *at, int v)
{
    at[0] = char('0' + v / 10);
    at[1] = char('0' + v % 10);
}

// "yyyy-MM-ddTHH:mm:ss.zzzZ" with its quotes (26 bytes) for 0 <= ms < maxFastMs.
void writeTimestamp(char *at, qint64 ms)
{
    const qint64 days = ms / msPerDay;
    qint64 rest = ms % msPerDay;
    // Days since the epoch to a civil date (H. Hinnant's days_from_civil, inverted), valid
    // for every day counted here.
    const qint64 z = days + 719468;
    const qint64 era = z / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const int day = int(doy - (153 * mp + 2) / 5 + 1);
    const int month = int(mp < 10 ? mp + 3 : mp - 9);
    const int year = int(yoe + era * 400 + (month <= 2 ? 1 : 0));
    const int milli = int(rest % 1000);
    rest /= 1000;
    const int second = int(rest % 60);
    rest /= 60;
    const int minute = int(rest % 60);
    const int hour = int(rest / 60);
    at[0] = '"';
    put2(at + 1, year / 100);
    put2(at + 3, year % 100);
    at[5] = '-';
    put2(at + 6, month);
    at[8] = '-';
    put2(at + 9, day);
    at[11] = 'T';
    put2(at + 12, hour);
    at[14] = ':';
    put2(at + 15, minute);
    at[17] = ':';
    put2(at + 18, second);
    at[20] = '.';
    at[21] = char('0' + milli / 100);
    put2(at + 22, milli % 100);
    at[24] = 'Z';
    at[25] = '"';
}

void appendStringOrNull(QByteArray &out, const QString &s)
{
    if (s.isEmpty())
        out += "null";
    else
        json::appendQtString(out, s);
}

} // namespace

void appendTimestampJson(QByteArray &out, qint64 msecsSinceEpoch)
{
    if (msecsSinceEpoch < 0 || msecsSinceEpoch >= maxFastMs) {
        json::appendQtString(
            out, formatTimestamp(QDateTime::fromMSecsSinceEpoch(msecsSinceEpoch, Qt::UTC)));
        return;
    }
    const qsizetype at = out.size();
    out.resize(at + 26);
    writeTimestamp(out.data() + at, msecsSinceEpoch);
}

void appendTimestampJson(QByteArray &out, const QDateTime &t)
{
    if (t.isValid())
        appendTimestampJson(out, t.toMSecsSinceEpoch());
    else
        out += "null";
}

void appendCreatedEventJson(QByteArray &out, const Notification &n, QByteArrayView timestampJson)
{
    const NotificationContent &c = n.content;
    out.reserve(out.size() + 320 + timestampJson.size()
                + 2 * (c.title.size() + c.body.size() + c.actionUrl.size()));
    // notificationToClientJson's fields in QJsonObject's (sorted) order.
    out += "{\"notification\":{\"actionUrl\":";
    appendStringOrNull(out, c.actionUrl);
    out += ",\"body\":";
    json::appendQtString(out, c.body);
    out += ",\"createdAt\":";
    appendTimestampJson(out, n.createdAt);
    out += ",\"entityId\":";
    appendStringOrNull(out, c.entityId);
    out += ",\"entityType\":";
    appendStringOrNull(out, c.entityType);
    out += ",\"id\":";
    json::appendQtString(out, n.id);
    out += ",\"metadata\":";
    json::appendObject(out, c.metadata);
    out += ",\"priority\":";
    json::appendQtString(out, priorityName(c.priority));
    out += ",\"readAt\":";
    appendTimestampJson(out, n.readAt);
    out += ",\"seq\":";
    json::appendInteger(out, n.seq);
    out += ",\"title\":";
    json::appendQtString(out, c.title);
    out += ",\"type\":";
    json::appendQtString(out, c.type);
    out += "},\"timestamp\":";
    out += timestampJson;
    out += '}';
}

QByteArray createdEventJson(const Notification &n, const QString &timestamp)
{
    QByteArray ts;
    json::appendQtString(ts, timestamp);
    QByteArray out;
    appendCreatedEventJson(out, n, ts);
    return out;
}

} // namespace notify
