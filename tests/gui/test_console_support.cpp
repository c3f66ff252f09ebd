// The console's support and admin views against a real in-process notifyd
// (tests/common/testserver.h), offscreen: the Keys view creates a key that is shown once
// (with a copy button) and revokes it; the Webhooks view adds an endpoint whose secret is
// shown once, shows it DISABLED, enables it again and removes it, each change confirmed and
// audited; the Audit view filters and exports what was done;
// the User view's support panel marks read and deletes for the user, finds a notification
// and opens its user, lists the user's refused connections and revokes the user's sessions;
// a support operator gets neither the Keys, the Webhooks nor the Audit tab.

#include <QTest>

#if defined(NOTIFY_HAVE_ADMIN) && !defined(Q_MOC_RUN)                                              \
    && !__has_include("server/adminchannel/adminchannel.h")
#undef NOTIFY_HAVE_ADMIN
#endif
#ifdef NOTIFY_HAVE_ADMIN
#include "consolefixture.h"

#include "console/adminclient/adminclient.h"
#include "console/app/mainwindow.h"
#include "console/models/notificationsmodel.h"
#include "console/views/auditview.h"
#include "console/views/keysview.h"
#include "console/views/supportpanel.h"
#include "console/views/tableexport.h"
#include "console/views/userview.h"
#include "console/views/webhooksview.h"
#include "shared/store/apikeys.h"
#include "shared/store/operators.h"
#include "shared/store/storeconfig.h"

#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>

using namespace notify;
using namespace notify::console;
using namespace notify::test;

namespace {

// Every cell of the model, to check that a secret is in none.
QString allText(const QAbstractItemModel *model)
{
    QStringList cells;
    for (int r = 0; r < model->rowCount(); ++r) {
        for (int c = 0; c < model->columnCount(); ++c)
            cells.append(model->index(r, c).data().toString());
    }
    return cells.join(u'|');
}

int columnOf(const QAbstractItemModel *model, const QString &header)
{
    for (int c = 0; c < model->columnCount(); ++c) {
        if (model->headerData(c, Qt::Horizontal).toString() == header)
            return c;
    }
    return -1;
}

} // namespace
#endif

class TestConsoleSupport : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
#ifndef NOTIFY_HAVE_ADMIN
        QSKIP("server/adminchannel is not built");
#else
        QStandardPaths::setTestModeEnabled(true);
#endif
    }

#ifdef NOTIFY_HAVE_ADMIN
    void keysViewShowsANewKeyOnceAndRevokes()
    {
        TestServer server;
        MainWindow window(nullptr);
        QVERIFY(showConnected(window, server));
        KeysView *keys = window.keysView();
        QVERIFY(window.tabs()->isTabEnabled(window.tabs()->indexOf(keys)));
        window.tabs()->setCurrentWidget(keys);
        QTRY_VERIFY_WITH_TIMEOUT(keys->loaded(), 5000);
        QCOMPARE(keys->model()->rowCount(), 0);

        QSignalSpy shown(keys, &KeysView::keyShown);
        keys->createKey("acme", "acme-backend", {"publish"}, "50/s", {});
        QVERIFY(shown.wait(5000));
        auto *dialog = keys->findChild<QDialog *>("keyCreatedDialog");
        QVERIFY(dialog);
        const QString key = dialog->findChild<QLineEdit *>("createdKey")->text();
        QVERIFY2(key.startsWith("nk_"), qPrintable(key));
        QTest::mouseClick(dialog->findChild<QPushButton *>("copyKey"), Qt::LeftButton);
        QCOMPARE(QApplication::clipboard()->text(), key);
        dialog->close();
        // Listed, without the key: it was shown once.
        QTRY_COMPARE_WITH_TIMEOUT(keys->model()->rowCount(), 1, 5000);
        QCOMPARE(keys->model()->index(0, 0).data().toString(), QString("acme-backend"));
        QVERIFY(!allText(keys->model()).contains(key));
        const int state = columnOf(keys->model(), "State");
        QCOMPARE(keys->model()->index(0, state).data().toString(), QString("active"));
        // The key works.
        const QByteArray body = R"({"orgId":"acme","userIds":["alice"],"type":"T","title":"x"})";
        QTRY_COMPARE_WITH_TIMEOUT(
            server.request("POST", "/api/v1/notifications", body, key.toUtf8()).status, 201, 3000);

        // Revoke: confirmed, naming the key; refused (nothing done) when not confirmed.
        keys->table()->selectRow(0);
        QString asked;
        keys->setConfirm([&](const QString &q) {
            asked = q;
            return false;
        });
        keys->revokeSelected();
        QVERIFY(asked.contains("acme-backend"));
        QCOMPARE(server.request("POST", "/api/v1/notifications", body, key.toUtf8()).status, 201);
        keys->setConfirm([](const QString &) { return true; });
        keys->revokeSelected();
        QTRY_COMPARE_WITH_TIMEOUT(keys->model()->index(0, state).data().toString(),
                                  QString("revoked"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(
            server.request("POST", "/api/v1/notifications", body, key.toUtf8()).status, 401, 3000);

        // The Audit view has both changes; filtered and exported.
        AuditView *audit = window.auditView();
        window.tabs()->setCurrentWidget(audit);
        QTRY_VERIFY_WITH_TIMEOUT(audit->loaded(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT((audit->reload(),
                                  QTest::qWaitFor([&] { return audit->loaded(); }, 5000)
                                      && audit->model()->rowCount() >= 2),
                                 5000);
        audit->actionFilter()->setText("keys_revoke");
        audit->reload();
        QTRY_VERIFY_WITH_TIMEOUT(audit->loaded(), 5000);
        QCOMPARE(audit->model()->rowCount(), 1);
        const int action = columnOf(audit->model(), "Action");
        QCOMPARE(audit->model()->index(0, action).data().toString(), QString("keys_revoke"));
        QCOMPARE(audit->model()->index(0, columnOf(audit->model(), "Operator")).data().toString(),
                 QString("admin-key"));
        QTemporaryDir dir;
        const QString path = dir.filePath("audit.csv");
        QVERIFY(writeCsv(audit->table(), path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray csv = file.readAll();
        QVERIFY2(csv.startsWith("Time,Operator,Action,Target,Result,Node"), csv.constData());
        QVERIFY(csv.contains("keys_revoke"));
        QVERIFY(csv.contains("name=acme-backend"));
        // Times as stored (ISO 8601), not as shown.
        QVERIFY(QRegularExpression("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d")
                    .match(QString::fromUtf8(csv))
                    .hasMatch());
        QVERIFY(!csv.contains(key.toUtf8()));
    }

    void webhooksViewAddsDisablesEnablesAndRemoves()
    {
        TestServer server;
        MainWindow window(nullptr);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.connectTo(adminUrl(server), server.config.adminKey);
        QVERIFY(waitConnected(window));
        WebhooksView *view = window.webhooksView();
        QVERIFY(window.tabs()->isTabEnabled(window.tabs()->indexOf(view)));
        window.tabs()->setCurrentWidget(view);
        QTRY_VERIFY_WITH_TIMEOUT(view->loaded(), 5000);
        QCOMPARE(view->model()->rowCount(), 0);

        // Refused by the server (not http): said, nothing added.
        view->addEndpoint("acme", "ftp://hooks.example.com/n", {"read"});
        QTRY_VERIFY_WITH_TIMEOUT(view->statusLabel()->text().contains("only http and https"), 5000);
        // Added (port 9 refuses: it fails), its secret shown once with a copy button.
        QSignalSpy shown(view, &WebhooksView::secretShown);
        const QString url = "http://127.0.0.1:9/hooks";
        view->addEndpoint("acme", url, {"read", "deleted"});
        QVERIFY(shown.wait(5000));
        const QString id = shown.first().first().toString();
        QVERIFY2(id.startsWith("wh_"), qPrintable(id));
        auto *dialog = view->findChild<QDialog *>("webhookSecretDialog");
        QVERIFY(dialog);
        const QString secret = dialog->findChild<QLineEdit *>("webhookSecret")->text();
        QVERIFY2(secret.startsWith("whsec_"), qPrintable(secret));
        QTest::mouseClick(dialog->findChild<QPushButton *>("copySecret"), Qt::LeftButton);
        QCOMPARE(QApplication::clipboard()->text(), secret);
        dialog->close();
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 1, 5000);
        QVERIFY(!allText(view->model()).contains(secret));
        const int state = columnOf(view->model(), "State");
        QCOMPARE(view->model()->index(0, columnOf(view->model(), "URL")).data().toString(), url);
        QCOMPARE(view->model()->index(0, columnOf(view->model(), "Events")).data().toString(),
                 QString("read, deleted"));
        // Another organization's filter hides it.
        view->orgFilter()->setText("globex");
        QCOMPARE(view->model()->rowCount(), 0);
        view->orgFilter()->setText("acme");
        QCOMPARE(view->model()->rowCount(), 1);

        // Failing for a day (the store's own disabling, test_store, without the day): shown
        // DISABLED, in bold, with the events it keeps.
        WsClient alice(server.wsUrl(mintToken("acme", "alice")));
        QVERIFY(alice.waitConnected());
        const QStringList ids = server.publish("acme", {"alice"}, "n1").notificationIds();
        QVERIFY(alice.waitForEvents("notification:new", 1));
        QVERIFY(!alice.call("mark_read",
                            {{ "notificationIds",
                               QJsonArray::fromStringList(ids) }})
                     .isEmpty());
        {
            auto config = StoreConfig::parse(server.config.db);
            QVERIFY(config.ok());
            auto store = Store::open(config.value(), "test");
            QVERIFY(store.ok());
            QSqlQuery q(store.value()->database());
            q.prepare("UPDATE webhook_endpoints SET disabled_at = :now, failing_since = :since,"
                      " failures = 30, last_error = 'Connection refused' WHERE id = :id");
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            q.bindValue(":now", now);
            q.bindValue(":since", now - 24 * 3600 * 1000);
            q.bindValue(":id", id);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        }
        view->reload();
        QTRY_VERIFY_WITH_TIMEOUT(
            view->model()->index(0, state).data().toString().startsWith("DISABLED since"), 5000);
        QVERIFY(view->model()->index(0, state).data(Qt::FontRole).value<QFont>().bold());
        QCOMPARE(view->model()->index(0, columnOf(view->model(), "Waiting")).data().toString(),
                 QString("1"));
        // The sender's own last failure may have replaced the one written here: either says why.
        QVERIFY(!view->model()
                     ->index(0, columnOf(view->model(), "Last error"))
                     .data()
                     .toString()
                     .isEmpty());

        // Enable again: confirmed in a question that names it; nothing done when declined.
        view->table()->selectRow(0);
        QString asked;
        view->setConfirm([&](const QString &q) {
            asked = q;
            return false;
        });
        view->enableSelected();
        QVERIFY(asked.contains(url) && asked.contains("acme") && asked.contains("(1)"));
        const auto listed = [&] {
            return server.request("GET", "/api/v1/webhooks", {}, server.config.adminKey.toUtf8())
                .json.value("endpoints")
                .toArray();
        };
        QCOMPARE(listed().first().toObject().value("state").toString(), QString("disabled"));
        view->setConfirm([](const QString &) { return true; });
        view->enableSelected();
        QTRY_VERIFY_WITH_TIMEOUT(view->statusLabel()->text().contains("Enabled"), 5000);
        QVERIFY(listed().first().toObject().value("state").toString() != "disabled");
        QTRY_VERIFY_WITH_TIMEOUT(
            !view->model()->index(0, state).data().toString().startsWith("DISABLED"), 5000);

        // Remove: declined, then confirmed.
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 1, 5000);
        view->table()->selectRow(0);
        view->setConfirm([&](const QString &q) {
            asked = q;
            return false;
        });
        view->removeSelected();
        QVERIFY(asked.contains(url));
        QCOMPARE(listed().size(), 1);
        view->setConfirm([](const QString &) { return true; });
        view->removeSelected();
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 0, 5000);
        QCOMPARE(listed().size(), 0);

        // Every change is in the audit log under the operator, naming the endpoint.
        QStringList audited;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                audited.clear();
                const auto log = server.request("GET", "/api/v1/audit?limit=100", {},
                                                server.config.adminKey.toUtf8());
                for (const QJsonValue &v : log.json.value("entries").toArray()) {
                    const QJsonObject e = v.toObject();
                    if (e.value("action").toString().startsWith("webhooks_"))
                        audited.prepend(e.value("action").toString() + ' '
                                        + e.value("result").toString() + ' '
                                        + (e.value("target").toString().contains(id) ? "id" : "-"));
                }
                return audited.size() >= 4;
            }(),
            5000);
        QCOMPARE(audited,
                 (QStringList {"webhooks_add invalid_payload -", "webhooks_add ok id",
                               "webhooks_enable ok id", "webhooks_remove ok id"}));
    }

    void supportPanelActsForTheUser()
    {
        TestServer server;
        MainWindow window(nullptr);
        QVERIFY(showConnected(window, server));
        const QJsonObject sessionBody {{"orgId", "acme"},
                                       {"userId", "alice"},
                                       { "ttlSeconds",
                                         600 }};
        const QByteArray token
            = server.request("POST", "/api/v1/sessions", QJsonDocument(sessionBody).toJson())
                  .json.value("token")
                  .toString()
                  .toUtf8();
        QVERIFY(!token.isEmpty());
        WsClient alice(server.wsUrl(token));
        QVERIFY(alice.waitForEvents("notification:unread_count", 1));
        const auto published = server.publish("acme", {"alice"}, "invoice ready",
                                              {{ "idempotencyKey",
                                                 "inv-42" }});
        QCOMPARE(published.status, 201);
        const QString id
            = published.json["notifications"].toArray().at(0).toObject()["id"].toString();
        QVERIFY(alice.waitForEvents("notification:new", 1));
        // A forged token of alice's, refused.
        WsClient forged(server.wsUrl(mintToken("acme", "alice", {}, 3600, "not the secret")));
        QVERIFY(forged.waitClosed());

        // Find by idempotency key (in the organization typed) opens her.
        UserView *user = window.userView();
        auto *panel = user->findChild<SupportPanel *>();
        QVERIFY(panel);
        window.tabs()->setCurrentWidget(user);
        user->orgEdit()->setText("acme");
        panel->findEdit()->setText("inv-42");
        panel->find();
        QTRY_COMPARE_WITH_TIMEOUT(user->userEdit()->text(), QString("alice"), 5000);
        QVERIFY(panel->statusLabel()->text().contains(id));
        QTRY_VERIFY_WITH_TIMEOUT(user->loaded(), 5000);
        QCOMPARE(user->inboxModel()->rowCount(), 1);
        // ... and by id, from another user.
        user->showUser("acme", "bob");
        panel->findEdit()->setText(id);
        panel->find();
        QTRY_COMPARE_WITH_TIMEOUT(user->userEdit()->text(), QString("alice"), 5000);

        // Her refused connection, with its reason.
        QTRY_COMPARE_WITH_TIMEOUT(panel->refusalsTable()->model()->rowCount(), 1, 5000);
        QCOMPARE(panel->refusalsTable()->model()->index(0, 1).data().toString(),
                 QString("bad_token"));
        QCOMPARE(panel->refusalsTable()->model()->index(0, 2).data().toString(),
                 QString("bad_signature"));

        // Mark read, confirmed in a question that names her.
        QTRY_VERIFY_WITH_TIMEOUT(user->loaded(), 5000);
        user->inboxTable()->selectRow(0);
        QString asked;
        panel->setConfirm([&](const QString &q) {
            asked = q;
            return true;
        });
        panel->markSelectedRead();
        QVERIFY(asked.contains("alice") && asked.contains("acme"));
        QVERIFY(alice.waitForEvents("notification:marked_read", 1));
        QTRY_COMPARE(alice.lastUnreadCount(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(user->loaded() && user->unreadCount() == 0, 5000);

        // Delete.
        QTRY_COMPARE_WITH_TIMEOUT(user->inboxModel()->rowCount(), 1, 5000);
        user->inboxTable()->selectRow(0);
        panel->deleteSelected();
        QVERIFY(alice.waitForEvents("notification:deleted", 1));

        // Revoke her sessions: her tab is closed.
        panel->revokeSessions();
        QVERIFY(alice.waitClosed());
        QCOMPARE(int(alice.socket.closeCode()), 4001);
        QTRY_VERIFY_WITH_TIMEOUT(panel->statusLabel()->text().contains("1 session"), 5000);
    }

    void supportOperatorHasNoKeysOrAudit()
    {
        TestServer server;
        {
            auto config = StoreConfig::parse(server.config.db);
            QVERIFY(config.ok());
            auto store = Store::open(config.value(), "test");
            QVERIFY(store.ok());
            operators::OperatorRow row;
            row.name = "sam";
            row.role = "support";
            row.sha256Hex = apikeys::hashKey("support-key-of-sam");
            row.createdAt = QDateTime::currentDateTimeUtc();
            QVERIFY(operators::create(*store.value(), row).ok());
        }
        // The server picks the operator up within its key poll (a console does not retry a
        // refused key): wait for a plain socket to be let in first.
        const QUrl withKey(adminUrl(server).toString() + "?key=support-key-of-sam");
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                WsClient probe(withKey);
                return probe.waitForEvents("hello", 1, 2000);
            }(),
            10000);
        MainWindow window(nullptr);
        QVERIFY(connectConsole(window, server, "support-key-of-sam"));
        QTabWidget *tabs = window.tabs();
        QTRY_VERIFY_WITH_TIMEOUT(!tabs->isTabEnabled(tabs->indexOf(window.keysView())), 5000);
        QVERIFY(!tabs->isTabEnabled(tabs->indexOf(window.auditView())));
        QVERIFY(!tabs->isTabEnabled(tabs->indexOf(window.webhooksView())));
        QVERIFY(tabs->isTabEnabled(tabs->indexOf(window.userView())));
    }
#endif
};

QTEST_MAIN(TestConsoleSupport)
#include "test_console_support.moc"
