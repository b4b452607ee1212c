/**
 * Pure series helpers for the dashboards: downsampling (LTTB, evenly spaced picks) and TensorBoard's debiased EMA
 * smoothing. No DOM, no Node: used by the host (before data reaches a webview) and by the webview itself.
 */

/**
 * Indices of at most `max` evenly spaced items of a list of `length`, always including the first and the last.
 * Returns every index when `length <= max`. `max` below 2 is treated as 2 (1 when length is 1).
 */
export function evenIndices(length: number, max: number): number[] {
  if (length <= 0) return [];
  const m = Math.max(2, Math.floor(max));
  if (length <= m) return Array.from({ length }, (_, i) => i);
  const out: number[] = [];
  for (let k = 0; k < m; k++) out.push(Math.round((k * (length - 1)) / (m - 1)));
  return out;
}

/** At most `max` evenly spaced items of `items`, first and last kept (see {@link evenIndices}). */
export function thin<T>(items: readonly T[], max: number): T[] {
  return evenIndices(items.length, max).map((i) => items[i] as T);
}

/**
 * Indices of at most `max` items of a non-decreasing list of `keys` (e.g. steps) spread evenly over the key range:
 * for each of `max` evenly spaced targets from the first to the last key, the item nearest to it (first and last
 * always kept). Unlike {@link evenIndices} it stays even when the items are not (a sampled start, a dense live tail).
 */
export function evenByKey(keys: readonly number[], max: number): number[] {
  const n = keys.length;
  const m = Math.max(2, Math.floor(max));
  if (n <= m) return Array.from({ length: n }, (_, i) => i);
  const first = keys[0] as number;
  const last = keys[n - 1] as number;
  const out: number[] = [];
  let j = 0;
  for (let k = 0; k < m; k++) {
    const target = first + ((last - first) * k) / (m - 1);
    while (j + 1 < n && (keys[j + 1] as number) <= target) j++;
    const best = j + 1 < n && (keys[j + 1] as number) - target < target - (keys[j] as number) ? j + 1 : j;
    if (best > (out.at(-1) ?? -1)) out.push(best);
  }
  if (out.at(-1) !== n - 1) out.push(n - 1);
  return out;
}

/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013, "Downsampling Time Series for Visual
 * Representation", MSc thesis, University of Iceland, ch. 4): keeps the first and last points and, per bucket, the
 * point forming the largest triangle with the previous kept point and the next bucket's mean. Returns the kept
 * indices in increasing order. Non-finite y values are always kept (a NaN or Inf must stay visible) and do not
 * enter the triangle areas; `x` must be non-decreasing.
 */
export function lttbIndices(x: readonly number[], y: readonly number[], threshold: number): number[] {
  const n = Math.min(x.length, y.length);
  const m = Math.floor(threshold);
  if (m >= n || m < 3) return evenIndices(n, Math.max(m, 2));
  const out: number[] = [0];
  const every = (n - 2) / (m - 2);
  let a = 0;
  /** A non-finite point was kept: indices may repeat or come out of order (else one per bucket, increasing). */
  let unordered = false;
  for (let i = 0; i < m - 2; i++) {
    const start = Math.floor(i * every) + 1;
    const end = Math.min(Math.floor((i + 1) * every) + 1, n - 1);
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    let count = 0;
    for (let j = end; j < nextEnd; j++) {
      const yj = y[j] as number;
      if (!Number.isFinite(yj)) continue;
      avgX += x[j] as number;
      avgY += yj;
      count++;
    }
    if (count > 0) {
      avgX /= count;
      avgY /= count;
    } else {
      avgX = x[n - 1] as number;
      avgY = Number.isFinite(y[n - 1]) ? (y[n - 1] as number) : 0;
    }
    const ax = x[a] as number;
    const ay = Number.isFinite(y[a]) ? (y[a] as number) : avgY;
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const yj = y[j] as number;
      if (!Number.isFinite(yj)) {
        out.push(j);
        unordered = true;
        continue;
      }
      const area = Math.abs((ax - avgX) * (yj - ay) - (ax - (x[j] as number)) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    if (bestArea >= 0) out.push(best);
    a = best;
  }
  out.push(n - 1);
  return unordered ? [...new Set(out)].sort((p, q) => p - q) : out;
}

/**
 * Debiased exponential moving average, as TensorBoard's scalar smoothing: `last = last*s + (1-s)*y`, reported as
 * `last / (1 - s^t)` where t counts the finite values seen so far (the bias correction of Adam, Kingma & Ba 2015,
 * §3). `smoothing` is clamped to [0, 0.999]; 0 returns a copy. Non-finite values pass through unchanged and do not
 * update the average. A constant series is returned unchanged (TensorBoard skips it to avoid rounding noise).
 */
export function debiasedEma(values: readonly number[], smoothing: number): number[] {
  const s = Math.min(Math.max(smoothing, 0), 0.999);
  const n = values.length;
  // Plain loops (no filter/every/map closures): the first render of a reopened dashboard runs this cold for 300
  // series, and an interpreter pays for every call and allocation (docs/performance.md, "Reopen (session 8)").
  let first: number | undefined;
  let constant = true;
  for (let i = 0; i < n && constant; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    if (first === undefined) first = v;
    else if (v !== first) constant = false;
  }
  if (s === 0 || first === undefined || constant) return [...values];
  const out: number[] = [];
  let last = 0;
  let t = 0;
  // Once s^t is below half an ulp of 1, 1 - s^t is exactly 1 and dividing by it changes nothing: the power is
  // skipped from there on (after ~72 values at s = 0.6), bit for bit the same result.
  let debiased = false;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) {
      out.push(v);
      continue;
    }
    last = last * s + (1 - s) * v;
    if (debiased) {
      out.push(last);
      continue;
    }
    t++;
    const weight = 1 - s ** t;
    if (weight === 1) debiased = true;
    out.push(last / weight);
  }
  return out;
}

/** Picks `indices` from each of several parallel arrays (e.g. step/epoch/value of a curve). */
export function pick<K extends string>(
  columns: Record<K, readonly number[]>,
  indices: readonly number[],
): Record<K, number[]> {
  const out = {} as Record<K, number[]>;
  for (const key of Object.keys(columns) as K[]) out[key] = indices.map((i) => columns[key][i] as number);
  return out;
}
