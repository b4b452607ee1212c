/** Paired Student t-test of two matched samples (e.g. one metric of two groups over the same repeats/folds). */
import { pairedDifferences } from './inputError';
import { meanAndSquares } from './describe';
import { studentTSf, studentTUpperQuantile } from './distributions';

export interface PairedTTest {
  /** Number of pairs. */
  n: number;
  /** Mean of the differences a - b. */
  meanDifference: number;
  /** Sample standard deviation of the differences (divisor n - 1). */
  stdDifference: number;
  /** t = mean / (std / sqrt(n)); +-Infinity when every difference is the same non-zero value. */
  t: number;
  df: number;
  /** Two-sided p-value 2 * P(T > |t|); NaN when it is undefined (n < 2, or every difference is 0). */
  p: number;
  /** Confidence interval of the mean difference at `level`. */
  level: number;
  ciLow: number;
  ciHigh: number;
}

/**
 * Paired t-test of H0: mean(a - b) = 0, two-sided. Assumes the differences are independent and roughly normal
 * (see docs/studies.md). Throws StudyInputError for unequal lengths or non-finite values.
 */
export function pairedTTest(
  a: readonly number[],
  b: readonly number[],
  options: { level?: number } = {},
): PairedTTest {
  const level = options.level ?? 0.95;
  const d = pairedDifferences(a, b, 'paired t-test');
  const n = d.length;
  const df = n - 1;
  const { mean, squares } = meanAndSquares(d);
  const std = n >= 2 ? Math.sqrt(Math.max(0, squares) / df) : Number.NaN;
  const se = std / Math.sqrt(n);
  const t = n >= 2 ? mean / se : Number.NaN;
  const p = Number.isNaN(t) ? Number.NaN : Math.min(1, 2 * studentTSf(Math.abs(t), df));
  const half = n >= 2 ? studentTUpperQuantile((1 - level) / 2, df) * se : Number.NaN;
  return {
    n,
    meanDifference: mean,
    stdDifference: std,
    t,
    df,
    p,
    level,
    ciLow: mean - half,
    ciHigh: mean + half,
  };
}
