// KeyVault against a real Secret Service (gnome-keyring in a D-Bus session of the test's
// own, see run-with-keyring.sh): keys written, read back, removed, and console.db's plain
// text keys migrated into the keyring and cleared from the file.
#include "console/storage/keyvault.h"
#include "console/storage/localstore.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace notify::console;

class TestKeyring : public QObject
{
    Q_OBJECT

    struct Read
    {
        bool done = false;
        bool ok = false;
        QString key;
    };

    Read read(KeyVault &vault, const QString &profile)
    {
        Read r;
        vault.read(profile, this, [&r](bool ok, const QString &key, const QString &) {
            r = {true, ok, key};
        });
        [&] {
            QTRY_VERIFY_WITH_TIMEOUT(r.done, 20000);
        }();
        return r;
    }

private slots:
    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QSKIP("run through run-with-keyring.sh (no session bus)");
    }

    void writeReadRemove()
    {
        KeyVault vault;
        QVERIFY2(vault.usesKeyring(), qPrintable(vault.fallbackReason()));
        bool written = false, writeOk = false;
        QString error;
        vault.write("prod", "s3cret-key", this, [&](bool ok, const QString &e) {
            written = true;
            writeOk = ok;
            error = e;
        });
        QTRY_VERIFY_WITH_TIMEOUT(written, 20000);
        QVERIFY2(writeOk, qPrintable(error));
        // Still the keyring: a failure would have switched the vault to console.db.
        QVERIFY(vault.usesKeyring());

        // A second vault (a new console run) finds it in the keyring.
        KeyVault again;
        const Read r = read(again, "prod");
        QVERIFY(r.ok);
        QCOMPARE(r.key, QString("s3cret-key"));

        again.remove("prod");
        QTRY_VERIFY_WITH_TIMEOUT(!read(again, "prod").ok, 20000);
    }

    void migratesPlainTextKeys()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.filePath("console.db")));
        ServerProfile p;
        p.name = "staging";
        p.url = "ws://127.0.0.1:8081/admin";
        p.adminKey = "plain-text-key";
        QVERIFY(store.saveProfile(p) > 0);

        KeyVault vault;
        QSignalSpy log(&vault, &KeyVault::logMessage);
        vault.migrate(&store);
        QTRY_VERIFY_WITH_TIMEOUT(store.profiles().value(0).adminKey.isEmpty(), 20000);
        QCOMPARE(store.profiles().value(0).name, QString("staging"));
        const Read r = read(vault, "staging");
        QVERIFY(r.ok);
        QCOMPARE(r.key, QString("plain-text-key"));
        QVERIFY(!log.isEmpty());
        vault.remove("staging");
    }
};

QTEST_MAIN(TestKeyring)
#include "test_keyring.moc"
