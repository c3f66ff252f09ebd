#pragma once

#include "server/metrics/metrics.h"
#include "server/util/refusallog.h"
#include "shared/model/connectioninfo.h"

#include <QByteArray>
#include <QJsonObject>

namespace notify {

namespace http1 {
struct RequestHead;
}
class KeyRing;
struct Identity;

// Records refusals of the client port in the node's RefusalLog (docs/operations.md,
// "Support actions"). The credential is read for who it claims to be and never kept.
namespace refusals {

// Where a connection came from, for a refusal of it.
Refusal of(const ConnectionInfo &info, const QString &reason);
// A refused credential: who it claims to be (a JWT's subject and organization, read without
// trusting them; nothing for an opaque session token) and, for a JWT, the verifier's reason
// as detail when withDetail (the JWT is then verified a second time for that reason: refusals
// only, never on an accepted connection).
void describeCredential(Refusal &refusal, const QByteArray &credential, const KeyRing *keys,
                        bool withDetail = true);
// A refused HTTP request of the client port (an SSE stream, an Engine.IO request, a user
// route, protocol "http"): where it came from, and who the credential in its query,
// Authorization or cookie claims to be (describeCredential without detail).
Refusal ofRequest(const http1::RequestHead &head, const QString &remoteAddress,
                  const QString &protocol, const QString &reason, const KeyRing *keys);
// The reason word of an authentication failure.
QString reasonOf(AuthFailure failure);
// A refusal as `refused_connections` answers it (docs/protocol.md, "Support and admin
// requests"), on the node that was asked and on the cluster bus alike.
QJsonObject toJson(const Refusal &refusal, const QString &nodeId, const QString &nodeName);

} // namespace refusals

} // namespace notify
