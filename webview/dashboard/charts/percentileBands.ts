/**
 * TensorBoard-style distribution chart: the 9 percentiles of a layer's values over steps drawn as 8 nested bands
 * around the median, each band's opacity proportional to the probability mass it holds. Several runs overlay in
 * their colours (TensorBoard shows one run per chart). Drawn by our canvas plotter: 8 polygons and a median line per
 * run (chart.js's filler between 9 lines per run, used before, cost ~25 ms per update at 4 runs).
 */
import type { PlotArea, PlotLine } from '../../shared/plot/spec';
import { withAlpha } from '../../shared/theme';
import type { CardOptions } from './card';
import { PlotCard } from './plotCard';

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
  run?: string;
  /** One entry per step: x and the 9 percentiles. */
  points: { x: number; percentiles: readonly number[] }[];
}

export class PercentileBandsChart {
  readonly card: PlotCard;

  constructor(o: CardOptions) {
    this.card = new PlotCard(o);
  }

  /** `range` fixes the y axis (small multiples share one; bands beyond it are clipped). */
  set(series: readonly BandSeries[], yTitle: string, range?: [number, number]): void {
    const peak = series.length > 1 ? 0.45 : 0.7;
    const areas: PlotArea[] = [];
    const lines: PlotLine[] = [];
    for (const s of series) {
      const complete = s.points.filter((p) => p.percentiles.length === BASIS_POINTS.length);
      const xs = complete.map((p) => p.x);
      // One column per percentile, read once (the median line shares column 4).
      const columns = BASIS_POINTS.map((_, k) => complete.map((p) => p.percentiles[k] as number));
      for (let k = 0; k < BASIS_POINTS.length - 1; k++) {
        areas.push({
          xs,
          lower: columns[k] as number[],
          upper: columns[k + 1] as number[],
          color: withAlpha(s.color, bandOpacity(k, peak)),
        });
      }
      lines.push({
        label: `${s.label} median`,
        color: s.color,
        width: 1.5,
        xs,
        ys: columns[4] as number[],
        ...(s.run ? { run: s.run } : {}),
      });
    }
    this.card.draw({
      x: { title: 'step' },
      y: range ? { title: yTitle, min: range[0], max: range[1] } : { title: yTitle },
      lines,
      areas,
      legend: false,
    });
  }
}
