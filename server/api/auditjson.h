#pragma once

#include "shared/codec/timestamp.h"
#include "shared/store/operators.h"

#include <QJsonArray>
#include <QJsonObject>

namespace notify {

// A page of the audit log as GET /api/v1/audit and the admin channel's `audit` answer it
// (docs/protocol.md, "Audit log").
inline QJsonObject auditPageToJson(const audit::Page &page)
{
    QJsonArray entries;
    for (const audit::Entry &e : page.entries) {
        entries.append(QJsonObject {{QStringLiteral("id"), e.id},
                                    {QStringLiteral("at"), formatTimestamp(e.at)},
                                    {QStringLiteral("operator"), e.operatorName},
                                    {QStringLiteral("node"), e.node},
                                    {QStringLiteral("action"), e.action},
                                    {QStringLiteral("target"), e.target},
                                    {QStringLiteral("result"), e.result}});
    }
    return {{QStringLiteral("entries"), entries}, {QStringLiteral("hasMore"), page.hasMore}};
}

} // namespace notify
