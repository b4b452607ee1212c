/**
 * Column-wise wire form of per-layer statistics for the webviews: one array per field across layers instead of one
 * object per layer (the keys were most of the bytes), numbers rounded to 6 significant digits. Pure; the host
 * encodes, the webview decodes. JSON turns NaN into null; decoding turns null back into NaN.
 */
import type { FrameColumns, LayerFrame, LayerPoint, Moments } from './webview';

/** Exact powers of ten 10^0 … 10^22 (every one is a double without rounding). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * 6 significant digits: far below what a chart or a CSV reader can use, a third of float64's 17 in JSON. Scaling by
 * an exact power of ten, rounding and scaling back (IEEE division is correctly rounded, so the result prints with
 * at most 6 digits) is ~3x faster than `Number(x.toPrecision(6))`, which equals it except at exact decimal ties.
 */
export function round6(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const k = 5 - Math.floor(Math.log10(Math.abs(x)));
  if (k >= 0 && k <= 22) return Math.round(x * (POW10[k] as number)) / (POW10[k] as number);
  if (k < 0 && k >= -22) return Math.round(x / (POW10[-k] as number)) * (POW10[-k] as number);
  return Number(x.toPrecision(6));
}

const col = <T>(items: readonly T[], get: (item: T) => number): number[] =>
  items.map((item) => round6(get(item)));

function momentColumns(ms: readonly Moments[]): FrameColumns['pre'] {
  return {
    mean: col(ms, (m) => m.mean),
    variance: col(ms, (m) => m.variance),
    min: col(ms, (m) => m.min),
    max: col(ms, (m) => m.max),
    percentiles: ms.map((m) => m.percentiles.map(round6)),
  };
}

/** Moments of a layer without the series: NaN moments (written "NaN") and no percentiles. */
const ABSENT: Moments = { mean: NaN, variance: NaN, min: NaN, max: NaN, percentiles: [] };

/** Encodes all layers of one step column-wise. */
export function encodeFrame(frame: LayerFrame): FrameColumns {
  const l = frame.layers;
  const linear = l.some((p) => p.linear !== undefined)
    ? { linear: momentColumns(l.map((p) => p.linear ?? ABSENT)) }
    : {};
  return {
    step: frame.step,
    epoch: frame.epoch,
    units: l.map((p) => p.units),
    pre: momentColumns(l.map((p) => p.pre)),
    post: momentColumns(l.map((p) => p.post)),
    ...linear,
    saturated: col(l, (p) => p.saturated),
    dead: col(l, (p) => p.dead),
    gradNorm: col(l, (p) => p.gradNorm),
    updateRatio: col(l, (p) => p.updateRatio),
    weights: {
      mean: col(l, (p) => p.weights.mean),
      variance: col(l, (p) => p.weights.variance),
      omegaMean: col(l, (p) => p.weights.omegaMean),
      omegaStd: col(l, (p) => p.weights.omegaStd),
      tauMean: col(l, (p) => p.weights.tauMean),
      tauStd: col(l, (p) => p.weights.tauStd),
    },
  };
}

/** A JSON number that may have been NaN/Infinity (sent as null) back to a number. */
const num = (v: number | null | undefined): number => (typeof v === 'number' ? v : Number.NaN);

function moments(c: FrameColumns['pre'], i: number): Moments {
  return {
    mean: num(c.mean[i]),
    variance: num(c.variance[i]),
    min: num(c.min[i]),
    max: num(c.max[i]),
    percentiles: (c.percentiles[i] ?? []).map(num),
  };
}

/** Decodes column-wise statistics back into one LayerPoint per hidden layer. */
export function decodeFrame(c: FrameColumns): LayerFrame {
  const layers: LayerPoint[] = c.units.map((units, i) => ({
    layer: i,
    units,
    pre: moments(c.pre, i),
    post: moments(c.post, i),
    ...(c.linear && (c.linear.percentiles[i]?.length ?? 0) > 0 ? { linear: moments(c.linear, i) } : {}),
    saturated: num(c.saturated[i]),
    dead: num(c.dead[i]),
    gradNorm: num(c.gradNorm[i]),
    updateRatio: num(c.updateRatio[i]),
    weights: {
      mean: num(c.weights.mean[i]),
      variance: num(c.weights.variance[i]),
      omegaMean: num(c.weights.omegaMean[i]),
      omegaStd: num(c.weights.omegaStd[i]),
      tauMean: num(c.weights.tauMean[i]),
      tauStd: num(c.weights.tauStd[i]),
    },
  }));
  return { step: c.step, epoch: c.epoch, layers };
}
