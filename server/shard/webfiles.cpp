#include "server/shard/webfiles.h"

#include <QCryptographicHash>
#include <QFile>

#include <vector>

// Q_INIT_RESOURCE must be used outside of any namespace; the resources live in this static
// library, which nothing else would pull them in from.
static void initWebResources()
{
    Q_INIT_RESOURCE(web);
}

namespace notify {

namespace {

std::vector<WebFile> load()
{
    initWebResources();
    struct Spec
    {
        const char *path;
        const char *resource;
        const char *type;
        bool devOnly;
    };
    const Spec specs[] = {
        {"/notifyd.js", ":/web/notifyd.js", "text/javascript; charset=utf-8", false},
        {"/notifyd.d.ts", ":/web/notifyd.d.ts", "application/typescript; charset=utf-8", false},
        {"/demo", ":/web/demo.html", "text/html; charset=utf-8", true},
    };
    std::vector<WebFile> files;
    for (const Spec &spec : specs) {
        QFile f(QString::fromLatin1(spec.resource));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        WebFile file;
        file.path = spec.path;
        file.contentType = spec.type;
        // Versioned with the server: the module says which notifyd it came with.
        file.body = f.readAll().replace("__NOTIFYD_VERSION__", NOTIFY_VERSION);
        file.etag = '"'
            + QCryptographicHash::hash(file.body, QCryptographicHash::Sha256).toHex().left(32)
            + '"';
        file.devOnly = spec.devOnly;
        files.push_back(std::move(file));
    }
    return files;
}

} // namespace

const WebFile *webFile(QByteArrayView path)
{
    static const std::vector<WebFile> files = load();
    for (const WebFile &f : files) {
        if (f.path == path)
            return &f;
    }
    return nullptr;
}

} // namespace notify
