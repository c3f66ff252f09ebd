// Every tab of a connected console, at the minimum window size, switched to German and to
// French while it runs: no visible text is left in English (names and data aside), and no
// button, header or toolbar action is clipped or pushed into an overflow menu.

#include "consolefixture.h"

#include "console/adminclient/adminclient.h"
#include "console/app/mainwindow.h"
#include "console/i18n/i18n.h"
#include "console/views/notificationsview.h"
#include "console/views/sendtestview.h"
#include "console/views/userview.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>

using namespace notify;
using namespace notify::console;
using namespace notify::test;

namespace {

QString plain(QString text)
{
    text.remove(QRegularExpression(QStringLiteral("<[^>]*>")));
    text.remove(QRegularExpression(QStringLiteral("&(?=[^&\\s])")));
    return text.trimmed();
}

bool visibleIn(const QWidget *w, const QWidget *top)
{
    // Widgets scrolled out of view count: they are one turn of the wheel away.
    return w->isVisibleTo(top) && w->isVisible();
}

// The texts on screen now, in the main window's chrome and its current tab, each with where it
// is (for the failure message).
QMap<QString, QString> visibleTexts(MainWindow &window)
{
    QMap<QString, QString> out; // text -> where
    const auto add = [&](const QString &text, const QString &where) {
        const QString t = plain(text);
        if (!t.isEmpty())
            out.insert(t, where);
    };
    for (QMenu *menu : window.menuBar()->findChildren<QMenu *>(Qt::FindDirectChildrenOnly))
        add(menu->title(), QStringLiteral("menu"));
    for (int i = 0; i < window.tabs()->count(); ++i)
        add(window.tabs()->tabText(i), QStringLiteral("tab"));
    QWidget *page = window.tabs()->currentWidget();
    QList<QWidget *> roots {page};
    for (QToolBar *bar : window.findChildren<QToolBar *>())
        roots.append(bar);
    for (QWidget *root : roots) {
        QList<QWidget *> widgets = root->findChildren<QWidget *>();
        widgets.prepend(root);
        for (QWidget *w : widgets) {
            if (!visibleIn(w, &window))
                continue;
            const QString name = w->objectName().isEmpty()
                ? QString::fromLatin1(w->metaObject()->className())
                : w->objectName();
            if (auto *label = qobject_cast<QLabel *>(w))
                add(label->text(), name);
            else if (auto *button = qobject_cast<QAbstractButton *>(w))
                add(button->text(), name);
            else if (auto *box = qobject_cast<QGroupBox *>(w))
                add(box->title(), name);
            else if (auto *edit = qobject_cast<QLineEdit *>(w); edit && edit->text().isEmpty())
                add(edit->placeholderText(), name);
            else if (auto *header = qobject_cast<QHeaderView *>(w);
                     header && header->orientation() == Qt::Horizontal) {
                for (int s = 0; s < header->count(); ++s) {
                    if (!header->isSectionHidden(s))
                        add(header->model()->headerData(s, Qt::Horizontal).toString(),
                            name + QStringLiteral(" header"));
                }
            }
        }
    }
    return out;
}

// What is cut or hidden for lack of room: a button narrower than its text needs, a header
// section narrower than its title, the toolbar's overflow arrow.
QStringList clipped(MainWindow &window)
{
    QStringList out;
    for (QToolBar *bar : window.findChildren<QToolBar *>()) {
        auto *more = bar->findChild<QToolButton *>(QStringLiteral("qt_toolbar_ext_button"));
        if (more && more->isVisible())
            out << QStringLiteral("toolbar overflow (%1 px wide)").arg(bar->width());
    }
    QWidget *page = window.tabs()->currentWidget();
    QList<QWidget *> widgets = page->findChildren<QWidget *>();
    for (QToolBar *bar : window.findChildren<QToolBar *>())
        widgets += bar->findChildren<QWidget *>();
    for (QWidget *w : widgets) {
        if (!visibleIn(w, &window))
            continue;
        if (auto *button = qobject_cast<QAbstractButton *>(w)) {
            if (!button->text().isEmpty() && button->width() < button->sizeHint().width())
                out << QStringLiteral("button \"%1\": %2 of %3 px")
                           .arg(plain(button->text()))
                           .arg(button->width())
                           .arg(button->sizeHint().width());
        } else if (auto *header = qobject_cast<QHeaderView *>(w);
                   header && header->orientation() == Qt::Horizontal) {
            const QFontMetrics fm(header->font());
            for (int s = 0; s < header->count(); ++s) {
                if (header->isSectionHidden(s))
                    continue;
                const QString text = header->model()->headerData(s, Qt::Horizontal).toString();
                // The text and the style's margins on both sides (6 px is less than any
                // style here uses, so a section reported here does cut its title).
                const int needed = fm.horizontalAdvance(text) + 6;
                if (header->sectionSize(s) < needed)
                    out << QStringLiteral("header \"%1\" of %2: %3 of %4 px")
                               .arg(text, header->parentWidget()->objectName())
                               .arg(header->sectionSize(s))
                               .arg(needed);
            }
        }
    }
    return out;
}

// Texts that are the same in English, German and French, or in English and one of them
// (Name, Operator, Origin, Detail in German; Action in French; Webhooks in both), or are
// names and data: ids from the server, units, the product's and protocols' names.
bool sameInEveryLanguage(const QString &text)
{
    static const QRegularExpression data(QStringLiteral(
        "^(?:[\\d\\s.,:/#%()+\\-–—]*|.*\\b(?:acme|alice|ws://|127\\.0\\.0\\.1)\\b.*|"
        "n\\d+|TEST|RTT|RTT \\(ms\\)|Id|Seq|URL|CSV|JSON|notifyd|plain|socket\\.io|Normal|"
        "Organisation|Organization:?|Server|Session|Protocol|Version|Node|Nodes|Type|Info|Log|"
        "Titre|Audit|Webhooks|Name|Operator:?|Detail|Origin|Action|"
        "Notification|Notifications|Actions|Connexions|Message|Total|Trace|Sessions)$"));
    return data.match(text).hasMatch();
}

} // namespace

class TestConsoleLanguageFit : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("notifyd-test");
        QCoreApplication::setApplicationName("notify-console-languagefit");
    }

    void everyTabInGermanAndFrenchAtTheMinimumSize()
    {
        i18n::setLanguageSetting("en");
        i18n::installTranslators(QCoreApplication::instance());
        TestServer server;
        MainWindow window(nullptr);
        QVERIFY(connectConsole(window, server));
        WsClient alice(server.wsUrl(mintToken("acme", "alice")));
        QVERIFY(alice.waitConnected());
        QCOMPARE(server.publish("acme", {"alice"}, "n1").status / 100, 2);
        window.resize(window.minimumSize());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // Texts built at run time are on screen: an inbox page, a user, a room send's form.
        window.notificationsView()->orgEdit()->setText("acme");
        window.notificationsView()->userEdit()->setText("alice");
        window.notificationsView()->load();
        QTRY_VERIFY(window.notificationsView()->statusLabel()->text().contains("shown"));
        window.showUser("acme", "alice");
        QTRY_VERIFY_WITH_TIMEOUT(window.userView()->loaded(), 5000);
        SendTestView *send = window.sendTestView();
        send->orgEdit()->setText("acme");
        send->targetKindCombo()->setCurrentIndex(1);
        send->targetEdit()->setText("org:acme");
        send->titleEdit()->setText("n1");

        QList<QMap<QString, QString>> english;
        QStringList problems;
        for (int tab = 0; tab < window.tabs()->count(); ++tab) {
            window.tabs()->setCurrentIndex(tab);
            QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
            QCoreApplication::processEvents();
            english.append(visibleTexts(window));
            for (const QString &c : clipped(window))
                problems << QStringLiteral("en, tab %1: %2").arg(tab).arg(c);
        }

        for (const QString language : {"de", "fr"}) {
            i18n::setLanguageSetting(language);
            QCOMPARE(i18n::applyLanguage(QCoreApplication::instance()), language);
            for (int tab = 0; tab < window.tabs()->count(); ++tab) {
                window.tabs()->setCurrentIndex(tab);
                // Layouts settle on posted LayoutRequest events: check what is on screen then.
                QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
                QCoreApplication::processEvents();
                const QMap<QString, QString> shown = visibleTexts(window);
                for (auto it = shown.cbegin(); it != shown.cend(); ++it) {
                    if (english.at(tab).contains(it.key()) && !sameInEveryLanguage(it.key()))
                        problems << QStringLiteral("%1, tab %2: still English: \"%3\" (%4)")
                                        .arg(language)
                                        .arg(window.tabs()->tabText(tab), it.key(), it.value());
                }
                for (const QString &c : clipped(window))
                    problems << QStringLiteral("%1, tab %2: %3")
                                    .arg(language, window.tabs()->tabText(tab), c);
            }
        }
        i18n::setLanguageSetting("en");
        i18n::applyLanguage(QCoreApplication::instance());
        i18n::setLanguageSetting({});
        for (const QString &p : problems)
            qWarning("%s", qPrintable(p));
        QVERIFY2(problems.isEmpty(),
                 qPrintable(QLatin1Char('\n') + problems.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestConsoleLanguageFit)
#include "test_console_languagefit.moc"
