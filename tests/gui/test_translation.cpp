// The embedded translations: the German and French .qm load from :/i18n/, known strings
// translate, a main window built after installing one is in that language, and the .ts
// sources have no unfinished entry.

#include "console/app/i18n.h"
#include "console/app/mainwindow.h"

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
        QCOMPARE(translator.translate("notify::console::MainWindow", "&Connections"), QString("&Verbindungen"));
        QCOMPARE(translator.translate("notify::console::ConnectionsModel", "User"), QString("Benutzer"));
        QCOMPARE(translator.translate("notify::console::AdminClient", "admin key rejected by the server"),
                 QString("Admin-Schlüssel vom Server abgelehnt"));
    }

    void frenchLoadsAndTranslates()
    {
        QTranslator translator;
        QVERIFY(translator.load(i18n::translationResource("fr")));
        QCOMPARE(translator.translate("notify::console::MainWindow", "&Connections"), QString("&Connexions"));
        QCOMPARE(translator.translate("notify::console::ConnectionsModel", "User"), QString("Utilisateur"));
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
