#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace notify {

// The files notifyd serves to browsers from its own resources (resources/web.qrc): the
// JavaScript client at /notifyd.js and /notifyd.d.ts, and in development mode the demo page
// at /demo (docs/client.md). Loaded once, with a strong ETag of their bytes; any thread.
struct WebFile
{
    QByteArray path; // "/notifyd.js"
    QByteArray contentType;
    QByteArray body;
    QByteArray etag; // quoted
    bool devOnly = false;
};

// The file served at `path`, or null.
const WebFile *webFile(QByteArrayView path);

} // namespace notify
