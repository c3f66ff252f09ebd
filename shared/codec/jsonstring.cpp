// The JSON string writers (shared/codec/jsonstring.h), moved here from the Socket.IO codecs
// and the event encoder so that both use one.
#include "shared/codec/jsonstring.h"

#include <QChar>

#include <charconv>

namespace notify::json {

namespace {

constexpr char hexDigits[] = "0123456789abcdef";

// The escape for one byte, or nullptr when the byte is copied as it is.
const char *shortEscape(unsigned char c)
{
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\b':
        return "\\b";
    case '\f':
        return "\\f";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    default:
        return nullptr;
    }
}

char hexDigit(uint v)
{
    return char(v < 10 ? '0' + v : 'a' + v - 10);
}

} // namespace

qsizetype stringSize(QByteArrayView utf8)
{
    qsizetype size = 2;
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        if (shortEscape(c))
            size += 2;
        else if (c < 0x20)
            size += 6;
        else
            size += 1;
    }
    return size;
}

void appendString(QByteArray &out, QByteArrayView utf8)
{
    out.append('"');
    qsizetype runStart = 0;
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        const char *esc = shortEscape(c);
        if (!esc && c >= 0x20)
            continue;
        out.append(utf8.sliced(runStart, i - runStart));
        if (esc) {
            out.append(esc);
        } else {
            const char buf[6] = {'\\', 'u', '0', '0', hexDigits[c >> 4], hexDigits[c & 0xF]};
            out.append(buf, 6);
        }
        runStart = i + 1;
    }
    out.append(utf8.sliced(runStart));
    out.append('"');
}

// QJsonDocument's escaping: ", \ and control characters escaped, everything else as UTF-8,
// an unpaired surrogate as \uXXXX.
void appendQtString(QByteArray &out, QStringView s)
{
    // Ids, types, titles are mostly printable ASCII: that run is copied into room made once,
    // not appended a byte at a time; the first other code unit goes on by the general rule.
    const qsizetype start = out.size();
    out.resize(start + s.size() + 2);
    char *const run = out.data() + start + 1;
    out.data()[start] = '"';
    const char16_t *p = s.utf16();
    const char16_t *const end = p + s.size();
    qsizetype copied = 0;
    for (; p != end; ++p, ++copied) {
        const char16_t u = *p;
        if (u < 0x20 || u >= 0x80 || u == '"' || u == '\\')
            break;
        run[copied] = char(u);
    }
    if (p == end) {
        run[copied] = '"';
        return;
    }
    out.truncate(start + 1 + copied);
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

void appendInteger(QByteArray &out, qint64 value)
{
    char digits[24]; // every qint64, sign included
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end - digits);
}

} // namespace notify::json
