#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

// The JSON value writer of every hand-assembled payload (the metadata of pushed events, the
// data of Socket.IO packets): byte for byte what QJsonDocument (compact) writes, without a
// document and its intermediate buffer.
namespace notify::json {

// `value` as QJsonDocument's compact writer puts it: object members in the object's own
// (sorted) order, numbers stored as integers as integers, other numbers in the shortest form
// that reads back the same, non-finite numbers and undefined as null, strings as
// appendQtString writes them.
void appendValue(QByteArray &out, const QJsonValue &value);
// The same for an object or an array held as such (no QJsonValue around it).
void appendObject(QByteArray &out, const QJsonObject &object);
void appendArray(QByteArray &out, const QJsonArray &array);

} // namespace notify::json
