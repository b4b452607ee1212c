/**
 * Descriptive statistics of one metric over a group of runs: n, mean, sample standard deviation (n - 1), standard
 * error, a Student-t confidence interval for the mean, min and max. Non-finite values (a diverged run's NaN loss)
 * are left out of every statistic and counted in `excluded`, so they are never silently averaged in or lost.
 */
import { studentTUpperQuantile } from './distributions';

export interface Summary {
  /** Finite values used. */
  n: number;
  /** Values left out because they were NaN or infinite. */
  excluded: number;
  mean: number;
  /** Sample standard deviation (divisor n - 1); NaN for n < 2. */
  std: number;
  /** Standard error of the mean, std / sqrt(n). */
  sem: number;
  /** Confidence level of [ciLow, ciHigh], e.g. 0.95. */
  level: number;
  /** mean -+ t(1 - (1 - level)/2, n - 1) * sem; NaN for n < 2. */
  ciLow: number;
  ciHigh: number;
  min: number;
  max: number;
}

/** Mean and the sum of squared deviations by the corrected two-pass algorithm (Chan, Golub & LeVeque 1983). */
export function meanAndSquares(values: readonly number[]): { mean: number; squares: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, squares: Number.NaN };
  let sum = 0;
  for (const v of values) sum += v;
  const first = sum / n;
  let deviation = 0;
  let squares = 0;
  for (const v of values) {
    const d = v - first;
    deviation += d;
    squares += d * d;
  }
  return { mean: first + deviation / n, squares: squares - (deviation * deviation) / n };
}

/** Summary statistics of `values` with a `level` (default 0.95) Student-t confidence interval for the mean. */
export function describe(values: readonly number[], options: { level?: number } = {}): Summary {
  const level = options.level ?? 0.95;
  const finite = values.filter((v) => Number.isFinite(v));
  const n = finite.length;
  const { mean, squares } = meanAndSquares(finite);
  const std = n >= 2 ? Math.sqrt(Math.max(0, squares) / (n - 1)) : Number.NaN;
  const sem = std / Math.sqrt(n);
  const half = n >= 2 ? studentTUpperQuantile((1 - level) / 2, n - 1) * sem : Number.NaN;
  return {
    n,
    excluded: values.length - n,
    mean,
    std,
    sem,
    level,
    ciLow: mean - half,
    ciHigh: mean + half,
    min: finite.reduce((m, v) => Math.min(m, v), n > 0 ? Number.POSITIVE_INFINITY : Number.NaN),
    max: finite.reduce((m, v) => Math.max(m, v), n > 0 ? Number.NEGATIVE_INFINITY : Number.NaN),
  };
}
