/**
 * Paints a plot (axes with ticks and titles, grid, legend, filled areas, lines, markers) onto a 2D canvas context
 * in one pass. The dashboard's heavy charts use it instead of chart.js, whose per-element option resolution and
 * layout cost more than the 16 ms frame budget at 16 runs (docs/performance.md, "Dashboard").
 */
import { drawArea, drawLine } from './series';
import type { AxisSpec, Frame, LegendBox, Painted, PlotSpec, PlotStyle } from './spec';
import { extent, formatTick, linearTicks, logDomain, logTicks, niceDomain, toPixel } from './scale';

export type { AxisSpec, Frame, Painted, PlotArea, PlotLine, PlotSpec, PlotStyle } from './spec';
export { nearestPoint } from './series';

function domain(
  spec: AxisSpec,
  lists: ArrayLike<number>[],
  ticks: number,
  niceByDefault: boolean,
): [number, number] {
  if (spec.min !== undefined && spec.max !== undefined) return [spec.min, spec.max];
  const e = extent(lists, spec.log) ?? (spec.log ? [1, 10] : [0, 1]);
  const lo = spec.min ?? e[0];
  const hi = spec.max ?? e[1];
  if (spec.log) return logDomain(lo, hi);
  if (spec.nice ?? niceByDefault) {
    const [a, b] = niceDomain(lo, hi, ticks);
    return [spec.min ?? a, spec.max ?? b];
  }
  return hi > lo ? [lo, hi] : niceDomain(lo, hi, ticks);
}

/** The axis ticks; a linear axis whose nice step leaves fewer than 3 ticks inside the domain gets a finer step. */
function axisTicks(spec: AxisSpec, min: number, max: number, count: number): number[] {
  if (spec.log) return logTicks(min, max, count);
  let ticks = linearTicks(min, max, count, spec.integer);
  for (let k = 2; ticks.length < 3 && k <= 8; k *= 2) ticks = linearTicks(min, max, count * k, spec.integer);
  return ticks;
}

/** Legend entries laid out in rows from the top left; returns the boxes and the height used. */
function layoutLegend(
  ctx: CanvasRenderingContext2D,
  labels: string[],
  width: number,
  lineH: number,
): LegendBox[] {
  const boxes: LegendBox[] = [];
  let x = 8;
  let y = 4;
  for (const label of labels) {
    const w = 16 + ctx.measureText(label).width + 12;
    if (x + w > width - 4 && x > 8) {
      x = 8;
      y += lineH;
    }
    boxes.push({ label, x, y, w, h: lineH });
    x += w;
  }
  return boxes;
}

/** Paints `spec` over the whole `width` x `height` (CSS px) of `ctx`, skipping lines labelled in `hidden`. */
export function paintPlot(
  ctx: CanvasRenderingContext2D,
  width: number,
  height: number,
  spec: PlotSpec,
  style: PlotStyle,
  hidden: ReadonlySet<string> = new Set(),
): Painted {
  const fs = style.fontSize;
  const lineH = fs + 5;
  ctx.fillStyle = style.background;
  ctx.fillRect(0, 0, width, height);
  ctx.font = `${fs}px ${style.fontFamily}`;
  ctx.textBaseline = 'middle';
  const labels = spec.legend
    ? [...new Set(spec.lines.filter((l) => !l.quiet && !l.noLegend).map((l) => l.label))]
    : [];
  const legend = labels.length > 0 ? layoutLegend(ctx, labels, width, lineH) : [];
  const top = (legend.length > 0 ? (legend.at(-1) as LegendBox).y + lineH + 4 : 0) + fs / 2 + 4;
  const bottom = height - 2 * lineH - 4;
  const ys: ArrayLike<number>[] = spec.lines.map((l) => l.ys);
  for (const a of spec.areas ?? []) ys.push(a.lower, a.upper);
  const yCount = Math.max(2, Math.floor((bottom - top) / 36));
  const [y0, y1] = domain(spec.y, ys, yCount, true);
  const yTicks = axisTicks(spec.y, y0, y1, yCount);
  const fmtY = spec.y.format ?? formatTick;
  const yLabels = yTicks.map(fmtY);
  let labelW = 0;
  for (const s of yLabels) labelW = Math.max(labelW, ctx.measureText(s).width);
  const left = lineH + labelW + 10;
  const right = width - 12;
  const xs: ArrayLike<number>[] = spec.lines.map((l) => l.xs);
  for (const a of spec.areas ?? []) xs.push(a.xs);
  const xCount = Math.max(2, Math.floor((right - left) / 80));
  const [x0, x1] = domain(spec.x, xs, xCount, false);
  const frame: Frame = {
    x: { min: x0, max: x1, log: spec.x.log ?? false, from: left, to: right },
    y: { min: y0, max: y1, log: spec.y.log ?? false, from: bottom, to: top },
    left,
    top,
    right,
    bottom,
  };
  const xTicks = axisTicks(spec.x, x0, x1, xCount);
  const fmtX = spec.x.format ?? formatTick;

  // Grid, axes and tick labels.
  ctx.strokeStyle = style.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const t of spec.y.grid === false ? [] : yTicks) {
    const p = Math.round(toPixel(frame.y, t)) + 0.5;
    ctx.moveTo(left, p);
    ctx.lineTo(right, p);
  }
  for (const t of spec.x.grid === false ? [] : xTicks) {
    const p = Math.round(toPixel(frame.x, t)) + 0.5;
    ctx.moveTo(p, top);
    ctx.lineTo(p, bottom);
  }
  ctx.moveTo(left + 0.5, top);
  ctx.lineTo(left + 0.5, bottom + 0.5);
  ctx.lineTo(right, bottom + 0.5);
  ctx.stroke();
  ctx.fillStyle = style.foreground;
  ctx.textAlign = 'right';
  yTicks.forEach((t, i) => ctx.fillText(yLabels[i] as string, left - 5, toPixel(frame.y, t)));
  ctx.textAlign = 'center';
  for (const t of xTicks) ctx.fillText(fmtX(t), toPixel(frame.x, t), bottom + lineH / 2 + 3);
  ctx.fillText(spec.x.title, (left + right) / 2, height - lineH / 2 - 2);
  ctx.save();
  ctx.translate(lineH / 2 + 1, (top + bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(spec.y.title, 0, 0);
  ctx.restore();

  // Legend.
  ctx.textAlign = 'left';
  const colorOf = new Map(spec.lines.map((l) => [l.label, l.color]));
  for (const box of legend) {
    const off = hidden.has(box.label);
    ctx.fillStyle = colorOf.get(box.label) ?? style.foreground;
    ctx.fillRect(box.x, box.y + box.h / 2 - 5, 12, 10);
    ctx.fillStyle = style.foreground;
    ctx.globalAlpha = off ? 0.45 : 1;
    ctx.fillText(box.label, box.x + 16, box.y + box.h / 2);
    if (off) ctx.fillRect(box.x + 16, box.y + box.h / 2, ctx.measureText(box.label).width, 1);
    ctx.globalAlpha = 1;
  }

  // Data, clipped to the plot area (widened by the largest marker, so markers on the edges stay whole).
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, right - left, bottom - top);
  ctx.clip();
  spec.under?.(ctx, frame);
  const pad = Math.max(0, ...spec.lines.map((l) => l.radius ?? 0));
  if (pad > 0) {
    ctx.restore();
    ctx.save();
    ctx.beginPath();
    ctx.rect(left - pad, top - pad, right - left + 2 * pad, bottom - top + 2 * pad);
    ctx.clip();
  }
  for (const a of spec.areas ?? []) drawArea(ctx, a, frame);
  for (const line of spec.lines) if (!hidden.has(line.label)) drawLine(ctx, line, frame);
  ctx.restore();
  return { frame, legend };
}
