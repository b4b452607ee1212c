/**
 * Pure reductions behind the per-layer statistics: moments, TensorBoard's nine percentiles, fixed-range
 * histograms, weight (omega, tau) summaries, SELU saturation and dead-unit fractions. Inputs are flat arrays
 * (row-major [samples, units] where a shape matters); all sums are accumulated in float64.
 */
import type { Distribution, Histogram, WeightStats } from './statisticsTypes';
import {
  bucketValue,
  emptyBuckets,
  finishBuckets,
  interpolate,
  percentiles,
  rankPlan,
  selectRanks,
  TB_PERCENTILES,
  type Buckets,
} from './percentiles';

export { TB_PERCENTILES, percentiles } from './percentiles';

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

function emptyHistogram(lo: number, hi: number, bins: number): Histogram {
  return { lo, hi, counts: new Array<number>(bins).fill(0), under: 0, over: 0 };
}

/** Adds one value to a histogram (see `histogram`); scale = bins / (hi − lo). */
function countValue(h: Histogram, v: number, scale: number): void {
  if (v < h.lo) h.under++;
  else if (v >= h.hi) h.over++;
  else if (v >= h.lo) {
    const bin = Math.min(h.counts.length - 1, Math.floor((v - h.lo) * scale));
    h.counts[bin] = (h.counts[bin] as number) + 1;
  }
}

/** Counts values into `bins` equal bins over [lo, hi); values below lo / at or above hi go to under / over. NaN is skipped. */
export function histogram(values: ArrayLike<number>, lo: number, hi: number, bins: number): Histogram {
  const h = emptyHistogram(lo, hi, bins);
  const scale = bins / (hi - lo);
  for (let i = 0; i < values.length; i++) countValue(h, values[i] as number, scale);
  return h;
}

/**
 * Full summary of a batch of values: moments, min, max, TensorBoard percentiles and a histogram over
 * [-range, range]. All-finite input (the usual case) takes three fused passes: sum/min/max; squared deviations,
 * histogram and percentile buckets; the gather of the wanted buckets. Otherwise each part is computed on its own
 * (moments then propagate the NaN, percentiles skip non-finite values). Both give the same numbers.
 */
export function distribution(values: ArrayLike<number>, range: number, bins: number): Distribution {
  const n = values.length;
  const { sum, min, max } = sumMinMax(values);
  const { positions, ranks } = rankPlan(n, TB_PERCENTILES);
  // Non-finite values, constant data or n <= 2 (no interior rank): the parts one by one.
  if (n === 0 || !Number.isFinite(sum) || !(max > min) || ranks.length === 0) {
    return separateDistribution(values, range, bins);
  }
  const mean = sum / n;
  const k = emptyBuckets(n, min, max);
  const histogram = emptyHistogram(-range, range, bins);
  const sq = fusedPass(values, mean, histogram, k);
  finishBuckets(k);
  const selected = selectRanks(values, ranks, k);
  const at = (r: number): number => (r === 0 ? min : r === n - 1 ? max : (selected.get(r) ?? min));
  return { mean, variance: sq / n, min, max, percentiles: interpolate(positions, at), histogram };
}

// The hot loops live in small functions of their own: V8 optimises a small function whole, whereas a long one
// whose loop is optimised on-stack before the code after it has run deoptimises on every call (measured: 3x).

function sumMinMax(values: ArrayLike<number>): { sum: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // An object, not an array literal: storing doubles into a fresh array literal deoptimised this function on
  // every call in V8 11 ("insufficient type feedback for generic keyed access").
  return { sum, min, max };
}

/** One pass: returns Σ(v − mean)², counts every value into the histogram and records its percentile bucket. */
function fusedPass(values: ArrayLike<number>, mean: number, hist: Histogram, k: Buckets): number {
  const scale = hist.counts.length / (hist.hi - hist.lo);
  let sq = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    const d = v - mean;
    sq += d * d;
    countValue(hist, v, scale);
    bucketValue(k, i, v);
  }
  return sq;
}

function separateDistribution(values: ArrayLike<number>, range: number, bins: number): Distribution {
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
  // Pass 1: per-unit sums (ω, τ), whose total gives the mean; pass 2: squared deviations from it.
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
  const n = fanIn * units;
  let total = 0;
  for (let j = 0; j < units; j++) total += omega[j] as number;
  const mean = n > 0 ? total / n : NaN;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const d = (w[i] as number) - mean;
    sq += d * d;
  }
  const variance = n > 0 ? sq / n : NaN;
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

/**
 * V8 11 (Node 20) compiles a long loop on-stack during its function's first call, before the code after the loop
 * has type feedback, and then deoptimised `sumMinMax` at that code on almost every later call (measured: ~1,900
 * deoptimisations in 3,000 calls on 32,768 values). Running the reductions once on a small sample at load gives
 * every line feedback first.
 */
function warmUp(): void {
  const sample = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i));
  for (let i = 0; i < 3; i++) {
    distribution(sample, 1, 4);
    weightStats(sample, 8, 8);
  }
}
warmUp();
