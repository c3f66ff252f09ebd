// POST /api/v1/notifications without a server: the body as parsePublish reads it (every
// refusal with its exact words, docs/protocol.md "HTTP API") and the answer as
// publishAnswerBody writes it (byte for byte what the QJsonDocument it replaced wrote).
#include "server/api/publishreply.h"
#include "server/api/publishrequest.h"

#include "shared/store/store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace notify;
using namespace notify::http;

class TestApiPublish : public QObject
{
    Q_OBJECT
private slots:
    void refusals_data();
    void refusals();
    void userIdsKeepOrderWithoutRepeats();
    void recipientListSharesStrings();
    void everyDraftHasTheContentAndKey();
    void answerIsWhatQJsonDocumentWrote_data();
    void answerIsWhatQJsonDocumentWrote();
    void answerFromOutcomes();
};

namespace {

QJsonObject object(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("test body does not parse: %s", json.constData());
    return doc.object();
}

} // namespace

void TestApiPublish::refusals_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");

    // A valid content so that only the recipients part is wrong.
    const QByteArray content = R"("type":"T","title":"t")";
    const auto with = [&content](const QByteArray &recipients) {
        return "{" + recipients + "," + content + "}";
    };
    QByteArray many = "[";
    for (int i = 0; i < 1001; ++i)
        many += QByteArray(i ? "," : "") + "\"u\"";
    many += "]";

    QTest::newRow("both forms")
        << with(R"("recipients":[{"orgId":"o","userId":"u"}],"orgId":"o","userIds":["u"])")
        << "recipients: give either recipients or orgId with userIds, not both";
    QTest::newRow("recipients and orgId")
        << with(R"("recipients":[{"orgId":"o","userId":"u"}],"orgId":"o")")
        << "recipients: give either recipients or orgId with userIds, not both";
    QTest::newRow("neither") << QByteArray(R"({"type":"T","title":"t"})")
                             << "recipients: is required (or orgId with userIds)";
    QTest::newRow("null recipients")
        << with(R"("recipients":null)") << "recipients: is required (or orgId with userIds)";
    QTest::newRow("userIds not array")
        << with(R"("orgId":"o","userIds":"u")") << "userIds: must be an array";
    QTest::newRow("recipients not array")
        << with(R"("recipients":{"orgId":"o"})") << "recipients: must be an array";
    QTest::newRow("userIds empty")
        << with(R"("orgId":"o","userIds":[])") << "userIds: must contain 1 to 1000 entries";
    QTest::newRow("1001 repeats") << with(R"("orgId":"o","userIds":)" + many)
                                  << "userIds: must contain 1 to 1000 entries";
    QTest::newRow("count before orgId")
        << with(R"("userIds":[])") << "userIds: must contain 1 to 1000 entries";
    QTest::newRow("orgId missing") << with(R"("userIds":["u"])") << "orgId: is required";
    QTest::newRow("orgId number") << with(R"("orgId":5,"userIds":["u"])")
                                  << "orgId: must be a string";
    QTest::newRow("orgId empty") << with(R"("orgId":"","userIds":["u"])")
                                 << "orgId: must be 1 to 128 characters";
    QTest::newRow("entry not object") << with(R"("recipients":[{"orgId":"o","userId":"u"},"o:u"])")
                                      << "recipients[1]: must be an object {orgId, userId}";
    QTest::newRow("entry without orgId")
        << with(R"("recipients":[{"userId":"u"}])") << "recipients[0].orgId: is required";
    QTest::newRow("entry null userId") << with(R"("recipients":[{"orgId":"o","userId":null}])")
                                       << "recipients[0].userId: is required";
    QTest::newRow("entry userId number") << with(R"("recipients":[{"orgId":"o","userId":3}])")
                                         << "recipients[0].userId: must be a string";
    QTest::newRow("entry orgId control")
        << with(R"("recipients":[{"orgId":"o","userId":"a"},{"orgId":"o\n","userId":"u"}])")
        << "recipients[1].orgId: must not contain control characters";
    QTest::newRow("entry userId too long")
        << with(R"("recipients":[{"orgId":"o","userId":")" + QByteArray(129, 'x') + "\"}]")
        << "recipients[0].userId: must be 1 to 128 characters";
    QTest::newRow("userIds number")
        << with(R"("orgId":"o","userIds":["a",7])") << "userIds[1]: must be a string";
    QTest::newRow("userIds index counts repeats")
        << with(R"("orgId":"o","userIds":["a","a",null])") << "userIds[2]: must be a string";
    QTest::newRow("userId empty") << with(R"("orgId":"o","userIds":[""])")
                                  << "userIds[0]: must be 1 to 128 characters";
    QTest::newRow("userId line separator")
        << with("\"orgId\":\"o\",\"userIds\":[\"a\xe2\x80\xa8\"]")
        << "userIds[0]: must not contain line or paragraph "
           "separators";
    QTest::newRow("userId unpaired surrogate")
        << with(R"("orgId":"o","userIds":["a\ud800"])")
        << "userIds[0]: must be valid Unicode text (no unpaired surrogate, no U+FFFD from bytes "
           "that were not UTF-8)";
    QTest::newRow("recipients before content")
        << QByteArray(R"({"orgId":"o","userIds":[5]})") << "userIds[0]: must be a string";
    QTest::newRow("type missing") << QByteArray(R"({"orgId":"o","userIds":["u"],"title":"t"})")
                                  << "type: is required";
    QTest::newRow("title too long")
        << QByteArray(R"({"orgId":"o","userIds":["u"],"type":"T","title":")") + QByteArray(201, 't')
            + "\"}"
        << "title: must be 1 to 200 characters";
    QTest::newRow("idempotencyKey number")
        << with(R"("orgId":"o","userIds":["u"],"idempotencyKey":3)")
        << "idempotencyKey: must be a string";
    QTest::newRow("idempotencyKey empty")
        << with(R"("orgId":"o","userIds":["u"],"idempotencyKey":"")")
        << "idempotencyKey: must be 1 to 128 characters";
}

void TestApiPublish::refusals()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const auto parsed = parsePublish(object(body));
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().status, 400);
    QCOMPARE(parsed.error().code, QStringLiteral("invalid_payload"));
    QCOMPARE(parsed.error().message, message);
}

void TestApiPublish::userIdsKeepOrderWithoutRepeats()
{
    const auto parsed = parsePublish(
        object(R"({"orgId":"o","userIds":["b","a","b","c","a"],"type":"T","title":"t"})"));
    QVERIFY(parsed.ok());
    QStringList users;
    for (const NewNotification &n : parsed.value()) {
        QCOMPARE(n.recipient.orgId, QStringLiteral("o"));
        users << n.recipient.userId;
    }
    QCOMPARE(users, (QStringList {"b", "a", "c"}));
}

void TestApiPublish::recipientListSharesStrings()
{
    const auto parsed = parsePublish(object(
        R"({"recipients":[{"orgId":"o1","userId":"a"},{"orgId":"o1","userId":"b"},)"
        R"({"orgId":"o2","userId":"a"},{"orgId":"o1","userId":"a"},{"orgId":"o1","userId":"c"}],)"
        R"("type":"T","title":"t"})"));
    QVERIFY(parsed.ok());
    const std::vector<NewNotification> &items = parsed.value();
    QCOMPARE(items.size(), size_t(4)); // the second o1/a was a repeat
    const QList<Recipient> expected {{"o1", "a"}, {"o1", "b"}, {"o2", "a"}, {"o1", "c"}};
    for (size_t i = 0; i < items.size(); ++i)
        QCOMPARE(items[i].recipient, expected[qsizetype(i)]);
    // Consecutive entries of one organization hold one string.
    QCOMPARE(items[0].recipient.orgId.constData(), items[1].recipient.orgId.constData());
}

void TestApiPublish::everyDraftHasTheContentAndKey()
{
    const auto parsed = parsePublish(
        object(R"({"orgId":"o","userIds":["a","b"],"type":"T","title":"Title","body":"Body",)"
               R"("priority":"high","actionUrl":"/x","entityType":"claim","entityId":"c1",)"
               R"("metadata":{"k":1},"idempotencyKey":"key-1"})"));
    QVERIFY(parsed.ok());
    const std::vector<NewNotification> &items = parsed.value();
    QCOMPARE(items.size(), size_t(2));
    for (const NewNotification &n : items) {
        QCOMPARE(n.content.type, QStringLiteral("T"));
        QCOMPARE(n.content.title, QStringLiteral("Title"));
        QCOMPARE(n.content.body, QStringLiteral("Body"));
        QCOMPARE(n.content.priority, Priority::High);
        QCOMPARE(n.content.actionUrl, QStringLiteral("/x"));
        QCOMPARE(n.content.entityType, QStringLiteral("claim"));
        QCOMPARE(n.content.entityId, QStringLiteral("c1"));
        QCOMPARE(n.content.metadata, (QJsonObject {{"k", 1}}));
        QCOMPARE(n.idempotencyKey, QStringLiteral("key-1"));
    }
    // One content for all: the drafts share its text rather than copies of it.
    QCOMPARE(items[0].content.body.constData(), items[1].content.body.constData());

    const auto nullKey = parsePublish(
        object(R"({"orgId":"o","userIds":["a"],"type":"T","title":"t","idempotencyKey":null})"));
    QVERIFY(nullKey.ok());
    QVERIFY(nullKey.value().front().idempotencyKey.isEmpty());
}

void TestApiPublish::answerIsWhatQJsonDocumentWrote_data()
{
    QTest::addColumn<QString>("text"); // used as id, org and user
    QTest::addColumn<qint64>("seq");
    QTest::addColumn<int>("reached");
    QTest::newRow("uuid") << QStringLiteral("0190c0de-0000-7000-8000-000000000001") << qint64(1)
                          << 0;
    QTest::newRow("escapes") << QStringLiteral("a\"b\\c/d\te\nf\rg\bh\fi") << qint64(42) << 7;
    QTest::newRow("controls") << QString::fromUtf16(u"\x01\x1f\x7f\x80") << qint64(3) << 1;
    QTest::newRow("non-ascii") << QString::fromUtf16(u"\u00e9\u4e2d\u2028\U0001F600")
                               << qint64(9007199254740993) << 2000;
    QTest::newRow("unpaired surrogates")
        << QString::fromUtf16(u"x\xd800y\xdc00") << qint64(0) << -1;
}

void TestApiPublish::answerIsWhatQJsonDocumentWrote()
{
    QFETCH(QString, text);
    QFETCH(qint64, seq);
    QFETCH(int, reached);
    std::vector<PublishedNotification> list {
        {text, {QStringLiteral("org"), text}, seq},
        {QStringLiteral("id-2"), {text, QStringLiteral("user")}, seq + 1},
    };
    // The answer as it was built before: a QJsonObject per notification.
    QJsonArray array;
    for (const PublishedNotification &n : list)
        array.append(QJsonObject {{QStringLiteral("id"), n.id},
                                  {QStringLiteral("orgId"), n.recipient.orgId},
                                  {QStringLiteral("userId"), n.recipient.userId},
                                  {QStringLiteral("seq"), n.seq}});
    const QByteArray expected
        = QJsonDocument(QJsonObject {{QStringLiteral("notifications"), array},
                                     {QStringLiteral("deliveredConnections"), reached}})
              .toJson(QJsonDocument::Compact);
    QCOMPARE(publishAnswerBody(list, reached), expected);
    QCOMPARE(publishAnswerBody({}, 0),
             QByteArray(R"({"deliveredConnections":0,"notifications":[]})"));
}

void TestApiPublish::answerFromOutcomes()
{
    std::vector<InsertOutcome> outcomes(2);
    outcomes[0].notification.id = QStringLiteral("id-1");
    outcomes[0].notification.recipient = {QStringLiteral("o"), QStringLiteral("a")};
    outcomes[0].notification.seq = 5;
    outcomes[0].notification.content.title = QStringLiteral("not in the answer");
    outcomes[0].created = false;
    outcomes[1].notification.id = QStringLiteral("id-2");
    outcomes[1].notification.recipient = {QStringLiteral("o"), QStringLiteral("b")};
    outcomes[1].notification.seq = 6;
    outcomes[1].created = false;

    PublishAnswer replayed = publishAnswerFrom(outcomes);
    QVERIFY(!replayed.anyCreated); // every key already used: the caller answers 200
    QCOMPARE(replayed.notifications.size(), size_t(2));
    QCOMPARE(replayed.notifications[1].id, QStringLiteral("id-2"));
    QCOMPARE(replayed.notifications[1].recipient.userId, QStringLiteral("b"));
    QCOMPARE(replayed.notifications[1].seq, qint64(6));

    outcomes[1].created = true;
    QVERIFY(publishAnswerFrom(outcomes).anyCreated);
}

QTEST_GUILESS_MAIN(TestApiPublish)
#include "test_apipublish.moc"
