// The send-test form: metadata JSON validated as it is typed (red border and a message),
// the request it builds, and saved templates.

#include "console/adminclient/adminclient.h"
#include "console/models/historymodel.h"
#include "console/storage/localstore.h"
#include "console/views/sendtestview.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace notify::console;

class TestSendTestForm : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void metadataRules_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::newRow("empty") << "" << true;
        QTest::newRow("blank") << "   \n" << true;
        QTest::newRow("object") << "{\"claim\": \"abc\", \"n\": 1}" << true;
        QTest::newRow("nested") << "{\"a\": {\"b\": [1, 2, null]}}" << true;
        QTest::newRow("array") << "[1, 2]" << false;
        QTest::newRow("string") << "\"x\"" << false;
        QTest::newRow("number") << "42" << false;
        QTest::newRow("unclosed") << "{\"a\": 1" << false;
        QTest::newRow("trailing comma") << "{\"a\": 1,}" << false;
        QTest::newRow("single quotes") << "{'a': 1}" << false;
        QTest::newRow("too big") << QStringLiteral("{\"a\": \"%1\"}").arg(QString(9000, 'x'))
                                 << false;
    }
    void metadataRules()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        const auto error = SendTestView::metadataError(text);
        QCOMPARE(!error.has_value(), valid);
        if (error)
            QVERIFY(!error->isEmpty());
    }

    void errorsAreShownAtTheFieldWithoutMovingTheForm()
    {
        AdminClient client;
        HistoryModel history;
        SendTestView view(&client, nullptr, &history);
        view.resize(900, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.orgEdit()->setText("acme");
        view.targetEdit()->setText("alice");
        view.titleEdit()->setText("Hello");
        QVERIFY(view.buildRequest().ok());
        QVERIFY(view.fieldErrorLabel()->text().isEmpty());
        const int sendY = view.sendButton()->mapTo(&view, QPoint()).y();
        const int actionY = view.actionUrlEdit()->mapTo(&view, QPoint()).y();

        // A refused action URL: the field is marked and the reason is on screen, not only in
        // the disabled button's tooltip.
        view.actionUrlEdit()->setText("javascript:alert(1)");
        QCOMPARE(view.errorField(), view.actionUrlEdit());
        QVERIFY(view.actionUrlEdit()->styleSheet().contains("border"));
        QVERIFY(view.fieldErrorLabel()->isVisibleTo(&view));
        QVERIFY(view.fieldErrorLabel()->text().contains("action URL"));
        view.actionUrlEdit()->clear();
        QVERIFY(view.actionUrlEdit()->styleSheet().isEmpty());
        QVERIFY(view.fieldErrorLabel()->text().isEmpty());

        // Invalid JSON while typing: the error shows, nothing below the field moves.
        for (const char *text : {"{", "{\"a\"", "{\"a\": [1, 2",
                                 "not json at all, a long line of text "
                                 "that would wrap the error message"}) {
            view.metadataEdit()->setPlainText(text);
            QCoreApplication::processEvents();
            QVERIFY(view.metadataErrorLabel()->isVisibleTo(&view));
            QCOMPARE(view.sendButton()->mapTo(&view, QPoint()).y(), sendY);
            QCOMPARE(view.actionUrlEdit()->mapTo(&view, QPoint()).y(), actionY);
        }
        view.metadataEdit()->clear();
        QCoreApplication::processEvents();
        QCOMPARE(view.sendButton()->mapTo(&view, QPoint()).y(), sendY);
    }

    void everyErrorIsShownAtOnce()
    {
        AdminClient client;
        HistoryModel history;
        SendTestView view(&client, nullptr, &history);
        view.orgEdit()->setText("acme");
        view.targetEdit()->setText("alice");
        view.typeEdit()->setText("BAD\tTYPE");
        view.titleEdit()->setText("Hello");
        view.actionUrlEdit()->setText("javascript:alert(1)");
        // Both problems are on screen and both fields marked, not the first one's alone.
        const QString shown = view.fieldErrorLabel()->text();
        QVERIFY2(shown.contains("type") && shown.contains("action URL"), qPrintable(shown));
        QVERIFY(view.typeEdit()->styleSheet().contains("border"));
        QVERIFY(view.actionUrlEdit()->styleSheet().contains("border"));
        QCOMPARE(view.errorField(), view.typeEdit());
        view.typeEdit()->setText("GOOD_TYPE");
        QVERIFY(!view.fieldErrorLabel()->text().contains("type"));
        QVERIFY(view.typeEdit()->styleSheet().isEmpty());
        QVERIFY(view.fieldErrorLabel()->text().contains("action URL"));
    }

    void roomIsCheckedBeforeSending_data()
    {
        QTest::addColumn<QString>("room");
        QTest::addColumn<QString>("error"); // empty: accepted
        QTest::newRow("a user id") << "alice"
                                   << "Not a room name";
        QTest::newRow("org without id") << "org:"
                                        << "Not a room name";
        QTest::newRow("unknown kind") << "org:acme:team:x"
                                      << "Not a room name";
        QTest::newRow("another organization") << "org:other:role:admin"
                                              << "“other”";
        QTest::newRow("another organization's user") << "org:other:user:bob"
                                                     << "“other”";
        QTest::newRow("role") << "org:acme:role:admin"
                              << "";
        QTest::newRow("organization") << "org:acme"
                                      << "";
        QTest::newRow("user room") << "org:acme:user:bob"
                                   << "";
        QTest::newRow("broadcast") << "broadcast"
                                   << "";
    }

    void roomIsCheckedBeforeSending()
    {
        QFETCH(QString, room);
        QFETCH(QString, error);
        AdminClient client;
        HistoryModel history;
        SendTestView view(&client, nullptr, &history);
        view.orgEdit()->setText("acme");
        view.titleEdit()->setText("Hello");
        view.targetKindCombo()->setCurrentIndex(1); // room
        view.targetEdit()->setText(room);
        const auto request = view.buildRequest();
        if (error.isEmpty()) {
            QVERIFY2(request.ok(), request.ok() ? "" : qPrintable(request.error()));
            QVERIFY(view.fieldErrorLabel()->text().isEmpty());
        } else {
            QVERIFY(!request.ok());
            QCOMPARE(view.errorField(), view.targetEdit());
            QVERIFY2(view.fieldErrorLabel()->text().contains(error),
                     qPrintable(view.fieldErrorLabel()->text()));
            QVERIFY(view.targetEdit()->styleSheet().contains("border"));
        }
    }

    void anOldResultIsClearedWhenTheFormChanges()
    {
        AdminClient client; // not connected: a send fails at once
        HistoryModel history;
        SendTestView view(&client, nullptr, &history);
        view.orgEdit()->setText("acme");
        view.targetEdit()->setText("alice");
        view.titleEdit()->setText("Hello");
        view.send();
        QTRY_VERIFY(view.resultLabel()->text().startsWith("Failed"));
        // Another recipient: the failure was about alice, not about bob.
        view.targetEdit()->setText("bob");
        QVERIFY(view.resultLabel()->text().isEmpty());
        view.send();
        QTRY_VERIFY(view.resultLabel()->text().startsWith("Failed"));
        QEvent change(QEvent::LanguageChange);
        QCoreApplication::sendEvent(&view, &change);
        QVERIFY(view.resultLabel()->text().isEmpty());
    }

    void validatesAsYouType()
    {
        AdminClient client;
        HistoryModel history;
        SendTestView view(&client, nullptr, &history);
        view.show();
        QVERIFY(view.metadataValid());
        QVERIFY(view.metadataErrorLabel()->isHidden());

        view.orgEdit()->setText("acme");
        view.targetEdit()->setText("alice");
        view.titleEdit()->setText("Hello");
        QVERIFY(view.buildRequest().ok());

        // Typing an incomplete object: red border and a message at once.
        QTest::keyClicks(view.metadataEdit(), "{\"a\": ");
        QVERIFY(!view.metadataValid());
        QVERIFY(view.metadataEdit()->styleSheet().contains("border"));
        QVERIFY(view.metadataErrorLabel()->isVisibleTo(&view));
        QVERIFY(!view.metadataErrorLabel()->text().isEmpty());
        QVERIFY(!view.buildRequest().ok());
        QVERIFY(!view.sendButton()->isEnabled());

        // Finishing it clears the error.
        QTest::keyClicks(view.metadataEdit(), "1}");
        QVERIFY(view.metadataValid());
        QVERIFY(view.metadataEdit()->styleSheet().isEmpty());
        QVERIFY(view.metadataErrorLabel()->isHidden());
        const auto request = view.buildRequest();
        QVERIFY(request.ok());
        QCOMPARE(request.value().value("metadata").toObject().value("a").toInt(), 1);

        view.metadataEdit()->setPlainText("[1]");
        QVERIFY(!view.metadataValid());
        QVERIFY(view.metadataErrorLabel()->text().contains("object"));
        // Not connected: sending stays disabled even for a valid form.
        view.metadataEdit()->clear();
        QVERIFY(view.buildRequest().ok());
        QVERIFY(!view.sendButton()->isEnabled());
    }

    void buildsTheSendTestRequest()
    {
        AdminClient client;
        HistoryModel history;
        SendTestView view(&client, nullptr, &history);
        QVERIFY(!view.buildRequest().ok()); // empty form
        view.orgEdit()->setText(" acme ");
        QVERIFY(!view.buildRequest().ok()); // no recipient
        view.targetEdit()->setText("alice");
        QVERIFY(!view.buildRequest().ok()); // no title
        view.titleEdit()->setText("Claim rejected");
        view.typeEdit()->setText("CLAIM_REJECTED");
        view.bodyEdit()->setPlainText("Your claim was rejected.");
        view.priorityCombo()->setCurrentIndex(view.priorityCombo()->findData("urgent"));
        view.actionUrlEdit()->setText("javascript:alert(1)");
        QVERIFY(!view.buildRequest().ok()); // not a path or http(s)
        view.actionUrlEdit()->setText("/claims/abc123");
        auto r = view.buildRequest();
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error()));
        const QJsonObject d = r.value();
        QCOMPARE(d.value("orgId").toString(), QString("acme"));
        QCOMPARE(d.value("userId").toString(), QString("alice"));
        QVERIFY(!d.contains("room"));
        QCOMPARE(d.value("type").toString(), QString("CLAIM_REJECTED"));
        QCOMPARE(d.value("priority").toString(), QString("urgent"));
        QCOMPARE(d.value("actionUrl").toString(), QString("/claims/abc123"));
        QCOMPARE(d.value("body").toString(), QString("Your claim was rejected."));
        QVERIFY(!d.contains("metadata"));

        view.targetKindCombo()->setCurrentIndex(1); // room
        view.targetEdit()->setText("org:acme:role:admin");
        r = view.buildRequest();
        QVERIFY(r.ok());
        QCOMPARE(r.value().value("room").toString(), QString("org:acme:role:admin"));
        QVERIFY(!r.value().contains("userId"));

        // Sending while disconnected records a failure instead of pretending.
        view.send();
        QTRY_COMPARE(history.rowCount(), 1);
        QVERIFY(!history.at(0).error.isEmpty());
        QCOMPARE(history.at(0).target, QString("room:org:acme:role:admin"));
    }

    void templatesSaveLoadDelete()
    {
        QTemporaryDir dir;
        LocalStore store;
        QVERIFY(store.open(dir.filePath("console.db")));
        AdminClient client;
        HistoryModel history;
        SendTestView view(&client, &store, &history);
        view.orgEdit()->setText("acme");
        view.targetEdit()->setText("bob");
        view.titleEdit()->setText("Welcome");
        view.priorityCombo()->setCurrentIndex(view.priorityCombo()->findData("high"));
        view.metadataEdit()->setPlainText("{\"x\": true}");
        QVERIFY(view.saveTemplateAs("welcome"));
        QCOMPARE(view.templateNames(), QStringList {"welcome"});
        QVERIFY(!view.saveTemplateAs("   "));

        view.orgEdit()->clear();
        view.titleEdit()->setText("other");
        view.priorityCombo()->setCurrentIndex(0);
        view.metadataEdit()->clear();
        QVERIFY(view.loadTemplate("welcome"));
        QCOMPARE(view.orgEdit()->text(), QString("acme"));
        QCOMPARE(view.targetEdit()->text(), QString("bob"));
        QCOMPARE(view.titleEdit()->text(), QString("Welcome"));
        QCOMPARE(view.priorityCombo()->currentData().toString(), QString("high"));
        QCOMPARE(view.metadataEdit()->toPlainText(), QString("{\"x\": true}"));
        QVERIFY(!view.loadTemplate("missing"));

        QVERIFY(view.deleteTemplate("welcome"));
        QVERIFY(view.templateNames().isEmpty());
        QVERIFY(!store.sendTemplate("welcome").has_value());
    }
};

QTEST_MAIN(TestSendTestForm)
#include "test_sendtestform.moc"
