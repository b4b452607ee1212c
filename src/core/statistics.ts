/**
 * Pure reductions behind the per-layer statistics: moments, TensorBoard's nine percentiles, fixed-range
 * histograms, weight (omega, tau) summaries, SELU saturation and dead-unit fractions. Inputs are flat arrays
 * (row-major [samples, units] where a shape matters); all sums are accumulated in float64.
 */
import type { Distribution, Histogram, WeightStats } from '../protocol/stats';

/**
 * TensorBoard's compressed-histogram percentiles (in %): the 0, +-0.5, +-1, +-1.5 sigma and +-inf points of a
 * normal distribution (tensorboard/plugins/distribution/compressor.py, NORMAL_HISTOGRAM_BPS).
 */
export const TB_PERCENTILES: readonly number[] = [0, 6.68, 15.87, 30.85, 50, 69.15, 84.13, 93.32, 100];

/** Mean and population variance (two-pass, float64). Empty input gives NaN for both. */
export function moments(values: ArrayLike<number>): { mean: number; variance: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, variance: NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    sq += d * d;
  }
  return { mean, variance: sq / n };
}

/**
 * Rearranges a[lo..hi] so that a[k] holds the value of rank k, smaller-or-equal ones before it, larger-or-equal
 * after: Hoare-partition quickselect with a median-of-three pivot (N. Wirth, "Algorithms + Data Structures =
 * Programs", 1976). Equal values stop both scans and are swapped, so runs of ties (ReLU zeros) stay fast.
 */
function select(a: Float64Array, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    const x = a[lo] as number;
    const y = a[(lo + hi) >>> 1] as number;
    const z = a[hi] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** Places the order statistics of all `ranks` (ascending, within [lo, hi]) at their positions. */
function multiSelect(a: Float64Array, ranks: number[], lo: number, hi: number): void {
  if (ranks.length === 0 || lo >= hi) return;
  const m = ranks.length >>> 1;
  const k = ranks[m] as number;
  select(a, k, lo, hi);
  multiSelect(a, ranks.slice(0, m), lo, k - 1);
  multiSelect(a, ranks.slice(m + 1), k + 1, hi);
}

/**
 * Percentiles (in %) with linear interpolation between order statistics (numpy's default "linear" method:
 * position p/100·(n−1)). Non-finite values are ignored; no finite value gives NaN. Runs in O(n log k).
 */
export function percentiles(values: ArrayLike<number>, ps: readonly number[] = TB_PERCENTILES): number[] {
  const finite = new Float64Array(values.length);
  let n = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) {
      finite[n++] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (n === 0) return ps.map(() => NaN);
  const a = finite.subarray(0, n);
  const positions = ps.map((p) => (Math.min(100, Math.max(0, p)) / 100) * (n - 1));
  // Ranks 0 and n-1 are the extremes found above; only interior ranks need selecting.
  const ranks = [...new Set(positions.flatMap((x) => [Math.floor(x), Math.ceil(x)]))]
    .filter((r) => r > 0 && r < n - 1)
    .sort((x, y) => x - y);
  multiSelect(a, ranks, 0, n - 1);
  const at = (r: number): number => (r === 0 ? min : r === n - 1 ? max : (a[r] as number));
  return positions.map((x) => {
    const lo = Math.floor(x);
    const frac = x - lo;
    return frac === 0 ? at(lo) : at(lo) + frac * (at(Math.ceil(x)) - at(lo));
  });
}

/** Counts values into `bins` equal bins over [lo, hi); values below lo / at or above hi go to under / over. NaN is skipped. */
export function histogram(values: ArrayLike<number>, lo: number, hi: number, bins: number): Histogram {
  const counts = new Array<number>(bins).fill(0);
  let under = 0;
  let over = 0;
  const scale = bins / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < lo) under++;
    else if (v >= hi) over++;
    else if (v >= lo) {
      const bin = Math.min(bins - 1, Math.floor((v - lo) * scale));
      counts[bin] = (counts[bin] as number) + 1;
    }
  }
  return { lo, hi, counts, under, over };
}

/** Full summary of a batch of values: moments, min, max, TensorBoard percentiles and a histogram over [-range, range]. */
export function distribution(values: ArrayLike<number>, range: number, bins: number): Distribution {
  const { mean, variance } = moments(values);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (values.length === 0) min = max = NaN;
  return {
    mean,
    variance,
    min,
    max,
    percentiles: percentiles(values),
    histogram: histogram(values, -range, range, bins),
  };
}

/**
 * Weight statistics of a row-major [fanIn, units] matrix: entry mean/variance and, per unit (column), the
 * paper's omega = sum_i w_i and tau = sum_i w_i^2, summarised as mean and (population) std over units.
 */
export function weightStats(w: ArrayLike<number>, fanIn: number, units: number): WeightStats {
  const { mean, variance } = moments(w);
  const omega = new Float64Array(units);
  const tau = new Float64Array(units);
  for (let i = 0; i < fanIn; i++) {
    const row = i * units;
    for (let j = 0; j < units; j++) {
      const v = w[row + j] as number;
      omega[j] = (omega[j] as number) + v;
      tau[j] = (tau[j] as number) + v * v;
    }
  }
  const o = moments(omega);
  const t = moments(tau);
  return {
    mean,
    variance,
    omegaMean: o.mean,
    omegaStd: Math.sqrt(o.variance),
    tauMean: t.mean,
    tauStd: Math.sqrt(t.variance),
  };
}

/** Fraction of values within `relTol`·|target| of `target` (e.g. SELU's saturation value −λα). */
export function saturatedFraction(values: ArrayLike<number>, target: number, relTol = 1e-3): number {
  if (values.length === 0) return NaN;
  const tol = relTol * Math.abs(target);
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (Math.abs((values[i] as number) - target) <= tol) count++;
  }
  return count / values.length;
}

/** Fraction of units (columns of a row-major [rows, units] array) that are exactly zero in every row. */
export function deadUnitFraction(values: ArrayLike<number>, rows: number, units: number): number {
  if (units === 0) return NaN;
  const alive = new Uint8Array(units);
  for (let i = 0; i < rows; i++) {
    const row = i * units;
    for (let j = 0; j < units; j++) if (values[row + j] !== 0) alive[j] = 1;
  }
  let dead = 0;
  for (let j = 0; j < units; j++) if (alive[j] === 0) dead++;
  return dead / units;
}
