// Opens one plain-protocol WebSocket per URL given and keeps them open until terminated:
// live clients for console/screenshot.sh. Not installed.

#include <QCoreApplication>
#include <QTextStream>
#include <QUrl>
#include <QWebSocket>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList urls = app.arguments().mid(1);
    if (urls.isEmpty()) {
        QTextStream(stderr) << "usage: notify-console-demo-clients WS_URL...\n";
        return 2;
    }
    for (const QString &url : urls) {
        auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, &app);
        QObject::connect(socket, &QWebSocket::disconnected, socket, [socket] {
            QTextStream(stderr) << "demo client closed: " << socket->closeCode() << ' '
                                << socket->closeReason() << '\n';
        });
        socket->open(QUrl(url));
    }
    return app.exec();
}
