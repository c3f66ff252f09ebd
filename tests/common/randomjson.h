#pragma once

// Random JSON values for the tests that hold a hand-written writer against QJsonDocument
// (the event encoder, json::appendValue, the Socket.IO packet encoder): every type, every
// escaping rule, every shape of number QJsonDocument distinguishes.

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QRandomGenerator>
#include <QString>

#include <cmath>
#include <iterator>
#include <limits>

namespace notify::test {

// Strings that exercise every escaping rule: control characters, quote, backslash, DEL,
// two- and three-byte UTF-8, U+FFFF, a surrogate pair and unpaired surrogates.
inline QString randomString(QRandomGenerator &g)
{
    static const char16_t pool[]
        = {u'a',  u'Z',   u'0',   u' ',   u'"',   u'\\',  u'/',   0x00,  0x01,
           0x08,  0x09,   0x0a,   0x0c,   0x0d,   0x1f,   0x7f,   0xe9,  0x7ff,
           0x800, 0x20ac, 0xfffd, 0xffff, 0xd83d, 0xde00, 0xdbff, 0xdc00};
    const int kind = g.bounded(8);
    if (kind == 0)
        return QString(); // null
    if (kind == 1)
        return QStringLiteral("");
    QString s;
    const int length = g.bounded(1, 12);
    for (int i = 0; i < length; ++i) {
        if (g.bounded(5) == 0) {
            s += QStringView(u"\xd83d\xde00"); // a valid pair
            continue;
        }
        s += QChar(pool[g.bounded(int(std::size(pool)))]);
    }
    return s;
}

// A value of any type; arrays and objects nest up to `maxDepth` levels below `depth`.
inline QJsonValue randomValue(QRandomGenerator &g, int depth, int maxDepth = 2)
{
    switch (g.bounded(depth >= maxDepth ? 5 : 7)) {
    case 0:
        return randomString(g);
    case 1:
        return qint64(g.bounded(-1000000, 1000000));
    case 2:
        return g.bounded(2) == 0;
    case 3:
        return QJsonValue(QJsonValue::Null);
    case 4: {
        // Doubles of every shape, integers beyond 2^53 and the edges of qint64.
        static const double special[] = {0.0,
                                         -0.0,
                                         3.0,
                                         1e300,
                                         -1e-300,
                                         0.1,
                                         1e21,
                                         123456789012345678.0,
                                         5e-324,
                                         std::numeric_limits<double>::infinity(),
                                         std::numeric_limits<double>::quiet_NaN()};
        switch (g.bounded(5)) {
        case 0:
            return special[g.bounded(int(std::size(special)))];
        case 1:
            return qint64(g.generate64());
        case 2:
            return g.bounded(2) ? std::numeric_limits<qint64>::max()
                                : std::numeric_limits<qint64>::min();
        case 3:
            return std::ldexp(g.generateDouble(), g.bounded(-1000, 1000));
        default:
            return g.generateDouble() * 1000;
        }
    }
    case 5: {
        QJsonArray a;
        for (int i = 0; i < g.bounded(3); ++i)
            a.append(randomValue(g, depth + 1, maxDepth));
        return a;
    }
    default: {
        QJsonObject o;
        for (int i = 0; i < g.bounded(3); ++i)
            o.insert(randomString(g), randomValue(g, depth + 1, maxDepth));
        return o;
    }
    }
}

} // namespace notify::test
