#pragma once

// The strict readers of the fields of admin requests (docs/protocol.md, "Admin channel"): the
// one place that says what a wrong field is called, for every request's fromJson. A field of
// the wrong JSON type is an error, never coerced; absent and null are the same.

#include "shared/model/recipient.h"
#include "shared/model/validation.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace notify::admin::fields {

enum class Need { Optional, Required };

// Neither absent nor null.
bool present(const QJsonObject &json, const QString &field);

// A string of at most maxChars; required, it must not be empty. Absent (or, when optional,
// empty) leaves out empty.
std::optional<ValidationError> readText(const QJsonObject &json, const QString &field, Need need,
                                        int maxChars, QString &out);
// An id (orgId, userId, ...): a string that passes validateId. Optional and absent or empty
// leaves out empty.
std::optional<ValidationError> readId(const QJsonObject &json, const QString &field, Need need,
                                      QString &out);
// Both ids of a recipient (orgId, userId), required: an inbox or a user view is one person's.
std::optional<ValidationError> readRecipient(const QJsonObject &json, Recipient &out);
// {orgId, userId}: a recipient as readRecipient reads it.
QJsonObject recipientJson(const Recipient &r);
// An optional integer in [min, max]; a JSON number with a fraction is refused. Absent leaves
// out unchanged.
std::optional<ValidationError> readInteger(const QJsonObject &json, const QString &field,
                                           qint64 min, qint64 max, std::optional<qint64> &out);
// An optional "limit" in [1, max]; absent gives fallback.
std::optional<ValidationError> readLimit(const QJsonObject &json, int max, int fallback, int &out);
// An optional boolean; absent leaves out unchanged.
std::optional<ValidationError> readFlag(const QJsonObject &json, const QString &field, bool &out);

} // namespace notify::admin::fields
