/**
 * Pure scale maths of the dashboard's plots: data extents, "nice" domains (1-2-5 steps) and whole decades for the
 * axis ranges (ticks.ts picks the ticks inside them), value <-> pixel maps for the frame and the series painter, tick
 * label formatting. No DOM: unit-tested in Node.
 */

/** A numeric axis: its domain, kind and the pixel range it maps onto. */
export interface Axis {
  min: number;
  max: number;
  log: boolean;
  /** Pixel of `min` and of `max` (y axes run bottom -> top, so from > to). */
  from: number;
  to: number;
}

/** Finite [min, max] of the values (positive values only when `positive`), or undefined when there is none. */
export function extent(lists: Iterable<ArrayLike<number>>, positive = false): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const list of lists) {
    for (let i = 0; i < list.length; i++) {
      const v = list[i] as number;
      if (!Number.isFinite(v) || (positive && v <= 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** The 1-2-5 step (times a power of ten) giving at most about `count` intervals over `span`; >= 1 when `integer`. */
export function niceStep(span: number, count: number, integer = false): number {
  const raw = span / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
  return integer ? Math.max(1, Math.round(step)) : step;
}

/** Rounds away the binary noise of k * step (0.30000000000000004 -> 0.3). */
const clean = (v: number, step: number): number => {
  const digits = Math.max(0, Math.min(15, -Math.floor(Math.log10(step)) + 1));
  return Number(v.toFixed(digits));
};

/** [min, max] widened to the nearest multiples of the nice step (a flat range is widened by ±0.5 or ±10 %). */
export function niceDomain(min: number, max: number, count: number): [number, number] {
  if (!(max > min)) {
    const d = min === 0 || !Number.isFinite(min) ? 0.5 : Math.abs(min) * 0.1;
    const c = Number.isFinite(min) ? min : 0;
    return [c - d, c + d];
  }
  const step = niceStep(max - min, count);
  return [
    clean(Math.floor(min / step + 1e-9) * step, step),
    clean(Math.ceil(max / step - 1e-9) * step, step),
  ];
}

/**
 * The upper end of a range whose data grows at that end (live curves by step), rounded up to the next twentieth of
 * the span's power of ten: an appended point moves the range (and the card is laid out and rendered whole again)
 * only once the data passes that bound, i.e. about every 5 % of the span instead of at every push.
 */
export function grownMax(min: number, max: number): number {
  if (!(max > min) || !Number.isFinite(max - min)) return max;
  const unit = 10 ** Math.floor(Math.log10(max - min)) / 20;
  return clean(Math.ceil(max / unit - 1e-9) * unit, unit);
}

/** A log domain: [min, max] widened to whole decades (a flat range to the decade around it). */
export function logDomain(min: number, max: number): [number, number] {
  if (!(min > 0) || !Number.isFinite(min)) return [1, 10];
  const lo = 10 ** Math.floor(Math.log10(min) + 1e-9);
  const hiPower = Math.ceil(Math.log10(max) - 1e-9);
  const hi = 10 ** Math.max(hiPower, Math.log10(lo) + 1);
  return [lo, hi];
}

/** Pixel of `value` on `axis` (NaN for values a log axis cannot show). */
export function toPixel(axis: Axis, value: number): number {
  if (axis.log) {
    if (!(value > 0)) return NaN;
    const t = (Math.log10(value) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min));
    return axis.from + t * (axis.to - axis.from);
  }
  return axis.from + ((value - axis.min) / (axis.max - axis.min)) * (axis.to - axis.from);
}

/** Value at pixel `p` on `axis` (the inverse of {@link toPixel}). */
export function fromPixel(axis: Axis, p: number): number {
  const t = (p - axis.from) / (axis.to - axis.from);
  if (axis.log) return 10 ** (Math.log10(axis.min) + t * (Math.log10(axis.max) - Math.log10(axis.min)));
  return axis.min + t * (axis.max - axis.min);
}

/** A short tick label: plain up to 5 significant digits, exponent form for very small or large magnitudes. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(5)));
}
