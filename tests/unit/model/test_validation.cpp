#include "shared/model/priority.h"
#include "shared/model/validation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace notify;

namespace {

QJsonObject validContent()
{
    return QJsonObject {{QStringLiteral("type"), QStringLiteral("CLAIM_REJECTED")},
                        {QStringLiteral("title"), QStringLiteral("Claim rejected")}};
}

QJsonObject with(const QString &key, const QJsonValue &value)
{
    QJsonObject json = validContent();
    json.insert(key, value);
    return json;
}

QJsonObject without(const QString &key)
{
    QJsonObject json = validContent();
    json.remove(key);
    return json;
}

QString chars(int n, QChar c = u'a')
{
    return QString(n, c);
}

// A metadata object whose compact encoding is exactly `bytes` long: {"k":"xxx…"}.
QJsonObject metadataOfSize(int bytes)
{
    return QJsonObject {{QStringLiteral("k"), chars(bytes - 8, u'x')}};
}

const QString idLength = QStringLiteral("must be 1 to 128 characters");
const QString controlChars = QStringLiteral("must not contain control characters");
const QString notString = QStringLiteral("must be a string");
const QString required = QStringLiteral("is required");
const QString titleLength = QStringLiteral("must be 1 to 200 characters");
const QString badUrl
    = QStringLiteral("must be a path starting with a single / or an absolute http or https URL");
const QString badPriority = QStringLiteral("must be one of low, normal, high, urgent");

} // namespace

class TestValidation : public QObject
{
    Q_OBJECT

private slots:
    void priorityNames();
    void priorityParsingIsExact_data();
    void priorityParsingIsExact();

    void validateIdUsesFieldName_data();
    void validateIdUsesFieldName();
    void errorMessageNamesTheField();

    void rejectsContent_data();
    void rejectsContent();
    void acceptsContent_data();
    void acceptsContent();
    void parsesAllFields();
    void defaultsOptionalFields();

    void metadataSizeIsCompactBytes();

    void optionalStringIsStrict();
    void idListRejects_data();
    void idListRejects();
    void idListRemovesDuplicatesKeepingOrder();
};

void TestValidation::priorityNames()
{
    QCOMPARE(priorityName(Priority::Low), QStringLiteral("low"));
    QCOMPARE(priorityName(Priority::Normal), QStringLiteral("normal"));
    QCOMPARE(priorityName(Priority::High), QStringLiteral("high"));
    QCOMPARE(priorityName(Priority::Urgent), QStringLiteral("urgent"));
    for (Priority p : {Priority::Low, Priority::Normal, Priority::High, Priority::Urgent})
        QCOMPARE(parsePriority(priorityName(p)), std::optional<Priority>(p));
}

void TestValidation::priorityParsingIsExact_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("upper") << QStringLiteral("HIGH");
    QTest::newRow("capitalised") << QStringLiteral("Urgent");
    QTest::newRow("padded") << QStringLiteral(" high");
    QTest::newRow("empty") << QString();
    QTest::newRow("unknown") << QStringLiteral("critical");
    QTest::newRow("number") << QStringLiteral("2");
}

void TestValidation::priorityParsingIsExact()
{
    QFETCH(QString, name);
    QVERIFY(!parsePriority(name).has_value());
}

void TestValidation::validateIdUsesFieldName_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("reason"); // empty: accepted

    QTest::newRow("empty") << "orgId" << QString() << idLength;
    QTest::newRow("129 chars") << "userId" << chars(129) << idLength;
    QTest::newRow("128 chars") << "userId" << chars(128) << QString();
    QTest::newRow("1 char") << "orgId" << chars(1) << QString();
    QTest::newRow("newline") << "orgId" << QStringLiteral("a\nb") << controlChars;
    QTest::newRow("nul") << "entityId" << QString(QChar(0)) << controlChars;
    QTest::newRow("DEL") << "orgId" << QStringLiteral("a\x7f") << controlChars;
    QTest::newRow("C1 NEL") << "orgId" << QStringLiteral("a\u0085") << controlChars;
    QTest::newRow("unicode ok") << "userId" << QStringLiteral("zoë-ß-東京") << QString();
    // 128 emoji are 256 UTF-16 units but 128 characters.
    QTest::newRow("128 emoji") << "userId" << QStringLiteral("😀").repeated(128) << QString();
    QTest::newRow("129 emoji") << "userId" << QStringLiteral("😀").repeated(129) << idLength;
    // docs/protocol.md "Ids": one rule for every id, whatever the entry point.
    const QString lineBreak = QStringLiteral("must not contain line or paragraph separators");
    const QString notUnicode = QStringLiteral("must be valid Unicode text (no unpaired "
                                              "surrogate, no U+FFFD from bytes that were not "
                                              "UTF-8)");
    QTest::newRow("C1 CSI") << "role" << QStringLiteral("a\u009b") << controlChars;
    QTest::newRow("U+2028") << "userId" << QStringLiteral("a\u2028b") << lineBreak;
    QTest::newRow("U+2029") << "orgId" << QStringLiteral("\u2029") << lineBreak;
    QTest::newRow("lone high surrogate") << "userId" << QString(QChar(0xd800)) << notUnicode;
    QTest::newRow("lone low surrogate") << "userId"
                                        << "a" + QString(QChar(0xdc00)) << notUnicode;
    QTest::newRow("high surrogate at the end")
        << "orgId" << QStringLiteral("😀") + QChar(0xd83d) << notUnicode;
    QTest::newRow("reversed pair")
        << "orgId" << QString(QChar(0xde00)) + QChar(0xd83d) << notUnicode;
    QTest::newRow("U+FFFD") << "orgId" << QStringLiteral("a\ufffd") << notUnicode;
    QTest::newRow("colon and percent ok")
        << "orgId" << QStringLiteral("acme:user:x%3A") << QString();
    QTest::newRow("inner space ok") << "userId" << QStringLiteral("Zoë Smith") << QString();
    QTest::newRow("zero-width joiner ok") << "userId" << QStringLiteral("👩\u200d💻") << QString();
}

void TestValidation::validateIdUsesFieldName()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, reason);
    const auto error = validateId(field, value);
    if (reason.isEmpty()) {
        QVERIFY2(!error, qPrintable(error ? error->message() : QString()));
    } else {
        QVERIFY(error);
        QCOMPARE(*error, (ValidationError {field, reason}));
    }
}

void TestValidation::errorMessageNamesTheField()
{
    const auto error = validateTitle(QString());
    QVERIFY(error);
    QCOMPARE(error->message(), QStringLiteral("title: must be 1 to 200 characters"));
}

void TestValidation::rejectsContent_data()
{
    QTest::addColumn<QJsonObject>("json");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("reason");

    QTest::newRow("type missing") << without("type") << "type" << required;
    QTest::newRow("type null") << with("type", QJsonValue::Null) << "type" << required;
    QTest::newRow("type number") << with("type", 7) << "type" << notString;
    QTest::newRow("type empty") << with("type", "") << "type" << idLength;
    QTest::newRow("type 129") << with("type", chars(129)) << "type" << idLength;
    QTest::newRow("type control") << with("type", "A\tB") << "type" << controlChars;

    QTest::newRow("title missing") << without("title") << "title" << required;
    QTest::newRow("title number") << with("title", 42) << "title" << notString;
    QTest::newRow("title bool") << with("title", true) << "title" << notString;
    QTest::newRow("title object") << with("title", QJsonObject()) << "title" << notString;
    QTest::newRow("title empty") << with("title", "") << "title" << titleLength;
    QTest::newRow("title 201") << with("title", chars(201)) << "title" << titleLength;

    QTest::newRow("body 4001") << with("body", chars(4001)) << "body"
                               << "must be at most 4000 characters";
    QTest::newRow("body number") << with("body", 1) << "body" << notString;

    QTest::newRow("priority HIGH") << with("priority", "HIGH") << "priority" << badPriority;
    QTest::newRow("priority empty") << with("priority", "") << "priority" << badPriority;
    QTest::newRow("priority number") << with("priority", 2) << "priority" << badPriority;

    const auto url = [](const QString &u) {
        return with(QStringLiteral("actionUrl"), u);
    };
    QTest::newRow("url javascript") << url("javascript:alert(1)") << "actionUrl" << badUrl;
    QTest::newRow("url JavaScript") << url("JavaScript:alert(1)") << "actionUrl" << badUrl;
    QTest::newRow("url protocol-relative") << url("//evil.com") << "actionUrl" << badUrl;
    QTest::newRow("url backslash") << url("/\\evil.com") << "actionUrl" << badUrl;
    QTest::newRow("url ftp") << url("ftp://x") << "actionUrl" << badUrl;
    QTest::newRow("url data") << url("data:text/html,<script>") << "actionUrl" << badUrl;
    QTest::newRow("url no host") << url("https:///evil.com") << "actionUrl" << badUrl;
    QTest::newRow("url single slash") << url("http:/evil.com") << "actionUrl" << badUrl;
    QTest::newRow("url scheme only") << url("https://") << "actionUrl" << badUrl;
    QTest::newRow("url bare path") << url("claims/abc") << "actionUrl" << badUrl;
    QTest::newRow("url tab") << url("java\tscript:alert(1)") << "actionUrl" << badUrl;
    QTest::newRow("url space") << url("/claims /x") << "actionUrl" << badUrl;
    QTest::newRow("url 2049") << url("/" + chars(2048)) << "actionUrl"
                              << "must be at most 2048 characters";
    QTest::newRow("url number") << with("actionUrl", 5) << "actionUrl" << notString;

    QTest::newRow("entityType 129") << with("entityType", chars(129)) << "entityType" << idLength;
    QTest::newRow("entityId control") << with("entityId", "a\rb") << "entityId" << controlChars;
    QTest::newRow("entityId number") << with("entityId", 12) << "entityId" << notString;

    const QString notObject = QStringLiteral("must be a JSON object");
    QTest::newRow("metadata array")
        << with("metadata", QJsonArray {1, 2}) << "metadata" << notObject;
    QTest::newRow("metadata string") << with("metadata", "{}") << "metadata" << notObject;
    QTest::newRow("metadata number") << with("metadata", 0) << "metadata" << notObject;
    QTest::newRow("metadata 8193 bytes") << with("metadata", metadataOfSize(8193)) << "metadata"
                                         << "must be at most 8192 bytes as compact JSON";
}

void TestValidation::rejectsContent()
{
    QFETCH(QJsonObject, json);
    QFETCH(QString, field);
    QFETCH(QString, reason);
    const auto result = parseNotificationContent(json);
    QVERIFY(!result.ok());
    QCOMPARE(result.error(), (ValidationError {field, reason}));
}

void TestValidation::acceptsContent_data()
{
    QTest::addColumn<QJsonObject>("json");

    QTest::newRow("minimal") << validContent();
    QTest::newRow("type 128") << with("type", chars(128));
    QTest::newRow("title 1") << with("title", "T");
    QTest::newRow("title 200") << with("title", chars(200));
    QTest::newRow("title 200 emoji") << with("title", QStringLiteral("🔔").repeated(200));
    QTest::newRow("title with newline") << with("title", "two\nlines");
    QTest::newRow("body empty") << with("body", "");
    QTest::newRow("body null") << with("body", QJsonValue::Null);
    QTest::newRow("body 4000") << with("body", chars(4000));
    QTest::newRow("priority null") << with("priority", QJsonValue::Null);
    QTest::newRow("url empty") << with("actionUrl", "");
    QTest::newRow("url relative") << with("actionUrl", "/claims/abc123?tab=2#notes");
    QTest::newRow("url root") << with("actionUrl", "/");
    QTest::newRow("url https") << with("actionUrl", "https://example.com/claims/abc");
    QTest::newRow("url http port") << with("actionUrl", "http://localhost:8080/x");
    QTest::newRow("url upper scheme") << with("actionUrl", "HTTPS://Example.com");
    QTest::newRow("url 2048") << with("actionUrl", "/" + chars(2047));
    QTest::newRow("entityId 128") << with("entityId", chars(128));
    QTest::newRow("metadata empty") << with("metadata", QJsonObject());
    QTest::newRow("metadata null") << with("metadata", QJsonValue::Null);
    QTest::newRow("metadata 8192 bytes") << with("metadata", metadataOfSize(8192));
    QTest::newRow("unknown field") << with("somethingElse", 1);
}

void TestValidation::acceptsContent()
{
    QFETCH(QJsonObject, json);
    const auto result = parseNotificationContent(json);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message()));
}

void TestValidation::parsesAllFields()
{
    const QJsonObject metadata {{QStringLiteral("claimId"), QStringLiteral("abc123")},
                                {QStringLiteral("amount"), 12.5}};
    const QJsonObject json {{QStringLiteral("type"), QStringLiteral("CLAIM_REJECTED")},
                            {QStringLiteral("title"), QStringLiteral("Claim rejected")},
                            {QStringLiteral("body"), QStringLiteral("Your claim was rejected.")},
                            {QStringLiteral("priority"), QStringLiteral("urgent")},
                            {QStringLiteral("actionUrl"), QStringLiteral("/claims/abc123")},
                            {QStringLiteral("entityType"), QStringLiteral("claim")},
                            {QStringLiteral("entityId"), QStringLiteral("abc123")},
                            {QStringLiteral("metadata"), metadata}};
    const auto result = parseNotificationContent(json);
    QVERIFY(result.ok());
    QCOMPARE(result->type, QStringLiteral("CLAIM_REJECTED"));
    QCOMPARE(result->title, QStringLiteral("Claim rejected"));
    QCOMPARE(result->body, QStringLiteral("Your claim was rejected."));
    QCOMPARE(result->priority, Priority::Urgent);
    QCOMPARE(result->actionUrl, QStringLiteral("/claims/abc123"));
    QCOMPARE(result->entityType, QStringLiteral("claim"));
    QCOMPARE(result->entityId, QStringLiteral("abc123"));
    QCOMPARE(result->metadata, metadata);
}

void TestValidation::defaultsOptionalFields()
{
    const auto result = parseNotificationContent(validContent());
    QVERIFY(result.ok());
    QCOMPARE(result->priority, Priority::Normal);
    QVERIFY(result->body.isEmpty());
    QVERIFY(result->actionUrl.isEmpty());
    QVERIFY(result->entityType.isEmpty());
    QVERIFY(result->entityId.isEmpty());
    QVERIFY(result->metadata.isEmpty());
}

void TestValidation::metadataSizeIsCompactBytes()
{
    // The helper's arithmetic is what the boundary rows rely on.
    QCOMPARE(QJsonDocument(metadataOfSize(8192)).toJson(QJsonDocument::Compact).size(), 8192);
    QVERIFY(!validateMetadata(metadataOfSize(8192)));
    QVERIFY(validateMetadata(metadataOfSize(8193)));
    // Bytes, not characters: 4093 two-byte characters encode to 8186 + 8 bytes.
    const QJsonObject wide {{QStringLiteral("k"), chars(4093, u'é')}};
    QCOMPARE(validateMetadata(wide),
             std::optional(ValidationError {QStringLiteral("metadata"),
                                            QStringLiteral("must be at most 8192 bytes as "
                                                           "compact JSON")}));
}

void TestValidation::optionalStringIsStrict()
{
    const QJsonObject json {{QStringLiteral("s"), QStringLiteral("v")},
                            {QStringLiteral("n"), QJsonValue::Null},
                            {QStringLiteral("i"), 3}};
    QCOMPARE(optionalString(json, QStringLiteral("s")).value(), QStringLiteral("v"));
    QCOMPARE(optionalString(json, QStringLiteral("n")).value(), QString());
    QCOMPARE(optionalString(json, QStringLiteral("absent")).value(), QString());
    const auto number = optionalString(json, QStringLiteral("i"));
    QVERIFY(!number.ok());
    QCOMPARE(number.error(), (ValidationError {QStringLiteral("i"), notString}));
}

void TestValidation::idListRejects_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("reason");

    const QString range = QStringLiteral("must contain 1 to 3 ids");
    QTest::newRow("absent") << QJsonValue(QJsonValue::Undefined)
                            << QStringLiteral("must be an array of ids");
    QTest::newRow("string") << QJsonValue(QStringLiteral("a"))
                            << QStringLiteral("must be an array of ids");
    QTest::newRow("empty") << QJsonValue(QJsonArray()) << range;
    QTest::newRow("too many") << QJsonValue(QJsonArray {"a", "b", "c", "d"}) << range;
    QTest::newRow("number item") << QJsonValue(QJsonArray {"a", 2})
                                 << QStringLiteral("must contain only strings");
    QTest::newRow("empty item") << QJsonValue(QJsonArray {"a", ""}) << idLength;
    QTest::newRow("long item") << QJsonValue(QJsonArray {chars(129)}) << idLength;
    QTest::newRow("control item") << QJsonValue(QJsonArray {"a\nb"}) << controlChars;
}

void TestValidation::idListRejects()
{
    QFETCH(QJsonValue, value);
    QFETCH(QString, reason);
    const auto result = parseIdList(value, QStringLiteral("notificationIds"), 3);
    QVERIFY(!result.ok());
    QCOMPARE(result.error(), (ValidationError {QStringLiteral("notificationIds"), reason}));
}

void TestValidation::idListRemovesDuplicatesKeepingOrder()
{
    const auto result
        = parseIdList(QJsonArray {"b", "a", "b"}, QStringLiteral("notificationIds"), 3);
    QVERIFY(result.ok());
    QCOMPARE(*result, (QStringList {QStringLiteral("b"), QStringLiteral("a")}));
}

QTEST_GUILESS_MAIN(TestValidation)
#include "test_validation.moc"
