#include "server/socketio/textutil_p.h"

#include "shared/codec/jsonstring.h"

namespace notify::eio::detail {

qsizetype jsonStringSize(QByteArrayView utf8)
{
    return json::stringSize(utf8);
}

void appendJsonString(QByteArray &out, QByteArrayView utf8)
{
    json::appendString(out, utf8);
}

void appendJsonString(QByteArray &out, QStringView text)
{
    json::appendString(out, QByteArrayView(text.toUtf8()));
}

} // namespace notify::eio::detail
