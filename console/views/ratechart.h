#pragma once

#include "shared/model/counters.h"

#include <QWidget>

#include <deque>

namespace notify::console {

// A per-second line chart of created, sent and acked, drawn with QPainter: the last
// `capacity` samples from the counters message, newest at the right.
class RateChart : public QWidget
{
    Q_OBJECT
public:
    static constexpr int capacity = 120;

    explicit RateChart(QWidget *parent = nullptr);

    // The y-axis top for a peak rate: 4 even integer steps (4, 8, 20, 40, 80, 200, …).
    static quint64 niceScale(quint64 peak);

    void addSample(const notify::Counters &perSecond);
    void clear();
    int sampleCount() const { return static_cast<int>(m_samples.size()); }
    QSize minimumSizeHint() const override { return {240, 140}; }
    QSize sizeHint() const override { return {480, 220}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    struct Sample
    {
        quint64 created = 0;
        quint64 sent = 0;
        quint64 acked = 0;
    };
    std::deque<Sample> m_samples;
};

} // namespace notify::console
