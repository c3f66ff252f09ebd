// Room names (docs/protocol.md, "Rooms"): one name per room, whatever the ids contain.
#include "shared/model/recipient.h"

#include <QHash>
#include <QRandomGenerator>
#include <QTest>

using namespace notify;
using rooms::Kind;
using rooms::Parsed;

namespace {

QString build(const Parsed &p)
{
    switch (p.kind) {
    case Kind::Broadcast:
        return rooms::broadcast();
    case Kind::Org:
        return rooms::org(p.orgId);
    case Kind::User:
        return rooms::user(Recipient {p.orgId, p.member});
    case Kind::Role:
        return rooms::role(p.orgId, p.member);
    }
    return {};
}

QString describe(const Parsed &p)
{
    static const char *const kinds[] = {"broadcast", "org", "user", "role"};
    return QStringLiteral("%1(%2, %3)").arg(QLatin1String(kinds[int(p.kind)]), p.orgId, p.member);
}

// Records every name built; fails on the first name that two distinct rooms share, or that
// does not read back as its room.
class Registry
{
public:
    bool add(const Parsed &room)
    {
        const QString name = build(room);
        const auto it = m_names.constFind(name);
        if (it != m_names.constEnd() && *it != room) {
            m_failure
                = QStringLiteral("%1 and %2 are both %3").arg(describe(*it), describe(room), name);
            return false;
        }
        m_names.insert(name, room);
        if (rooms::parse(name) != std::optional<Parsed>(room)) {
            m_failure = QStringLiteral("%1 does not parse back from %2").arg(describe(room), name);
            return false;
        }
        return true;
    }
    QString failure() const { return m_failure; }
    qsizetype size() const { return m_names.size(); }

private:
    QHash<QString, Parsed> m_names;
    QString m_failure;
};

// Every string of 1..maxLength characters over alphabet.
QStringList allStrings(const QString &alphabet, int maxLength)
{
    QStringList out;
    QStringList level {QString()};
    for (int length = 1; length <= maxLength; ++length) {
        QStringList next;
        for (const QString &prefix : std::as_const(level)) {
            for (QChar c : alphabet)
                next.append(prefix + c);
        }
        out += next;
        level = next;
    }
    return out;
}

} // namespace

class TestRooms : public QObject
{
    Q_OBJECT

private slots:
    void plainIdsKeepTheirReadableNames();
    void reportedCollisionsAreGone();
    void exhaustiveShortIdsNeverShareARoom();
    void randomIdsFromSeparatorsNeverShareARoom();
    void parseRefusesWhatNoRoomIsNamed_data();
    void parseRefusesWhatNoRoomIsNamed();
    void parseAcceptsLowerCaseEscape();
};

void TestRooms::plainIdsKeepTheirReadableNames()
{
    QCOMPARE(rooms::user({QStringLiteral("acme"), QStringLiteral("bob")}),
             QStringLiteral("org:acme:user:bob"));
    QCOMPARE(rooms::org(QStringLiteral("acme")), QStringLiteral("org:acme"));
    QCOMPARE(rooms::role(QStringLiteral("acme"), QStringLiteral("admin")),
             QStringLiteral("org:acme:role:admin"));
    QCOMPARE(rooms::broadcast(), QStringLiteral("broadcast"));
    QCOMPARE(rooms::user({QStringLiteral("zoë"), QStringLiteral("東京 😀")}),
             QStringLiteral("org:zoë:user:東京 😀"));
}

void TestRooms::reportedCollisionsAreGone()
{
    // docs/security.md, "Tenants and ids": each pair shared one room when names were concatenated.
    const QString victim = rooms::user({QStringLiteral("acme"), QStringLiteral("x:user:eve")});
    const QString attacker = rooms::user({QStringLiteral("acme:user:x"), QStringLiteral("eve")});
    QVERIFY(victim != attacker);
    QCOMPARE(victim, QStringLiteral("org:acme:user:x%3Auser%3Aeve"));
    QCOMPARE(attacker, QStringLiteral("org:acme%3Auser%3Ax:user:eve"));

    QVERIFY(rooms::org(QStringLiteral("acme:user:x"))
            != rooms::user({QStringLiteral("acme"), QStringLiteral("x")}));
    QVERIFY(rooms::org(QStringLiteral("acme:role:admin"))
            != rooms::role(QStringLiteral("acme"), QStringLiteral("admin")));
    QVERIFY(rooms::role(QStringLiteral("acme"), QStringLiteral("x:user:y"))
            != rooms::user({QStringLiteral("acme:role:x"), QStringLiteral("y")}));
    // The escape character itself: an id that looks escaped is not the id it looks like.
    QVERIFY(rooms::org(QStringLiteral("a%3Ab")) != rooms::org(QStringLiteral("a:b")));
    QCOMPARE(rooms::org(QStringLiteral("a%3Ab")), QStringLiteral("org:a%253Ab"));
    QVERIFY(rooms::org(QStringLiteral("broadcast")) != rooms::broadcast());
}

void TestRooms::exhaustiveShortIdsNeverShareARoom()
{
    // Every id of up to three characters from the separators, the escape and the letters
    // that spell an escape: every (org, user), (org, role) and org among them.
    const QStringList ids = allStrings(QStringLiteral(":%3Aa"), 3);
    Registry registry;
    QVERIFY(registry.add({Kind::Broadcast, {}, {}}));
    for (const QString &org : ids) {
        QVERIFY2(registry.add({Kind::Org, org, {}}), qPrintable(registry.failure()));
        for (const QString &member : ids) {
            QVERIFY2(registry.add({Kind::User, org, member}), qPrintable(registry.failure()));
            QVERIFY2(registry.add({Kind::Role, org, member}), qPrintable(registry.failure()));
        }
    }
    QCOMPARE(registry.size(), 1 + ids.size() + 2 * ids.size() * ids.size());
}

void TestRooms::randomIdsFromSeparatorsNeverShareARoom()
{
    // Longer ids glued from the pieces of room names; the seed is fixed so a failure can be
    // replayed, and printed so a changed seed can be too.
    const QStringList pieces {
        QStringLiteral(":"),         QStringLiteral("%"),      QStringLiteral("%3A"),
        QStringLiteral("%25"),       QStringLiteral(":user:"), QStringLiteral(":role:"),
        QStringLiteral("org:"),      QStringLiteral("user"),   QStringLiteral("role"),
        QStringLiteral("broadcast"), QStringLiteral("acme"),   QStringLiteral("x"),
        QStringLiteral("ë"),         QStringLiteral("😀")};
    const quint32 seed = 20261127;
    QRandomGenerator random(seed);
    const auto randomId = [&] {
        QString id;
        const int n = 1 + random.bounded(6);
        for (int i = 0; i < n; ++i)
            id += pieces.at(random.bounded(int(pieces.size())));
        return id;
    };
    Registry registry;
    for (int i = 0; i < 200000; ++i) {
        const Kind kind = Kind(1 + random.bounded(3));
        const Parsed room {kind, randomId(), kind == Kind::Org ? QString() : randomId()};
        QVERIFY2(registry.add(room),
                 qPrintable(QStringLiteral("seed %1: %2").arg(seed).arg(registry.failure())));
    }
    QVERIFY(registry.size() > 100000); // mostly distinct rooms, not one room many times
}

void TestRooms::parseRefusesWhatNoRoomIsNamed_data()
{
    QTest::addColumn<QString>("name");
    for (const char *name : {"",
                             "org:",
                             "org",
                             "Org:a",
                             "broadcast:",
                             "broadcasts",
                             "org:a:",
                             "org:a:user:",
                             "org:a:role:",
                             "org::user:b",
                             "org:a:team:b",
                             "org:a:user:b:c",
                             "org:a:user:b:user:c",
                             "org:a%",
                             "org:a%3",
                             "org:a%41",
                             "org:a%2f",
                             "org:a:user:b%",
                             "org:%3",
                             "user:a"})
        QTest::newRow(*name ? name : "(empty)") << QString::fromUtf8(name);
}

void TestRooms::parseRefusesWhatNoRoomIsNamed()
{
    QFETCH(QString, name);
    QVERIFY(!rooms::parse(name));
}

void TestRooms::parseAcceptsLowerCaseEscape()
{
    // An operator may type the escape in either case; the room is the same.
    const auto parsed = rooms::parse(QStringLiteral("org:a%3ab:role:r%25"));
    QVERIFY(parsed);
    QCOMPARE(*parsed, (Parsed {Kind::Role, QStringLiteral("a:b"), QStringLiteral("r%")}));
    QCOMPARE(build(*parsed), QStringLiteral("org:a%3Ab:role:r%25"));
}

QTEST_APPLESS_MAIN(TestRooms)
#include "test_rooms.moc"
