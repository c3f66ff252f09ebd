#pragma once

#include "server/config/config.h"

#include <QString>

namespace notify {

// What `./notify run` prints in development mode: how to connect and publish a first
// notification, with a ready token for a demo user.
QString quickstartText(const ServerConfig &config, quint16 clientPort, quint16 apiPort);

} // namespace notify
