// The shard's hand-written event encoders (server/delivery/eventjson.*, ws::encodeFrame from
// parts) against the Qt path they replace: a notification built from fuzzed fields must give
// byte for byte what QJsonDocument makes of notificationToClientJson, timestamps what
// formatTimestamp gives, and a frame written from parts what framing their concatenation
// gives.

#include "fuzzcheck.h"

#include "server/delivery/eventjson.h"
#include "server/websocket/frame.h"
#include "shared/codec/jsonstring.h"
#include "shared/codec/timestamp.h"
#include "shared/codec/wirecodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstring>

using namespace notify;

namespace {

// Reads the input as fields: integers of fixed size, strings as UTF-16 code units (so that
// unpaired surrogates and control characters come up) up to a 0xFFFF separator.
class Reader
{
public:
    Reader(const uint8_t *data, size_t size)
        : m_data(data)
        , m_size(size)
    { }
    qint64 integer()
    {
        qint64 v = 0;
        const size_t n = std::min<size_t>(8, m_size - m_pos);
        std::memcpy(&v, m_data + m_pos, n);
        m_pos += n;
        return v;
    }
    QString string()
    {
        QString s;
        while (m_pos + 1 < m_size) {
            const char16_t u = char16_t(m_data[m_pos] | (m_data[m_pos + 1] << 8));
            m_pos += 2;
            if (u == 0xffff)
                break;
            s.append(QChar(u));
        }
        return s;
    }
    QByteArray rest() const
    {
        return QByteArray(reinterpret_cast<const char *>(m_data + m_pos),
                          qsizetype(m_size - m_pos));
    }

private:
    const uint8_t *m_data;
    size_t m_size;
    size_t m_pos = 0;
};

QByteArray timestampViaQt(const QDateTime &t)
{
    return QJsonDocument(QJsonArray {timestampOrNull(t)})
        .toJson(QJsonDocument::Compact)
        .chopped(1)
        .mid(1);
}

QDateTime timeFrom(qint64 v)
{
    switch (v & 3) {
    case 0:
        return QDateTime();
    case 1:
        return QDateTime::fromMSecsSinceEpoch(v >> 2, Qt::OffsetFromUTC, -7200);
    default:
        // Mostly the range written directly: from the epoch to the end of year 9999.
        return QDateTime::fromMSecsSinceEpoch((v >> 2) % 253402400000000LL, Qt::UTC);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Reader in(data, size);
    Notification n;
    n.seq = in.integer();
    n.createdAt = timeFrom(in.integer());
    n.readAt = timeFrom(in.integer());
    n.content.priority = Priority(quint64(in.integer()) % 4);
    n.id = in.string();
    n.content.type = in.string();
    n.content.title = in.string();
    n.content.body = in.string();
    n.content.actionUrl = in.string();
    n.content.entityType = in.string();
    n.content.entityId = in.string();
    const QString timestamp = in.string();
    const QByteArray metadata = in.rest();
    n.content.metadata = QJsonDocument::fromJson(metadata).object();

    const QByteArray expected
        = QJsonDocument(QJsonObject {{QStringLiteral("notification"), notificationToClientJson(n)},
                                     {QStringLiteral("timestamp"), timestamp}})
              .toJson(QJsonDocument::Compact);
    const QByteArray actual = createdEventJson(n, timestamp);
    FUZZ_CHECK(actual == expected);

    for (const QDateTime &t : {n.createdAt, n.readAt}) {
        QByteArray ts;
        appendTimestampJson(ts, t);
        FUZZ_CHECK(ts == timestampViaQt(t));
    }

    // A frame from parts, as a pushed event is written, against the concatenated payload.
    const QByteArray name = n.id.toUtf8();
    const QByteArray parts = ws::encodeFrame(ws::Opcode::Text, {"42[\"", name, "\",", actual, "]"});
    FUZZ_CHECK(parts == ws::encodeFrame(ws::Opcode::Text, "42[\"" + name + "\"," + actual + ']'));
    return 0;
}
