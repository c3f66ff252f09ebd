#pragma once

#include <QWidget>

#include <utility>

class QCheckBox;
class QLabel;
class QTableView;

namespace notify::console {

class CountersModel;
class RateChart;
class TraceModel;

// The Deliveries tab: counters, the per-second chart and the live delivery trace (in a
// cluster, every node's deliveries, each row naming its node).
class DeliveriesView : public QWidget
{
    Q_OBJECT
public:
    DeliveriesView(CountersModel *counters, TraceModel *trace, QWidget *parent = nullptr);

    RateChart *chart() const { return m_chart; }
    QCheckBox *traceToggle() const { return m_traceToggle; }
    // "N trace records dropped" by other nodes; hidden while none were.
    QLabel *droppedLabel() const { return m_dropped; }

    QTableView *traceTable() const { return m_trace; }
    // The trace row's user (from its user room), or empty ids for a room of no one user.
    std::pair<QString, QString> userOfTraceRow(int row) const;

signals:
    void traceToggled(bool on);
    void userRequested(const QString &orgId, const QString &userId);

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateDropped();

    TraceModel *m_traceModel;
    QLabel *m_dropped;
    RateChart *m_chart;
    QCheckBox *m_traceToggle;
    QTableView *m_counters;
    QTableView *m_trace;
};

} // namespace notify::console
