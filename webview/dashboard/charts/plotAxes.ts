/**
 * The ranges and hover text of a plot card: the data range of each axis (fixed, or the data's extent widened to nice
 * values) and the tooltip drawn next to the hovered point.
 */
import { extent, formatTick, grownMax, logDomain, niceDomain } from '../../shared/plot/scale';
import type { AxisSpec, PlotLine } from '../../shared/plot/spec';
import type { Theme } from '../../shared/theme';
import { tickFont, tickFontSize } from './plotFrame';

/** The hovered point of a series, in canvas pixels. */
export interface Hit {
  line: PlotLine;
  index: number;
  x: number;
  y: number;
}

type Extent = [number, number] | undefined;

/** Each line's extents by axis and kind, kept per line object: a line object passed again holds the same data
 * (lineChart.ts keeps one per series object the tab keeps), so a push that changes 4 of 100 runs scans 4 lines. */
const lineExtents = new WeakMap<PlotLine, Map<string, Extent>>();

/** The extent of a line's xs or ys (positive values only on a log axis). */
function lineExtent(line: PlotLine, axis: 'xs' | 'ys', positive: boolean): Extent {
  let kept = lineExtents.get(line);
  if (!kept) lineExtents.set(line, (kept = new Map()));
  const key = `${axis}${positive}`;
  if (!kept.has(key)) kept.set(key, extent([line[axis]], positive));
  return kept.get(key);
}

/** The data extent of `lines` (and of the extra lists, e.g. areas) on one axis. */
export function dataExtent(
  lines: readonly PlotLine[],
  axis: 'xs' | 'ys',
  extra: ArrayLike<number>[],
  positive: boolean,
): Extent {
  let lo = Infinity;
  let hi = -Infinity;
  const parts = [...lines.map((l) => lineExtent(l, axis, positive)), extent(extra, positive)];
  for (const e of parts) {
    if (!e) continue;
    lo = Math.min(lo, e[0]);
    hi = Math.max(hi, e[1]);
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** The axis range: fixed min/max, else the data's extent `data` (widened to nice values where asked). */
export function fitDomain(spec: AxisSpec, data: Extent, niceByDefault: boolean): [number, number] {
  if (spec.min !== undefined && spec.max !== undefined) return [spec.min, spec.max];
  const e = data ?? (spec.log ? [1, 10] : [0, 1]);
  const lo = spec.min ?? e[0];
  const hi = spec.max ?? e[1];
  if (spec.log) return logDomain(lo, hi);
  if (spec.nice ?? niceByDefault) {
    const [a, b] = niceDomain(lo, hi, 6);
    return [spec.min ?? a, spec.max ?? b];
  }
  if (!(hi > lo)) return niceDomain(lo, hi, 6);
  return [lo, spec.grows && spec.max === undefined ? grownMax(lo, hi) : hi];
}

/** A tooltip box next to the hovered point, and a ring around it. */
export function drawTooltip(
  ctx: CanvasRenderingContext2D,
  width: number,
  height: number,
  t: Theme,
  lines: string[],
  hit: Hit,
): void {
  const fs = tickFontSize(t);
  ctx.save();
  ctx.font = tickFont(t);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const w = Math.max(...lines.map((l) => ctx.measureText(l).width)) + 12;
  const h = lines.length * (fs + 4) + 8;
  let bx = hit.x + 10;
  if (bx + w > width - 2) bx = hit.x - 10 - w;
  const by = Math.max(2, Math.min(height - h - 2, hit.y - h / 2));
  ctx.strokeStyle = hit.line.color;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.arc(hit.x, hit.y, 4, 0, 2 * Math.PI);
  ctx.stroke();
  ctx.globalAlpha = 0.92;
  ctx.fillStyle = t.background;
  ctx.fillRect(bx, by, w, h);
  ctx.globalAlpha = 1;
  ctx.strokeStyle = t.grid;
  ctx.lineWidth = 1;
  ctx.strokeRect(bx + 0.5, by + 0.5, w, h);
  ctx.fillStyle = t.foreground;
  lines.forEach((l, i) => ctx.fillText(l, bx + 6, by + 4 + (i + 0.5) * (fs + 4)));
  ctx.restore();
}

/** The default hover text: the series' label and the point's x, y. */
export function defaultDescribe(line: PlotLine, index: number): string[] {
  const x = line.xs[index] as number;
  const y = line.ys[index] as number;
  return [line.label, `${formatTick(x)}, ${Number.isFinite(y) ? y.toPrecision(4) : String(y)}`];
}
