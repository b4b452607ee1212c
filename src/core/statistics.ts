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

/**
 * Places the order statistics ranks[from..to) (ascending, within [lo, hi]) at their positions. Index bounds rather
 * than sliced arrays keep the recursion monomorphic (slices of different element kinds deoptimised its callers).
 */
function multiSelect(
  a: Float64Array,
  ranks: number[],
  from: number,
  to: number,
  lo: number,
  hi: number,
): void {
  if (from >= to || lo >= hi) return;
  const m = (from + to) >>> 1;
  const k = ranks[m] as number;
  select(a, k, lo, hi);
  multiSelect(a, ranks, from, m, lo, k - 1);
  multiSelect(a, ranks, m + 1, to, k + 1, hi);
}

/** Buckets used by the percentile selection (at most n/8, so a bucket averages ≥ 8 values). */
const PERCENTILE_BUCKETS = 2048;

/**
 * Equal-width value buckets over [min, max] for selecting order statistics. The bucket index is monotone in the
 * value, so bucket j holds exactly the ranks start[j] .. start[j+1]−1.
 */
interface Buckets {
  count: number;
  scale: number;
  min: number;
  /** Bucket of every value, in input order. */
  index: Uint16Array;
  /** start[j] = number of values in buckets < j (length count + 1). */
  start: Uint32Array;
}

function emptyBuckets(n: number, min: number, max: number): Buckets {
  const count = Math.max(1, Math.min(PERCENTILE_BUCKETS, n >>> 3));
  return {
    count,
    scale: count / (max - min),
    min,
    index: new Uint16Array(n),
    start: new Uint32Array(count + 1),
  };
}

/** Records value v (the i-th) in its bucket; callers run it once per value, then `finishBuckets`. */
function bucketValue(k: Buckets, i: number, v: number): void {
  const b = Math.min(k.count - 1, Math.floor((v - k.min) * k.scale));
  k.index[i] = b;
  k.start[b + 1] = (k.start[b + 1] as number) + 1;
}

function finishBuckets(k: Buckets): void {
  for (let b = 0; b < k.count; b++) k.start[b + 1] = (k.start[b + 1] as number) + (k.start[b] as number);
}

/**
 * Values at the given ranks (ascending, interior): gathers only the buckets holding a wanted rank, then runs
 * quickselect inside them — about one light pass over the data instead of quickselect's partitions of all of it.
 */
function selectRanks(values: ArrayLike<number>, ranks: number[], k: Buckets): Map<number, number> {
  const bucketOf = ranks.map((r) => {
    let lo = 0;
    let hi = k.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((k.start[mid] as number) <= r) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  });
  const wanted = [...new Set(bucketOf)];
  const slot = new Int32Array(k.count).fill(-1);
  const fill: number[] = [];
  let total = 0;
  for (const b of wanted) {
    slot[b] = fill.length;
    fill.push(total);
    total += (k.start[b + 1] as number) - (k.start[b] as number);
  }
  const offsets = fill.slice();
  const gathered = new Float64Array(total);
  for (let i = 0; i < values.length; i++) {
    const s = slot[k.index[i] as number] as number;
    if (s >= 0) gathered[(fill[s] as number)++] = values[i] as number;
  }
  const result = new Map<number, number>();
  wanted.forEach((b, s) => {
    const first = k.start[b] as number;
    const size = (k.start[b + 1] as number) - first;
    const part = gathered.subarray(offsets[s] as number, (offsets[s] as number) + size);
    const local = ranks.filter((_, i) => bucketOf[i] === b).map((r) => r - first);
    multiSelect(part, local, 0, local.length, 0, size - 1);
    for (const r of local) result.set(r + first, part[r] as number);
  });
  return result;
}

/** Interpolation positions p/100·(n−1) and the interior ranks they need (0 and n−1 are the known extremes). */
function rankPlan(n: number, ps: readonly number[]): { positions: number[]; ranks: number[] } {
  const positions = ps.map((p) => (Math.min(100, Math.max(0, p)) / 100) * (n - 1));
  const ranks = [...new Set(positions.flatMap((x) => [Math.floor(x), Math.ceil(x)]))]
    .filter((r) => r > 0 && r < n - 1)
    .sort((x, y) => x - y);
  return { positions, ranks };
}

function interpolate(positions: number[], at: (rank: number) => number): number[] {
  return positions.map((x) => {
    const lo = Math.floor(x);
    const frac = x - lo;
    return frac === 0 ? at(lo) : at(lo) + frac * (at(Math.ceil(x)) - at(lo));
  });
}

/**
 * Percentiles (in %) with linear interpolation between order statistics (numpy's default "linear" method:
 * position p/100·(n−1)). Non-finite values are ignored; no finite value gives NaN. Exact; O(n) expected.
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
  const { positions, ranks } = rankPlan(n, ps);
  let selected: Map<number, number> | undefined;
  if (ranks.length > 0 && max > min) {
    const k = emptyBuckets(n, min, max);
    for (let i = 0; i < n; i++) bucketValue(k, i, a[i] as number);
    finishBuckets(k);
    selected = selectRanks(a, ranks, k);
  }
  return interpolate(positions, (r) => (r === 0 ? min : r === n - 1 ? max : (selected?.get(r) ?? min)));
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
  const counts = new Float64Array(bins + 2);
  const sq = fusedPass(values, mean, range, counts, k);
  finishBuckets(k);
  const selected = selectRanks(values, ranks, k);
  const at = (r: number): number => (r === 0 ? min : r === n - 1 ? max : (selected.get(r) ?? min));
  const histogram: Histogram = {
    lo: -range,
    hi: range,
    counts: Array.from(counts.subarray(0, bins)),
    under: counts[bins] as number,
    over: counts[bins + 1] as number,
  };
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

/**
 * One pass: returns Σ(v − mean)², counts the histogram over [−range, range) into counts[0..bins) with under/over at
 * counts[bins], counts[bins+1], and records every value's percentile bucket (same arithmetic as `countValue` and
 * `bucketValue`; the truncating `| 0` equals Math.floor on these non-negative products).
 */
function fusedPass(
  values: ArrayLike<number>,
  mean: number,
  range: number,
  counts: Float64Array,
  k: Buckets,
): number {
  const bins = counts.length - 2;
  const lastBin = bins - 1;
  const scale = bins / (2 * range);
  const lo = -range;
  const { index, start, min, scale: bucketScale } = k;
  const lastBucket = k.count - 1;
  let sq = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    const d = v - mean;
    sq += d * d;
    const bin = v < lo ? bins : v >= range ? bins + 1 : Math.min(lastBin, ((v - lo) * scale) | 0);
    counts[bin] = (counts[bin] as number) + 1;
    const b = Math.min(lastBucket, ((v - min) * bucketScale) | 0);
    index[i] = b;
    start[b + 1] = (start[b + 1] as number) + 1;
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
