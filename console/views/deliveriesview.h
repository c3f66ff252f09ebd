#pragma once

#include <QWidget>

class QCheckBox;
class QTableView;

namespace notify::console {

class CountersModel;
class RateChart;
class TraceModel;

// The Deliveries tab: counters, the per-second chart and the live delivery trace.
class DeliveriesView : public QWidget
{
    Q_OBJECT
public:
    DeliveriesView(CountersModel *counters, TraceModel *trace, QWidget *parent = nullptr);

    RateChart *chart() const { return m_chart; }
    QCheckBox *traceToggle() const { return m_traceToggle; }

signals:
    void traceToggled(bool on);

private:
    RateChart *m_chart;
    QCheckBox *m_traceToggle;
    QTableView *m_counters;
    QTableView *m_trace;
};

} // namespace notify::console
