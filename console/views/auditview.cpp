#include "console/views/auditview.h"

#include "console/adminclient/adminclient.h"
#include "console/views/jsontable.h"
#include "console/views/tableexport.h"
#include "shared/adminapi/adminprotocol.h"

#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace notify::console {

namespace {
constexpr int pageSize = 200;
} // namespace

AuditView::AuditView(AdminClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_operator(new QLineEdit(this))
    , m_action(new QLineEdit(this))
    , m_more(new QPushButton(tr("Older entries"), this))
    , m_status(new QLabel(this))
    , m_model(new QStandardItemModel(this))
{
    setObjectName(QStringLiteral("auditView"));
    m_operator->setObjectName(QStringLiteral("auditOperator"));
    m_operator->setPlaceholderText(tr("operator, e.g. admin-key"));
    m_action->setObjectName(QStringLiteral("auditAction"));
    m_action->setPlaceholderText(tr("action, e.g. kick"));
    m_more->setObjectName(QStringLiteral("auditMore"));
    m_more->setEnabled(false);
    m_status->setObjectName(QStringLiteral("auditStatus"));
    m_table = makeJsonTable(QStringLiteral("auditTable"), m_model, QStringLiteral("audit"), this);
    auto *show = new QPushButton(tr("Show"), this);
    show->setObjectName(QStringLiteral("auditShow"));
    connect(show, &QPushButton::clicked, this, &AuditView::reload);
    connect(m_operator, &QLineEdit::returnPressed, this, &AuditView::reload);
    connect(m_action, &QLineEdit::returnPressed, this, &AuditView::reload);
    connect(m_more, &QPushButton::clicked, this, &AuditView::loadMore);
    auto *exportButton = new QPushButton(tr("Export CSV…"), this);
    exportButton->setObjectName(QStringLiteral("auditExport"));
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export the audit log"), QStringLiteral("audit.csv"), tr("CSV (*.csv)"));
        if (!path.isEmpty())
            writeCsv(m_table, path);
    });

    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Operator:"), this));
    filters->addWidget(m_operator, 1);
    filters->addWidget(new QLabel(tr("Action:"), this));
    filters->addWidget(m_action, 1);
    filters->addWidget(show);
    filters->addWidget(m_more);
    filters->addWidget(exportButton);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);
}

void AuditView::reload()
{
    m_rows = {};
    m_oldestId = 0;
    load(0);
}

void AuditView::loadMore()
{
    if (m_oldestId > 0)
        load(m_oldestId);
}

void AuditView::load(qint64 beforeId)
{
    m_loaded = false;
    QJsonObject data {{QStringLiteral("limit"), pageSize}};
    if (beforeId > 0)
        data.insert(QStringLiteral("beforeId"), beforeId);
    if (!m_operator->text().trimmed().isEmpty())
        data.insert(QStringLiteral("operator"), m_operator->text().trimmed());
    if (!m_action->text().trimmed().isEmpty())
        data.insert(QStringLiteral("action"), m_action->text().trimmed());
    m_client->request(admin::msg::audit, data, this, [this](const AdminResult &r) {
        m_loaded = true;
        if (!r.ok) {
            m_status->setText(tr("Could not read the audit log: %1").arg(r.errorMessage));
            return;
        }
        for (const QJsonValue &v : r.data.value(QStringLiteral("entries")).toArray()) {
            m_rows.append(v);
            m_oldestId = v.toObject().value(QStringLiteral("id")).toInteger();
        }
        m_hasMore = r.data.value(QStringLiteral("hasMore")).toBool();
        m_more->setEnabled(m_hasMore);
        showRows();
    });
}

void AuditView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange && m_loaded)
        showRows();
}

void AuditView::showRows()
{
    fillJsonTable(m_model, m_rows,
                  {{QStringLiteral("at"), tr("Time"), true},
                   {QStringLiteral("operator"), tr("Operator"), false},
                   {QStringLiteral("action"), tr("Action"), false},
                   {QStringLiteral("target"), tr("Target"), false},
                   {QStringLiteral("result"), tr("Result"), false},
                   {QStringLiteral("node"), tr("Node"), false}});
    m_status->setText(
        m_hasMore ? tr("%n entries shown; older ones on demand.", nullptr, int(m_rows.size()))
                  : tr("%n entries.", nullptr, int(m_rows.size())));
}

} // namespace notify::console
