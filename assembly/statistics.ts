// The per-layer distribution of src/core/statistics.ts (`distribution`: moments, min, max, a fixed-range histogram and
// exact order statistics for the percentiles), computed where the fused step's activations lie, in the same order
// of float64 operations, so the numbers are identical (test/trainer/wasmStats.test.ts). Used on reporting steps of
// the fused step (src/trainer/wasmStats.ts): the JS reduction cost ~30 ns a value, several times a small step.
// Inputs that take the JS code's separate path (non-finite values, constant data, fewer than 3 values) are
// reported back (return 0) and reduced in JS.

/** Buckets of the percentile selection (as PERCENTILE_BUCKETS in src/core/percentiles.ts). */
const PERCENTILE_BUCKETS = 2048;

// Result block (float64): [0] Σv, [1] Σ(v − mean)², [2] min, [3] max, [4] under, [5] over, [6..6+bins) histogram
// counts, then the values at the requested ranks.
const SUM = 0;
const SQUARES = 1;
const MIN = 2;
const MAX = 3;
const UNDER = 4;
const OVER = 5;
const COUNTS = 6;

/** Bytes of scratch `distribution` needs for n values and that many ranks. */
export function statsScratchBytes(n: i32, rankCount: i32): i32 {
  return (2 * n + 7 & ~7) + (4 * (PERCENTILE_BUCKETS + 1) + 7 & ~7) + 4 * PERCENTILE_BUCKETS + (4 * rankCount + 7 & ~7) + 8 * n;
}

@inline function out(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

/**
 * Rearranges a[lo..hi] (float64) so that a[k] holds the value of rank k: the quickselect of percentiles.ts
 * (Hoare partition, median-of-three pivot). Any correct selection gives the same value at rank k.
 */
function select(a: usize, k: i32, lo: i32, hi: i32): void {
  while (hi > lo) {
    const x = load<f64>(a + (<usize>lo << 3));
    const y = load<f64>(a + (<usize>((lo + hi) >>> 1) << 3));
    const z = load<f64>(a + (<usize>hi << 3));
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (load<f64>(a + (<usize>i << 3)) < pivot) i++;
      while (load<f64>(a + (<usize>j << 3)) > pivot) j--;
      if (i <= j) {
        const t = load<f64>(a + (<usize>i << 3));
        store<f64>(a + (<usize>i << 3), load<f64>(a + (<usize>j << 3)));
        store<f64>(a + (<usize>j << 3), t);
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
 * The distribution of n float32 values at `values`: writes the result block above to `result` and the values of
 * the `rankCount` ascending interior ranks (int32 at `ranks`) after the counts. `scratch` holds ≥ statsScratchBytes(n,
 * rankCount). Returns 1, or 0 when the JS code would take its separate path (then nothing is meaningful).
 */
export function distribution(values: usize, n: i32, range: f64, bins: i32, ranks: usize, rankCount: i32, result: usize, scratch: usize): i32 {
  let sum = 0.0;
  let least = Infinity;
  let most = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = <f64>load<f32>(values + (<usize>i << 2));
    sum += v;
    if (v < least) least = v;
    if (v > most) most = v;
  }
  if (n == 0 || !isFinite(sum) || !(most > least) || rankCount == 0) return 0;
  const mean = sum / <f64>n;
  // Histogram over [−range, range) and percentile buckets over [min, max], in one pass (fusedPass).
  const lo = -range;
  const hi = range;
  const hScale = <f64>bins / (hi - lo);
  const count = max<i32>(1, min<i32>(PERCENTILE_BUCKETS, n >>> 3));
  const bScale = <f64>count / (most - least);
  const index = scratch;
  const start = scratch + ((<usize>n << 1) + 7 & ~7);
  const slot = start + ((<usize>(count + 1) << 2) + 7 & ~7);
  const fill = slot + (<usize>count << 2);
  const gathered = fill + ((<usize>rankCount << 2) + 7 & ~7);
  for (let b = 0; b <= count; b++) store<u32>(start + (<usize>b << 2), 0);
  // Histogram counts as integers in the result block's count slots first (converted to float64 below).
  const counts = out(result, COUNTS);
  for (let b = 0; b < bins; b++) store<u32>(counts + (<usize>b << 2), 0);
  let sq = 0.0;
  let under = 0;
  let over = 0;
  for (let i = 0; i < n; i++) {
    const v = <f64>load<f32>(values + (<usize>i << 2));
    const d = v - mean;
    sq += d * d;
    // Both scaled offsets are ≥ 0 here, so truncation is the Math.floor of the JS code.
    if (v < lo) under++;
    else if (v >= hi) over++;
    else {
      const c = counts + (<usize>min<i32>(bins - 1, <i32>((v - lo) * hScale)) << 2);
      store<u32>(c, load<u32>(c) + 1);
    }
    const b = min<i32>(count - 1, <i32>((v - least) * bScale));
    store<u16>(index + (<usize>i << 1), <u16>b);
    const s = start + (<usize>(b + 1) << 2);
    store<u32>(s, load<u32>(s) + 1);
  }
  for (let b = bins - 1; b >= 0; b--) store<f64>(out(result, COUNTS + b), <f64>load<u32>(counts + (<usize>b << 2)));
  for (let b = 0; b < count; b++) {
    const s = start + (<usize>(b + 1) << 2);
    store<u32>(s, load<u32>(s) + load<u32>(start + (<usize>b << 2)));
  }
  store<f64>(out(result, SUM), sum);
  store<f64>(out(result, SQUARES), sq);
  store<f64>(out(result, MIN), least);
  store<f64>(out(result, MAX), most);
  store<f64>(out(result, UNDER), <f64>under);
  store<f64>(out(result, OVER), <f64>over);
  selectRanks(values, n, ranks, rankCount, index, start, count, slot, fill, gathered, out(result, COUNTS + bins));
  return 1;
}

/** Bucket holding rank r: the last b with start[b] ≤ r. */
@inline function bucketOf(start: usize, count: i32, r: u32): i32 {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (load<u32>(start + (<usize>mid << 2)) <= r) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Values at the ranks (ascending): one pass gathers the values of every bucket holding a wanted rank (bucket by
 * bucket, in input order), then each wanted rank is selected inside its bucket's part and written (float64) to
 * `dest` in rank order. `slot` holds count int32, `fill` one int32 per rank.
 */
function selectRanks(values: usize, n: i32, ranks: usize, rankCount: i32, index: usize, start: usize, count: i32, slot: usize, fill: usize, gathered: usize, dest: usize): void {
  for (let b = 0; b < count; b++) store<i32>(slot + (<usize>b << 2), -1);
  let parts = 0;
  let total = 0;
  for (let r = 0; r < rankCount; r++) {
    const b = bucketOf(start, count, load<u32>(ranks + (<usize>r << 2)));
    if (load<i32>(slot + (<usize>b << 2)) >= 0) continue;
    store<i32>(slot + (<usize>b << 2), parts);
    store<i32>(fill + (<usize>parts << 2), total);
    parts++;
    total += <i32>(load<u32>(start + (<usize>(b + 1) << 2)) - load<u32>(start + (<usize>b << 2)));
  }
  for (let i = 0; i < n; i++) {
    const s = load<i32>(slot + (<usize>load<u16>(index + (<usize>i << 1)) << 2));
    if (s >= 0) {
      const f = fill + (<usize>s << 2);
      const at = load<i32>(f);
      store<f64>(gathered + (<usize>at << 3), <f64>load<f32>(values + (<usize>i << 2)));
      store<i32>(f, at + 1);
    }
  }
  // fill[s] now ends part s; its start is the end of part s − 1. Select each rank inside its part, lowest first:
  // a select leaves smaller values before its rank, so the next rank of the same part is searched after it.
  let lastBucket = -1;
  let lo = 0;
  for (let r = 0; r < rankCount; r++) {
    const rank = load<u32>(ranks + (<usize>r << 2));
    const b = bucketOf(start, count, rank);
    const s = load<i32>(slot + (<usize>b << 2));
    const end = load<i32>(fill + (<usize>s << 2));
    const begin = s > 0 ? load<i32>(fill + (<usize>(s - 1) << 2)) : 0;
    if (b != lastBucket) lo = begin;
    const at = begin + <i32>(rank - load<u32>(start + (<usize>b << 2)));
    select(gathered, at, lo, end - 1);
    store<f64>(dest + (<usize>r << 3), load<f64>(gathered + (<usize>at << 3)));
    lo = at;
    lastBucket = b;
  }
}

/**
 * weightStats of src/core/statistics.ts for a row-major [fanIn, units] matrix, in the same float64 operations:
 * per-unit ω = Σᵢ w and τ = Σᵢ w² (scratch: 2·units float64), the entries' mean and variance, and mean and std over
 * units of ω and τ. Writes [mean, variance, ωMean, ωStd, τMean, τStd] to `result`.
 */
export function weightMoments(w: usize, fanIn: i32, units: i32, result: usize, scratch: usize): void {
  const omega = scratch;
  const tau = scratch + (<usize>units << 3);
  for (let j = 0; j < units; j++) {
    store<f64>(omega + (<usize>j << 3), 0);
    store<f64>(tau + (<usize>j << 3), 0);
  }
  for (let i = 0; i < fanIn; i++) {
    const row = w + (<usize>(i * units) << 2);
    for (let j = 0; j < units; j++) {
      const v = <f64>load<f32>(row + (<usize>j << 2));
      const o = omega + (<usize>j << 3);
      const t = tau + (<usize>j << 3);
      store<f64>(o, load<f64>(o) + v);
      store<f64>(t, load<f64>(t) + v * v);
    }
  }
  const n = fanIn * units;
  let total = 0.0;
  for (let j = 0; j < units; j++) total += load<f64>(omega + (<usize>j << 3));
  const mean = n > 0 ? total / <f64>n : NaN;
  let sq = 0.0;
  for (let i = 0; i < n; i++) {
    const d = <f64>load<f32>(w + (<usize>i << 2)) - mean;
    sq += d * d;
  }
  store<f64>(out(result, 0), mean);
  store<f64>(out(result, 1), n > 0 ? sq / <f64>n : NaN);
  moments(omega, units, out(result, 2));
  moments(tau, units, out(result, 4));
}

/** Mean and population std of n float64 values (two passes, as `moments` in src/core/statistics.ts). */
function moments(x: usize, n: i32, dest: usize): void {
  if (n == 0) {
    store<f64>(dest, NaN);
    store<f64>(dest + 8, NaN);
    return;
  }
  let sum = 0.0;
  for (let i = 0; i < n; i++) sum += load<f64>(x + (<usize>i << 3));
  const mean = sum / <f64>n;
  let sq = 0.0;
  for (let i = 0; i < n; i++) {
    const d = load<f64>(x + (<usize>i << 3)) - mean;
    sq += d * d;
  }
  store<f64>(dest, mean);
  store<f64>(dest + 8, Math.sqrt(sq / <f64>n));
}

/** How many of n float32 values lie within tol of target (|v − target| ≤ tol in float64: saturatedFraction). */
export function countNear(values: usize, n: i32, target: f64, tol: f64): i32 {
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (Math.abs(<f64>load<f32>(values + (<usize>i << 2)) - target) <= tol) count++;
  }
  return count;
}

/** Units (columns of rows×units) that are exactly 0 in every row (deadUnitFraction); scratch: units bytes. */
export function deadUnits(values: usize, rows: i32, units: i32, scratch: usize): i32 {
  for (let j = 0; j < units; j++) store<u8>(scratch + <usize>j, 0);
  for (let i = 0; i < rows; i++) {
    const row = values + (<usize>(i * units) << 2);
    for (let j = 0; j < units; j++) {
      if (load<f32>(row + (<usize>j << 2)) != 0) store<u8>(scratch + <usize>j, 1);
    }
  }
  let dead = 0;
  for (let j = 0; j < units; j++) if (load<u8>(scratch + <usize>j) == 0) dead++;
  return dead;
}
