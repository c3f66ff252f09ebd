#pragma once

#include "console/storage/localstore.h"
#include "shared/adminapi/sendtest.h"

namespace notify::console {

class HistoryModel;

// The Send-test history: what was sent, to whom, and what came of it, shown by the model and
// kept across runs by the local store (when there is one).
class SendHistory
{
public:
    SendHistory(LocalStore *store, HistoryModel *model);

    // The entry of a request sent now, before its outcome is known.
    static HistoryEntry entryFor(const admin::SendTestRequest &request);
    // The request that sends an entry's notification again, to the same target.
    static admin::SendTestRequest requestFor(const HistoryEntry &entry);

    // Keeps the entry (its id is the store's) and shows it first.
    void record(HistoryEntry &entry);

private:
    LocalStore *m_store;
    HistoryModel *m_model;
};

} // namespace notify::console
