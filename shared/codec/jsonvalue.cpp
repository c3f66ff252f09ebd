// The JSON value writer (shared/codec/jsonvalue.h), moved here from the event encoder so
// that the Socket.IO codec writes its packet data with it too.
#include "shared/codec/jsonvalue.h"

#include "shared/codec/jsonstring.h"

#include <QCborValue>
#include <QLocale>

#include <cmath>

namespace notify::json {

void appendObject(QByteArray &out, const QJsonObject &object)
{
    out += '{';
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (it != object.constBegin())
            out += ',';
        appendQtString(out, it.key());
        out += ':';
        appendValue(out, it.value());
    }
    out += '}';
}

void appendArray(QByteArray &out, const QJsonArray &array)
{
    out += '[';
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (i > 0)
            out += ',';
        appendValue(out, array.at(i));
    }
    out += ']';
}

void appendValue(QByteArray &out, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out += "null";
        break;
    case QJsonValue::Bool:
        out += value.toBool() ? "true" : "false";
        break;
    case QJsonValue::Double: {
        // A number made from an integer stays one (QJsonValue's storage is CBOR's) and
        // QJsonDocument writes all its digits; QCborValue is the public way to tell.
        const QCborValue number = QCborValue::fromJsonValue(value);
        if (number.isInteger()) {
            appendInteger(out, number.toInteger());
        } else if (const double d = number.toDouble(); std::isfinite(d)) {
            out += QByteArray::number(d, 'g', QLocale::FloatingPointShortest);
        } else {
            out += "null";
        }
        break;
    }
    case QJsonValue::String:
        appendQtString(out, value.toString());
        break;
    case QJsonValue::Array:
        appendArray(out, value.toArray());
        break;
    case QJsonValue::Object:
        appendObject(out, value.toObject());
        break;
    }
}

} // namespace notify::json
