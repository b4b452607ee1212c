/**
 * TensorBoard-style distribution chart: the 9 percentiles of a layer's values over steps drawn as 8 nested bands
 * around the median, each band's opacity proportional to the probability mass it holds. Several runs overlay in
 * their colours (TensorBoard shows one run per chart).
 */
import type { ChartDataset, ScatterDataPoint } from 'chart.js';
import type { Theme } from '../../shared/theme';
import { withAlpha } from '../../shared/theme';
import type { CardOptions } from './card';
import { ChartCard } from './card';

/**
 * The 9 basis points in units of 1/10000 (TensorBoard plugins/distribution/compressor.py): the normal CDF at
 * -inf, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, +inf sigma; must match protocol/stats.ts Distribution.percentiles.
 */
export const BASIS_POINTS = [0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000] as const;

/** Opacity of band k (between percentile k and k+1): its mass relative to the central band, scaled by `peak`. */
export function bandOpacity(k: number, peak: number): number {
  const mass = (BASIS_POINTS[k + 1] ?? 0) - (BASIS_POINTS[k] ?? 0);
  return (peak * mass) / (BASIS_POINTS[5] - BASIS_POINTS[4]);
}

export interface BandSeries {
  label: string;
  color: string;
  /** One entry per step: x and the 9 percentiles. */
  points: { x: number; percentiles: readonly number[] }[];
}

export class PercentileBandsChart {
  readonly card: ChartCard<'line'>;

  constructor(o: CardOptions, _theme: Theme) {
    this.card = new ChartCard<'line'>(o, {
      type: 'line',
      data: { datasets: [] },
      options: {
        parsing: false,
        normalized: true,
        interaction: { mode: 'nearest', intersect: false },
        scales: { x: { type: 'linear', title: { display: true, text: 'step' } }, y: { type: 'linear' } },
        plugins: {
          legend: { labels: { boxWidth: 12, filter: (item) => (item.text ?? '').endsWith('median') } },
        },
      },
    });
  }

  set(series: readonly BandSeries[], yTitle: string): void {
    const peak = series.length > 1 ? 0.45 : 0.7;
    const datasets: ChartDataset<'line'>[] = [];
    for (const s of series) {
      for (let k = 0; k < BASIS_POINTS.length; k++) {
        const data: ScatterDataPoint[] = s.points.map((p) => ({ x: p.x, y: p.percentiles[k] ?? Number.NaN }));
        const median = k === 4;
        datasets.push({
          label: median ? `${s.label} median` : `${s.label} p${((BASIS_POINTS[k] ?? 0) / 100).toFixed(1)}`,
          data,
          borderColor: median ? s.color : 'transparent',
          borderWidth: median ? 1.5 : 0,
          pointRadius: 0,
          backgroundColor: withAlpha(s.color, k === 0 ? 0 : bandOpacity(k - 1, peak)),
          fill: k === 0 ? false : '-1',
        });
      }
    }
    const chart = this.card.chart;
    chart.data.datasets = datasets;
    chart.options.scales = {
      x: { type: 'linear', title: { display: true, text: 'step' } },
      y: { type: 'linear', title: { display: true, text: yTitle } },
    };
    chart.update('none');
  }
}
