// AcceptGate: the counting behind the client port's connection and session caps.
#include "server/util/acceptgate.h"

#include <QTest>

#include <thread>
#include <vector>

using namespace notify;

class TestAcceptGate : public QObject
{
    Q_OBJECT
private slots:
    void totalAndPerAddress();
    void authenticatedFreesTheAddressOnly();
    void ipv6CountsPerSlash64();
    void concurrentAdmitAndRelease();
};

void TestAcceptGate::totalAndPerAddress()
{
    AcceptGate gate({3, 2});
    const QHostAddress a(QStringLiteral("192.0.2.1"));
    const QHostAddress b(QStringLiteral("192.0.2.2"));
    auto t1 = gate.admit(a);
    auto t2 = gate.admit(a);
    AcceptGate::Refusal why = AcceptGate::Refusal::None;
    QVERIFY(t1 && t2);
    QVERIFY(!gate.admit(a, &why));
    QCOMPARE(why, AcceptGate::Refusal::PerAddress);
    auto t3 = gate.admit(b);
    QVERIFY(t3);
    QVERIFY(!gate.admit(b, &why));
    QCOMPARE(why, AcceptGate::Refusal::Total);
    QCOMPARE(gate.open(), 3);
    t1.release();
    QCOMPARE(gate.open(), 2);
    QCOMPARE(gate.pending(a), 1);
    QVERIFY(gate.admit(a)); // a temporary: admitted and released at once
    QCOMPARE(gate.open(), 2);
}

void TestAcceptGate::authenticatedFreesTheAddressOnly()
{
    AcceptGate gate({10, 1});
    const QHostAddress a(QStringLiteral("198.51.100.7"));
    auto t1 = gate.admit(a);
    QVERIFY(t1);
    QVERIFY(!gate.admit(a));
    t1.authenticated();
    QCOMPARE(gate.pending(a), 0);
    QCOMPARE(gate.open(), 1);
    auto t2 = gate.admit(a);
    QVERIFY(t2);
    AcceptGate::Ticket moved = std::move(t2);
    QVERIFY(!t2);
    QCOMPARE(gate.open(), 2);
    moved = {};
    QCOMPARE(gate.open(), 1);
    QCOMPARE(gate.pending(a), 0);
}

void TestAcceptGate::ipv6CountsPerSlash64()
{
    AcceptGate gate({0, 1});
    auto t = gate.admit(QHostAddress(QStringLiteral("2001:db8:1:2::1")));
    QVERIFY(t);
    QVERIFY(!gate.admit(QHostAddress(QStringLiteral("2001:db8:1:2:ffff::9"))));
    QVERIFY(gate.admit(QHostAddress(QStringLiteral("2001:db8:1:3::1"))));
    // An IPv4-mapped address counts as its IPv4 address.
    auto v4 = gate.admit(QHostAddress(QStringLiteral("203.0.113.5")));
    QVERIFY(v4);
    QVERIFY(!gate.admit(QHostAddress(QStringLiteral("::ffff:203.0.113.5"))));
}

void TestAcceptGate::concurrentAdmitAndRelease()
{
    AcceptGate gate({100000, 0});
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&gate, t] {
            const QHostAddress peer(QStringLiteral("10.0.0.%1").arg(t + 1));
            for (int i = 0; i < 20000; ++i) {
                auto ticket = gate.admit(peer);
                if (i % 2)
                    ticket.authenticated();
            }
        });
    }
    for (auto &t : threads)
        t.join();
    QCOMPARE(gate.open(), 0);
    QCOMPARE(gate.pending(QHostAddress(QStringLiteral("10.0.0.1"))), 0);
}

QTEST_GUILESS_MAIN(TestAcceptGate)
#include "test_acceptgate.moc"
