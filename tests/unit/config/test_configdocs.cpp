// docs/configuration.md against the settings table (server/config/settings_p.h), from which
// the loader and --help are made: every setting has one row in the docs' table and every row
// is a setting, with the same flag, value name, environment variable, INI key, repetition and
// default. The meaning column stays prose; everything a user copies out of the table is
// checked.
#include "server/config/settings_p.h"

#include <QFile>
#include <QHash>
#include <QRegularExpression>
#include <QTest>

using namespace notify::detail;

namespace {

struct DocRow
{
    QString flagCell;
    QString envCell;
    QString iniCell;
    QString defaultCell;
    int line = 0;
};

QString unquote(QString cell)
{
    cell.remove(QLatin1Char('`'));
    cell.replace(QStringLiteral("\\|"), QStringLiteral("|"));
    return cell.trimmed();
}

// The rows of the first table whose header starts "| flag | environment |".
QHash<QString, DocRow> readDocRows(const QString &path, QStringList *order)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    QHash<QString, DocRow> rows;
    bool inTable = false;
    int lineNo = 0;
    const QRegularExpression flagName(QStringLiteral("^--([a-z0-9-]+)"));
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        ++lineNo;
        if (line.startsWith(QLatin1String("| flag | environment |"))) {
            inTable = true;
            continue;
        }
        if (!inTable)
            continue;
        if (!line.startsWith(QLatin1Char('|')))
            break;
        if (line.startsWith(QLatin1String("|---")))
            continue;
        // Split on cell bars, not on the escaped ones inside a cell.
        QStringList cells;
        QString cell;
        for (qsizetype i = 1; i < line.size(); ++i) {
            if (line[i] == QLatin1Char('|') && line[i - 1] != QLatin1Char('\\')) {
                cells << cell.trimmed();
                cell.clear();
            } else {
                cell += line[i];
            }
        }
        if (cells.size() < 5)
            qFatal("%s:%d: a row of the settings table needs 5 cells", qPrintable(path), lineNo);
        const auto m = flagName.match(unquote(cells[0]));
        if (!m.hasMatch())
            qFatal("%s:%d: the first cell must start with the flag", qPrintable(path), lineNo);
        DocRow row {cells[0], cells[1], cells[2], cells[3], lineNo};
        rows.insert(m.captured(1), row);
        order->append(m.captured(1));
    }
    return rows;
}

} // namespace

class TestConfigDocs : public QObject
{
    Q_OBJECT
private slots:
    void docsMatchTheTable();
};

void TestConfigDocs::docsMatchTheTable()
{
    const QString path = QStringLiteral(NOTIFY_SOURCE_DIR "/docs/configuration.md");
    QStringList order;
    const QHash<QString, DocRow> rows = readDocRows(path, &order);
    QVERIFY2(!rows.isEmpty(), "no settings table in docs/configuration.md");

    QStringList problems;
    QStringList tableNames;
    for (const SettingSpec &spec : settingSpecs) {
        const QString name = QLatin1String(spec.name);
        tableNames << name;
        const auto it = rows.constFind(name);
        if (it == rows.cend()) {
            problems << QStringLiteral("--%1 has no row in docs/configuration.md").arg(name);
            continue;
        }
        const DocRow &row = *it;
        const QString where = QStringLiteral("docs/configuration.md:%1 (--%2): ").arg(row.line).arg(name);

        // The flag cell: "`--name VALUE`", then " (repeatable)" for a list.
        QString flag = QStringLiteral("--") + name;
        if (spec.kind != SettingKind::Flag && spec.valueName)
            flag += QLatin1Char(' ') + QLatin1String(spec.valueName);
        const QString flagCell = unquote(row.flagCell);
        const bool repeatable = flagCell.contains(QLatin1String("(repeatable)"));
        QString flagOnly = flagCell;
        flagOnly.remove(QStringLiteral("(repeatable)"));
        flagOnly = flagOnly.trimmed();
        if (flagOnly != flag)
            problems << where + QStringLiteral("flag cell '%1', the table says '%2'").arg(flagOnly, flag);
        const bool many = spec.kind == SettingKind::List || spec.kind == SettingKind::Repeated;
        if (repeatable != many)
            problems << where
                    + (repeatable ? QStringLiteral("says (repeatable), the table does not")
                                  : QStringLiteral("a list in the table: say (repeatable)"));

        // Environment and INI key; lists say how they are separated.
        QString env = unquote(row.envCell);
        QString ini = unquote(row.iniCell);
        const QString sep = QStringLiteral("(comma-separated)");
        if (spec.kind == SettingKind::List) {
            if (!env.endsWith(sep) || (spec.inFile && !ini.endsWith(sep)))
                problems << where + QStringLiteral("a list: environment and INI cells end with (comma-separated)");
            env.chop(env.endsWith(sep) ? sep.size() : 0);
            ini.chop(ini.endsWith(sep) ? sep.size() : 0);
        }
        // Never split (secrets may hold commas): one value in the environment, the file key
        // repeated.
        const QString one = QStringLiteral("(one)");
        const QString repeatedKey = QStringLiteral("(repeatable key)");
        if (spec.kind == SettingKind::Repeated) {
            if (!env.endsWith(one) || (spec.inFile && !ini.endsWith(repeatedKey)))
                problems << where + QStringLiteral("repeated, never split: environment cell ends with (one), INI cell with (repeatable key)");
            env.chop(env.endsWith(one) ? one.size() : 0);
            ini.chop(ini.endsWith(repeatedKey) ? repeatedKey.size() : 0);
        }
        if (env.trimmed() != QLatin1String(spec.env))
            problems << where + QStringLiteral("environment '%1', the table says '%2'").arg(env.trimmed(), QLatin1String(spec.env));
        const QString wantIni = spec.inFile ? name : QStringLiteral("(not in the file)");
        if (ini.trimmed() != wantIni)
            problems << where + QStringLiteral("INI key '%1', the table says '%2'").arg(ini.trimmed(), wantIni);

        // The default: the table's "default X" (or "default: X") names X, which the docs'
        // cell must start with; other phrasings ("required outside --dev", "unset: ...")
        // must match the docs' cell up to the first colon.
        QString def = QLatin1String(spec.defaultText);
        const QString docDefault = unquote(row.defaultCell);
        if (def.startsWith(QLatin1String("default: ")))
            def = def.mid(9);
        else if (def.startsWith(QLatin1String("default ")))
            def = def.mid(8);
        const QString head = def.section(QLatin1Char(':'), 0, 0).trimmed();
        if (!docDefault.startsWith(head, Qt::CaseInsensitive))
            problems << where + QStringLiteral("default '%1', the table says '%2'").arg(docDefault, QLatin1String(spec.defaultText));
    }
    for (const QString &name : order) {
        if (!tableNames.contains(name))
            problems << QStringLiteral("docs/configuration.md names --%1, which is not a setting").arg(name);
    }
    if (!problems.isEmpty())
        QFAIL(qPrintable(QStringLiteral("\n") + problems.join(QLatin1Char('\n'))));
}

QTEST_APPLESS_MAIN(TestConfigDocs)
#include "test_configdocs.moc"
