#include "shared/model/timeuuid.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QUuid>

#include <cstring>

namespace notify {

QString newTimeOrderedUuid()
{
    const quint64 ms = quint64(QDateTime::currentMSecsSinceEpoch());
    quint8 bytes[16];
    quint32 random[3];
    QRandomGenerator::system()->fillRange(random); // one call, like QUuid::createUuid()
    static_assert(sizeof random >= 10);
    std::memcpy(bytes + 6, random, 10);
    for (int i = 0; i < 6; ++i)
        bytes[i] = quint8(ms >> (40 - 8 * i));
    bytes[6] = quint8(0x70 | (bytes[6] & 0x0F)); // version 7
    bytes[8] = quint8(0x80 | (bytes[8] & 0x3F)); // variant 10
    return QUuid::fromRfc4122(QByteArrayView(reinterpret_cast<const char *>(bytes), 16))
        .toString(QUuid::WithoutBraces);
}

} // namespace notify
