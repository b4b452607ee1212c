/**
 * Tick values of the plot frame's axes and the skipping of labels that would overlap: nice 1-2-5 steps inside a
 * linear range (whole numbers only on integer axes), decades on a log axis (with 2 and 5 between them when the axis
 * spans few decades), and which of a row of measured labels to keep. No DOM: unit-tested in Node.
 */
import { niceStep } from './scale';

/** Rounds away the binary noise of k * step (0.30000000000000004 -> 0.3). */
function clean(v: number, step: number): number {
  const digits = Math.max(0, Math.min(15, -Math.floor(Math.log10(step)) + 1));
  const r = Number(v.toFixed(digits));
  return r === 0 ? 0 : r;
}

/**
 * The multiples of a nice step for about `count` intervals that lie inside [min, max]: the range's own ends are
 * ticks only when they are such multiples (−0.5 and 7.5 around heatmap cells are not labelled).
 */
export function linearTicks(min: number, max: number, count: number, integer = false): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(max > min)) {
    return Number.isFinite(min) && (!integer || Number.isInteger(min)) ? [min] : [];
  }
  const step = niceStep(max - min, count, integer);
  const slack = step * 1e-9;
  const first = Math.ceil((min - slack) / step);
  const last = Math.floor((max + slack) / step);
  const ticks: number[] = [];
  for (let k = first; k <= last && ticks.length < 1000; k++) ticks.push(clean(k * step, step));
  return integer ? ticks.filter((v) => Number.isInteger(v)) : ticks;
}

/** How many decades an axis may span and still get ticks at 2 and 5 times each power of ten. */
const FEW_DECADES = 3;

/** Ticks of a log axis over [min, max] (min > 0): the powers of ten inside, plus 2x and 5x over few decades. */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max > min) || !Number.isFinite(max)) return [];
  const lo = Math.floor(Math.log10(min) + 1e-9);
  const hi = Math.ceil(Math.log10(max) - 1e-9);
  const inside = (v: number): boolean => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9);
  const pick = (multiples: readonly number[]): number[] => {
    const out: number[] = [];
    for (let p = lo; p <= hi; p++) {
      for (const m of multiples) {
        const v = Number((m * 10 ** p).toPrecision(12));
        if (inside(v)) out.push(v);
      }
    }
    return out;
  };
  const decades = pick([1]);
  if (hi - lo > FEW_DECADES && decades.length >= 2) return decades;
  const some = pick([1, 2, 5]);
  // Less than a decade with no 1-2-5 value inside (a fixed range such as [3, 4.5]): every whole multiple.
  return some.length >= 2 ? some : pick([1, 2, 3, 4, 5, 6, 7, 8, 9]);
}

/**
 * Which labels to keep so that no two kept ones overlap: the smallest stride k such that every k-th label, from the
 * first, keeps `gap` px between neighbours. `centers` are the labels' centres along the axis (px, either
 * direction) and `sizes` their extents along it (text widths on an x axis, the line height on a y axis).
 */
export function keepApart(centers: readonly number[], sizes: readonly number[], gap: number): number[] {
  const n = centers.length;
  for (let stride = 1; stride <= n; stride++) {
    const kept: number[] = [];
    for (let i = 0; i < n; i += stride) kept.push(i);
    if (kept.every((i, j) => j === 0 || apart(kept[j - 1] as number, i))) return kept;
  }
  return n > 0 ? [0] : [];

  function apart(a: number, b: number): boolean {
    const room = Math.abs((centers[b] as number) - (centers[a] as number));
    return room >= ((sizes[a] as number) + (sizes[b] as number)) / 2 + gap;
  }
}
