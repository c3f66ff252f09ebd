// The per-dialect encoders (docs/protocol.md, "Dialects"): exactly the names and fields each
// dialect's front-end expects, built once per delivery and dialect and shared by reference.

#include "server/delivery/dialectevents.h"
#include "server/delivery/encodedevent.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <thread>

using namespace notify;

namespace {

using Kind = DeliveryContent::Kind;

struct Decoded
{
    QString name;
    QJsonObject data;
};

// {"type":..,"data":..} of a plain frame.
Decoded plain(const EncodedEvent &e)
{
    const QJsonObject o
        = QJsonDocument::fromJson(EncodedEvent::text(e.plain).toByteArray()).object();
    return {o.value("type").toString(), o.value("data").toObject()};
}

// 42<nsp,>["name",{...}] of a Socket.IO frame.
Decoded socketIo(const QByteArray &frame, const QByteArray &prefix)
{
    QByteArray text = EncodedEvent::text(frame).toByteArray();
    if (!text.startsWith(prefix))
        return {QStringLiteral("<bad prefix: %1>").arg(QString::fromUtf8(text.left(40))), {}};
    const QJsonArray a = QJsonDocument::fromJson(text.mid(prefix.size())).array();
    return {a.at(0).toString(), a.at(1).toObject()};
}

Decoded sio(const EncodedEvent &e)
{
    const Decoded def = socketIo(e.socketIoDefault, "42");
    const Decoded ns = socketIo(e.socketIoNotifications, "42/notifications,");
    if (def.name != ns.name || def.data != ns.data)
        return {QStringLiteral("<namespaces differ>"), {}};
    return def;
}

Notification sample()
{
    Notification n;
    n.id = QStringLiteral("0190a1b2-0000-7000-8000-000000000001");
    n.recipient = {QStringLiteral("acme"), QStringLiteral("u1")};
    n.seq = 7;
    n.content.type = QStringLiteral("CLAIM_REJECTED");
    n.content.title = QStringLiteral("Claim rejected");
    n.content.body = QStringLiteral("Your claim \"42\" was rejected.");
    n.content.priority = Priority::High;
    n.content.actionUrl = QStringLiteral("/claims/abc123");
    n.content.entityType = QStringLiteral("lead");
    n.content.entityId = QStringLiteral("lead-9");
    n.content.metadata = QJsonObject {{QStringLiteral("claimNo"), 42}};
    n.createdAt = QDateTime::fromMSecsSinceEpoch(1771322400000, Qt::UTC); // 2026-02-17T10:00Z
    return n;
}

DeliveryContent created(const Notification &n, qint64 unread)
{
    DeliveryContent c;
    c.kind = Kind::Created;
    c.notification = n;
    c.unreadCount = unread;
    return c;
}

DeliveryContent change(Kind kind, const QStringList &ids, qint64 unread)
{
    DeliveryContent c;
    c.kind = kind;
    c.ids = ids;
    c.at = QDateTime::fromMSecsSinceEpoch(1771326000000, Qt::UTC); // 11:00Z
    c.unreadCount = unread;
    return c;
}

QStringList keys(const QJsonObject &o)
{
    QStringList k = o.keys();
    k.sort();
    return k;
}

} // namespace

class TestDialects : public QObject
{
    Q_OBJECT
private slots:
    void snakeNotificationAndCount();
    void snakeChangesSendTheCountOnly();
    void colonNewReadDeletedCount();
    void crudCreatedModel();
    void crudUpdatedAfterRead();
    void crudReadWithoutRowsFallsBackToBulk();
    void crudReadAllAndDelete();
    void initialEventsReplayThenCount();
    void deliveryEncodesOncePerDialectAndShares();
    void eachFlavourIsBuiltOnlyWhenAsked();
    void everyDialectAndFlavourOnOneDelivery();
    void announcementsAreStandardEverywhere();
};

void TestDialects::snakeNotificationAndCount()
{
    Notification n = sample();
    n.content.actionUrl.clear();
    const auto events = encodeForDialect(Dialect::Snake, created(n, 5));
    QCOMPARE(events.size(), size_t(2));
    // Plain endpoint only: no Socket.IO frames are built for it.
    QVERIFY(events[0].socketIoDefault.isEmpty() && events[0].socketIoNotifications.isEmpty());
    const Decoded msg = plain(events[0]);
    QCOMPARE(msg.name, QStringLiteral("notification"));
    QCOMPARE(keys(msg.data),
             (QStringList {"action_url", "body", "created_at", "event_type", "metadata",
                           "notification_id", "priority", "title"}));
    QCOMPARE(msg.data.value("notification_id").toString(), n.id);
    QCOMPARE(msg.data.value("title").toString(), n.content.title);
    QCOMPARE(msg.data.value("body").toString(), n.content.body);
    QCOMPARE(msg.data.value("priority").toString(), QStringLiteral("HIGH"));
    QVERIFY(msg.data.value("action_url").isNull());
    QCOMPARE(msg.data.value("event_type").toString(), QStringLiteral("CLAIM_REJECTED"));
    QCOMPARE(msg.data.value("metadata").toObject().value("claimNo").toInt(), 42);
    QCOMPARE(msg.data.value("created_at").toString(), QStringLiteral("2026-02-17T10:00:00.000Z"));
    const Decoded count = plain(events[1]);
    QCOMPARE(count.name, QStringLiteral("unread_count"));
    QCOMPARE(count.data, (QJsonObject {{"count", 5}}));
}

void TestDialects::snakeChangesSendTheCountOnly()
{
    for (Kind kind : {Kind::Read, Kind::ReadAll, Kind::Deleted, Kind::UnreadCount}) {
        const auto events = encodeForDialect(Dialect::Snake, change(kind, {"a", "b"}, 3));
        QCOMPARE(events.size(), size_t(1));
        QCOMPARE(plain(events[0]).name, QStringLiteral("unread_count"));
        QCOMPARE(plain(events[0]).data, (QJsonObject {{"count", 3}}));
    }
}

void TestDialects::colonNewReadDeletedCount()
{
    const Notification n = sample();
    auto events = encodeForDialect(Dialect::Colon, created(n, 1));
    QCOMPARE(events.size(), size_t(2));
    QVERIFY(events[0].plain.isEmpty()); // Socket.IO only
    Decoded e = sio(events[0]);
    QCOMPARE(e.name, QStringLiteral("notification:new"));
    // The notification object itself, its body as `message`.
    QCOMPARE(e.data.value("id").toString(), n.id);
    QCOMPARE(e.data.value("type").toString(), n.content.type);
    QCOMPARE(e.data.value("title").toString(), n.content.title);
    QCOMPARE(e.data.value("message").toString(), n.content.body);
    QVERIFY(!e.data.contains("body"));
    QCOMPARE(e.data.value("actionUrl").toString(), n.content.actionUrl);
    QCOMPARE(e.data.value("createdAt").toString(), QStringLiteral("2026-02-17T10:00:00.000Z"));
    QCOMPARE(e.data.value("seq").toInt(), 7);
    QCOMPARE(sio(events[1]).name, QStringLiteral("unread:count"));
    QCOMPARE(sio(events[1]).data, (QJsonObject {{"count", 1}}));

    for (Kind kind : {Kind::Read, Kind::ReadAll}) {
        events = encodeForDialect(Dialect::Colon, change(kind, {"a", "b"}, 4));
        QCOMPARE(events.size(), size_t(3));
        QCOMPARE(sio(events[0]).name, QStringLiteral("notification:read"));
        QCOMPARE(sio(events[0]).data,
                 (QJsonObject {{"id", "a"}, {"readAt", "2026-02-17T11:00:00.000Z"}}));
        QCOMPARE(sio(events[1]).data.value("id").toString(), QStringLiteral("b"));
        QCOMPARE(sio(events[2]).data, (QJsonObject {{"count", 4}}));
    }
    events = encodeForDialect(Dialect::Colon, change(Kind::Deleted, {"a"}, 0));
    QCOMPARE(events.size(), size_t(2));
    QCOMPARE(sio(events[0]).name, QStringLiteral("notification:deleted"));
    QCOMPARE(sio(events[0]).data, (QJsonObject {{"id", "a"}}));
    QCOMPARE(sio(events[1]).name, QStringLiteral("unread:count"));
}

void TestDialects::crudCreatedModel()
{
    Notification n = sample();
    auto events = encodeForDialect(Dialect::Crud, created(n, 2));
    QCOMPARE(events.size(), size_t(2));
    const Decoded e = sio(events[0]);
    QCOMPARE(e.name, QStringLiteral("notification:created"));
    QCOMPARE(keys(e.data),
             (QStringList {"createdAt", "id", "isRead", "message", "relatedLeadId", "seq", "title",
                           "type", "updatedAt"}));
    QCOMPARE(e.data.value("message").toString(), n.content.body);
    QCOMPARE(e.data.value("isRead").toBool(), false);
    QCOMPARE(e.data.value("updatedAt").toString(), e.data.value("createdAt").toString());
    QCOMPARE(e.data.value("relatedLeadId").toString(), QStringLiteral("lead-9"));
    QCOMPARE(sio(events[1]).name, QStringLiteral("notifications:unread-count"));
    QCOMPARE(sio(events[1]).data, (QJsonObject {{"count", 2}}));

    // relatedLeadId only for a lead.
    n.content.entityType = QStringLiteral("claim");
    events = encodeForDialect(Dialect::Crud, created(n, 2));
    QVERIFY(sio(events[0]).data.value("relatedLeadId").isNull());
}

void TestDialects::crudUpdatedAfterRead()
{
    Notification a = sample();
    Notification b = sample();
    b.id = QStringLiteral("0190a1b2-0000-7000-8000-000000000002");
    DeliveryContent c = change(Kind::Read, {a.id, b.id}, 0);
    a.readAt = b.readAt = c.at;
    c.changed = {b, a}; // any order: events follow the ids
    const auto events = encodeForDialect(Dialect::Crud, c);
    QCOMPARE(events.size(), size_t(3));
    for (int i = 0; i < 2; ++i) {
        const Decoded e = sio(events[size_t(i)]);
        QCOMPARE(e.name, QStringLiteral("notification:updated"));
        QCOMPARE(e.data.value("id").toString(), i == 0 ? a.id : b.id);
        QCOMPARE(e.data.value("isRead").toBool(), true);
        QCOMPARE(e.data.value("updatedAt").toString(), QStringLiteral("2026-02-17T11:00:00.000Z"));
        QCOMPARE(e.data.value("title").toString(), a.content.title);
    }
    QCOMPARE(sio(events[2]).data, (QJsonObject {{"count", 0}}));
}

void TestDialects::crudReadWithoutRowsFallsBackToBulk()
{
    const auto events = encodeForDialect(Dialect::Crud, change(Kind::Read, {"a"}, 1));
    QCOMPARE(events.size(), size_t(2));
    const Decoded e = sio(events[0]);
    QCOMPARE(e.name, QStringLiteral("notifications:bulk-updated"));
    QCOMPARE(e.data.value("ids").toArray(), (QJsonArray {"a"}));
    QCOMPARE(e.data.value("changes").toObject(), (QJsonObject {{"isRead", true}}));
}

void TestDialects::crudReadAllAndDelete()
{
    auto events = encodeForDialect(Dialect::Crud, change(Kind::ReadAll, {"a", "b", "c"}, 0));
    QCOMPARE(events.size(), size_t(2));
    Decoded e = sio(events[0]);
    QCOMPARE(e.name, QStringLiteral("notifications:bulk-updated"));
    QCOMPARE(e.data.value("action").toString(), QStringLiteral("markAllAsRead"));
    QCOMPARE(e.data.value("ids").toArray(), (QJsonArray {"a", "b", "c"}));
    QCOMPARE(e.data.value("count").toInt(), 3);
    QCOMPARE(e.data.value("updatedAt").toString(), QStringLiteral("2026-02-17T11:00:00.000Z"));
    QCOMPARE(sio(events[1]).name, QStringLiteral("notifications:unread-count"));

    events = encodeForDialect(Dialect::Crud, change(Kind::Deleted, {"a", "b"}, 0));
    QCOMPARE(events.size(), size_t(3));
    QCOMPARE(sio(events[0]).name, QStringLiteral("notification:deleted"));
    QCOMPARE(sio(events[0]).data, (QJsonObject {{"id", "a"}}));
    QCOMPARE(sio(events[1]).data, (QJsonObject {{"id", "b"}}));
}

void TestDialects::initialEventsReplayThenCount()
{
    Notification one = sample();
    Notification two = sample();
    two.seq = 8;
    const std::vector<Notification> missed {one, two};
    auto events = initialEventsFor(Dialect::Colon, 9, &missed);
    QCOMPARE(events.size(), size_t(3));
    QCOMPARE(sio(events[0]).name, QStringLiteral("notification:new"));
    QCOMPARE(sio(events[0]).data.value("seq").toInt(), 7);
    QCOMPARE(sio(events[1]).data.value("seq").toInt(), 8);
    QCOMPARE(sio(events[2]).name, QStringLiteral("unread:count"));
    QCOMPARE(sio(events[2]).data, (QJsonObject {{"count", 9}}));

    events = initialEventsFor(Dialect::Snake, 2, nullptr);
    QCOMPARE(events.size(), size_t(1));
    QCOMPARE(plain(events[0]).name, QStringLiteral("unread_count"));
    events = initialEventsFor(Dialect::Crud, 2, &missed);
    QCOMPARE(events.size(), size_t(3));
    QCOMPARE(sio(events[1]).name, QStringLiteral("notification:created"));
}

void TestDialects::deliveryEncodesOncePerDialectAndShares()
{
    auto d = std::make_shared<Delivery>();
    d->room = QStringLiteral("org:acme:user:u1");
    d->content = created(sample(), 1);
    d->events.push_back(EncodedEvent::make(QStringLiteral("standard"), {}));
    // The standard events are the publisher's.
    QCOMPARE(&d->eventsFor(Dialect::Standard), &d->events);
    // Each dialect's are built once, by whichever thread asks first, and shared after.
    const std::vector<EncodedEvent> *seen[4] = {};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back(
            [&, i] { seen[i] = &d->eventsFor(i % 2 ? Dialect::Crud : Dialect::Colon); });
    for (std::thread &t : threads)
        t.join();
    QCOMPARE(seen[0], seen[2]);
    QCOMPARE(seen[1], seen[3]);
    QVERIFY(seen[0] != seen[1]);
    QCOMPARE(sio(seen[0]->front()).name, QStringLiteral("notification:new"));
    QCOMPARE(sio(seen[1]->front()).name, QStringLiteral("notification:created"));
    // The frames themselves are shared, not copied, by every later caller.
    QCOMPARE(d->eventsFor(Dialect::Colon).front().socketIoDefault.constData(),
             seen[0]->front().socketIoDefault.constData());

    // A publisher that encoded no standard events (no endpoint spoke it) still gets them
    // encoded on demand.
    auto lazy = std::make_shared<Delivery>();
    lazy->content = change(Kind::Deleted, {"a"}, 0);
    const auto &standard = lazy->eventsFor(Dialect::Standard);
    QCOMPARE(standard.size(), size_t(2));
    QCOMPARE(plain(standard[0]).name, QStringLiteral("notification:deleted"));
    QCOMPARE(plain(standard[1]).name, QStringLiteral("notification:unread_count"));
}

void TestDialects::eachFlavourIsBuiltOnlyWhenAsked()
{
    auto d = std::make_shared<Delivery>();
    d->content = created(sample(), 3);
    // A plain connection gets only the plain frames built, a Socket.IO one only its
    // namespace's.
    const auto &forPlain = d->eventsFor(Dialect::Standard, EncodedEvent::Plain);
    QCOMPARE(forPlain.size(), size_t(2));
    QCOMPARE(plain(forPlain[0]).name, QStringLiteral("notification:new"));
    QCOMPARE(plain(forPlain[1]).name, QStringLiteral("notification:unread_count"));
    QCOMPARE(plain(forPlain[1]).data.value("unreadCount").toInt(), 3);
    QVERIFY(forPlain[0].socketIoDefault.isEmpty() && forPlain[0].socketIoNotifications.isEmpty());
    QCOMPARE(&d->eventsFor(Dialect::Standard, EncodedEvent::Plain), &forPlain);
    const auto &forNsp = d->eventsFor(Dialect::Standard, EncodedEvent::SocketIoNotifications);
    QCOMPARE(forNsp.size(), size_t(2));
    QVERIFY(forNsp[0].plain.isEmpty() && forNsp[0].socketIoDefault.isEmpty());
    // Standard is spoken on both kinds of endpoint: a plain and a Socket.IO tab of the user
    // get the same events, the same "timestamp" included, however much later the second
    // flavour is encoded.
    const Decoded nsp = socketIo(forNsp[0].socketIoNotifications, "42/notifications,");
    QCOMPARE(nsp.name, QStringLiteral("notification:new"));
    QCOMPARE(nsp.data, plain(forPlain[0]).data);
    QCOMPARE(socketIo(forNsp[1].socketIoNotifications, "42/notifications,").data,
             plain(forPlain[1]).data);
    // In a later millisecond a fresh encoding would carry another timestamp.
    const QByteArray encodedAround = nowTimestampJson();
    QTRY_VERIFY(nowTimestampJson() != encodedAround);
    const auto &forAll = d->eventsFor(Dialect::Standard, EncodedEvent::All);
    QCOMPARE(sio(forAll[0]).data, plain(forPlain[0]).data);
    QCOMPARE(plain(forAll[1]).data, plain(forPlain[1]).data);
    // A dialect of one kind of endpoint builds only its own frames, whatever is asked
    // (colon: Socket.IO only), once.
    const auto &colon = d->eventsFor(Dialect::Colon, EncodedEvent::Plain);
    QVERIFY(!colon.empty());
    QVERIFY(colon.front().plain.isEmpty());
    QCOMPARE(sio(colon.front()).name, QStringLiteral("notification:new"));
    QCOMPARE(&d->eventsFor(Dialect::Colon, EncodedEvent::Plain), &colon);
}

void TestDialects::everyDialectAndFlavourOnOneDelivery()
{
    // Past the first two encodings kept inline, every further (dialect, flavours) pair is
    // still encoded once, kept apart and found again, from several threads at once.
    auto d = std::make_shared<Delivery>();
    d->content = created(sample(), 5);
    const Dialect dialects[] = {Dialect::Standard, Dialect::Snake, Dialect::Colon, Dialect::Crud};
    std::vector<const std::vector<EncodedEvent> *> first(4 * EncodedEvent::All);
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < int(first.size()); ++i) {
                // Every key once per thread, in another order per thread (7 is coprime with
                // the number of keys, 4 * 15).
                const int k = (i * 7 + t * 5) % int(first.size());
                const auto *events
                    = &d->eventsFor(dialects[k / EncodedEvent::All], k % EncodedEvent::All + 1);
                if (t == 0)
                    first[size_t(k)] = events;
            }
        });
    }
    for (std::thread &t : threads)
        t.join();
    for (int k = 0; k < int(first.size()); ++k) {
        const Dialect dialect = dialects[k / EncodedEvent::All];
        const int flavours = k % EncodedEvent::All + 1;
        const auto &events = d->eventsFor(dialect, flavours);
        QCOMPARE(&events, first[size_t(k)]);
        QVERIFY(!events.empty());
        for (int other = 0; other < k; ++other)
            QVERIFY(first[size_t(other)] != &events);
        if (dialect == Dialect::Standard) {
            QCOMPARE(events.front().plain.isEmpty(), !(flavours & EncodedEvent::Plain));
            QCOMPARE(events.front().socketIoDefault.isEmpty(),
                     !(flavours & EncodedEvent::SocketIoDefault));
            QCOMPARE(events.front().socketIoNotifications.isEmpty(),
                     !(flavours & EncodedEvent::SocketIoNotifications));
            QCOMPARE(events.front().sse.isEmpty(), !(flavours & EncodedEvent::Sse));
        }
    }
    QCOMPARE(sio(d->eventsFor(Dialect::Crud, EncodedEvent::SocketIo).front()).name,
             QStringLiteral("notification:created"));
    QCOMPARE(plain(d->eventsFor(Dialect::Snake, EncodedEvent::Plain).back()).data,
             QJsonObject({{"count", 5}}));
}

void TestDialects::announcementsAreStandardEverywhere()
{
    auto d = std::make_shared<Delivery>();
    d->events.push_back(EncodedEvent::make(QStringLiteral("announcement"), {{"title", "hi"}}));
    for (Dialect dialect : {Dialect::Standard, Dialect::Snake, Dialect::Colon, Dialect::Crud})
        QCOMPARE(&d->eventsFor(dialect), &d->events);
}

QTEST_APPLESS_MAIN(TestDialects)
#include "test_dialects.moc"
