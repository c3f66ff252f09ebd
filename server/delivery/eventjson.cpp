#include "delivery/eventjson.h"

#include "codec/timestamp.h"
#include "model/priority.h"

#include <QJsonDocument>

namespace notify {

namespace {

char hexDigit(uint v)
{
    return char(v < 10 ? '0' + v : 'a' + v - 10);
}

// QJsonDocument's escaping: ", \ and control characters escaped, everything else as UTF-8,
// an unpaired surrogate as \uXXXX.
void appendString(QByteArray &out, QStringView s)
{
    out += '"';
    const char16_t *p = s.utf16();
    const char16_t *const end = p + s.size();
    while (p != end) {
        const char16_t u = *p++;
        if (u < 0x80) {
            if (u >= 0x20 && u != '"' && u != '\\') {
                out += char(u);
                continue;
            }
            out += '\\';
            switch (u) {
            case '"':
                out += '"';
                break;
            case '\\':
                out += '\\';
                break;
            case 0x08:
                out += 'b';
                break;
            case 0x0c:
                out += 'f';
                break;
            case 0x0a:
                out += 'n';
                break;
            case 0x0d:
                out += 'r';
                break;
            case 0x09:
                out += 't';
                break;
            default:
                out += "u00";
                out += hexDigit(u >> 4);
                out += hexDigit(u & 0xf);
            }
        } else if (u < 0x800) {
            out += char(0xc0 | (u >> 6));
            out += char(0x80 | (u & 0x3f));
        } else if (!QChar::isSurrogate(u)) {
            out += char(0xe0 | (u >> 12));
            out += char(0x80 | ((u >> 6) & 0x3f));
            out += char(0x80 | (u & 0x3f));
        } else if (QChar::isHighSurrogate(u) && p != end && QChar::isLowSurrogate(*p)) {
            const char32_t c = QChar::surrogateToUcs4(u, *p++);
            out += char(0xf0 | (c >> 18));
            out += char(0x80 | ((c >> 12) & 0x3f));
            out += char(0x80 | ((c >> 6) & 0x3f));
            out += char(0x80 | (c & 0x3f));
        } else {
            out += "\\u";
            out += hexDigit((u >> 12) & 0xf);
            out += hexDigit((u >> 8) & 0xf);
            out += hexDigit((u >> 4) & 0xf);
            out += hexDigit(u & 0xf);
        }
    }
    out += '"';
}

void appendStringOrNull(QByteArray &out, const QString &s)
{
    if (s.isEmpty())
        out += "null";
    else
        appendString(out, s);
}

void appendTimestampOrNull(QByteArray &out, const QDateTime &t)
{
    if (t.isValid())
        appendString(out, formatTimestamp(t));
    else
        out += "null";
}

} // namespace

QByteArray createdEventJson(const Notification &n, const QString &timestamp)
{
    const NotificationContent &c = n.content;
    QByteArray out;
    out.reserve(256 + 2 * (c.title.size() + c.body.size() + c.actionUrl.size()));
    // notificationToClientJson's fields in QJsonObject's (sorted) order.
    out += "{\"notification\":{\"actionUrl\":";
    appendStringOrNull(out, c.actionUrl);
    out += ",\"body\":";
    appendString(out, c.body);
    out += ",\"createdAt\":";
    appendTimestampOrNull(out, n.createdAt);
    out += ",\"entityId\":";
    appendStringOrNull(out, c.entityId);
    out += ",\"entityType\":";
    appendStringOrNull(out, c.entityType);
    out += ",\"id\":";
    appendString(out, n.id);
    out += ",\"metadata\":";
    out += QJsonDocument(c.metadata).toJson(QJsonDocument::Compact);
    out += ",\"priority\":";
    appendString(out, priorityName(c.priority));
    out += ",\"readAt\":";
    appendTimestampOrNull(out, n.readAt);
    out += ",\"seq\":";
    out += QByteArray::number(n.seq);
    out += ",\"title\":";
    appendString(out, c.title);
    out += ",\"type\":";
    appendString(out, c.type);
    out += "},\"timestamp\":";
    appendString(out, timestamp);
    out += '}';
    return out;
}

} // namespace notify
