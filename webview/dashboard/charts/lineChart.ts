/**
 * Line chart over a numeric x axis (curves, statistics vs depth, gradient norm vs depth), with optional log y and
 * shaded reference bands / lines (the target band of a self-normalising layer). Drawn by our canvas plotter.
 */
import type { Frame, PlotArea, PlotLine } from '../../shared/plot/spec';
import { toPixel } from '../../shared/plot/scale';
import type { Theme } from '../../shared/theme';
import { withAlpha } from '../../shared/theme';
import type { CardOptions } from './card';
import { PlotCard } from './plotCard';

export interface LineSeries {
  label: string;
  color: string;
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  dashed?: boolean;
  /** Dash pattern in px (the run's second channel); overrides `dashed`. */
  dash?: readonly number[];
  /** The run the series belongs to (legend hide/isolate/highlight). */
  run?: string;
  /** False: markers only (a run's last value). */
  line?: boolean;
  marker?: PlotLine['marker'];
  /** Line opacity (raw curves behind smoothed ones are faint). */
  alpha?: number;
  width?: number;
  /** Point radius (0 = no markers). */
  radius?: number;
  /** Hidden from the legend (raw twins of smoothed curves). */
  quiet?: boolean;
}

/** Horizontal reference bands [from, to] and lines, in y units. */
export interface Reference {
  bands?: { from: number; to: number; label?: string }[];
  lines?: number[];
}

/** Paints reference bands and dashed lines into the plot area. */
export function paintReference(ctx: CanvasRenderingContext2D, f: Frame, ref: Reference, color: string): void {
  for (const band of ref.bands ?? []) {
    const top = Math.max(f.top, toPixel(f.y, band.to));
    const bottom = Math.min(f.bottom, toPixel(f.y, band.from));
    if (!(bottom > top)) continue;
    ctx.fillStyle = withAlpha(color, 0.13);
    ctx.fillRect(f.left, top, f.right - f.left, bottom - top);
  }
  ctx.strokeStyle = withAlpha(color, 0.8);
  ctx.lineWidth = 1;
  ctx.setLineDash([4, 4]);
  ctx.beginPath();
  for (const value of ref.lines ?? []) {
    const py = toPixel(f.y, value);
    if (!(py >= f.top && py <= f.bottom)) continue;
    ctx.moveTo(f.left, py);
    ctx.lineTo(f.right, py);
  }
  ctx.stroke();
  ctx.setLineDash([]);
}

export interface LineOptions {
  xTitle: string;
  yTitle: string;
  logY?: boolean;
  /** Integer ticks on x (layer indices). */
  integerX?: boolean;
  /** x grows while the chart is live (steps, epochs): its upper end is rounded up so a push rarely moves it. */
  growingX?: boolean;
  reference?: Reference;
  /** Show the legend (default true). */
  legend?: boolean;
  /** Filled bands under the lines (group ± std in the aggregate views). */
  areas?: readonly PlotArea[];
}

/** A series as the plot card draws it. */
function plotLine(s: LineSeries): PlotLine {
  return {
    label: s.label,
    color: withAlpha(s.color, s.alpha ?? 1),
    xs: s.xs,
    ys: s.ys,
    width: s.width ?? 1.5,
    ...(s.dash && s.dash.length > 0 ? { dash: [...s.dash] } : s.dashed ? { dash: [6, 4] } : {}),
    radius: s.radius ?? 0,
    quiet: s.quiet ?? false,
    ...(s.run !== undefined ? { run: s.run } : {}),
    ...(s.line === false ? { line: false } : {}),
    ...(s.marker ? { marker: s.marker } : {}),
  };
}

export class LineChart {
  readonly card: PlotCard;
  private readonly theme: Theme;

  constructor(o: CardOptions) {
    this.theme = o.theme;
    this.card = new PlotCard(o);
  }

  /**
   * The plot line made of each series object, kept while the caller keeps the object (an unchanged run): the plot
   * card then knows the line is unchanged (its extents and pixels are reused), so a series object passed again must
   * hold the same data (the tabs make new objects and arrays for new data).
   */
  private made = new WeakMap<LineSeries, PlotLine>();

  /** Shows `series` (one paint; a series object passed again gives the same plot line: see seriesLayer.ts). */
  set(series: readonly LineSeries[], o: LineOptions): void {
    const lines = series.map((s) => {
      let line = this.made.get(s);
      if (!line) {
        line = plotLine(s);
        this.made.set(s, line);
      }
      return line;
    });
    const ref = o.reference;
    const color = this.theme.reference;
    this.card.draw({
      x: { title: o.xTitle, integer: o.integerX ?? false, ...(o.growingX ? { grows: true } : {}) },
      y: { title: o.yTitle, log: o.logY ?? false },
      lines,
      legend: o.legend ?? true,
      ...(o.areas ? { areas: o.areas } : {}),
      ...(ref
        ? { under: (ctx: CanvasRenderingContext2D, f: Frame) => paintReference(ctx, f, ref, color) }
        : {}),
    });
  }
}
