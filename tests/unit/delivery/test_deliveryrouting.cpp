// Routing created notifications to shards: each shard gets only the deliveries of the rooms
// its connections are in, and a shard that holds none of them is not called at all.

#include "server/delivery/deliveryhub.h"
#include "server/delivery/roomdirectory.h"
#include "server/metrics/metrics.h"
#include "shared/model/rooms.h"

#include <QTest>

using namespace notify;

namespace {

class CountingSink : public DeliverySink
{
public:
    void deliver(DeliveryList deliveries) override
    {
        ++calls;
        for (const DeliveryPtr &d : deliveries)
            rooms.append(d->room);
    }
    void revokeSession(QByteArray) override { }

    int calls = 0;
    QStringList rooms;
};

Recipient user(const char *id)
{
    return {QStringLiteral("org-a"), QString::fromLatin1(id)};
}

QStringList roomsOf(const Recipient &r)
{
    return {rooms::user(r), rooms::org(r.orgId)};
}

std::vector<InsertOutcome> created(std::initializer_list<Recipient> recipients)
{
    std::vector<InsertOutcome> outcomes;
    qint64 seq = 0;
    for (const Recipient &r : recipients) {
        InsertOutcome o;
        o.notification.id = QStringLiteral("id-%1").arg(++seq);
        o.notification.recipient = r;
        o.notification.seq = seq;
        o.unreadCountAfter = seq;
        outcomes.push_back(o);
    }
    return outcomes;
}

} // namespace

class TestDeliveryRouting : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_directory = std::make_unique<RoomDirectory>();
        m_hub = std::make_unique<DeliveryHub>(*m_directory, m_metrics);
        m_sinks = std::vector<CountingSink>(3);
        for (CountingSink &sink : m_sinks)
            m_hub->addSink(&sink);
    }

    void eachShardGetsOnlyItsRooms()
    {
        QVERIFY(m_directory->tryJoin(roomsOf(user("ann")), 0, 0));
        QVERIFY(m_directory->tryJoin(roomsOf(user("bob")), 0, 2));
        m_hub->publishCreated(created({user("ann"), user("bob"), user("nobody")}), 1);
        QCOMPARE(m_sinks[0].rooms, QStringList {rooms::user(user("ann"))});
        QCOMPARE(m_sinks[1].calls, 0); // holds nothing: not woken
        QCOMPARE(m_sinks[2].rooms, QStringList {rooms::user(user("bob"))});
    }

    void aUserOnTwoShardsReachesBoth()
    {
        QVERIFY(m_directory->tryJoin(roomsOf(user("ann")), 0, 0));
        QVERIFY(m_directory->tryJoin(roomsOf(user("ann")), 0, 1));
        QVERIFY(m_directory->tryJoin(roomsOf(user("ann")), 0, 1));
        // The connections each went to: the publish answer's deliveredConnections.
        QCOMPARE(m_hub->publishCreated(created({user("ann"), user("nobody")}), 1),
                 (std::vector<int> {3, 0}));
        QCOMPARE(m_hub->connectionsReached(created({user("ann"), user("nobody")})), 3);
        QCOMPARE(m_sinks[0].rooms.size(), 1);
        QCOMPARE(m_sinks[1].rooms.size(), 1);
        QCOMPARE(m_sinks[2].calls, 0);

        // Shard 1 keeps the room while one of its two connections is left.
        m_directory->leave(roomsOf(user("ann")), 1);
        m_directory->leave(roomsOf(user("ann")), 0);
        QCOMPARE(m_directory->members(rooms::user(user("ann"))), 1);
        m_hub->publishCreated(created({user("ann")}), 1);
        QCOMPARE(m_sinks[0].calls, 1);
        QCOMPARE(m_sinks[1].calls, 2);

        m_directory->leave(roomsOf(user("ann")), 1);
        QCOMPARE(m_directory->members(rooms::user(user("ann"))), 0);
        QCOMPARE(m_directory->roomCount(), 0);
        m_hub->publishCreated(created({user("ann")}), 1);
        QCOMPARE(m_sinks[1].calls, 2);
    }

    void theLimitCountsEveryShard()
    {
        QVERIFY(m_directory->tryJoin(roomsOf(user("ann")), 2, 0));
        QVERIFY(m_directory->tryJoin(roomsOf(user("ann")), 2, 1));
        QVERIFY(!m_directory->tryJoin(roomsOf(user("ann")), 2, 2));
        m_hub->publishCreated(created({user("ann")}), 1);
        QCOMPARE(m_sinks[2].calls, 0); // the refused join left no trace
    }

    void aLeaveFromAShardThatNeverJoinedChangesNothing()
    {
        QVERIFY(m_directory->tryJoin(roomsOf(user("ann")), 0, 0));
        m_directory->leave(roomsOf(user("ann")), 2);
        m_directory->leave(roomsOf(user("ann")), 5);
        QCOMPARE(m_directory->members(rooms::user(user("ann"))), 1);
        m_hub->publishCreated(created({user("ann")}), 1);
        QCOMPARE(m_sinks[0].calls, 1);
    }

private:
    Metrics m_metrics;
    std::unique_ptr<RoomDirectory> m_directory;
    std::unique_ptr<DeliveryHub> m_hub;
    std::vector<CountingSink> m_sinks;
};

QTEST_GUILESS_MAIN(TestDeliveryRouting)
#include "test_deliveryrouting.moc"
