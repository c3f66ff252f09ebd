#pragma once

// Strict readers of single JSON fields for the codecs. Internal to notifycore's codec module.

#include "shared/model/result.h"
#include "shared/model/validation.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace notify::jsonfields {

// A required non-negative integer that a double represents exactly (at most 2^53).
Result<qint64, ValidationError> requiredCount(const QJsonObject &json, const QString &field);
// A required, non-empty string.
Result<QString, ValidationError> requiredString(const QJsonObject &json, const QString &field);
// A required timestamp (see parseTimestamp).
Result<QDateTime, ValidationError> requiredTimestamp(const QJsonObject &json, const QString &field);
// Absent or null gives a null QDateTime.
Result<QDateTime, ValidationError> optionalTimestamp(const QJsonObject &json, const QString &field);

} // namespace notify::jsonfields
