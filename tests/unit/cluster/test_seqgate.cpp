// SeqGate: per-user notification:new order across a node's two delivery paths.
#include "server/cluster/seqgate.h"

#include <QTest>

using namespace notify;

class TestSeqGate : public QObject
{
    Q_OBJECT

private slots:
    void inOrderPassesThrough();
    void laterSeqWaitsForEarlier();
    void deletedSeqIsSkipped();
    void duplicatesAreDropped();
    void forgetRestarts();
    void firstSightWaitsForStart();
};

namespace {
const Recipient u {QStringLiteral("o"), QStringLiteral("u")};

SeqGate::Item item(qint64 seq)
{
    SeqGate::Item i;
    i.outcome.notification.seq = seq;
    i.outcome.notification.recipient = u;
    i.outcome.unreadCountAfter = seq;
    return i;
}

std::vector<qint64> seqs(const std::vector<SeqGate::Item> &items)
{
    std::vector<qint64> out;
    for (const auto &i : items)
        out.push_back(i.outcome.notification.seq);
    return out;
}
} // namespace

void TestSeqGate::inOrderPassesThrough()
{
    SeqGate gate;
    bool gap = true;
    QCOMPARE(seqs(gate.offer(u, {item(3), item(4)}, 3, 4, &gap, true)),
             (std::vector<qint64> {3, 4}));
    QVERIFY(!gap);
    QCOMPARE(seqs(gate.offer(u, {item(5)}, 5, 5, &gap)), (std::vector<qint64> {5}));
    QCOMPARE(gate.nextSeq(u), 6);
}

void TestSeqGate::laterSeqWaitsForEarlier()
{
    SeqGate gate;
    bool gap = false;
    gate.offer(u, {item(1)}, 1, 1, &gap, true);
    // This node committed 3 while 2 (another node's) is still on its way.
    QVERIFY(gate.offer(u, {item(3)}, 3, 3, &gap).empty());
    QVERIFY(gap);
    qint64 lowest = 0;
    QCOMPARE(gate.nextSeq(u, &lowest), 2);
    QCOMPARE(lowest, 3);
    QCOMPARE(seqs(gate.offer(u, {item(2)}, 2, 2, &gap)), (std::vector<qint64> {2, 3}));
    QVERIFY(!gap);
}

void TestSeqGate::deletedSeqIsSkipped()
{
    SeqGate gate;
    bool gap = false;
    gate.offer(u, {item(1)}, 1, 1, &gap, true);
    QVERIFY(gate.offer(u, {item(4)}, 4, 4, &gap).empty());
    // A read of 2..3 finds only 3: 2 was deleted before anyone read it.
    QCOMPARE(seqs(gate.offer(u, {item(3)}, 2, 3, &gap)), (std::vector<qint64> {3, 4}));
    QVERIFY(!gap);
}

void TestSeqGate::duplicatesAreDropped()
{
    SeqGate gate;
    bool gap = false;
    gate.offer(u, {item(1), item(2)}, 1, 2, &gap, true);
    // A catch-up reads 1..3 again: only 3 is new.
    QCOMPARE(seqs(gate.offer(u, {item(1), item(2), item(3)}, 1, 3, &gap)),
             (std::vector<qint64> {3}));
}

void TestSeqGate::forgetRestarts()
{
    SeqGate gate;
    bool gap = false;
    gate.offer(u, {item(1)}, 1, 1, &gap, true);
    gate.forget(u);
    QCOMPARE(gate.nextSeq(u), 0);
    QVERIFY(gate.offer(u, {item(7)}, 7, 7, &gap).empty());
    QVERIFY(gap);
}

void TestSeqGate::firstSightWaitsForStart()
{
    SeqGate gate;
    bool gap = false;
    // This node's writer commits 5 for a user it has not seen yet: held, as 4 (another
    // node's, a moment earlier) may still be on its way.
    QVERIFY(gate.offer(u, {item(5)}, 5, 5, &gap).empty());
    QVERIFY(gap);
    qint64 lowest = 0;
    QCOMPARE(gate.nextSeq(u, &lowest), 0);
    QCOMPARE(lowest, 5);
    // The bus thread reads the recent rows (4) and starts the user there.
    QCOMPARE(seqs(gate.offer(u, {item(4)}, 4, 4, &gap, true)), (std::vector<qint64> {4, 5}));
    QVERIFY(!gap);
    // 4's own message arrives late: already delivered.
    QVERIFY(gate.offer(u, {item(4)}, 4, 4, &gap).empty());
    QVERIFY(!gap);
}

QTEST_MAIN(TestSeqGate)
#include "test_seqgate.moc"
