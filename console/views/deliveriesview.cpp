#include "console/views/deliveriesview.h"

#include "console/views/tableexport.h"

#include "console/models/countersmodel.h"
#include "console/models/tracemodel.h"
#include "console/views/ratechart.h"
#include "shared/model/rooms.h"

#include <QAction>
#include <QCheckBox>
#include <QEvent>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>

namespace notify::console {

DeliveriesView::DeliveriesView(CountersModel *counters, TraceModel *trace, QWidget *parent)
    : QWidget(parent)
    , m_traceModel(trace)
    , m_dropped(new QLabel(this))
    , m_chart(new RateChart(this))
    , m_traceToggle(new QCheckBox(tr("Trace deliveries"), this))
    , m_counters(new QTableView(this))
    , m_trace(new QTableView(this))
{
    m_chart->setObjectName(QStringLiteral("rateChart"));
    m_counters->setObjectName(QStringLiteral("countersTable"));
    m_counters->setModel(counters);
    m_counters->verticalHeader()->hide();
    m_counters->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_counters->horizontalHeader()->setStretchLastSection(true);
    m_counters->setSelectionMode(QAbstractItemView::NoSelection);
    m_counters->setContextMenuPolicy(Qt::ActionsContextMenu);
    installCopyExport(m_counters, QStringLiteral("counters"));

    m_trace->setObjectName(QStringLiteral("traceTable"));
    m_trace->setModel(trace);
    m_trace->verticalHeader()->hide();
    // Headers are longer in German and French ("Benachrichtigung"): size to them. The title
    // takes what is left; a count of connections needs no more than its header.
    m_trace->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_trace->horizontalHeader()->setSectionResizeMode(TraceModel::Title, QHeaderView::Stretch);
    m_trace->setAlternatingRowColors(true);
    m_trace->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *showUser = new QAction(tr("Show &user…"), m_trace);
    showUser->setObjectName(QStringLiteral("traceShowUser"));
    connect(showUser, &QAction::triggered, this, [this] {
        const QModelIndex idx = m_trace->currentIndex();
        if (!idx.isValid())
            return;
        const auto [org, user] = userOfTraceRow(idx.row());
        if (!user.isEmpty())
            emit userRequested(org, user);
    });
    m_trace->addAction(showUser);
    connect(m_trace, &QTableView::doubleClicked, showUser, &QAction::trigger);
    installCopyExport(m_trace, QStringLiteral("delivery-trace"));
    // Keep the newest delivery in sight while tracing.
    connect(trace, &QAbstractItemModel::rowsInserted, m_trace,
            [this] { m_trace->scrollToBottom(); });

    m_traceToggle->setObjectName(QStringLiteral("traceToggle"));
    m_traceToggle->setToolTip(
        tr("Record every delivery from the connection on (in a cluster, every node's), the "
           "last %1 kept (costs some CPU on a busy node)")
            .arg(TraceModel::defaultCapacity));
    connect(m_traceToggle, &QCheckBox::toggled, this, &DeliveriesView::traceToggled);
    auto *clear = new QPushButton(tr("Clear trace"), this);
    connect(clear, &QPushButton::clicked, trace, &TraceModel::clear);

    auto *top = new QSplitter(Qt::Horizontal, this);
    auto *countersBox = new QGroupBox(tr("Counters"), top);
    (new QVBoxLayout(countersBox))->addWidget(m_counters);
    auto *chartBox = new QGroupBox(tr("Per second"), top);
    (new QVBoxLayout(chartBox))->addWidget(m_chart);
    top->addWidget(countersBox);
    top->addWidget(chartBox);
    top->setStretchFactor(1, 2);
    // Wide enough for the three counter columns without a scroll bar.
    top->setSizes({420, 780});

    auto *traceBox = new QGroupBox(tr("Delivery trace"), this);
    auto *traceLayout = new QVBoxLayout(traceBox);
    auto *traceBar = new QHBoxLayout;
    traceBar->addWidget(m_traceToggle);
    traceBar->addStretch();
    m_dropped->setObjectName(QStringLiteral("traceDropped"));
    m_dropped->setStyleSheet(QStringLiteral("color: #ef6c00;"));
    traceBar->addWidget(m_dropped);
    connect(trace, &TraceModel::droppedChanged, this, &DeliveriesView::updateDropped);
    updateDropped();
    traceBar->addWidget(clear);
    traceLayout->addLayout(traceBar);
    traceLayout->addWidget(m_trace);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(traceBox);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split);
}

void DeliveriesView::updateDropped()
{
    const qint64 dropped = m_traceModel->dropped();
    // Another node had more records than it may send on; the trace is not the whole story.
    m_dropped->setText(
        tr("%n trace record(s) dropped", nullptr, int(std::min<qint64>(dropped, INT_MAX))));
    m_dropped->setVisible(dropped > 0);
}

std::pair<QString, QString> DeliveriesView::userOfTraceRow(int row) const
{
    if (row < 0 || row >= m_traceModel->rowCount())
        return {};
    // An announcement to an organization or role room names no one user.
    const auto room = rooms::parse(m_traceModel->at(row).room);
    if (!room || room->kind != rooms::Kind::User)
        return {};
    return {room->orgId, room->member};
}

void DeliveriesView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        updateDropped();
}

} // namespace notify::console
