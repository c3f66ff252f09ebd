// The embedded translations: the German and French .qm load from :/i18n/, known strings
// translate, a main window built after installing one is in that language, and the .ts
// sources have no unfinished entry.

#include "console/i18n/i18n.h"
#include "console/app/mainwindow.h"
#include "console/dialogs/connectdialog.h"
#include "console/dialogs/settingsdialog.h"
#include "console/models/connectionsmodel.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QTableView>

#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>
#include <QTranslator>

using namespace notify::console;

class TestTranslation : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("notifyd-test");
        QCoreApplication::setApplicationName("notify-console-test");
    }

    void germanLoadsAndTranslates()
    {
        QTranslator translator;
        QVERIFY(translator.load(":/i18n/notify-console_de.qm"));
        QCOMPARE(translator.translate("notify::console::MainWindow", "&Connections"),
                 QString("&Verbindungen"));
        QCOMPARE(translator.translate("notify::console::ConnectionsModel", "User"),
                 QString("Benutzer"));
        QCOMPARE(translator.translate("notify::console::AdminClient",
                                      "admin key rejected by the server"),
                 QString("Admin-Schlüssel vom Server abgelehnt"));
    }

    void frenchLoadsAndTranslates()
    {
        QTranslator translator;
        QVERIFY(translator.load(i18n::translationResource("fr")));
        QCOMPARE(translator.translate("notify::console::MainWindow", "&Connections"),
                 QString("&Connexions"));
        QCOMPARE(translator.translate("notify::console::ConnectionsModel", "User"),
                 QString("Utilisateur"));
    }

    void windowFollowsTheInstalledLanguage()
    {
        QTranslator translator;
        QVERIFY(translator.load(i18n::translationResource("de")));
        QCoreApplication::installTranslator(&translator);
        {
            MainWindow window(nullptr);
            QCOMPARE(window.tabs()->tabText(MainWindow::SendTestTab), QString("&Test senden"));
            QCOMPARE(window.tabs()->tabText(MainWindow::RoomsTab), QString("&Räume"));
        }
        QCoreApplication::removeTranslator(&translator);
        MainWindow english(nullptr);
        QCOMPARE(english.tabs()->tabText(MainWindow::SendTestTab), QString("&Send test"));
    }

    // Settings → Deutsch → OK in a running console: every open window follows at once, the
    // main window's tabs, menus, actions, table headers and status line, and a dialog that
    // is open meanwhile; and back to English the same way.
    void languageSwitchesWhileRunning()
    {
        i18n::setLanguageSetting("en");
        QCOMPARE(i18n::installTranslators(QCoreApplication::instance()), QString("en"));
        MainWindow window(nullptr);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.tabs()->tabText(MainWindow::ConnectionsTab), QString("&Connections"));
        QCOMPARE(window.kickAction()->text(), QString("&Kick connection…"));
        QCOMPARE(window.statusLabel()->text(), QString("Not connected"));
        auto *connections = window.findChild<QTableView *>("connectionsTable");
        QVERIFY(connections);
        const auto header = [&](QTableView *table, int column) {
            return table->model()->headerData(column, Qt::Horizontal).toString();
        };
        QCOMPARE(header(connections, ConnectionsModel::User), QString("User"));
        // A dialog open while the language changes.
        window.showConnectDialog();
        auto *connect = window.findChild<ConnectDialog *>();
        QVERIFY(connect);
        const QString connectTitle = connect->windowTitle();

        window.showSettings();
        auto *settings = window.findChild<SettingsDialog *>();
        QVERIFY(settings);
        settings->setLanguage("de");
        settings->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();

        QCOMPARE(i18n::languageSetting(), QString("de"));
        QTRY_COMPARE(window.tabs()->tabText(MainWindow::ConnectionsTab), QString("&Verbindungen"));
        QCOMPARE(window.tabs()->tabText(MainWindow::SendTestTab), QString("&Test senden"));
        QVERIFY2(window.kickAction()->text() != QString("&Kick connection…"),
                 qPrintable(window.kickAction()->text()));
        QTRY_COMPARE(header(connections, ConnectionsModel::User), QString("Benutzer"));
        QTRY_VERIFY2(window.statusLabel()->text() != QString("Not connected"),
                     qPrintable(window.statusLabel()->text()));
        QVERIFY2(connect->windowTitle() != connectTitle, qPrintable(connect->windowTitle()));
        QCOMPARE(window.kickAction()->text(), QString("Verbindung &trennen…"));
        QStringList menus;
        for (QMenu *menu : window.menuBar()->findChildren<QMenu *>())
            menus << menu->title();
        QVERIFY2(menus.contains("&Hilfe") && !menus.contains("&Help"), qPrintable(menus.join(',')));

        // And back, through the same dialog.
        window.showSettings();
        settings = window.findChildren<SettingsDialog *>().last();
        settings->setLanguage("en");
        settings->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
        QTRY_COMPARE(window.tabs()->tabText(MainWindow::ConnectionsTab), QString("&Connections"));
        QCOMPARE(window.kickAction()->text(), QString("&Kick connection…"));
        QTRY_COMPARE(header(connections, ConnectionsModel::User), QString("User"));
        QTRY_COMPARE(window.statusLabel()->text(), QString("Not connected"));
        QCOMPARE(connect->windowTitle(), connectTitle);
        connect->close();
        i18n::setLanguageSetting({});
    }

    void settingOverridesSystemLocale()
    {
        i18n::setLanguageSetting("fr");
        QCOMPARE(i18n::languageSetting(), QString("fr"));
        QCOMPARE(i18n::effectiveLanguage(), QString("fr"));
        i18n::setLanguageSetting("xx"); // unknown: back to the system's
        QCOMPARE(i18n::languageSetting(), QString());
        const QString system = i18n::effectiveLanguage();
        QVERIFY(QStringList({"en", "de", "fr"}).contains(system));
        i18n::setLanguageSetting({});
    }

    void tsFilesAreComplete_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("de") << QStringLiteral(NOTIFY_TRANSLATIONS_DIR "/notify-console_de.ts");
        QTest::newRow("fr") << QStringLiteral(NOTIFY_TRANSLATIONS_DIR "/notify-console_fr.ts");
    }
    void tsFilesAreComplete()
    {
        QFETCH(QString, path);
        QFile file(path);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
        const QByteArray ts = file.readAll();
        QVERIFY(ts.count("<message") > 100);
        QCOMPARE(ts.count("type=\"unfinished\""), 0);
        QCOMPARE(ts.count("<translation></translation>"), 0);
    }
};

QTEST_MAIN(TestTranslation)
#include "test_translation.moc"
