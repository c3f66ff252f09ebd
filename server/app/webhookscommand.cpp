// `notifyd webhooks add|list|remove|enable` (docs/operations.md, "Webhooks"): the
// organizations' webhook endpoints, in the store named by the server's own options, like `notifyd
// keys`.
#include "server/app/keyscommand.h"

#include "shared/model/validation.h"
#include "shared/store/store.h"
#include "shared/store/webhooks.h"

#include <QTextStream>

namespace notify {

namespace {

constexpr auto usage
    = "usage: notifyd webhooks add --org ORG --url URL [--events delivered,read,deleted]\n"
      "       notifyd webhooks list\n"
      "       notifyd webhooks remove ID|URL\n"
      "       notifyd webhooks enable ID|URL   (a disabled or failing endpoint: sends what it "
      "kept)\n"
      "       (each also takes the server's store options: --db, --data-dir, --config)\n";

int fail(const QString &line, int code = 2)
{
    QTextStream(stderr) << "notifyd webhooks: " << line << '\n';
    return code;
}

struct Options
{
    QString action;
    QString org;
    QString url;
    QString events;
    bool haveEvents = false;
    QString target; // remove's or enable's ID or URL
    QStringList rest; // for openStore: the program name and the store options
};

Result<Options, QString> parseOptions(QStringList args)
{
    Options o;
    o.rest.append(args.takeFirst()); // program name
    args.removeFirst(); // "webhooks"
    if (args.isEmpty())
        return QStringLiteral("an action is required (add, list, remove or enable)");
    o.action = args.takeFirst();
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        QString *value = a == QLatin1String("--org") ? &o.org
            : a == QLatin1String("--url")            ? &o.url
            : a == QLatin1String("--events")         ? &o.events
                                                     : nullptr;
        if (value) {
            if (i + 1 >= args.size())
                return QStringLiteral("%1 needs a value").arg(a);
            *value = args[++i];
            o.haveEvents = o.haveEvents || value == &o.events;
        } else if ((o.action == QLatin1String("remove") || o.action == QLatin1String("enable"))
                   && o.target.isEmpty() && !a.startsWith(u'-')) {
            o.target = a;
        } else {
            o.rest.append(a);
        }
    }
    return o;
}

int add(const Options &o)
{
    if (o.org.isEmpty() || o.url.isEmpty())
        return fail(QStringLiteral("add needs --org and --url"));
    if (auto e = validateId(QStringLiteral("--org"), o.org))
        return fail(QStringLiteral("invalid --org: ") + e->reason);
    if (auto problem = webhooks::checkUrl(o.url))
        return fail(QStringLiteral("invalid --url: ") + *problem);
    webhooks::Endpoint endpoint;
    if (o.haveEvents) {
        for (const QString &raw : o.events.split(u',')) {
            const QString event = raw.trimmed();
            if (!webhooks::eventNames().contains(event))
                return fail(QStringLiteral("invalid --events '%1': expected a comma-separated "
                                           "list of %2")
                                .arg(event, webhooks::eventNames().join(QStringLiteral(", "))));
            if (!endpoint.events.contains(event))
                endpoint.events.append(event);
        }
    } else {
        endpoint.events = webhooks::eventNames();
    }
    auto store = openStore(o.rest);
    if (!store.ok())
        return fail(store.error(), 1);
    endpoint.id = webhooks::newEndpointId();
    endpoint.orgId = o.org;
    endpoint.url = o.url;
    endpoint.secret = webhooks::newSecret();
    endpoint.createdAt = QDateTime::currentDateTimeUtc();
    const QString target
        = QStringLiteral("webhook=%1 org=%2 url=%3").arg(endpoint.id, endpoint.orgId, endpoint.url);
    if (auto added = webhooks::add(*store.value(), endpoint); !added.ok()) {
        recordAudit(*store.value(), QStringLiteral("webhooks.add"), target,
                    QStringLiteral("failed"));
        return fail(QStringLiteral("cannot store the endpoint: %1").arg(added.error().message), 1);
    }
    recordAudit(*store.value(), QStringLiteral("webhooks.add"), target, QStringLiteral("ok"));
    QTextStream(stdout) << "added webhook endpoint " << endpoint.id << " of organization '"
                        << endpoint.orgId << "': " << endpoint.url << " (events "
                        << endpoint.events.join(u',')
                        << "); every node sends to it within a second\n"
                        << "its signing secret is shown only now:\n"
                        << endpoint.secret << '\n';
    return 0;
}

int list(const Options &o)
{
    auto store = openStore(o.rest);
    if (!store.ok())
        return fail(store.error(), 1);
    auto rows = webhooks::list(*store.value());
    if (!rows.ok())
        return fail(QStringLiteral("cannot read the endpoints: %1").arg(rows.error().message), 1);
    QList<QStringList> table {{QStringLiteral("ID"), QStringLiteral("ORG"), QStringLiteral("URL"),
                               QStringLiteral("EVENTS"), QStringLiteral("PENDING"),
                               QStringLiteral("DROPPED"), QStringLiteral("STATE")}};
    for (const webhooks::Endpoint &e : rows.value()) {
        QString state = QStringLiteral("enabled");
        if (!e.enabled())
            state = QStringLiteral("disabled ") + e.disabledAt.toString(Qt::ISODate)
                + QStringLiteral(" (") + e.lastError + QLatin1Char(')');
        else if (e.failures > 0)
            state = QStringLiteral("failing since %1, %2 failures, next attempt %3 (%4)")
                        .arg(e.failingSince.toString(Qt::ISODate))
                        .arg(e.failures)
                        .arg(e.nextAttemptAt.toString(Qt::ISODate), e.lastError);
        table.append({e.id, e.orgId, e.url, e.events.join(u','), QString::number(e.pending),
                      QString::number(e.dropped), state});
    }
    printTable(table);
    return 0;
}

int remove(const Options &o)
{
    if (o.target.isEmpty())
        return fail(QStringLiteral("remove needs the endpoint's id or URL"));
    auto store = openStore(o.rest);
    if (!store.ok())
        return fail(store.error(), 1);
    auto removed = webhooks::remove(*store.value(), o.target);
    if (!removed.ok())
        return fail(QStringLiteral("cannot remove: %1").arg(removed.error().message), 1);
    if (removed.value().empty()) {
        recordAudit(*store.value(), QStringLiteral("webhooks.remove"),
                    QStringLiteral("webhook=") + o.target, QStringLiteral("not_found"));
        return fail(QStringLiteral("no endpoint with the id or URL '%1'").arg(o.target), 1);
    }
    QTextStream out(stdout);
    for (const webhooks::Endpoint &e : removed.value()) {
        recordAudit(*store.value(), QStringLiteral("webhooks.remove"),
                    QStringLiteral("webhook=%1 org=%2 url=%3").arg(e.id, e.orgId, e.url),
                    QStringLiteral("ok"));
        out << "removed webhook endpoint " << e.id << " of organization '" << e.orgId
            << "': " << e.url << '\n';
    }
    return 0;
}

int enable(const Options &o)
{
    if (o.target.isEmpty())
        return fail(QStringLiteral("enable needs the endpoint's id or URL"));
    auto store = openStore(o.rest);
    if (!store.ok())
        return fail(store.error(), 1);
    auto enabled = webhooks::enable(*store.value(), o.target);
    if (!enabled.ok()) {
        recordAudit(*store.value(), QStringLiteral("webhooks.enable"),
                    QStringLiteral("webhook=") + o.target, QStringLiteral("failed"));
        return fail(QStringLiteral("cannot enable: %1").arg(enabled.error().message), 1);
    }
    if (enabled.value().empty()) {
        recordAudit(*store.value(), QStringLiteral("webhooks.enable"),
                    QStringLiteral("webhook=") + o.target, QStringLiteral("not_found"));
        return fail(QStringLiteral("no endpoint with the id or URL '%1'").arg(o.target), 1);
    }
    QTextStream out(stdout);
    for (const webhooks::Endpoint &e : enabled.value()) {
        recordAudit(*store.value(), QStringLiteral("webhooks.enable"),
                    QStringLiteral("webhook=%1 org=%2 url=%3").arg(e.id, e.orgId, e.url),
                    QStringLiteral("ok"));
        out << "enabled webhook endpoint " << e.id << " of organization '" << e.orgId
            << "': " << e.url << "; its " << e.pending
            << " waiting events are sent within a second, each user's in order\n";
    }
    return 0;
}

} // namespace

int webhooksCommand(QStringList args)
{
    auto options = parseOptions(std::move(args));
    if (!options.ok())
        return fail(options.error() + QLatin1Char('\n') + QLatin1String(usage));
    const Options &o = options.value();
    if (o.action == QLatin1String("add"))
        return add(o);
    if (o.action == QLatin1String("list"))
        return list(o);
    if (o.action == QLatin1String("remove"))
        return remove(o);
    if (o.action == QLatin1String("enable"))
        return enable(o);
    if (o.action == QLatin1String("--help") || o.action == QLatin1String("-h")) {
        QTextStream(stdout) << usage;
        return 0;
    }
    return fail(QStringLiteral("unknown action '%1'\n%2").arg(o.action, QLatin1String(usage)));
}

} // namespace notify
