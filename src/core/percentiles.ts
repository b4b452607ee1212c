/**
 * Exact percentiles for the per-layer statistics: order statistics selected inside equal-width value buckets
 * (quickselect only within the few buckets that hold a wanted rank), interpolated like numpy's "linear" method.
 * Used by statistics.ts, whose fused distribution pass fills the buckets itself.
 */

/**
 * TensorBoard's compressed-histogram percentiles (in %): the 0, +-0.5, +-1, +-1.5 sigma and +-inf points of a
 * normal distribution (tensorboard/plugins/distribution/compressor.py, NORMAL_HISTOGRAM_BPS).
 */
export const TB_PERCENTILES: readonly number[] = [0, 6.68, 15.87, 30.85, 50, 69.15, 84.13, 93.32, 100];

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
export interface Buckets {
  count: number;
  scale: number;
  min: number;
  /** Bucket of every value, in input order. */
  index: Uint16Array;
  /** start[j] = number of values in buckets < j (length count + 1). */
  start: Uint32Array;
}

export function emptyBuckets(n: number, min: number, max: number): Buckets {
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
export function bucketValue(k: Buckets, i: number, v: number): void {
  const b = Math.min(k.count - 1, Math.floor((v - k.min) * k.scale));
  k.index[i] = b;
  k.start[b + 1] = (k.start[b + 1] as number) + 1;
}

export function finishBuckets(k: Buckets): void {
  for (let b = 0; b < k.count; b++) k.start[b + 1] = (k.start[b + 1] as number) + (k.start[b] as number);
}

/**
 * Values at the given ranks (ascending, interior): gathers only the buckets holding a wanted rank, then runs
 * quickselect inside them — about one light pass over the data instead of quickselect's partitions of all of it.
 */
export function selectRanks(values: ArrayLike<number>, ranks: number[], k: Buckets): Map<number, number> {
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
export function rankPlan(n: number, ps: readonly number[]): { positions: number[]; ranks: number[] } {
  const positions = ps.map((p) => (Math.min(100, Math.max(0, p)) / 100) * (n - 1));
  const ranks = [...new Set(positions.flatMap((x) => [Math.floor(x), Math.ceil(x)]))]
    .filter((r) => r > 0 && r < n - 1)
    .sort((x, y) => x - y);
  return { positions, ranks };
}

export function interpolate(positions: number[], at: (rank: number) => number): number[] {
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
