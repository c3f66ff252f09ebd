#include "shared/model/timeuuid.h"

#include <QDateTime>
#include <QSet>
#include <QTest>
#include <QUuid>

using namespace notify;

class TestTimeUuid : public QObject
{
    Q_OBJECT
private slots:
    void isAVersion7Uuid()
    {
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const QString id = newTimeOrderedUuid();
        const qint64 after = QDateTime::currentMSecsSinceEpoch();
        QCOMPARE(id.size(), 36);
        const QUuid uuid = QUuid::fromString(id);
        QVERIFY(!uuid.isNull());
        const QByteArray bytes = uuid.toRfc4122();
        // Qt 6.4's QUuid::version() knows versions 1 to 5 only.
        QCOMPARE(quint8(bytes[6]) >> 4, 7);
        QCOMPARE(uuid.variant(), QUuid::DCE);
        qint64 ms = 0;
        for (int i = 0; i < 6; ++i)
            ms = (ms << 8) | quint8(bytes[i]);
        QVERIFY2(ms >= before && ms <= after, qPrintable(id));
    }

    void idsAreUniqueAndOrderedByMillisecond()
    {
        QSet<QString> seen;
        QString previous;
        for (int i = 0; i < 20000; ++i) {
            const QString id = newTimeOrderedUuid();
            QVERIFY2(!seen.contains(id), qPrintable(id));
            seen.insert(id);
            // Within one millisecond the order is random; across milliseconds it holds.
            if (!previous.isEmpty())
                QVERIFY2(id.left(13) >= previous.left(13), qPrintable(previous + " > " + id));
            previous = id;
        }
    }
};

QTEST_GUILESS_MAIN(TestTimeUuid)
#include "test_timeuuid.moc"
