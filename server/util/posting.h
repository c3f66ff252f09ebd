#pragma once

#include <QMetaObject>
#include <QObject>

#include <utility>

namespace notify {

// Runs f later on ctx's thread. ctx must outlive the call (shards, the API server and the
// admin channel live as long as the server), which is why callbacks capture connection ids
// rather than connection pointers.
template<typename F>
void postTo(QObject *ctx, F &&f)
{
    QMetaObject::invokeMethod(ctx, std::forward<F>(f), Qt::QueuedConnection);
}

} // namespace notify
