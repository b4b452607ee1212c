/**
 * Learning curves of a group: each run's metric series, aligned on the exact step or epoch (no interpolation), as
 * mean +- std bands with the number of runs behind every point. Runs of different folds have different steps per
 * epoch, so fold curves align on epochs; repeats of one configuration align on steps too.
 */
import { meanAndSquares } from './describe';

/** One line of metrics.jsonl as the study reads it (a structural subset of the run store's MetricRecord). */
export type MetricLine =
  | { kind: 'progress'; step: number; epoch: number; loss: number }
  | { kind: 'epoch'; step: number; epoch: number; metrics: Readonly<Record<string, number>> };

export interface CurvePoint {
  x: number;
  y: number;
}

/**
 * One run's series of `metric` against `x`. `source` 'progress' reads the training loss of the progress reports
 * (metric must be "loss"); 'epoch' (default) reads the epoch lines' metrics (loss, accuracy, val_auc, ...).
 * A repeated x keeps its last value.
 */
export function metricCurve(
  lines: readonly MetricLine[],
  options: { metric: string; x: 'step' | 'epoch'; source?: 'progress' | 'epoch' },
): CurvePoint[] {
  const byX = new Map<number, number>();
  for (const line of lines) {
    const x = options.x === 'step' ? line.step : line.epoch;
    if ((options.source ?? 'epoch') === 'progress') {
      if (line.kind === 'progress' && options.metric === 'loss') byX.set(x, line.loss);
    } else if (line.kind === 'epoch' && options.metric in line.metrics) {
      byX.set(x, line.metrics[options.metric] as number);
    }
  }
  return [...byX].map(([x, y]) => ({ x, y })).sort((p, q) => p.x - q.x);
}

export interface BandPoint {
  x: number;
  /** Runs with a finite value at this x. */
  n: number;
  mean: number;
  /** Sample standard deviation over those runs (NaN when n < 2). */
  std: number;
  min: number;
  max: number;
}

/** Mean +- std of several runs' curves at every x any of them has (non-finite values left out of that point). */
export function meanBand(curves: readonly (readonly CurvePoint[])[]): BandPoint[] {
  const byX = new Map<number, number[]>();
  for (const curve of curves) {
    for (const { x, y } of curve) {
      if (!Number.isFinite(y)) continue;
      const list = byX.get(x);
      if (list === undefined) byX.set(x, [y]);
      else list.push(y);
    }
  }
  return [...byX]
    .sort((p, q) => p[0] - q[0])
    .map(([x, ys]) => {
      const { mean, squares } = meanAndSquares(ys);
      const n = ys.length;
      const std = n >= 2 ? Math.sqrt(Math.max(0, squares) / (n - 1)) : Number.NaN;
      return { x, n, mean, std, min: Math.min(...ys), max: Math.max(...ys) };
    });
}
