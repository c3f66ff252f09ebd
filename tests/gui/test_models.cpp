// The console's item models fed with realistic admin-channel sequences, each under
// QAbstractItemModelTester in Fatal mode (any broken model contract aborts the test).

#include "contractjson.h"

#include "console/models/connectionsmodel.h"
#include "console/models/countersmodel.h"
#include "console/models/historymodel.h"
#include "console/models/nodesmodel.h"
#include "console/models/notificationsmodel.h"
#include "console/models/roomsmodel.h"
#include "console/models/tracemodel.h"
#include "console/storage/keyvault.h"
#include "console/views/deliveriesview.h"
#include "console/views/ratechart.h"
#include "console/views/tableexport.h"
#include "shared/codec/wirecodec.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QHeaderView>
#include <QMainWindow>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace notify;
using namespace notify::console;
using namespace notify::test;

namespace {

ConnectionInfo decode(const QJsonObject &json)
{
    auto c = connectionFromJson(json);
    if (!c)
        qFatal("contract connection did not decode: %s", qPrintable(c.error().message()));
    return *c;
}

QList<ConnectionInfo> decodeAll(const QJsonArray &array)
{
    QList<ConnectionInfo> out;
    for (const QJsonValue &v : array)
        out.append(decode(v.toObject()));
    return out;
}

QStringList columnText(const QAbstractItemModel &m, int column, const QModelIndex &parent = {})
{
    QStringList out;
    for (int r = 0; r < m.rowCount(parent); ++r)
        out.append(m.index(r, column, parent).data().toString());
    return out;
}

} // namespace

class TestModels : public QObject
{
    Q_OBJECT

private slots:
    // docs/protocol.md, "nodes": this node's row names a fault of its store's environment,
    // and the State column says it (docs/operations.md, "When things fail").
    void nodeStateShowsAStoreFault()
    {
        NodesModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        model.setNodes(QJsonArray {QJsonObject {{QStringLiteral("id"), QStringLiteral("a")},
                                                {QStringLiteral("name"), QStringLiteral("a")},
                                                {QStringLiteral("self"), true},
                                                {QStringLiteral("state"), QStringLiteral("up")},
                                                {QStringLiteral("storeFault"), QStringLiteral("full")}},
                                    QJsonObject {{QStringLiteral("id"), QStringLiteral("b")},
                                                {QStringLiteral("name"), QStringLiteral("b")},
                                                {QStringLiteral("state"), QStringLiteral("up")}}},
                       now);
        QCOMPARE(model.data(model.index(0, NodesModel::State)).toString(),
                 QStringLiteral("up, storage full"));
        QVERIFY(model.data(model.index(0, NodesModel::State), Qt::ForegroundRole).isValid());
        QCOMPARE(model.data(model.index(1, NodesModel::State)).toString(), QStringLiteral("up"));
        QVERIFY(!model.data(model.index(1, NodesModel::State), Qt::ForegroundRole).isValid());
        // Cleared: the next answer has no storeFault.
        model.setNodes(QJsonArray {QJsonObject {{QStringLiteral("id"), QStringLiteral("a")},
                                                {QStringLiteral("name"), QStringLiteral("a")},
                                                {QStringLiteral("self"), true},
                                                {QStringLiteral("state"), QStringLiteral("up")}}},
                       now);
        QCOMPARE(model.data(model.index(0, NodesModel::State)).toString(), QStringLiteral("up"));
    }

    void connectionsFollowSnapshotOpenedClosed()
    {
        ConnectionsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(ConnectionsModel::SortRole);
        proxy.sort(ConnectionsModel::User);
        QAbstractItemModelTester proxyTester(&proxy,
                                             QAbstractItemModelTester::FailureReportingMode::Fatal);

        const QJsonArray initial {connectionJson(1, "acme", "alice", "admin"),
                                  connectionJson(2, "acme", "bob"),
                                  connectionJson(3, "globex", "carol", {}, "socket.io")};
        model.setSnapshot(decodeAll(initial));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(ConnectionsModel::ColumnCount));
        QCOMPARE(columnText(proxy, ConnectionsModel::User),
                 (QStringList {"alice", "bob", "carol"}));
        const int carol = model.rowOf(3);
        QCOMPARE(model.index(carol, ConnectionsModel::Protocol).data().toString(),
                 QString("socket.io"));
        QCOMPARE(model.index(carol, ConnectionsModel::Org).data().toString(), QString("globex"));
        QCOMPARE(model.index(carol, ConnectionsModel::Address).data().toString(),
                 QString("127.0.0.1:40003"));
        QCOMPARE(model.index(carol, ConnectionsModel::Rtt).data().toString(), QString("12 ms"));
        QCOMPARE(model.index(model.rowOf(2), ConnectionsModel::Rtt).data().toString(),
                 QString("n/a"));
        QCOMPARE(model.index(carol, ConnectionsModel::FramesOut)
                     .data(ConnectionsModel::SortRole)
                     .toULongLong(),
                 15u);
        QCOMPARE(model.index(carol, 0).data(ConnectionsModel::ConnectionIdRole).toULongLong(), 3u);
        QVERIFY(!model.index(carol, ConnectionsModel::ConnectedSince).data().toString().isEmpty());

        model.addConnection(decode(connectionJson(4, "acme", "aaron")));
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(proxy.index(0, ConnectionsModel::User).data().toString(), QString("aaron"));

        // A repeated opened for a known id updates the row instead of adding one.
        QJsonObject again = connectionJson(4, "acme", "aaron");
        again.insert("framesIn", 99);
        model.addConnection(decode(again));
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.index(model.rowOf(4), ConnectionsModel::FramesIn)
                     .data(ConnectionsModel::SortRole)
                     .toULongLong(),
                 99u);

        QVERIFY(model.removeConnection(2));
        QVERIFY(!model.removeConnection(2));
        QVERIFY(!model.removeConnection(777));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(columnText(proxy, ConnectionsModel::User),
                 (QStringList {"aaron", "alice", "carol"}));
        // The id index stays right after a removal in the middle.
        QCOMPARE(model.at(model.rowOf(3)).userId, QString("carol"));
        QCOMPARE(model.at(model.rowOf(4)).userId, QString("aaron"));

        proxy.setFilterKeyColumn(-1);
        proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
        proxy.setFilterFixedString("GLOBEX");
        QCOMPARE(columnText(proxy, ConnectionsModel::User), QStringList {"carol"});
        proxy.setFilterFixedString({});

        // A new snapshot (after a reconnect) replaces everything.
        model.setSnapshot(decodeAll(QJsonArray {connectionJson(10, "acme", "zed")}));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.rowOf(1), -1);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void roomsTreeFollowsMembership()
    {
        RoomsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);

        const QJsonArray initial {connectionJson(1, "acme", "alice", "admin"),
                                  connectionJson(2, "acme", "alice"),
                                  connectionJson(3, "globex", "carol")};
        const QJsonObject snap = snapshotJson(initial);
        model.setSnapshot(decodeAll(initial), snap["rooms"].toArray());
        QCOMPARE(model.roomNames(),
                 (QStringList {"org:acme", "org:acme:role:admin", "org:acme:user:alice",
                               "org:globex", "org:globex:user:carol"}));
        QCOMPARE(model.memberCount("org:acme"), 2);
        QCOMPARE(model.memberCount("org:acme:user:alice"), 2);
        const QModelIndex acme = model.roomIndex("org:acme");
        QCOMPARE(model.rowCount(acme), 2);
        QCOMPARE(model.index(acme.row(), RoomsModel::Members).data().toInt(), 2);
        const QModelIndex child = model.index(0, 0, acme);
        QCOMPARE(model.parent(child), acme);
        QCOMPARE(child.data(RoomsModel::ConnectionIdRole).toULongLong(), 1u);
        QVERIFY(child.data().toString().contains("alice"));
        QVERIFY(child.data().toString().contains("acme"));
        // Members have no children.
        QCOMPARE(model.rowCount(child), 0);

        // A second bob tab joins existing rooms and creates his user room.
        model.addConnection(decode(connectionJson(4, "acme", "bob")));
        QCOMPARE(model.memberCount("org:acme"), 3);
        QCOMPARE(model.memberCount("org:acme:user:bob"), 1);
        QCOMPARE(model.index(model.roomIndex("org:acme").row(), RoomsModel::Members).data().toInt(),
                 3);
        // Idempotent for a repeated opened.
        model.addConnection(decode(connectionJson(4, "acme", "bob")));
        QCOMPARE(model.memberCount("org:acme"), 3);

        // Rooms that lose their last member disappear; others shrink.
        model.removeConnection(1);
        QCOMPARE(model.roomIndex("org:acme:role:admin"), QModelIndex());
        QCOMPARE(model.memberCount("org:acme:user:alice"), 1);
        QCOMPARE(model.memberCount("org:acme"), 2);
        model.removeConnection(3);
        QVERIFY(!model.roomNames().contains("org:globex"));
        QVERIFY(!model.roomNames().contains("org:globex:user:carol"));
        model.removeConnection(12345); // unknown: nothing happens
        QCOMPARE(model.roomNames(),
                 (QStringList {"org:acme", "org:acme:user:alice", "org:acme:user:bob"}));

        // Either source alone is enough: a snapshot without a rooms array.
        model.setSnapshot(decodeAll(QJsonArray {connectionJson(7, "initech", "peter")}),
                          QJsonArray {});
        QCOMPARE(model.roomNames(), (QStringList {"org:initech", "org:initech:user:peter"}));
        model.removeConnection(7);
        QCOMPARE(model.rowCount(), 0);
        model.clear();
    }

    // The other nodes' members (from cluster_connections) join the rooms, after the node's
    // own, each naming its node; the connected node's deltas keep working beside them.
    void roomsTreeWithOtherNodesMembers()
    {
        RoomsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setLocalNodeName("node-0");
        const QJsonArray initial {connectionJson(1, "acme", "alice")};
        model.setSnapshot(decodeAll(initial), snapshotJson(initial)["rooms"].toArray());
        const QList<RoomsModel::RemoteMember> remote {
            {"n1", "node-1", 1, "bob", "acme", "plain", {"org:acme", "org:acme:user:bob"}, {}},
            {"n2", "node-2", 5, "carol", "globex", "socket.io", {"org:globex"}, {}}};
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.setRemote(remote);
        QCOMPARE(resets.count(), 1);
        QCOMPARE(
            model.roomNames(),
            (QStringList {"org:acme", "org:acme:user:alice", "org:acme:user:bob", "org:globex"}));
        QCOMPARE(model.memberCount("org:acme"), 2);
        const QModelIndex acme = model.roomIndex("org:acme");
        QCOMPARE(model.index(acme.row(), RoomsModel::Members).data().toInt(), 2);
        // The node's own member first, then node-1's: same connection id, another node.
        QCOMPARE(model.index(0, RoomsModel::Node, acme).data().toString(), QString("node-0"));
        QCOMPARE(model.index(0, 0, acme).data(RoomsModel::NodeIdRole).toString(), QString());
        QCOMPARE(model.index(1, RoomsModel::Node, acme).data().toString(), QString("node-1"));
        QCOMPARE(model.index(1, 0, acme).data(RoomsModel::NodeIdRole).toString(), QString("n1"));
        QCOMPARE(model.index(1, 0, acme).data(RoomsModel::ConnectionIdRole).toULongLong(), 1u);
        QCOMPARE(model.index(1, 0, acme).data(RoomsModel::UserIdRole).toString(), QString("bob"));
        QVERIFY(model.index(1, 0, acme).data().toString().contains("bob"));
        // An unchanged answer changes nothing (a view keeps its expansion and selection).
        model.setRemote(remote);
        QCOMPARE(resets.count(), 1);

        // Local deltas beside remote members: a new tab goes before them, a closed one
        // leaves them, and a room that only another node has stays.
        model.addConnection(decode(connectionJson(2, "acme", "dave")));
        QCOMPARE(model.memberCount("org:acme"), 3);
        QCOMPARE(model.index(1, RoomsModel::Node, model.roomIndex("org:acme")).data().toString(),
                 QString("node-0"));
        model.removeConnection(1);
        model.removeConnection(2);
        QCOMPARE(model.memberCount("org:acme"), 1);
        QVERIFY(model.roomIndex("org:acme:user:bob").isValid());
        QVERIFY(!model.roomIndex("org:acme:user:alice").isValid());

        // The next answer without node-2: its room goes; a snapshot keeps the remote ones.
        model.setRemote({remote.at(0)});
        QVERIFY(!model.roomIndex("org:globex").isValid());
        model.setSnapshot(decodeAll(initial), {});
        QCOMPARE(model.memberCount("org:acme"), 2);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void traceNamesTheNodeAndCountsDropped()
    {
        TraceModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.addDelivery({{"notificationId", "n1"}, {"room", "org:a:user:b"}, {"connections", 1}});
        QCOMPARE(model.index(0, TraceModel::Node).data().toString(), QString());
        model.setLocalNodeName("node-0");
        QCOMPARE(model.index(0, TraceModel::Node).data().toString(), QString("node-0"));
        model.addDelivery({{"notificationId", "n1"},
                           {"room", "org:a:user:b"},
                           {"connections", 2},
                           {"nodeId", "id-1"},
                           {"nodeName", "node-1"}});
        QCOMPARE(model.index(1, TraceModel::Node).data().toString(), QString("node-1"));
        QCOMPARE(model.at(1).nodeId, QString("id-1"));
        QVERIFY(model.index(1, 0).data(Qt::ToolTipRole).toString().contains("node-1"));
        QSignalSpy dropped(&model, &TraceModel::droppedChanged);
        model.addDropped(7);
        model.addDropped(0);
        model.addDropped(3);
        QCOMPARE(model.dropped(), qint64(10));
        QCOMPARE(dropped.count(), 2);
        model.clear();
        QCOMPARE(model.dropped(), qint64(0));
        QCOMPARE(dropped.count(), 3);
    }

    void roomMembersShowTheirUserAgent()
    {
        // Two tabs of one user differ only by their browsers: the tree says which is which.
        RoomsModel model;
        QJsonObject firefox = connectionJson(1, "acme", "alice");
        firefox["userAgent"] = "Firefox/133";
        QJsonObject chrome = connectionJson(2, "acme", "alice");
        chrome["userAgent"] = "Chrome/131";
        const QJsonArray both {firefox, chrome};
        model.setSnapshot(decodeAll(both), snapshotJson(both)["rooms"].toArray());
        const QModelIndex room = model.roomIndex("org:acme:user:alice");
        QCOMPARE(model.rowCount(room), 2);
        QCOMPARE(model.headerData(RoomsModel::UserAgent, Qt::Horizontal).toString(),
                 QString("User agent"));
        QStringList agents;
        for (int r = 0; r < 2; ++r)
            agents.append(model.index(r, RoomsModel::UserAgent, room).data().toString());
        agents.sort();
        QCOMPARE(agents, (QStringList {"Chrome/131", "Firefox/133"}));
        // Remote members too.
        model.setRemote(
            {{"n1", "node-1", 9, "alice", "acme", "plain", {"org:acme:user:alice"}, "Safari/18"}});
        QCOMPARE(model.rowCount(room), 3);
        QCOMPARE(model.index(2, RoomsModel::UserAgent, room).data().toString(),
                 QString("Safari/18"));
    }

    void roomsTreeThroughFilterProxy()
    {
        RoomsModel model;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setRecursiveFilteringEnabled(true);
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        for (int i = 1; i <= 20; ++i)
            model.addConnection(decode(
                connectionJson(i, i % 2 ? "acme" : "globex", QStringLiteral("u%1").arg(i % 5))));
        proxy.setFilterFixedString("globex");
        QVERIFY(proxy.rowCount() > 0);
        for (int i = 1; i <= 20; i += 3)
            model.removeConnection(i);
        proxy.setFilterFixedString({});
        QCOMPARE(proxy.rowCount(), model.rowCount());
    }

    void countersFromContract()
    {
        CountersModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QCOMPARE(model.rowCount(), 9);
        QCOMPARE(model.columnCount(), 3);
        model.setTotals(countersFromJson(countersJson(10, 20, 5)));
        QCOMPARE(model.index(0, CountersModel::Total).data().toString(), QLocale().toString(10));
        QCOMPARE(CountersModel::counterKey(1), QString("sent"));
        QCOMPARE(model.index(1, CountersModel::Total).data().toString(), QLocale().toString(20));
        QCOMPARE(model.index(6, CountersModel::Total).data().toString(), QLocale().toString(1));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setCounters(countersFromJson(countersJson(12, 25, 6)),
                          countersFromJson(countersJson(2, 5, 1)));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.totals().created, 12u);
        QCOMPARE(model.index(1, CountersModel::PerSecond).data().toString(), QLocale().toString(5));
        model.clear();
        QCOMPARE(model.totals().sent, 0u);
    }

    void traceIsBounded()
    {
        TraceModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setCapacity(50);
        for (int i = 0; i < 120; ++i) {
            model.addDelivery(
                QJsonObject {{"notificationId", QStringLiteral("n%1").arg(i)},
                             {"room", "org:acme:user:alice"},
                             {"connections", i % 2 ? QJsonValue(3) : QJsonValue(QJsonArray {1, 2})},
                             {"at", "2026-02-17T10:00:00.000Z"}});
        }
        QCOMPARE(model.rowCount(), 50);
        QCOMPARE(model.at(0).notificationId, QString("n70"));
        QCOMPARE(model.at(49).notificationId, QString("n119"));
        QCOMPARE(model.at(49).connections, 3);
        QCOMPARE(model.at(48).connections, 2); // a list of ids counts as its length
        model.setCapacity(10);
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.at(0).notificationId, QString("n110"));
        QCOMPARE(TraceModel().capacity(), 1000);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void notificationsPageOlder()
    {
        NotificationsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QJsonArray first;
        for (qint64 seq = 120; seq > 70; --seq)
            first.append(notificationJson(seq, QStringLiteral("t%1").arg(seq)));
        QCOMPARE(model.setPage(first), 0);
        QCOMPARE(model.rowCount(), 50);
        QVERIFY(model.mayHaveMore());
        QCOMPARE(model.oldestSeq(), 71);
        QCOMPARE(model.index(0, NotificationsModel::Title).data().toString(), QString("t120"));
        QCOMPARE(model.index(0, NotificationsModel::Priority).data().toString(), QString("high"));

        QJsonArray older;
        older.append(notificationJson(71, "t71")); // overlap is skipped
        for (qint64 seq = 70; seq > 60; --seq)
            older.append(notificationJson(seq, QStringLiteral("t%1").arg(seq)));
        older.append(QJsonObject {{"id", 5}}); // malformed
        QCOMPARE(model.appendOlder(older), 1);
        QCOMPARE(model.rowCount(), 60);
        QCOMPARE(model.oldestSeq(), 61);
        QVERIFY(!model.mayHaveMore());
        model.clear();
        QCOMPARE(model.oldestSeq(), 0);
    }

    void historyPrepends()
    {
        HistoryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        HistoryEntry ok;
        ok.sentAt = QDateTime::currentDateTimeUtc();
        ok.orgId = "acme";
        ok.target = "user:alice";
        ok.title = "Hello";
        ok.deliveredConnections = 2;
        ok.notificationIds = {"a"};
        model.setEntries({ok});
        HistoryEntry failed = ok;
        failed.title = "Broken";
        failed.deliveredConnections = -1;
        failed.error = "invalid_payload";
        model.prepend(failed);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, HistoryModel::Title).data().toString(), QString("Broken"));
        QVERIFY(
            model.index(0, HistoryModel::Delivered).data().toString().contains("invalid_payload"));
        QVERIFY(model.index(1, HistoryModel::Delivered).data().toString().contains('2'));
        // The notification ids have a column (copied and exported with the row).
        QCOMPARE(model.index(1, HistoryModel::Ids).data().toString(), QString("a"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void rateChartAxisHasEvenIntegerSteps()
    {
        // Four steps, each an integer: 0 1 2 3 4 at low rates (not 1 0 0 0 0), and even steps
        // (not 5 3 2 1 0).
        for (quint64 peak :
             {0ull, 1ull, 3ull, 4ull, 5ull, 7ull, 19ull, 21ull, 399ull, 401ull, 12345ull}) {
            const quint64 top = RateChart::niceScale(peak);
            QVERIFY2(top >= peak && top >= 4, qPrintable(QString::number(peak)));
            QCOMPARE(top % 4, 0ull);
        }
        QCOMPARE(RateChart::niceScale(1), 4ull);
        QCOMPARE(RateChart::niceScale(5), 8ull);
        QCOMPARE(RateChart::niceScale(9), 20ull);
        QCOMPARE(RateChart::niceScale(401), 800ull);
    }

    void csvQuotesWhatNeedsIt()
    {
        HistoryModel model;
        HistoryEntry e;
        e.sentAt = QDateTime::currentDateTimeUtc();
        e.orgId = "acme";
        e.target = "user:alice";
        e.title = "Hello, \"world\"";
        e.deliveredConnections = 1;
        e.notificationIds = {"n1"};
        model.setEntries({e});
        const QStringList lines = modelToCsv(&model).split("\r\n", Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines.at(0).startsWith("Sent,Organization,Recipient,Title"));
        QVERIFY2(lines.at(1).contains(",\"Hello, \"\"world\"\"\","), qPrintable(lines.at(1)));
        QVERIFY(lines.at(1).endsWith(",n1"));
    }

    void csvHoldsNumbersWithoutUnitsAndTimesWithTheirZone()
    {
        ConnectionsModel connections;
        QJsonObject c {{"id", 7},
                       {"orgId", "acme"},
                       {"userId", "alice"},
                       {"protocol", "plain"},
                       {"framesIn", 12345},
                       {"framesOut", 2},
                       {"bytesOut", 0},
                       {"rttMs", 42},
                       {"connectedAt", "2026-12-07T10:00:00.250Z"}};
        connections.setSnapshot({decode(c)});
        // The screen reads "42 ms" and "12,345" (in English); the file holds the numbers.
        QCOMPARE(connections.index(0, ConnectionsModel::Rtt).data().toString(), QString("42 ms"));
        const QStringList lines = modelToCsv(&connections).split("\r\n", Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        const QStringList header = lines.at(0).split(',');
        const QStringList row = lines.at(1).split(',');
        QCOMPARE(row.at(header.indexOf("RTT (ms)")), QString("42"));
        QCOMPARE(row.at(header.indexOf("Frames in")), QString("12345"));
        const QDateTime at
            = QDateTime::fromString(row.at(header.indexOf("Connected since")), Qt::ISODateWithMs);
        QVERIFY2(at.isValid(), qPrintable(lines.at(1)));
        QCOMPARE(at.toUTC(), QDateTime(QDate(2026, 12, 7), QTime(10, 0, 0, 250), Qt::UTC));
        // With its zone: an offset or Z, never a bare local time.
        QVERIFY2(QRegularExpression("(Z|[+-]\\d\\d:\\d\\d)$")
                     .match(row.at(header.indexOf("Connected since")))
                     .hasMatch(),
                 qPrintable(lines.at(1)));

        // The trace shows the time of day only; the file has the day and the zone.
        TraceModel trace;
        trace.addDelivery({{"notificationId", "n1"},
                           {"room", "org:a:user:b"},
                           {"connections", 0},
                           {"at", "2026-12-07T10:00:01.500Z"}});
        QVERIFY(trace.index(0, TraceModel::Connections).data().toString().contains("nobody"));
        const QStringList traceLines = modelToCsv(&trace).split("\r\n", Qt::SkipEmptyParts);
        const QStringList traceRow = traceLines.at(1).split(',');
        QCOMPARE(traceRow.at(TraceModel::Connections), QString("0"));
        QCOMPARE(QDateTime::fromString(traceRow.at(TraceModel::Time), Qt::ISODateWithMs).toUTC(),
                 QDateTime(QDate(2026, 12, 7), QTime(10, 0, 1, 500), Qt::UTC));
    }

    void csvExportSaysWhereItWrote()
    {
        QTemporaryDir dir;
        QMainWindow window;
        auto *table = new QTableView(&window);
        HistoryModel model;
        model.setEntries({HistoryEntry {}});
        table->setModel(&model);
        window.setCentralWidget(table);
        const QString path = dir.filePath("history.csv");
        QVERIFY(writeCsv(table, path));
        QVERIFY(QFile::exists(path));
        QVERIFY2(window.statusBar()->currentMessage().contains(path),
                 qPrintable(window.statusBar()->currentMessage()));
    }

    void traceTitleTakesTheWidthNotTheConnectionCount()
    {
        CountersModel counters;
        TraceModel trace;
        DeliveriesView view(&counters, &trace);
        view.resize(800, 560);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        trace.addDelivery({{"notificationId", "n1"},
                           {"title", "Hi"},
                           {"room", "org:a:user:b"},
                           {"connections", 2}});
        auto *table = view.findChild<QTableView *>(QStringLiteral("traceTable"));
        QVERIFY(table);
        QHeaderView *header = table->horizontalHeader();
        QTRY_VERIFY(header->sectionSize(TraceModel::Title)
                    > header->sectionSize(TraceModel::Connections));
        QVERIFY2(header->sectionSize(TraceModel::Connections) < table->viewport()->width() / 4,
                 qPrintable(QString::number(header->sectionSize(TraceModel::Connections))));
    }

    void keyVaultFallsBackWithoutAKeyring()
    {
        // The tests run offscreen: no keyring, and the vault says why instead of blocking.
        KeyVault vault;
        QVERIFY(!vault.usesKeyring());
        QVERIFY(!vault.fallbackReason().isEmpty());
        QVERIFY(vault.statusText().contains("console.db"));
        bool called = false;
        vault.write("p", "secret", this, [&](bool ok, const QString &) {
            called = true;
            QVERIFY(!ok);
        });
        QVERIFY(called); // at once, no keyring call
    }
};

QTEST_MAIN(TestModels)
#include "test_models.moc"
