#include "console/i18n/i18n.h"
#include "console/app/mainwindow.h"
#include "console/icons/resources.h"
#include "console/storage/localstore.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QTimer>

#include <memory>

using namespace notify::console;

namespace {

// --help and --version print and exit; they need no display, so they get no QApplication
// (which aborts where no display is).
bool onlyPrints(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray a(argv[i]);
        if (a == "-h" || a == "--help" || a == "-?" || a == "--help-all" || a == "-v"
            || a == "--version")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    std::unique_ptr<QCoreApplication> appOwner;
    if (onlyPrints(argc, argv))
        appOwner = std::make_unique<QCoreApplication>(argc, argv);
    else
        appOwner = std::make_unique<QApplication>(argc, argv);
    QCoreApplication &app = *appOwner;
    QApplication::setOrganizationName(QStringLiteral("notifyd"));
    QApplication::setApplicationName(QStringLiteral("notify-console"));
    QApplication::setApplicationVersion(QStringLiteral(NOTIFY_VERSION));
    initResources();
    i18n::installTranslators(&app);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "Operator console for notifyd"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption connectOption(
        QStringLiteral("connect"),
        QCoreApplication::translate("main",
                                    "Connect at start to the admin channel at <url>, "
                                    "e.g. ws://127.0.0.1:8081/admin."),
        QStringLiteral("url"));
    const QCommandLineOption keyOption(
        QStringLiteral("admin-key"),
        QCoreApplication::translate("main",
                                    "The server's admin key (default: the environment "
                                    "variable NOTIFY_ADMIN_KEY)."),
        QStringLiteral("key"));
    QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                        QStringLiteral("Save the main window to <file> and quit."),
                                        QStringLiteral("file"));
    screenshotOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption delayOption(QStringLiteral("screenshot-delay"),
                                   QStringLiteral("Milliseconds to wait before the screenshot."),
                                   QStringLiteral("ms"), QStringLiteral("3000"));
    delayOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption tabOption(QStringLiteral("tab"), QStringLiteral("Tab to show at start."),
                                 QStringLiteral("index"));
    tabOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption userOption(
        QStringLiteral("user"), QStringLiteral("Open the User tab for <org:user> once connected."),
        QStringLiteral("org:user"));
    userOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions(
        {connectOption, keyOption, screenshotOption, delayOption, tabOption, userOption});
    parser.process(app); // exits for --help and --version
    QApplication::setApplicationDisplayName(QStringLiteral("Notify Console"));
    QApplication::setDesktopFileName(QStringLiteral("notify-console"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/notify-console.svg")));

    LocalStore store;
    const bool storeOk = store.open();

    MainWindow window(storeOk ? &store : nullptr);
    if (parser.isSet(tabOption))
        window.tabs()->setCurrentIndex(parser.value(tabOption).toInt());
    window.show();
    if (!storeOk) {
        QMessageBox::warning(&window, QCoreApplication::translate("main", "Local storage"),
                             QCoreApplication::translate("main",
                                                         "Profiles, templates and "
                                                         "history cannot be saved: %1")
                                 .arg(store.lastError()));
    }

    if (parser.isSet(connectOption)) {
        const QUrl url = AdminClient::normalizeUrl(parser.value(connectOption));
        if (!url.isValid()) {
            qCritical("notify-console: not a valid admin URL: %s",
                      qPrintable(parser.value(connectOption)));
            return 2;
        }
        const QString key = parser.isSet(keyOption) ? parser.value(keyOption)
                                                    : qEnvironmentVariable("NOTIFY_ADMIN_KEY");
        window.connectTo(url, key);
        if (parser.isSet(userOption)) {
            const QString who = parser.value(userOption);
            const QString org = who.section(QLatin1Char(':'), 0, 0);
            const QString user = who.section(QLatin1Char(':'), 1);
            // Once the channel is up: the user request needs it.
            QObject::connect(window.client(), &AdminClient::hello, &window,
                             [&window, org, user] { window.showUser(org, user); });
        }
    } else if (!parser.isSet(screenshotOption)) {
        QTimer::singleShot(0, &window, &MainWindow::showConnectDialog);
    }

    if (parser.isSet(screenshotOption)) {
        const QString file = parser.value(screenshotOption);
        QTimer::singleShot(parser.value(delayOption).toInt(), &window, [&window, file] {
            const bool ok = window.grab().save(file);
            if (!ok)
                qCritical("notify-console: could not write %s", qPrintable(file));
            QCoreApplication::exit(ok ? 0 : 1);
        });
    }
    return app.exec();
}
