#include <QCoreApplication>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QHostAddress>
#include <QJsonObject>
#include <QTextStream>

// Placeholder until the server-core issue lands: answers GET /healthz on the API port.
int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QHttpServer http;
    http.route(QStringLiteral("/healthz"), [] {
        return QHttpServerResponse(QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}});
    });
    const quint16 port = http.listen(QHostAddress::LocalHost, 8081);
    if (port == 0) {
        QTextStream(stderr) << "notifyd: cannot listen on 127.0.0.1:8081\n";
        return 1;
    }
    QTextStream(stdout) << "notifyd: health on http://127.0.0.1:" << port << "/healthz\n";
    return app.exec();
}
