/** A plot card's series painting: a plot spec's areas, lines and markers inside the plot frame (plotFrame.ts). */
import { drawArea, drawLine } from '../../shared/plot/series';
import type { Frame, PlotLine, PlotSpec } from '../../shared/plot/spec';
import { runFocus } from '../runFocus';

/**
 * Paints areas, then lines and markers (clipped to the plot area widened by the largest marker); the hovered run's
 * lines on top, a little wider, the others faded. `shows` says which lines are drawn.
 */
export function paintSeries(
  ctx: CanvasRenderingContext2D,
  spec: PlotSpec,
  f: Frame,
  shows: (line: PlotLine) => boolean,
): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(f.left, f.top, f.right - f.left, f.bottom - f.top);
  ctx.clip();
  spec.under?.(ctx, f);
  for (const a of spec.areas ?? []) drawArea(ctx, a, f);
  ctx.restore();
  paintLines(ctx, spec, f, shows);
}

/** Whether the hovered run has lines in `spec` (then they are drawn on top and the others faded). */
export const lit = (spec: PlotSpec): boolean => {
  const hot = runFocus.highlight;
  return hot !== undefined && spec.lines.some((l) => l.run === hot);
};

/** The lines and markers `shows` lets through, in spec order (see paintSeries). */
export function paintLines(
  ctx: CanvasRenderingContext2D,
  spec: PlotSpec,
  f: Frame,
  shows: (line: PlotLine) => boolean,
): void {
  // Widened by the largest marker, so markers on the plot's edges are drawn whole.
  let pad = 0;
  for (const l of spec.lines) pad = Math.max(pad, l.radius ?? 0);
  ctx.save();
  ctx.beginPath();
  ctx.rect(f.left - pad, f.top - pad, f.right - f.left + 2 * pad, f.bottom - f.top + 2 * pad);
  ctx.clip();
  const hot = runFocus.highlight;
  const on = lit(spec);
  for (const line of spec.lines) {
    if (!shows(line)) continue;
    if (on && line.run !== undefined && line.run !== hot) {
      ctx.globalAlpha = 0.18;
      drawLine(ctx, line, f);
      ctx.globalAlpha = 1;
    } else if (!on || line.run !== hot) {
      drawLine(ctx, line, f);
    }
  }
  // The hovered run on top of all others, a little wider.
  if (on) {
    for (const line of spec.lines) {
      if (line.run === hot && shows(line)) {
        drawLine(ctx, { ...line, width: (line.width ?? 1.5) + 1.5 }, f);
      }
    }
  }
  ctx.restore();
}
