/**
 * TensorBoard-style distribution chart: the 9 percentiles of a layer's values over steps drawn as 8 nested bands
 * around the median, each band's opacity proportional to the probability mass it holds. Several runs overlay in
 * their colours (TensorBoard shows one run per chart). The bands are polygons painted by a plugin and only the
 * medians are chart.js datasets: chart.js's filler between 9 lines per run cost ~25 ms per update at 4 runs.
 */
import type { ChartDataset, Plugin } from 'chart.js';
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

interface Band {
  fill: string;
  xs: number[];
  lower: number[];
  upper: number[];
}

/** Bands painted at the last draw, per chart (read by the tests through the test hook). */
export const bandCounts = new WeakMap<object, number>();
const bandsOf = new WeakMap<object, Band[]>();

const bandsPlugin: Plugin<'line'> = {
  id: 'snnBands',
  beforeDatasetsDraw(chart) {
    const bands = bandsOf.get(chart) ?? [];
    const x = chart.scales.x;
    const y = chart.scales.y;
    if (!x || !y) return;
    const { ctx, chartArea: area } = chart;
    ctx.save();
    ctx.beginPath();
    ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
    ctx.clip();
    // A run's 8 bands share their steps: map them to pixels once per run, not twice per band.
    const pixels = new Map<number[], number[]>();
    for (const band of bands) {
      let px = pixels.get(band.xs);
      if (!px) {
        px = band.xs.map((v) => x.getPixelForValue(v));
        pixels.set(band.xs, px);
      }
      ctx.beginPath();
      px.forEach((p, i) => ctx.lineTo(p, y.getPixelForValue(band.upper[i] as number)));
      for (let i = px.length - 1; i >= 0; i--) {
        ctx.lineTo(px[i] as number, y.getPixelForValue(band.lower[i] as number));
      }
      ctx.closePath();
      ctx.fillStyle = band.fill;
      ctx.fill();
    }
    ctx.restore();
    bandCounts.set(chart, bands.length);
  },
};

/** The median line's points (the median column is computed once, not once per point). */
function medianPoints(xs: readonly number[], median: readonly number[]): { x: number; y: number }[] {
  return xs.map((x, i) => ({ x, y: median[i] as number }));
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
        plugins: { legend: { labels: { boxWidth: 12 } } },
      },
      plugins: [bandsPlugin],
    });
  }

  set(series: readonly BandSeries[], yTitle: string): void {
    const peak = series.length > 1 ? 0.45 : 0.7;
    const bands: Band[] = [];
    const datasets: ChartDataset<'line'>[] = [];
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of series) {
      const finite = s.points.filter((p) => p.percentiles.length === BASIS_POINTS.length);
      const xs = finite.map((p) => p.x);
      const at = (k: number): number[] => finite.map((p) => p.percentiles[k] as number);
      for (let k = 0; k < BASIS_POINTS.length - 1; k++) {
        const lower = at(k);
        const upper = at(k + 1);
        for (const v of upper) {
          if (Number.isFinite(v)) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
        }
        if (k === 0) {
          for (const v of lower) {
            if (Number.isFinite(v)) {
              lo = Math.min(lo, v);
              hi = Math.max(hi, v);
            }
          }
        }
        bands.push({ fill: withAlpha(s.color, bandOpacity(k, peak)), xs, lower, upper });
      }
      datasets.push({
        label: `${s.label} median`,
        data: medianPoints(xs, at(4)),
        borderColor: s.color,
        backgroundColor: s.color,
        borderWidth: 1.5,
        pointRadius: 0,
        fill: false,
      });
    }
    const chart = this.card.chart;
    bandsOf.set(chart, bands);
    this.card.setDatasets(datasets);
    const pad = Number.isFinite(lo) ? Math.max(1e-6, (hi - lo) * 0.03) : 1;
    chart.options.scales = {
      x: { type: 'linear', title: { display: true, text: 'step' } },
      y: {
        type: 'linear',
        title: { display: true, text: yTitle },
        ...(Number.isFinite(lo) ? { min: lo - pad, max: hi + pad } : {}),
      },
    };
    const legend = (chart.options.plugins as { legend: { display?: boolean } }).legend;
    legend.display = series.length <= 6;
    chart.update('none');
  }
}
