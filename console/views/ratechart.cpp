#include "console/views/ratechart.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace notify::console {

RateChart::RateChart(QWidget *parent)
    : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setToolTip(tr("Notifications created, frames sent and receipts acknowledged per second"));
}

void RateChart::addSample(const Counters &perSecond)
{
    m_samples.push_back(Sample {perSecond.created, perSecond.sent, perSecond.acked});
    while (m_samples.size() > static_cast<size_t>(capacity))
        m_samples.pop_front();
    update();
}

quint64 RateChart::niceScale(quint64 peak)
{
    // Four gridline steps: the top is 4 × (1, 2 or 5 × 10^k), so every label is an integer
    // and the steps are even (0 1 2 3 4, 0 2 4 6 8, 0 5 10 15 20, …).
    for (quint64 decade = 1;; decade *= 10) {
        for (quint64 m : {1, 2, 5}) {
            const quint64 scale = 4 * m * decade;
            if (scale >= peak)
                return scale;
        }
    }
}

void RateChart::clear()
{
    m_samples.clear();
    update();
}

void RateChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());

    const QFontMetrics fm(font());
    const int left = fm.horizontalAdvance(QStringLiteral("000000")) + 8;
    const int top = fm.height() + 8;
    const QRect plot(left, top, width() - left - 8, height() - top - fm.height() - 8);
    if (plot.width() < 10 || plot.height() < 10)
        return;

    quint64 peak = 1;
    for (const Sample &s : m_samples)
        peak = std::max({peak, s.created, s.sent, s.acked});
    const quint64 scale = niceScale(peak);
    const double maxY = static_cast<double>(scale);

    p.setPen(palette().color(QPalette::Mid));
    for (int i = 0; i <= 4; ++i) {
        const int y = plot.bottom() - plot.height() * i / 4;
        p.drawLine(plot.left(), y, plot.right(), y);
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRect(0, y - fm.height() / 2, left - 4, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter,
                   QString::number(scale / 4 * static_cast<quint64>(i)));
        p.setPen(palette().color(QPalette::Mid));
    }
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRect(plot.left(), plot.bottom() + 4, plot.width(), fm.height()), Qt::AlignLeft,
               tr("%1 s ago").arg(capacity));
    p.drawText(QRect(plot.left(), plot.bottom() + 4, plot.width(), fm.height()), Qt::AlignRight,
               tr("now"));

    struct Series
    {
        QString label;
        QColor color;
        quint64 Sample::*member;
    };
    const Series series[] = {
        {tr("created"), QColor(0x1f, 0x77, 0xb4), &Sample::created},
        {tr("sent"), QColor(0x2c, 0xa0, 0x2c), &Sample::sent},
        {tr("acked"), QColor(0xff, 0x7f, 0x0e), &Sample::acked},
    };
    const double step = static_cast<double>(plot.width()) / (capacity - 1);
    const int offset = capacity - static_cast<int>(m_samples.size());
    int legendX = plot.left();
    for (const Series &s : series) {
        if (m_samples.size() >= 2) {
            QPainterPath path;
            for (size_t i = 0; i < m_samples.size(); ++i) {
                const double x = plot.left() + (offset + static_cast<int>(i)) * step;
                const double y = plot.bottom()
                    - plot.height() * static_cast<double>(m_samples[i].*(s.member)) / maxY;
                if (i == 0)
                    path.moveTo(x, y);
                else
                    path.lineTo(x, y);
            }
            p.setPen(QPen(s.color, 2));
            p.drawPath(path);
        }
        p.fillRect(legendX, 4 + fm.height() / 2 - 4, 10, 8, s.color);
        p.setPen(palette().color(QPalette::Text));
        const QString text = m_samples.empty()
            ? s.label
            : QStringLiteral("%1 %2/s").arg(s.label).arg(m_samples.back().*(s.member));
        p.drawText(legendX + 14, 4 + fm.ascent(), text);
        legendX += 14 + fm.horizontalAdvance(text) + 16;
    }
}

} // namespace notify::console
