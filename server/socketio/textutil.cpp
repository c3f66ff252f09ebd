#include "socketio/textutil_p.h"

namespace notify::eio::detail {

namespace {

constexpr char hexDigits[] = "0123456789abcdef";

// The escape for one byte, or nullptr when the byte is copied as it is.
const char *shortEscape(unsigned char c)
{
    switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\b': return "\\b";
    case '\f': return "\\f";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: return nullptr;
    }
}

} // namespace

qsizetype jsonStringSize(QByteArrayView utf8)
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

void appendJsonString(QByteArray &out, QByteArrayView utf8)
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

void appendJsonString(QByteArray &out, QStringView text)
{
    appendJsonString(out, QByteArrayView(text.toUtf8()));
}

} // namespace notify::eio::detail
