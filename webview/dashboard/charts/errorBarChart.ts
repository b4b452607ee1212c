/**
 * Group means with error bars against a numeric or categorical x (the Study tab's metric-vs-key plot): one line
 * with markers per series, a vertical bar from `lower` to `upper` with caps at every point, painted by our canvas
 * plotter inside a plot card. Categorical x puts the values at 0, 1, 2, ... and shifts the series apart
 * slightly so their bars do not cover each other. The y range covers the bars.
 */
import type { Frame, PlotLine } from '../../shared/plot/spec';
import { extent, logDomain, niceDomain, toPixel } from '../../shared/plot/scale';
import type { Theme } from '../../shared/theme';
import { withAlpha } from '../../shared/theme';
import type { CardOptions } from './card';
import { paintReference } from './lineChart';
import { PlotCard } from './plotCard';

export interface ErrorBarSeries {
  label: string;
  color: string;
  dash?: number[];
  xs: number[];
  ys: number[];
  lower: number[];
  upper: number[];
  /** Tooltip lines of point i. */
  describe: (i: number) => string[];
  /** False: markers only (points that are not a curve, e.g. one per fold). */
  line?: boolean;
}

export interface ErrorBarOptions {
  xTitle: string;
  yTitle: string;
  logX?: boolean;
  /** Categorical x: the label of each position 0, 1, 2, ... */
  categories?: string[];
  /** Dashed horizontal reference lines (e.g. y = 0 under paired differences). */
  reference?: number[];
}

/** A painted point and its bar, in canvas CSS pixels (read by the tests through the Study tab's probe). */
export interface PaintedBar {
  label: string;
  color: string;
  x: number;
  y: number;
  /** Bar ends (NaN when the point has no bar). */
  top: number;
  bottom: number;
}

/** Shift between neighbouring series on a numeric axis, as a share of the x range (about 5 px at 400 px). */
const NUMERIC_DODGE = 0.012;

/** Horizontal shift of series k of n on a categorical axis (in category units). */
export const dodge = (k: number, n: number): number => (n > 1 ? (k - (n - 1) / 2) * (0.3 / n) : 0);

export class ErrorBarChart {
  readonly card: PlotCard;
  private series: readonly ErrorBarSeries[] = [];
  private shifted: number[][] = [];
  /** What the last paint drew, per point. */
  painted: PaintedBar[] = [];

  private readonly theme: Theme;

  constructor(o: CardOptions) {
    this.theme = o.theme;
    this.card = new PlotCard(o, (line, index) => {
      const s = this.series.find((x) => x.label === line.label);
      return s ? s.describe(index) : [line.label];
    });
  }

  set(series: readonly ErrorBarSeries[], o: ErrorBarOptions): void {
    this.series = series;
    const categories = o.categories;
    const n = series.length;
    // Series share x values (every arm at every depth): each is shifted a little so its bars stay visible.
    const raw = extent(
      series.map((s) => s.xs),
      o.logX,
    ) ?? [0, 1];
    const decades = Math.log10(raw[1] / raw[0]) || 1;
    const span = raw[1] - raw[0] || 1;
    this.shifted = series.map((s, k) => {
      const off = n > 1 ? k - (n - 1) / 2 : 0;
      if (categories) return s.xs.map((x) => x + dodge(k, n));
      if (o.logX) return s.xs.map((x) => x * 10 ** (decades * NUMERIC_DODGE * off));
      return s.xs.map((x) => x + span * NUMERIC_DODGE * off);
    });
    const lines: PlotLine[] = series.map((s, k) => ({
      label: s.label,
      color: s.color,
      xs: this.shifted[k] as number[],
      ys: s.ys,
      width: 1.5,
      radius: 3.5,
      ...(s.dash && s.dash.length > 0 ? { dash: s.dash } : {}),
      ...(s.line === false ? { line: false } : {}),
    }));
    const reference = o.reference ?? [];
    const ys = extent([...series.flatMap((s) => [s.ys, s.lower, s.upper]), reference]) ?? [0, 1];
    // A little room above and below, so points and caps on the extremes are not drawn on the frame.
    const room = (ys[1] - ys[0]) * 0.04;
    const [yMin, yMax] = niceDomain(ys[0] - room, ys[1] + room, 6);
    const pad = raw[1] > raw[0] ? span * (0.05 + (NUMERIC_DODGE * (n - 1)) / 2) : 0.5;
    const [xMin, xMax] = categories
      ? [-0.5, Math.max(0.5, categories.length - 0.5)]
      : o.logX
        ? logDomain(raw[0], raw[1])
        : [raw[0] - pad, raw[1] + pad];
    this.card.draw({
      x: {
        title: o.xTitle,
        min: xMin,
        max: xMax,
        log: !categories && (o.logX ?? false),
        ...(categories ? { integer: true, format: (v: number) => categories[Math.round(v)] ?? '' } : {}),
      },
      y: { title: o.yTitle, min: yMin, max: yMax },
      lines,
      legend: series.length > 1,
      under: (ctx, f) => {
        if (reference.length > 0) paintReference(ctx, f, { lines: reference }, this.theme.muted);
        this.paintBars(ctx, f);
      },
    });
  }

  destroy(): void {
    this.card.destroy();
  }

  /**
   * Vertical bars with 4 px caps in each series' colour (under the markers): every series' bars first, then every
   * series' caps, so a cap stays visible over the bar of a neighbouring series dodged only a few pixels away.
   */
  private paintBars(ctx: CanvasRenderingContext2D, f: Frame): void {
    const painted: PaintedBar[] = [];
    this.series.forEach((s, k) => {
      (this.shifted[k] ?? []).forEach((xv, i) => {
        // On whole pixels, so the 2 px bar covers two pixel columns fully.
        const x = Math.round(toPixel(f.x, xv));
        const y = toPixel(f.y, s.ys[i] as number);
        const top = toPixel(f.y, s.upper[i] as number);
        const bottom = toPixel(f.y, s.lower[i] as number);
        painted.push({ label: s.label, color: s.color, x, y, top, bottom });
      });
    });
    const drawn = painted.filter((b) => [b.x, b.top, b.bottom].every(Number.isFinite));
    ctx.save();
    ctx.lineWidth = 2;
    for (const caps of [false, true]) {
      for (const s of this.series) {
        ctx.strokeStyle = withAlpha(s.color, 0.9);
        ctx.beginPath();
        for (const b of drawn) {
          if (b.label !== s.label) continue;
          if (!caps) {
            ctx.moveTo(b.x, b.top);
            ctx.lineTo(b.x, b.bottom);
          } else {
            for (const end of [b.top, b.bottom]) {
              ctx.moveTo(b.x - 4, end);
              ctx.lineTo(b.x + 4, end);
            }
          }
        }
        ctx.stroke();
      }
    }
    ctx.restore();
    this.painted = painted;
  }
}
