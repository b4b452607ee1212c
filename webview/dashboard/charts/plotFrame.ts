/**
 * The frame of a plot card, drawn by our own code: the canvas sized to its CSS box at the device pixel ratio, the
 * layout of the axes (shared/plot/layout.ts, labels measured in the tick font) and the frame itself — grid, axis
 * border, tick marks and labels, axis titles (the y title rotated). The series are painted inside it afterwards
 * (plotPainter.ts). One ResizeObserver serves every card.
 */
import { lineHeight, plotLayout, TICK, TICK_GAP, type PlotLayout } from '../../shared/plot/layout';
import type { PlotSpec } from '../../shared/plot/spec';
import type { Theme } from '../../shared/theme';

/** A canvas's size in CSS pixels and the device pixels per CSS pixel its bitmap was made for. */
export interface CanvasSize {
  width: number;
  height: number;
  ratio: number;
}

/** The tick and title font: max(10, fontSize - 2) px in the theme's family. */
export const tickFontSize = (t: Theme): number => Math.max(10, t.fontSize - 2);
export const tickFont = (t: Theme): string => `${tickFontSize(t)}px ${t.fontFamily}`;

/** Sets the canvas bitmap to `size` (CSS px x ratio); true when it changed (which also clears it). */
export function fitCanvas(canvas: HTMLCanvasElement, size: CanvasSize): boolean {
  const w = Math.max(0, Math.round(size.width * size.ratio));
  const h = Math.max(0, Math.round(size.height * size.ratio));
  if (canvas.width === w && canvas.height === h) return false;
  canvas.width = w;
  canvas.height = h;
  return true;
}

/** Lays out `spec`'s axes over ranges `x` and `y` in a box of `width` x `height` CSS px, measuring with `ctx`. */
export function layoutPlot(
  ctx: CanvasRenderingContext2D,
  width: number,
  height: number,
  spec: PlotSpec,
  x: readonly [number, number],
  y: readonly [number, number],
  t: Theme,
): PlotLayout {
  ctx.font = tickFont(t);
  return plotLayout(width, height, spec.x, x, spec.y, y, tickFontSize(t), (s) => ctx.measureText(s).width);
}

/** A crisp 1-px line position (on the pixel's centre at ratio 1). */
const crisp = (v: number): number => Math.round(v) + 0.5;

/** Draws the frame of layout `l`: grid lines and tick marks, the axis borders, tick labels and axis titles. */
export function drawFrame(ctx: CanvasRenderingContext2D, l: PlotLayout, spec: PlotSpec, t: Theme): void {
  const f = l.frame;
  ctx.save();
  ctx.lineWidth = 1;
  ctx.strokeStyle = t.grid;
  ctx.beginPath();
  if (spec.x.grid !== false) {
    for (const tick of l.xTicks) {
      ctx.moveTo(crisp(tick.at), f.top);
      ctx.lineTo(crisp(tick.at), f.bottom + TICK);
    }
  }
  if (spec.y.grid !== false) {
    for (const tick of l.yTicks) {
      ctx.moveTo(f.left - TICK, crisp(tick.at));
      ctx.lineTo(f.right, crisp(tick.at));
    }
  }
  // The axis borders: left of the plot area and below it.
  ctx.moveTo(crisp(f.left), f.top);
  ctx.lineTo(crisp(f.left), f.bottom + 0.5);
  ctx.moveTo(f.left - 0.5, crisp(f.bottom));
  ctx.lineTo(f.right, crisp(f.bottom));
  ctx.stroke();
  ctx.font = tickFont(t);
  ctx.fillStyle = t.foreground;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const tick of l.yTicks) ctx.fillText(tick.label, f.left - TICK - TICK_GAP, tick.at);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const tick of l.xTicks) {
    // Kept inside the box (the first label of a narrow y axis, the last one of a tight right margin).
    const half = ctx.measureText(tick.label).width / 2;
    const at = Math.min(l.width - half, Math.max(half, tick.at));
    ctx.fillText(tick.label, at, f.bottom + TICK + TICK_GAP);
  }
  const line = lineHeight(l.font);
  if (spec.x.title !== '') {
    ctx.textBaseline = 'bottom';
    ctx.fillText(spec.x.title, (f.left + f.right) / 2, l.height - 1, l.width);
  }
  if (spec.y.title !== '') {
    ctx.translate(2 + line / 2, (f.top + f.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(spec.y.title, 0, 0, l.height);
  }
  ctx.restore();
}

type Resized = (width: number, height: number) => void;
const watched = new WeakMap<Element, Resized>();
let observer: ResizeObserver | undefined;

/** Calls `resized` with the element's CSS content size whenever it changes (and once when first laid out). */
export function observeSize(element: Element, resized: Resized): void {
  observer ??= new ResizeObserver((entries) => {
    for (const e of entries) watched.get(e.target)?.(e.contentRect.width, e.contentRect.height);
  });
  watched.set(element, resized);
  observer.observe(element);
}

export function unobserveSize(element: Element): void {
  watched.delete(element);
  observer?.unobserve(element);
}
